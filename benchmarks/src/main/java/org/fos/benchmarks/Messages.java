package org.fos.benchmarks;

import java.io.Serial;
import java.io.Serializable;
import java.util.List;

import org.fos.kernel.api.Address;
import org.fos.kernel.api.Capability;
import org.fos.kernel.api.Right;

/**
 * The payloads the codec benchmark encodes: what the RPC layer will send for a key-value
 * {@code put("user:42", bytes)} call and its answer, a stored entry, and a capability handed out in
 * a reply. They implement {@link Serializable} only so that Java object serialization, the slow
 * reference, can run on them; fos itself never uses it.
 */
public final class Messages {

    /** A 16-byte value, as a small key-value put carries. */
    static final byte[] VALUE = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

    private Messages() {
    }

    /**
     * A call: a method name and its arguments, each carried with its type name.
     *
     * @param method the method name
     * @param args the arguments
     */
    public record Request(String method, List<Object> args) implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;
    }

    /**
     * An answer: one value, carried with its type name.
     *
     * @param value the value
     */
    public record Reply(Object value) implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;
    }

    /**
     * What a put answers.
     *
     * @param revision the revision the put created
     * @param servedBy the member that served it
     */
    public record PutResult(long revision, String servedBy) implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;
    }

    /**
     * A stored key-value entry.
     *
     * @param key the key
     * @param value the value
     * @param revision its revision
     */
    public record Entry(String key, byte[] value, long revision) implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;
    }

    /** The message kinds the benchmark runs. */
    public enum Kind {
        /** {@code Request("put", ["user:42", byte[16]])}. */
        REQUEST,
        /** {@code Reply(PutResult(42, "kv-1"))}. */
        REPLY,
        /** {@code Entry("user:42", byte[16], 42)}. */
        ENTRY,
        /** {@code Reply(Capability(Address("n-3fa2c1d0", 17), SEND, token))}. */
        CAPABILITY;

        /**
         * Returns a fresh sample of this kind.
         *
         * @return the sample payload
         */
        public Object sample() {
            return switch (this) {
                case REQUEST -> new Request("put", List.of("user:42", VALUE.clone()));
                case REPLY -> new Reply(new PutResult(42L, "kv-1"));
                case ENTRY -> new Entry("user:42", VALUE.clone(), 42L);
                case CAPABILITY -> new Reply(new Capability(new Address("n-3fa2c1d0", 17L), Right.SEND.bit(),
                        0x1234_5678_9abc_def0L, 0x0fed_cba9_8765_4321L));
            };
        }
    }
}
