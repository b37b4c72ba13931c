package org.fos.testkit.history;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.fos.testkit.history.Linearizability.KeyResult;
import org.fos.testkit.history.Linearizability.Verdict;
import org.fos.testkit.history.Operation.Kind;
import org.fos.testkit.history.Operation.Outcome;

/**
 * One key's search for {@link Linearizability}: the operations as arrays, the entry list, the
 * stack and the cache of configurations, and, when no order explains the operations, the
 * explanation of why in words. {@link Linearizability} decides which operations and deadlines a
 * search gets and puts the keys' verdicts together; this class only searches one key, once.
 * Not thread-safe: a search is made and run by one thread.
 */
final class KeySearch {
    private static final int ABSENT = 0;

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
    KeySearch(String key, List<Operation> all, long budget, boolean sound) {
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
