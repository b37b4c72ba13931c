package org.fos.testkit.history;

import java.util.Objects;

/**
 * One client operation on one key of a register store, from its invocation to its completion, as
 * a {@link History} records it. Times are event indices: every invocation and every completion of
 * a history takes the next number from one counter, so {@code a.complete() < b.invoke()} means
 * that a's response had been seen before b was sent (b followed a in real time); operations whose
 * intervals overlap were concurrent.
 *
 * <p>What the fields hold by kind:
 * <table>
 * <caption>Fields by kind</caption>
 * <tr><th>kind</th><th>{@code value}</th><th>{@code expected}</th><th>{@code applied}</th></tr>
 * <tr><td>WRITE</td><td>the value written</td><td>null</td><td>null</td></tr>
 * <tr><td>READ</td><td>the value read, null for an absent key (when OK)</td><td>null</td><td>null</td></tr>
 * <tr><td>DELETE</td><td>null</td><td>null</td><td>whether the key was present, or null if not reported</td></tr>
 * <tr><td>CAS</td><td>the new value</td><td>the value required now, null for "absent"</td><td>whether it was
 * written (when OK)</td></tr>
 * </table>
 *
 * @param id the operation's number in its history, from 1
 * @param process the client (thread or connection) that made it
 * @param key the key
 * @param kind what it does
 * @param value see the table above
 * @param expected see the table above
 * @param applied see the table above
 * @param outcome how it ended
 * @param invoke the event index of its invocation, at least 1
 * @param complete the event index of its completion, greater than {@code invoke}, or -1 if it never
 *        completed (then the outcome is {@link Outcome#UNKNOWN})
 * @param invokeNanos when it was invoked, in nanoseconds since the history began
 * @param completeNanos when it completed, in nanoseconds since the history began, or -1
 * @param note why it failed or is unknown (an exception's text), or null
 */
public record Operation(long id, int process, String key, Kind kind, String value, String expected, Boolean applied,
        Outcome outcome, long invoke, long complete, long invokeNanos, long completeNanos, String note) {

    /** What an operation does to its key's register. */
    public enum Kind {
        /** Sets the value. */
        WRITE,
        /** Returns the value, or absent. */
        READ,
        /** Makes the key absent; may report whether it was present. */
        DELETE,
        /** Sets the value if the register holds the expected value (or is absent when null is expected). */
        CAS
    }

    /** How an operation ended, as the client saw it. */
    public enum Outcome {
        /** It took effect, and its result (if it has one) is known. */
        OK,
        /** It certainly did not take effect (the store refused it before doing anything). */
        FAIL,
        /**
         * Nobody knows: it may take effect at any point after its invocation, or never (a timeout, a
         * connection lost in flight, a client that never heard back). An unknown read observes nothing.
         */
        UNKNOWN
    }

    /**
     * Checks the fields against each other.
     *
     * @param id see the record
     * @param process see the record
     * @param key see the record
     * @param kind see the record
     * @param value see the record
     * @param expected see the record
     * @param applied see the record
     * @param outcome see the record
     * @param invoke see the record
     * @param complete see the record
     * @param invokeNanos see the record
     * @param completeNanos see the record
     * @param note see the record
     * @throws IllegalArgumentException if a field is missing, out of range, or does not fit the kind
     *         and outcome (the message names it)
     */
    public Operation {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(outcome, "outcome");
        if (id < 1) {
            throw new IllegalArgumentException("operation id must be at least 1, was " + id);
        }
        if (invoke < 1) {
            throw new IllegalArgumentException("operation " + id + ": invoke must be at least 1, was " + invoke);
        }
        if (complete != -1 && complete <= invoke) {
            throw new IllegalArgumentException("operation " + id + ": complete (" + complete + ") must follow invoke (" + invoke
                    + ") or be -1");
        }
        if (complete == -1 && outcome != Outcome.UNKNOWN) {
            throw new IllegalArgumentException("operation " + id + " never completed, so its outcome is UNKNOWN, not " + outcome);
        }
        if ((kind == Kind.WRITE || kind == Kind.CAS) && value == null) {
            throw new IllegalArgumentException("operation " + id + ": a " + kind + " needs a value");
        }
        if (kind == Kind.READ && outcome != Outcome.OK && value != null) {
            throw new IllegalArgumentException("operation " + id + ": a READ that is " + outcome + " read no value, yet has " + value);
        }
        if (kind == Kind.DELETE && value != null) {
            throw new IllegalArgumentException("operation " + id + ": a DELETE has no value, yet has " + value);
        }
        if (kind != Kind.CAS && expected != null) {
            throw new IllegalArgumentException("operation " + id + ": only a CAS has an expected value, a " + kind + " has " + expected);
        }
        if ((kind == Kind.WRITE || kind == Kind.READ) && applied != null) {
            throw new IllegalArgumentException("operation " + id + ": a " + kind + " reports no 'applied', yet has " + applied);
        }
        if (kind == Kind.CAS && outcome == Outcome.OK && applied == null) {
            throw new IllegalArgumentException("operation " + id + ": a CAS that is OK must say whether it applied");
        }
        if (outcome != Outcome.OK && applied != null) {
            throw new IllegalArgumentException("operation " + id + ": only an OK operation has a result, a " + outcome + " one has applied="
                    + applied);
        }
    }

    /**
     * Tells whether this operation may change its key: a write, a delete, a compare-and-set that
     * applied or whose result is unknown.
     *
     * @return true if it may have changed the register
     */
    public boolean mayChange() {
        return outcome != Outcome.FAIL && kind != Kind.READ && !(kind == Kind.CAS && Boolean.FALSE.equals(applied));
    }

    /**
     * Tells whether this operation certainly changed its key: an OK write or delete, an OK
     * compare-and-set that applied.
     *
     * @return true if it was acknowledged as changing the register
     */
    public boolean acknowledgedChange() {
        return outcome == Outcome.OK && (kind == Kind.WRITE || kind == Kind.DELETE || (kind == Kind.CAS && Boolean.TRUE.equals(applied)));
    }

    /**
     * The value this operation leaves in the register if it takes effect: the value of a write or a
     * compare-and-set, null (absent) for a delete.
     *
     * @return the value, or null for absent
     * @throws IllegalStateException for a read
     */
    public String written() {
        if (kind == Kind.READ) {
            throw new IllegalStateException("a READ writes nothing");
        }
        return kind == Kind.DELETE ? null : value;
    }

    /**
     * A short description for reports, such as {@code #12 p3 WRITE k7 "v9" OK [41..44] 12.3-12.9 ms}.
     *
     * @return the description
     */
    public String describe() {
        StringBuilder s = new StringBuilder().append('#').append(id).append(" p").append(process).append(' ').append(kind).append(' ')
                .append(key);
        switch (kind) {
            case WRITE -> s.append(' ').append(quote(value));
            case CAS -> s.append(' ').append(quote(expected)).append(" -> ").append(quote(value));
            default -> {
                // a read's value is its result, a delete has none
            }
        }
        s.append(' ').append(outcome);
        if (outcome == Outcome.OK) {
            if (kind == Kind.READ) {
                s.append(" = ").append(quote(value));
            } else if (applied != null) {
                s.append(" = ").append(applied);
            }
        }
        s.append(" [").append(invoke).append("..").append(complete == -1 ? "never" : Long.toString(complete)).append(']');
        s.append(String.format(java.util.Locale.ROOT, " %.3f-%s ms", invokeNanos / 1e6,
                completeNanos < 0 ? "?" : String.format(java.util.Locale.ROOT, "%.3f", completeNanos / 1e6)));
        if (note != null) {
            s.append(" (").append(note).append(')');
        }
        return s.toString();
    }

    static String quote(String v) {
        return v == null ? "absent" : '"' + v + '"';
    }
}
