package org.fos.fleet.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * The state of one group of a {@link Replicated} fleet, as one replica holds it. Every replica applies
 * the same commands in the same order, so every method must be deterministic: the same calls give the
 * same state and the same results everywhere (no clock, no randomness, no iteration order of hash
 * sets leaking into results). The runtime calls it from one thread at a time.
 */
@ConsumerType
public interface StateMachine {

    /**
     * Applies a command that the group's log has committed.
     *
     * @param command the command, as the fleet wrote it with {@link Replicas#write}
     * @param index the command's index in the group's log: unique within the group and growing, a
     *        natural revision number
     * @return the result for the writer; null is allowed
     * @throws RuntimeException to refuse the command; every replica must refuse it the same way and
     *         leave its state as it was, and the writer gets the exception
     */
    Object apply(Object command, long index);

    /**
     * Answers a query from the state as it is now, without changing it.
     *
     * @param query the query, as the fleet wrote it with {@link Replicas#read}
     * @return the answer; null is allowed
     * @throws RuntimeException to refuse the query; the reader gets the exception
     */
    Object query(Object query);

    /**
     * Writes the whole state, for a snapshot (which lets the log be truncated, and lets a new replica
     * or the next version of the implementation start from it).
     *
     * @return the state with the version of its layout, in the plain types of {@link FleetState}
     */
    FleetState snapshot();

    /**
     * Replaces the whole state with a snapshot written by this or an earlier version of the
     * implementation (or, after a rollback, a later one that this version can still read).
     *
     * @param snapshot the snapshot
     * @throws IllegalArgumentException if this version cannot read its layout; a live upgrade is then
     *         rolled back
     */
    void restore(FleetState snapshot);
}
