package org.fos.benchmarks;

import java.util.Map;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.serializers.ImmutableCollectionsSerializers;

/**
 * Kryo 5 with registration required: every class is written as the number it was registered with,
 * so the bytes can only name registered classes. Records use Kryo's {@code RecordSerializer}
 * (components in declaration order). Kryo instances are not thread-safe; each thread has its own.
 */
final class KryoCandidate implements Candidate {

    private static final int FIRST_ID = 100;

    private final ThreadLocal<Kryo> kryo;
    private final ThreadLocal<Output> output = ThreadLocal.withInitial(() -> new Output(256, -1));

    /**
     * Creates the candidate.
     *
     * @param allowed the types to register; their order gives their numbers
     */
    KryoCandidate(Map<String, Class<?>> allowed) {
        kryo = ThreadLocal.withInitial(() -> {
            Kryo k = new Kryo();
            k.setRegistrationRequired(true);
            k.setReferences(false);
            ImmutableCollectionsSerializers.registerSerializers(k);
            k.register(byte[].class);
            int id = FIRST_ID;
            for (Class<?> type : allowed.values()) {
                k.register(type, id++);
            }
            return k;
        });
    }

    @Override
    public byte[] encode(Object payload) {
        Output out = output.get();
        out.reset();
        kryo.get().writeClassAndObject(out, payload);
        return out.toBytes();
    }

    @Override
    public Object decode(byte[] bytes) {
        return kryo.get().readClassAndObject(new Input(bytes));
    }
}
