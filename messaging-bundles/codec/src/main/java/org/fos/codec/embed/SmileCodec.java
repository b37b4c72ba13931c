package org.fos.codec.embed;

import org.fos.codec.impl.SmilePayloadCodec;
import org.fos.kernel.spi.PayloadCodec;

/**
 * Makes the payload codec of a node (ADR 0007, docs/wire.md) for a kernel outside OSGi: Jackson
 * Smile with an allow-list of types, the same codec a node's codec component runs, so that an
 * embedded node and the nodes of a cluster read each other's payloads. Give the same instance to
 * the kernel, its transports and libfos: libfos puts the types its protocols carry on its
 * allow-list.
 */
public final class SmileCodec {

    private SmileCodec() {
    }

    /**
     * Makes a codec.
     *
     * @return a new codec with an allow-list of its own; thread-safe
     */
    public static PayloadCodec create() {
        return new SmilePayloadCodec();
    }
}
