package org.fos.testkit.history;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

import org.fos.testkit.history.Operation.Kind;
import org.fos.testkit.history.Operation.Outcome;

/**
 * Records what clients did to a keyed register store: each operation's invocation before the call
 * is sent and its completion once the client knows how it ended. Thread-safe: any number of client
 * threads record into one history at once.
 *
 * <pre>
 * History history = new History();
 * History.Call call = history.write(thread, "k1", "v7");
 * try {
 *     kv.put("k1", "v7".getBytes(UTF_8));
 *     call.ok();
 * } catch (FleetException e) {
 *     if (refusedBeforeApplying(e)) call.fail(e.toString()); else call.unknown(e.toString());   // a timeout is unknown
 * }
 * ...
 * HistoryCheck.of(history.operations()).assertValid(Path.of("target/histories/my-test"));
 * </pre>
 *
 * <p>Order is taken from one counter that every invocation and completion draws from, so an
 * operation that completed before another was invoked is known to precede it, whatever the
 * threads' clocks say. A call must be invoked just before the request goes out and completed
 * just after the answer came back; a client that gives up on a call records it as
 * {@linkplain Call#unknown(String) unknown}, never as failed, unless the store certainly did nothing.
 */
public final class History {
    private final AtomicLong events = new AtomicLong();
    private final AtomicLong ids = new AtomicLong();
    private final long startNanos = System.nanoTime();
    private final Object lock = new Object();
    private final List<Call> calls = new ArrayList<>();

    /** Creates an empty history; its clock for the nanosecond fields starts now. */
    public History() {
    }

    /**
     * Records the invocation of a write.
     *
     * @param process the client making it
     * @param key the key
     * @param value the value written
     * @return the call, to complete when the answer comes
     */
    public Call write(int process, String key, String value) {
        return invoke(process, key, Kind.WRITE, Objects.requireNonNull(value, "value"), null);
    }

    /**
     * Records the invocation of a read.
     *
     * @param process the client making it
     * @param key the key
     * @return the call, to complete with {@link Call#okRead(String)}
     */
    public Call read(int process, String key) {
        return invoke(process, key, Kind.READ, null, null);
    }

    /**
     * Records the invocation of a delete.
     *
     * @param process the client making it
     * @param key the key
     * @return the call, to complete with {@link Call#ok()} or {@link Call#okApplied(boolean)} (whether it was present)
     */
    public Call delete(int process, String key) {
        return invoke(process, key, Kind.DELETE, null, null);
    }

    /**
     * Records the invocation of a compare-and-set.
     *
     * @param process the client making it
     * @param key the key
     * @param expected the value the key must hold, or null for "the key must be absent"
     * @param value the new value
     * @return the call, to complete with {@link Call#okApplied(boolean)}
     */
    public Call compareAndSet(int process, String key, String expected, String value) {
        return invoke(process, key, Kind.CAS, Objects.requireNonNull(value, "value"), expected);
    }

    private Call invoke(int process, String key, Kind kind, String value, String expected) {
        Objects.requireNonNull(key, "key");
        Call call = new Call(ids.incrementAndGet(), process, key, kind, value, expected);
        synchronized (lock) {
            calls.add(call);
        }
        call.invokeNanos = System.nanoTime() - startNanos;
        call.invoke = events.incrementAndGet(); // last: the request goes out after this
        return call;
    }

    /**
     * Returns every operation recorded so far, in the order of invocation. A call not completed
     * yet is returned as {@link Outcome#UNKNOWN} with {@code complete == -1} (it may still take
     * effect, or never).
     *
     * @return a snapshot of the operations
     */
    public List<Operation> operations() {
        List<Call> snapshot;
        synchronized (lock) {
            snapshot = new ArrayList<>(calls);
        }
        List<Operation> out = new ArrayList<>(snapshot.size());
        for (Call c : snapshot) {
            Operation op = c.operation();
            if (op != null) {
                out.add(op);
            }
        }
        out.sort(Comparator.comparingLong(Operation::invoke));
        return out;
    }

    /**
     * Returns how many operations were invoked so far.
     *
     * @return the count
     */
    public int size() {
        synchronized (lock) {
            return calls.size();
        }
    }

    /**
     * One invoked operation; complete it exactly once with one of {@link #ok()}, {@link #okRead(String)},
     * {@link #okApplied(boolean)}, {@link #fail(String)} or {@link #unknown(String)}. Thread-safe (the thread
     * that completes it need not be the one that invoked it).
     */
    public final class Call {
        private final long id;
        private final int process;
        private final String key;
        private final Kind kind;
        private final String value;
        private final String expected;
        private volatile long invoke;
        private volatile long invokeNanos;
        private Operation done;

        private Call(long id, int process, String key, Kind kind, String value, String expected) {
            this.id = id;
            this.process = process;
            this.key = key;
            this.kind = kind;
            this.value = value;
            this.expected = expected;
        }

        /**
         * Completes a write, or a delete that reports nothing, that took effect.
         *
         * @throws IllegalStateException if the call is a read or compare-and-set, or completed already
         */
        public void ok() {
            if (kind == Kind.READ || kind == Kind.CAS) {
                throw new IllegalStateException("a " + kind + " completes with its result: " + (kind == Kind.READ ? "okRead" : "okApplied"));
            }
            complete(Outcome.OK, value, null, null);
        }

        /**
         * Completes a read with the value it returned.
         *
         * @param read the value, or null if the key was absent
         * @throws IllegalStateException if the call is not a read, or completed already
         */
        public void okRead(String read) {
            if (kind != Kind.READ) {
                throw new IllegalStateException("only a READ completes with a value read, this is a " + kind);
            }
            complete(Outcome.OK, read, null, null);
        }

        /**
         * Completes a compare-and-set with whether it wrote, or a delete with whether the key was present.
         *
         * @param applied the result
         * @throws IllegalStateException if the call is a write or read, or completed already
         */
        public void okApplied(boolean applied) {
            if (kind != Kind.CAS && kind != Kind.DELETE) {
                throw new IllegalStateException("only a CAS or DELETE completes with 'applied', this is a " + kind);
            }
            complete(Outcome.OK, value, applied, null);
        }

        /**
         * Completes a call that certainly did not take effect.
         *
         * @param why the cause, for the report, or null
         * @throws IllegalStateException if completed already
         */
        public void fail(String why) {
            complete(Outcome.FAIL, kind == Kind.READ ? null : value, null, why);
        }

        /**
         * Completes a call whose effect nobody knows (a timeout, a lost connection): it may take
         * effect at any point after its invocation, or never.
         *
         * @param why the cause, for the report, or null
         * @throws IllegalStateException if completed already
         */
        public void unknown(String why) {
            complete(Outcome.UNKNOWN, kind == Kind.READ ? null : value, null, why);
        }

        private void complete(Outcome outcome, String v, Boolean applied, String note) {
            long nanos = System.nanoTime() - startNanos;
            long at = events.incrementAndGet(); // first: the answer is in already
            synchronized (this) {
                if (done != null) {
                    throw new IllegalStateException("operation " + done.describe() + " completed already");
                }
                done = new Operation(id, process, key, kind, v, expected, applied, outcome, invoke, at, invokeNanos, nanos, note);
            }
        }

        synchronized Operation operation() {
            if (done != null) {
                return done;
            }
            long at = invoke;
            if (at == 0) {
                return null; // being invoked right now: not sent yet
            }
            return new Operation(id, process, key, kind, kind == Kind.READ ? null : value, expected, null, Outcome.UNKNOWN, at, -1,
                    invokeNanos, -1, "never completed");
        }
    }
}
