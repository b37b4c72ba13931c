package org.fos.codec.embed;

import org.fos.codec.impl.BinaryPayloadCodec;
import org.fos.kernel.spi.PayloadCodec;

/**
 * Makes the payload codec of a node for a kernel outside OSGi (docs/embedding.md): the binary
 * format with an allow-list of types (ADR 0096), the same codec a node's codec component runs, so
 * that an embedded node and the nodes of a cluster read each other's payloads. Give the same
 * instance to the kernel, its transports and libfos: libfos puts the types its protocols carry on
 * its allow-list.
 */
public final class PayloadCodecs {

    private PayloadCodecs() {
    }

    /**
     * Makes a codec.
     *
     * @return a new codec with an allow-list of its own; thread-safe
     */
    public static PayloadCodec create() {
        return new BinaryPayloadCodec();
    }
}
