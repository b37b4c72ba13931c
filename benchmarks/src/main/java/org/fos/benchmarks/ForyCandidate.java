package org.fos.benchmarks;

import java.util.Map;

import org.apache.fory.Fory;
import org.apache.fory.ThreadSafeFory;
import org.apache.fory.config.CompatibleMode;
import org.apache.fory.config.Language;

/**
 * Apache Fory in Java mode, compatible (schema-evolving) mode, class registration required, each
 * type registered under its wire name. Unknown names must be refused explicitly
 * ({@code withDeserializeUnknownClass(false)}): by default compatible mode decodes them into a
 * placeholder object instead of failing. With {@code codegen} Fory compiles a serializer per class at
 * run time (Janino); without, it interprets. Thread-safe (one Fory per thread).
 */
final class ForyCandidate implements Candidate {

    private final ThreadSafeFory fory;

    /**
     * Creates the candidate.
     *
     * @param allowed the types to register, by wire name
     * @param codegen whether Fory may generate serializers at run time
     */
    ForyCandidate(Map<String, Class<?>> allowed, boolean codegen) {
        fory = Fory.builder().withLanguage(Language.JAVA).requireClassRegistration(true)
                .withCompatibleMode(CompatibleMode.COMPATIBLE).withRefTracking(false).withCodegen(codegen)
                .withDeserializeUnknownClass(false)
                .suppressClassRegistrationWarnings(true).buildThreadSafeFory();
        allowed.forEach((name, type) -> fory.register(type, name));
    }

    @Override
    public byte[] encode(Object payload) {
        return fory.serialize(payload);
    }

    @Override
    public Object decode(byte[] bytes) {
        return fory.deserialize(bytes);
    }
}
