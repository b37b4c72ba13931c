package org.fos.benchmarks;

import java.util.Map;

import org.fos.codec.embed.PayloadCodecs;
import org.fos.kernel.spi.PayloadCodec;

/**
 * The codec fos ships (bundle {@code org.fos.codec}): its binary format (ADR 0096) with fos's
 * allow-list, type names, map and collection handling. The types are allowed under their class names (the
 * wire names of the map are not used). Thread-safe.
 */
final class FosCodecCandidate implements Candidate {

    private final PayloadCodec codec = PayloadCodecs.create();

    /**
     * Creates the candidate.
     *
     * @param allowed the types to allow
     */
    FosCodecCandidate(Map<String, Class<?>> allowed) {
        allowed.values().forEach(codec::allow);
    }

    @Override
    public byte[] encode(Object payload) {
        return codec.encode(payload);
    }

    @Override
    public Object decode(byte[] bytes) {
        return codec.decode(bytes);
    }
}
