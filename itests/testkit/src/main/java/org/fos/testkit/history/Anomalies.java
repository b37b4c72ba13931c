package org.fos.testkit.history;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.fos.testkit.history.Operation.Kind;
import org.fos.testkit.history.Operation.Outcome;

/**
 * Counts of the anomalies a register store's users notice, each certain from real-time order alone
 * (none is reported for a history that is linearizable); the linearizability checker finds every
 * anomaly, these name and count the common ones. Reads are judged by the value they returned, so
 * the counts are exact when each write of a key writes a value of its own (a write counter or a
 * unique id in the value).
 *
 * <ul>
 * <li><b>stale read</b>: a read returned a value although an acknowledged change of the key had
 * completed before the read began, after every operation that could have written that value had
 * completed (the read missed an acknowledged write);</li>
 * <li><b>lost write</b>: an acknowledged change that the last read of its key (begun after the change
 * completed) shows neither it nor anything that could have come after it;</li>
 * <li><b>duplicate</b>: a read returned a value v after an earlier read (completed before it began)
 * had returned a value whose every writer began after every writer of v had completed: v's write
 * took effect again after being overwritten (applied twice, or the state went back);</li>
 * <li><b>phantom</b>: a read returned a value that no operation on the key wrote, or that only writes
 * reported as failed wrote.</li>
 * </ul>
 *
 * @param keys keys in the history
 * @param reads OK reads
 * @param acknowledgedChanges OK writes, deletes and compare-and-sets that applied
 * @param staleReads reads that missed an acknowledged change
 * @param lostWrites acknowledged changes the last read of their key does not show
 * @param keysWithLostWrites keys with at least one lost write
 * @param duplicates reads of a value written again after it was overwritten
 * @param phantoms reads of a value never written (or written only by failed writes)
 * @param examples up to five descriptions of each kind found
 */
public record Anomalies(int keys, long reads, long acknowledgedChanges, long staleReads, long lostWrites, long keysWithLostWrites,
        long duplicates, long phantoms, List<String> examples) {
    private static final int EXAMPLES = 5;
    private static final long NEVER = Long.MAX_VALUE;

    /**
     * Copies the examples.
     *
     * @param keys see the record
     * @param reads see the record
     * @param acknowledgedChanges see the record
     * @param staleReads see the record
     * @param lostWrites see the record
     * @param keysWithLostWrites see the record
     * @param duplicates see the record
     * @param phantoms see the record
     * @param examples see the record
     * @throws NullPointerException if examples is null
     */
    public Anomalies {
        examples = List.copyOf(examples);
    }

    /**
     * Counts the anomalies of a history.
     *
     * @param operations the history (any order)
     * @return the counts
     */
    public static Anomalies of(List<Operation> operations) {
        Map<String, List<Operation>> byKey = new LinkedHashMap<>();
        operations.stream().sorted(Comparator.comparingLong(Operation::invoke))
                .forEach(op -> byKey.computeIfAbsent(op.key(), k -> new ArrayList<>()).add(op));
        Counter c = new Counter();
        byKey.values().forEach(c::key);
        List<String> examples = new ArrayList<>();
        examples.addAll(c.staleExamples);
        examples.addAll(c.lostExamples);
        examples.addAll(c.duplicateExamples);
        examples.addAll(c.phantomExamples);
        return new Anomalies(byKey.size(), c.reads, c.acknowledged, c.stale, c.lost, c.keysWithLost, c.duplicates, c.phantoms, examples);
    }

    /**
     * Tells whether no anomaly was found.
     *
     * @return true if every count is 0
     */
    public boolean none() {
        return staleReads == 0 && lostWrites == 0 && duplicates == 0 && phantoms == 0;
    }

    /**
     * One line with the counts.
     *
     * @return for example {@code 400 keys, 9120 reads, 9006 acknowledged changes: 0 stale reads, 0 lost writes (0 keys), 0 duplicates, 0 phantoms}
     */
    public String summary() {
        return keys + " keys, " + reads + " reads, " + acknowledgedChanges + " acknowledged changes: " + staleReads + " stale reads, "
                + lostWrites + " lost writes (" + keysWithLostWrites + " keys), " + duplicates + " duplicates, " + phantoms + " phantoms";
    }

    /**
     * The first anomaly found in one key's operations, if any, with the operations it names.
     *
     * @param ops the operations of one key
     * @return the anomaly, or null if there is none
     */
    static First first(List<Operation> ops) {
        Counter c = new Counter();
        c.key(ops.stream().sorted(Comparator.comparingLong(Operation::invoke)).toList());
        return c.first;
    }

    /**
     * An anomaly and the operations that show it.
     *
     * @param text what is wrong
     * @param operations the operations it names
     */
    record First(String text, List<Operation> operations) {
    }

    /** Who could have left a value in a key: the earliest invocation and the latest completion of its writers. */
    private record Writers(long firstInvoke, long lastComplete, boolean onlyInitial) {
    }

    private static final class Counter {
        long reads;
        long acknowledged;
        long stale;
        long lost;
        long keysWithLost;
        long duplicates;
        long phantoms;
        final List<String> staleExamples = new ArrayList<>();
        final List<String> lostExamples = new ArrayList<>();
        final List<String> duplicateExamples = new ArrayList<>();
        final List<String> phantomExamples = new ArrayList<>();
        First first;

        void key(List<Operation> ops) {
            Map<String, Writers> writers = writers(ops);
            Map<String, Boolean> writtenByFailed = new HashMap<>();
            List<Operation> changes = new ArrayList<>();
            List<Operation> okReads = new ArrayList<>();
            for (Operation op : ops) {
                if (op.acknowledgedChange()) {
                    changes.add(op);
                }
                if (op.kind() == Kind.READ && op.outcome() == Outcome.OK) {
                    okReads.add(op);
                }
                if (op.kind() != Kind.READ && op.outcome() == Outcome.FAIL) {
                    writtenByFailed.put(valueKey(op.written()), true);
                }
            }
            reads += okReads.size();
            acknowledged += changes.size();
            // acknowledged changes by completion, with the latest invocation among those completed so far
            changes.sort(Comparator.comparingLong(Operation::complete));
            long[] changeComplete = changes.stream().mapToLong(Operation::complete).toArray();
            int[] latestChange = new int[changes.size()];
            for (int i = 0; i < changes.size(); i++) {
                latestChange[i] = i > 0 && changes.get(latestChange[i - 1]).invoke() > changes.get(i).invoke() ? latestChange[i - 1] : i;
            }
            List<Operation> known = new ArrayList<>();
            for (Operation r : okReads) {
                Writers w = writers.get(valueKey(r.value()));
                if (w == null) {
                    phantoms++;
                    example(phantomExamples, "phantom: " + r.describe() + (writtenByFailed.containsKey(valueKey(r.value()))
                            ? " returned a value only writes reported as failed wrote" : " returned a value nothing wrote"), r);
                    continue;
                }
                known.add(r);
                int before = countBefore(changeComplete, r.invoke());
                if (before > 0) {
                    Operation missed = changes.get(latestChange[before - 1]);
                    if (missed.invoke() > w.lastComplete()) {
                        stale++;
                        example(staleExamples, "stale read: " + r.describe() + " although " + missed.describe()
                                + " had completed, after every writer of " + Operation.quote(r.value()), r, missed);
                    }
                }
            }
            lostWrites(changes, known, writers);
            duplicates(known, writers);
        }

        private void lostWrites(List<Operation> changes, List<Operation> known, Map<String, Writers> writers) {
            if (known.isEmpty()) {
                return;
            }
            Operation last = known.stream().max(Comparator.comparingLong(Operation::invoke)).orElseThrow();
            Writers shown = writers.get(valueKey(last.value()));
            long lostHere = 0;
            for (Operation w : changes) {
                if (w.complete() < last.invoke() && w.invoke() > shown.lastComplete()) {
                    lostHere++;
                    example(lostExamples, "lost write: " + w.describe() + " is not shown by the last read " + last.describe(), w, last);
                }
            }
            lost += lostHere;
            keysWithLost += lostHere > 0 ? 1 : 0;
        }

        private void duplicates(List<Operation> known, Map<String, Writers> writers) {
            List<Operation> byComplete = new ArrayList<>(known);
            byComplete.sort(Comparator.comparingLong(Operation::complete));
            long[] completes = byComplete.stream().mapToLong(Operation::complete).toArray();
            int[] newest = new int[byComplete.size()]; // the read, among those completed so far, whose value was written last for sure
            for (int i = 0; i < byComplete.size(); i++) {
                long here = writers.get(valueKey(byComplete.get(i).value())).firstInvoke();
                newest[i] = i > 0 && writers.get(valueKey(byComplete.get(newest[i - 1]).value())).firstInvoke() > here ? newest[i - 1] : i;
            }
            for (Operation r : known) {
                Writers w = writers.get(valueKey(r.value()));
                if (r.value() == null || w.onlyInitial()) {
                    continue;
                }
                int before = countBefore(completes, r.invoke());
                if (before > 0) {
                    Operation seen = byComplete.get(newest[before - 1]);
                    if (writers.get(valueKey(seen.value())).firstInvoke() > w.lastComplete()) {
                        duplicates++;
                        example(duplicateExamples, "duplicate: " + r.describe() + " after " + seen.describe()
                                + " had shown a value written after every writer of " + Operation.quote(r.value()) + " completed", seen, r);
                    }
                }
            }
        }

        private void example(List<String> list, String text, Operation... involved) {
            if (list.size() < EXAMPLES) {
                list.add(text);
            }
            if (first == null) {
                first = new First(text, List.of(involved));
            }
        }
    }

    /** How many of the sorted values are below the bound. */
    private static int countBefore(long[] sorted, long bound) {
        int i = Arrays.binarySearch(sorted, bound);
        return i >= 0 ? i : -i - 1;
    }

    private static Map<String, Writers> writers(List<Operation> ops) {
        Map<String, Writers> out = new HashMap<>();
        out.put(valueKey(null), new Writers(0, 0, true)); // the key starts absent
        for (Operation op : ops) {
            if (!op.mayChange()) {
                continue;
            }
            long complete = op.outcome() == Outcome.OK ? op.complete() : NEVER;
            out.merge(valueKey(op.written()), new Writers(op.invoke(), complete, false),
                    (a, b) -> new Writers(Math.min(a.firstInvoke(), b.firstInvoke()), Math.max(a.lastComplete(), b.lastComplete()), false));
        }
        return out;
    }

    private static String valueKey(String v) {
        return v == null ? "\u0000absent" : "=" + Objects.requireNonNull(v);
    }
}
