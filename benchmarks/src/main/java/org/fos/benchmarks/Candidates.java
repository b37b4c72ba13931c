package org.fos.benchmarks;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.smile.SmileFactory;

import org.fos.benchmarks.Messages.Entry;
import org.fos.benchmarks.Messages.PutResult;
import org.fos.benchmarks.Messages.Reply;
import org.fos.benchmarks.Messages.Request;
import org.fos.kernel.api.Address;
import org.fos.kernel.api.Capability;

/** The codecs the benchmark compares, by the name its {@code codec} parameter uses. */
final class Candidates {

    /** Every name {@link #create(String)} knows, baselines first. */
    static final String[] NAMES = {"handwritten", "javaSerialization", "jacksonSmile", "jacksonCbor", "kryo", "fory",
        "foryInterpreted", "fosCodec"};

    private Candidates() {
    }

    /**
     * Returns the benchmark's types, each under its fully qualified class name.
     *
     * @return the allow-list, in a fixed order
     */
    static Map<String, Class<?>> messageTypes() {
        Map<String, Class<?>> types = new LinkedHashMap<>();
        for (Class<?> type : new Class<?>[] {Request.class, Reply.class, PutResult.class, Entry.class, Capability.class, Address.class}) {
            types.put(type.getName(), type);
        }
        return types;
    }

    /**
     * Creates a candidate for the benchmark's types.
     *
     * @param name one of {@link #NAMES}
     * @return the candidate
     */
    static Candidate create(String name) {
        return create(name, messageTypes());
    }

    /**
     * Creates a candidate that allows the given types.
     *
     * @param name one of {@link #NAMES}
     * @param allowed the types, by wire name (baselines ignore it)
     * @return the candidate
     */
    static Candidate create(String name, Map<String, Class<?>> allowed) {
        return switch (name) {
            case "handwritten" -> new HandwrittenCandidate();
            case "javaSerialization" -> new JavaSerializationCandidate();
            case "jacksonSmile" -> new JacksonCandidate(new SmileFactory(), allowed);
            case "jacksonCbor" -> new JacksonCandidate(new CBORFactory(), allowed);
            case "kryo" -> new KryoCandidate(allowed);
            case "fory" -> new ForyCandidate(allowed, true);
            case "foryInterpreted" -> new ForyCandidate(allowed, false);
            case "fosCodec" -> new FosCodecCandidate(allowed);
            default -> throw new IllegalArgumentException("no codec candidate named '" + name + "'");
        };
    }
}
