package org.fos.codec.embed;

import org.fos.kernel.spi.PayloadCodec;

/**
 * The name this factory had while the codec wrote Jackson Smile (ADR 0007).
 *
 * @deprecated use {@link PayloadCodecs#create()}: the codec writes its binary format now (ADR 0096)
 *             and reads Smile too
 */
@Deprecated(since = "1.1.0")
public final class SmileCodec {

    private SmileCodec() {
    }

    /**
     * Makes a codec.
     *
     * @return {@link PayloadCodecs#create()}
     */
    public static PayloadCodec create() {
        return PayloadCodecs.create();
    }
}
