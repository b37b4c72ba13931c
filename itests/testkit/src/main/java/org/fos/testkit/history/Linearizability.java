package org.fos.testkit.history;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

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
        KeyResult quick = new KeySearch(key, operations, maxConfigurations, false).run();
        if (quick.verdict() == Verdict.LINEARIZABLE) {
            return quick;
        }
        KeyResult full = new KeySearch(key, operations, maxConfigurations, true).run();
        return new KeyResult(key, full.verdict(), full.operations(), quick.configurations() + full.configurations(), full.explanation(),
                full.involved());
    }
}
