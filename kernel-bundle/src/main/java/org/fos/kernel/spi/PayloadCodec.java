package org.fos.kernel.spi;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Encodes message payloads for the wire. One codec service is used by the kernel: for messages that
 * leave the node (through the transports) and, when the kernel runs with
 * {@code encodeAllMessages}, for every message, so that tests prove every payload crosses the wire.
 *
 * <p>A codec only instantiates classes that are on its allow-list: the bytes never decide which
 * class is loaded. Implementations must be thread-safe.
 */
@ConsumerType
public interface PayloadCodec {

    /**
     * Encodes a payload.
     *
     * @param payload the payload, may be null
     * @return the bytes
     * @throws IllegalArgumentException if the payload, or a value inside it, has a type the codec
     *         does not allow; the message names the type
     */
    byte[] encode(Object payload);

    /**
     * Decodes bytes written by {@link #encode}, possibly by another version of the same codec.
     *
     * @param bytes the bytes
     * @return the payload, may be null
     * @throws IllegalArgumentException if the bytes are malformed or name a type that is not allowed
     */
    Object decode(byte[] bytes);
}
