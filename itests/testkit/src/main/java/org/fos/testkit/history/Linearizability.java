package org.fos.testkit.history;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.fos.testkit.history.Operation.Kind;
import org.fos.testkit.history.Operation.Outcome;

/**
 * A linearizability checker for a store of independent registers, one a key: each key's
 * operations must be explainable by one order that respects real time (an operation that completed
 * before another was invoked comes first) in which every read returns the latest value written
 * (absent before the first write and after a delete) and every compare-and-set applied exactly when
 * the register held its expected value.
 *
 * <p>The search is Wing and Gong's, with Lowe's memoization of configurations (the set of
 * operations linearized so far and the register's value), as in Knossos and Porcupine, and
 * linearizability is checked key by key (it is compositional), keys in parallel.
 *
 * <p>Outcomes: a {@link Outcome#FAIL failed} operation is left out (it did nothing). An {@link
 * Outcome#UNKNOWN unknown} write, delete or compare-and-set may take effect at any point after its
 * invocation, or never; an unknown read observes nothing and is left out. To keep the search small
 * an unknown change that no operation can have observed is left out (taking effect could only make
 * things worse), and one that some may have observed must take effect before the last of them
 * completed or not at all; both leave the verdict as it is (see {@code Deadlines} for why).
 *
 * <p>Each key goes through three steps, cheapest first: the {@link Anomalies} of the key (each one
 * proves the key not linearizable, and says why in fewer words than a search); a search in which
 * unknown changes get the earlier deadlines that ignore compare-and-sets that did not apply (an
 * order it finds is a valid one, so it can only prove the key linearizable); and the search with
 * the sound deadlines, which decides either way. The last can run out of its budget (keys with
 * thousands of operations, many compare-and-sets that did not apply and many unknown changes):
 * the key is then {@link Verdict#UNDECIDED}, which fails a check.
 *
 * <p>Thread-safe; {@link #check(List)} may be called from several threads.
 */
public final class Linearizability {
    private static final int ABSENT = 0;
    private final long maxConfigurations;

    private Linearizability(long maxConfigurations) {
        this.maxConfigurations = maxConfigurations;
    }

    /**
     * The register model with the default search budget (one million configurations a key).
     *
     * @return the checker
     */
    public static Linearizability registers() {
        return new Linearizability(1_000_000);
    }

    /**
     * Returns a checker that gives up on a key after searching this many configurations, calling the
     * key {@link Verdict#UNDECIDED}. Each configuration costs about {@code 40 + n/8} bytes for a key
     * with n operations.
     *
     * @param configurations at least 1
     * @return a new checker
     * @throws IllegalArgumentException if the budget is below 1
     */
    public Linearizability maxConfigurationsPerKey(long configurations) {
        if (configurations < 1) {
            throw new IllegalArgumentException("the search budget must be at least 1 configuration, was " + configurations);
        }
        return new Linearizability(configurations);
    }

    /** What the checker concluded. */
    public enum Verdict {
        /** An order was found that explains every operation. */
        LINEARIZABLE,
        /** No order explains the operations. */
        NOT_LINEARIZABLE,
        /** The search budget ran out before either was shown. */
        UNDECIDED
    }

    /**
     * The verdict on one key.
     *
     * @param key the key
     * @param verdict the verdict
     * @param operations how many operations on the key the search considered (failed ones and
     *        unknown reads are not counted)
     * @param configurations how many configurations were searched
     * @param explanation for a key that is not linearizable or undecided, why, in words; else empty
     * @param involved for a key that is not linearizable, the operations the explanation names (the
     *        last ones linearized, the one that could not be, and those open at its completion); else empty
     */
    public record KeyResult(String key, Verdict verdict, int operations, long configurations, String explanation,
            List<Operation> involved) {
        /**
         * Checks the fields.
         *
         * @param key see the record
         * @param verdict see the record
         * @param operations see the record
         * @param configurations see the record
         * @param explanation see the record
         * @param involved see the record
         * @throws NullPointerException if one is null
         */
        public KeyResult {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(verdict, "verdict");
            Objects.requireNonNull(explanation, "explanation");
            involved = List.copyOf(involved);
        }
    }

    /**
     * The verdict on a whole history.
     *
     * @param verdict LINEARIZABLE if every key is, NOT_LINEARIZABLE if one key is not, else UNDECIDED
     * @param keys how many keys were checked
     * @param operations how many operations the searches considered
     * @param configurations how many configurations were searched over all keys
     * @param failures the keys that are not linearizable, then those undecided, each group in the
     *        order their first operation was invoked
     * @param took how long the check took
     */
    public record Result(Verdict verdict, int keys, int operations, long configurations, List<KeyResult> failures, Duration took) {
        /**
         * Checks the fields.
         *
         * @param verdict see the record
         * @param keys see the record
         * @param operations see the record
         * @param configurations see the record
         * @param failures see the record
         * @param took see the record
         * @throws NullPointerException if one is null
         */
        public Result {
            Objects.requireNonNull(verdict, "verdict");
            failures = List.copyOf(failures);
            Objects.requireNonNull(took, "took");
        }

        /**
         * Returns the first key that is not linearizable (or, if none, the first undecided one).
         *
         * @return its result, or null if every key is linearizable
         */
        public KeyResult first() {
            return failures.isEmpty() ? null : failures.get(0);
        }

        /**
         * Returns how many keys are not linearizable.
         *
         * @return the count
         */
        public long nonLinearizableKeys() {
            return failures.stream().filter(f -> f.verdict() == Verdict.NOT_LINEARIZABLE).count();
        }
    }

    /**
     * Checks a history, key by key.
     *
     * @param operations the history (any order)
     * @return the verdict
     */
    public Result check(List<Operation> operations) {
        long t0 = System.nanoTime();
        Map<String, List<Operation>> byKey = new LinkedHashMap<>();
        operations.stream().sorted(Comparator.comparingLong(Operation::invoke))
                .forEach(op -> byKey.computeIfAbsent(op.key(), k -> new ArrayList<>()).add(op));
        List<KeyResult> results = byKey.entrySet().parallelStream().map(e -> checkKey(e.getKey(), e.getValue())).toList();
        List<KeyResult> failures = new ArrayList<>();
        results.stream().filter(r -> r.verdict() == Verdict.NOT_LINEARIZABLE).forEach(failures::add);
        results.stream().filter(r -> r.verdict() == Verdict.UNDECIDED).forEach(failures::add);
        Verdict verdict = failures.isEmpty() ? Verdict.LINEARIZABLE : failures.get(0).verdict();
        return new Result(verdict, results.size(), results.stream().mapToInt(KeyResult::operations).sum(),
                results.stream().mapToLong(KeyResult::configurations).sum(), failures, Duration.ofNanos(System.nanoTime() - t0));
    }

    /**
     * Checks the operations of one key.
     *
     * @param key the key
     * @param operations its operations (any order)
     * @return the verdict
     * @throws IllegalArgumentException if an operation is on another key
     */
    public KeyResult checkKey(String key, List<Operation> operations) {
        for (Operation op : operations) {
            if (!op.key().equals(key)) {
                throw new IllegalArgumentException("operation " + op.describe() + " is not on key " + key);
            }
        }
        Anomalies.First anomaly = Anomalies.first(operations);
        if (anomaly != null) {
            return new KeyResult(key, Verdict.NOT_LINEARIZABLE, operations.size(), 0, "key " + Operation.quote(key)
                    + " is not linearizable: " + anomaly.text(), anomaly.operations());
        }
        KeyResult quick = new Search(key, operations, maxConfigurations, false).run();
        if (quick.verdict() == Verdict.LINEARIZABLE) {
            return quick;
        }
        KeyResult full = new Search(key, operations, maxConfigurations, true).run();
        return new KeyResult(key, full.verdict(), full.operations(), quick.configurations() + full.configurations(), full.explanation(),
                full.involved());
    }

    /** One key's search: the operations as arrays, the entry list, the stack and the cache. */
    private static final class Search {
        private final String key;
        private final long budget;
        private final Operation[] ops;
        private final int n;
        private final boolean[] optional; // unknown: applied at most once, never required
        private final boolean[] hasReturn;
        private final int[] written; // the value an op leaves (interned), for changes
        private final int[] read; // the value a read returned / a CAS expects (interned)
        private final List<String> values = new ArrayList<>();
        private final int[] next;
        private final int[] prev;
        private final int head;
        private final long[] bits;
        private final long[] zobrist; // a random number an operation: the hash of a set is the xor of its members'
        private long hash;
        private final Set<Config> cache = new HashSet<>();
        private final int[] stackOp;
        private final int[] stackState;
        private final boolean[] stackLapse;
        private int top;
        private int[] bestPath = new int[0];
        private int bestState = ABSENT;
        private int blocker = -1;
        private int[] openAtBlocker = new int[0];

        /**
         * Prepares the search.
         *
         * @param sound true for the deadlines that decide either way, false for the earlier ones that
         *        can only prove linearizability
         */
        Search(String key, List<Operation> all, long budget, boolean sound) {
            this.key = key;
            this.budget = budget;
            List<Operation> kept = new ArrayList<>();
            for (Operation op : all) {
                if (op.outcome() != Outcome.FAIL && (op.kind() != Kind.READ || op.outcome() == Outcome.OK)) {
                    kept.add(op); // a failed operation did nothing, an unknown read observed nothing
                }
            }
            Deadlines deadlines = new Deadlines(kept, sound);
            kept.removeIf(op -> op.outcome() == Outcome.UNKNOWN && deadlines.of(op) == Deadlines.NONE);
            kept.sort(Comparator.comparingLong(Operation::invoke));
            this.ops = kept.toArray(new Operation[0]);
            this.n = ops.length;
            this.optional = new boolean[n];
            this.hasReturn = new boolean[n];
            this.written = new int[n];
            this.read = new int[n];
            Map<String, Integer> ids = new HashMap<>();
            values.add(null);
            long[] returnAt = new long[n];
            for (int i = 0; i < n; i++) {
                Operation op = ops[i];
                optional[i] = op.outcome() == Outcome.UNKNOWN;
                returnAt[i] = optional[i] ? deadlines.of(op) : op.complete();
                hasReturn[i] = returnAt[i] != Deadlines.NEVER;
                if (op.kind() == Kind.READ) {
                    read[i] = intern(ids, op.value());
                } else {
                    written[i] = intern(ids, op.written());
                    if (op.kind() == Kind.CAS) {
                        read[i] = intern(ids, op.expected());
                    }
                }
            }
            // the entry list: calls are 0..n-1, returns n..2n-1, the head 2n
            this.head = 2 * n;
            this.next = new int[2 * n + 1];
            this.prev = new int[2 * n + 1];
            List<long[]> entries = new ArrayList<>(2 * n);
            for (int i = 0; i < n; i++) {
                entries.add(new long[] {ops[i].invoke(), i});
                if (hasReturn[i]) {
                    entries.add(new long[] {returnAt[i], n + i});
                }
            }
            // a deadline may equal a read's completion: both are returns, their order does not matter
            entries.sort(Comparator.<long[]>comparingLong(e -> e[0]).thenComparingLong(e -> e[1]));
            int last = head;
            for (long[] e : entries) {
                int id = (int) e[1];
                next[last] = id;
                prev[id] = last;
                last = id;
            }
            next[last] = -1;
            this.bits = new long[(n + 63) >>> 6];
            this.zobrist = new java.util.SplittableRandom(n).longs(n).toArray();
            this.stackOp = new int[n];
            this.stackState = new int[n];
            this.stackLapse = new boolean[n];
        }

        private int intern(Map<String, Integer> ids, String value) {
            if (value == null) {
                return ABSENT;
            }
            return ids.computeIfAbsent(value, v -> {
                values.add(v);
                return values.size() - 1;
            });
        }

        /** The register's value after op takes effect in state, or -1 if it cannot take effect there. */
        private int step(int state, int i) {
            Operation op = ops[i];
            switch (op.kind()) {
                case READ:
                    return state == read[i] ? state : -1;
                case WRITE:
                    return written[i];
                case DELETE:
                    if (op.applied() == null) {
                        return ABSENT;
                    }
                    return op.applied() == (state != ABSENT) ? ABSENT : -1;
                case CAS:
                    if (optional[i] || op.applied()) {
                        return state == read[i] ? written[i] : -1; // an unknown one: applying is the only choice that changes anything
                    }
                    return state != read[i] ? state : -1;
                default:
                    throw new IllegalStateException("unknown kind " + op.kind());
            }
        }

        /**
         * Wing and Gong's search with Lowe's memoization. At each configuration the choices are the
         * calls listed before the first return still listed; a return that is an unknown change's
         * deadline lets it lapse (it never takes effect), any other ends the choices and the search
         * goes back.
         */
        KeyResult run() {
            int remaining = 0;
            for (int i = 0; i < n; i++) {
                if (!optional[i]) {
                    remaining++;
                }
            }
            if (remaining == 0) {
                return new KeyResult(key, Verdict.LINEARIZABLE, n, 0, "", List.of());
            }
            int state = ABSENT;
            int entry = next[head];
            while (true) {
                if (cache.size() > budget) {
                    return new KeyResult(key, Verdict.UNDECIDED, n, cache.size(), "key " + Operation.quote(key)
                            + ": undecided after searching " + cache.size() + " configurations of its " + n
                            + " operations; raise Linearizability.maxConfigurationsPerKey, or spread the operations over more keys"
                            + " (unknown outcomes and compare-and-sets that did not apply multiply the orders to try)", List.of());
                }
                if (entry != -1 && entry < n) { // a call: linearize it here if it can be
                    int i = entry;
                    int after = step(state, i);
                    if (after >= 0 && visit(i, after)) {
                        push(i, state, false);
                        state = after;
                        if (!optional[i] && --remaining == 0) {
                            return new KeyResult(key, Verdict.LINEARIZABLE, n, cache.size(), "", List.of());
                        }
                        entry = next[head];
                    } else {
                        entry = next[entry];
                    }
                    continue;
                }
                // the first return still listed (or, defensively, the end of the list)
                if (entry != -1 && optional[entry - n] && visit(entry - n, state)) {
                    push(entry - n, state, true); // an unknown change at its deadline: it never takes effect
                    entry = next[head];
                    continue;
                }
                if (entry != -1 && !optional[entry - n] && top == bestPath.length && blocker < 0) {
                    noteBlocker(entry - n);
                }
                if (top == 0) {
                    return failure(remaining);
                }
                top--;
                int i = frameOp(top);
                state = stackState[top];
                bits[i >>> 6] &= ~(1L << i);
                hash ^= zobrist[i];
                unlift(i);
                if (stackLapse[top]) {
                    entry = n + i; // back at its deadline, now a configuration seen: further back
                } else {
                    if (!optional[i]) {
                        remaining++;
                    }
                    entry = next[i];
                }
            }
        }

        private int frameOp(int frame) {
            return stackOp[frame] >= 0 ? stackOp[frame] : -stackOp[frame] - 1;
        }

        /** Marks op i linearized with the register then holding state, if that configuration is new. */
        private boolean visit(int i, int state) {
            bits[i >>> 6] |= 1L << i;
            hash ^= zobrist[i];
            if (cache.add(Config.of(bits, hash, state))) {
                return true;
            }
            bits[i >>> 6] &= ~(1L << i);
            hash ^= zobrist[i];
            return false;
        }

        private void push(int i, int stateBefore, boolean lapse) {
            stackOp[top] = lapse ? -(i + 1) : i;
            stackState[top] = stateBefore;
            stackLapse[top] = lapse;
            top++;
            lift(i);
            if (top > bestPath.length) {
                bestPath = Arrays.copyOf(stackOp, top);
                blocker = -1;
            }
        }

        private void lift(int i) {
            next[prev[i]] = next[i];
            if (next[i] != -1) {
                prev[next[i]] = prev[i];
            }
            if (hasReturn[i]) {
                int r = n + i;
                next[prev[r]] = next[r];
                if (next[r] != -1) {
                    prev[next[r]] = prev[r];
                }
            }
        }

        private void unlift(int i) {
            if (hasReturn[i]) {
                int r = n + i;
                next[prev[r]] = r;
                if (next[r] != -1) {
                    prev[next[r]] = r;
                }
            }
            next[prev[i]] = i;
            if (next[i] != -1) {
                prev[next[i]] = i;
            }
        }

        private void noteBlocker(int i) {
            blocker = i;
            int s = ABSENT;
            for (int j : bestPath) {
                if (j >= 0) {
                    int after = step(s, j);
                    s = after >= 0 ? after : s;
                }
            }
            bestState = s;
            List<Integer> open = new ArrayList<>();
            for (int e = next[head]; e != -1 && e != n + i; e = next[e]) {
                if (e < n) {
                    open.add(e);
                }
            }
            openAtBlocker = open.stream().mapToInt(Integer::intValue).toArray();
        }

        private KeyResult failure(int remaining) {
            List<Operation> involved = new ArrayList<>();
            StringBuilder s = new StringBuilder();
            s.append("key ").append(Operation.quote(key)).append(" is not linearizable: ").append(n).append(" operations on it, ")
                    .append(cache.size()).append(" configurations searched.\n");
            int[] path = Arrays.stream(bestPath).filter(j -> j >= 0).toArray();
            int shown = Math.min(path.length, 6);
            if (path.length == 0) {
                s.append("No operation can come first.\n");
            } else {
                s.append("The longest order found explains ").append(path.length).append(" operations; it ends with:\n");
                for (int k = path.length - shown; k < path.length; k++) {
                    Operation op = ops[path[k]];
                    involved.add(op);
                    s.append("    ").append(op.describe()).append('\n');
                }
                s.append("after which the register holds ").append(Operation.quote(values.get(bestState))).append(".\n");
            }
            if (blocker >= 0) {
                Operation b = ops[blocker];
                involved.add(b);
                s.append("Then ").append(b.describe()).append('\n').append("    must take effect before it completed, ")
                        .append(why(b, bestState)).append('\n');
                if (openAtBlocker.length > 0) {
                    s.append("and none of the operations still open could come first to explain it:\n");
                    for (int j : openAtBlocker) {
                        if (j != blocker) {
                            involved.add(ops[j]);
                            s.append("    ").append(ops[j].describe()).append('\n');
                        }
                    }
                }
                if (b.kind() == Kind.READ) {
                    List<Operation> writers = new ArrayList<>();
                    for (Operation op : ops) {
                        if (op.kind() != Kind.READ && Objects.equals(op.written(), b.value())) {
                            writers.add(op);
                        }
                    }
                    if (writers.isEmpty() && b.value() != null) {
                        s.append("No operation on the key writes ").append(Operation.quote(b.value())).append(" (failed ones left out).\n");
                    } else if (!writers.isEmpty()) {
                        s.append("Operations that write ").append(Operation.quote(b.value())).append(":\n");
                        for (Operation w : writers.subList(0, Math.min(writers.size(), 4))) {
                            s.append("    ").append(w.describe()).append('\n');
                        }
                    }
                }
            }
            s.append(remaining).append(" acknowledged operations of the key could not be placed.");
            return new KeyResult(key, Verdict.NOT_LINEARIZABLE, n, cache.size(), s.toString(), involved.stream().distinct().toList());
        }

        private String why(Operation b, int state) {
            String holds = Operation.quote(values.get(state));
            return switch (b.kind()) {
                case READ -> "but it returned " + Operation.quote(b.value()) + " while the register held " + holds;
                case CAS -> Boolean.TRUE.equals(b.applied())
                        ? "but it applied, expecting " + Operation.quote(b.expected()) + ", while the register held " + holds
                        : "but it did not apply, although the register held " + holds + ", the value it expected";
                case DELETE -> "but it reported the key " + (Boolean.TRUE.equals(b.applied()) ? "present" : "absent") + " while the register held "
                        + holds;
                case WRITE -> "and nothing stops a write: an earlier operation must be the problem (register " + holds + ")";
            };
        }
    }

    /**
     * A configuration: which operations are linearized and the register's value. The set is kept
     * from its first word that is not full (the operations are in invocation order, so the
     * linearized ones are mostly a prefix), which keeps a configuration small on long histories.
     */
    private static final class Config {
        private final long setHash;
        private final int state;
        private final int from;
        private final long[] words;
        private final int hash;

        private Config(long setHash, int state, int from, long[] words) {
            this.setHash = setHash;
            this.state = state;
            this.from = from;
            this.words = words;
            long h = (setHash ^ (state * 0x9E3779B97F4A7C15L)) * 0xBF58476D1CE4E5B9L;
            this.hash = (int) (h ^ (h >>> 32));
        }

        static Config of(long[] bits, long setHash, int state) {
            int from = 0;
            while (from < bits.length && bits[from] == -1L) {
                from++;
            }
            int to = bits.length;
            while (to > from && bits[to - 1] == 0) {
                to--;
            }
            return new Config(setHash, state, from, Arrays.copyOfRange(bits, from, to));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Config c && c.setHash == setHash && c.state == state && c.from == from && Arrays.equals(c.words, words);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
