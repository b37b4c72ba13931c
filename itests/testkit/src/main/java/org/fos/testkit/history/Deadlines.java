package org.fos.testkit.history;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.fos.testkit.history.Operation.Kind;
import org.fos.testkit.history.Operation.Outcome;

/**
 * By when an unknown change of one key must have taken effect, if it is to take effect at all.
 *
 * <p>An unknown change u, writing v (null for a delete), is <em>observed</em> by an operation
 * whose result could depend on the register holding v right after u: an OK read that returned v,
 * an OK compare-and-set that applied expecting v, an OK compare-and-set that did not apply
 * expecting something else, an OK delete that reported the key present (v not null) or absent (v
 * null), an unknown compare-and-set expecting v.
 *
 * <p>Claim: if some order explains the history with u taking effect after every observer of u,
 * the same order without u explains it too. Between u and the next change the register held v;
 * without u it holds p, the value before u. If p equals v nothing changes. Otherwise the
 * operations in that stretch are no observers, so they are writes, deletes that report nothing,
 * compare-and-sets that did not apply expecting v (they still do not, as p is not v), and the
 * next change, which cannot be a compare-and-set that applied (it would expect v and observe u).
 * Reads cannot be there (they returned v and would be observers). So u either takes effect before
 * the last observer completes or is left out; with no observer that completes after u's
 * invocation it is left out at once. This keeps the search small when clients time out.
 *
 * <p>Without compare-and-sets that did not apply among the observers, deadlines come earlier: an
 * order found with them is still a valid one (each unknown change then takes effect within its
 * interval or not at all), so such a search can prove a key linearizable but not the opposite.
 */
final class Deadlines {
    /** Never: the change may take effect at any time. */
    static final long NEVER = Long.MAX_VALUE;
    /** No observer: leave the change out. */
    static final long NONE = -1;

    private final Map<Value, Long> lastRead = new HashMap<>();
    private final Map<Value, Long> lastAppliedCasExpecting = new HashMap<>();
    private final Map<Value, Long> lastFailedCasExpecting = new HashMap<>();
    private final Map<Value, Boolean> unknownCasExpecting = new HashMap<>();
    private long lastDeletePresent = NONE;
    private long lastDeleteAbsent = NONE;
    private final boolean sound;

    /** A register value, null (absent) included. */
    private record Value(String v) {
    }

    /**
     * Collects the observers of a key's operations.
     *
     * @param ops the key's operations
     * @param sound false to leave out compare-and-sets that did not apply (earlier deadlines that can
     *        only prove linearizability)
     */
    Deadlines(List<Operation> ops, boolean sound) {
        this.sound = sound;
        for (Operation op : ops) {
            if (op.outcome() == Outcome.UNKNOWN && op.kind() == Kind.CAS) {
                unknownCasExpecting.put(new Value(op.expected()), true);
            }
            if (op.outcome() != Outcome.OK) {
                continue;
            }
            switch (op.kind()) {
                case READ -> lastRead.merge(new Value(op.value()), op.complete(), Math::max);
                case CAS -> (op.applied() ? lastAppliedCasExpecting : lastFailedCasExpecting).merge(new Value(op.expected()), op.complete(),
                        Math::max);
                case DELETE -> {
                    if (Boolean.TRUE.equals(op.applied())) {
                        lastDeletePresent = Math.max(lastDeletePresent, op.complete());
                    } else if (Boolean.FALSE.equals(op.applied())) {
                        lastDeleteAbsent = Math.max(lastDeleteAbsent, op.complete());
                    }
                }
                case WRITE -> {
                    // observes nothing
                }
            }
        }
    }

    /**
     * The event index by which an unknown change must take effect, {@link #NEVER} if at any time, or
     * {@link #NONE} if it can be left out.
     */
    long of(Operation u) {
        Value v = new Value(u.written());
        if (unknownCasExpecting.containsKey(v)) {
            return NEVER;
        }
        long last = NONE;
        last = Math.max(last, lastRead.getOrDefault(v, NONE));
        last = Math.max(last, lastAppliedCasExpecting.getOrDefault(v, NONE));
        for (Map.Entry<Value, Long> failed : lastFailedCasExpecting.entrySet()) {
            if (sound && !Objects.equals(failed.getKey(), v)) {
                last = Math.max(last, failed.getValue());
            }
        }
        last = Math.max(last, u.written() != null ? lastDeletePresent : lastDeleteAbsent);
        return last > u.invoke() ? last : NONE;
    }
}
