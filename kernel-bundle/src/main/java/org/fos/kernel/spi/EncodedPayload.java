package org.fos.kernel.spi;

import java.util.Objects;

/**
 * The payload of a message to another node, already encoded by the kernel with the
 * {@link PayloadCodec}: the kernel encodes a payload when it is sent, so that a payload the codec
 * refuses, or one too big for the wire, is refused to its sender with {@code CODEC_ERROR} instead
 * of stopping the link later. A transport writes {@link #bytes()} as they are; the receiving
 * transport decodes them as any payload.
 *
 * @param bytes the encoded payload; not copied, and never changed once made
 */
public record EncodedPayload(byte[] bytes) {

    /**
     * Wraps encoded bytes.
     *
     * @param bytes the encoded payload
     */
    public EncodedPayload {
        Objects.requireNonNull(bytes, "bytes");
    }

    @Override
    public String toString() {
        return "EncodedPayload[" + bytes.length + " bytes]";
    }
}
