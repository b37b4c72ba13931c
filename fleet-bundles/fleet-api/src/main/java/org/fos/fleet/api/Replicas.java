package org.fos.fleet.api;

import java.util.List;
import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The groups of a {@link Replicated} fleet, as one member instance uses them. Thread-safe; no
 * method blocks.
 *
 * <p><b>Guarantees.</b> A write completes after a majority of the group's replicas have made it
 * durable and the group's state machine has applied it; it is then never lost short of losing a
 * majority of the group's nodes' data. A write made while the member serves a call carries the call's
 * request id (see {@code org.fos.rpc.api.CallContext}): however often that call is delivered, the
 * command is applied once, and a repetition gets the first application's result. A {@link #read}
 * sees every write that completed before it started (linearizable, through Raft's read index); a
 * {@link #readStale} may not.
 *
 * <p><b>Failures.</b> The stages fail with {@code org.fos.rpc.api.FleetException}:
 * {@code NO_QUORUM} when the group has no leader that a majority follows within the replication
 * timeout (a write may then still be applied later, if it reached the old leader's log),
 * {@code UNAVAILABLE} when this node's replication service is gone, and with the state machine's
 * own exception when it refused the command or query.
 */
@ProviderType
public interface Replicas {

    /**
     * Returns how many groups the fleet's state is partitioned into.
     *
     * @return the group count
     */
    int groups();

    /**
     * Returns the group that keeps a key: the same on every node and in every version.
     *
     * @param key a key ({@code String}, {@code byte[]}, or any value by its {@code toString()})
     * @return the group, from 0 to {@link #groups()} - 1
     * @throws NullPointerException if the key is null
     */
    int groupOf(Object key);

    /**
     * Commits a command through a group's log and returns the state machine's result.
     *
     * @param <R> the result type
     * @param group the group
     * @param command the command: a value of the {@link ReplicatedFleet#commandTypes()}
     * @param resultType the result's type
     * @return completes with the result
     * @throws IllegalArgumentException if the group is out of range or the command cannot be encoded
     */
    <R> CompletionStage<R> write(int group, Object command, Class<R> resultType);

    /**
     * Answers a query from a group's state, linearizably.
     *
     * @param <R> the result type
     * @param group the group
     * @param query the query
     * @param resultType the result's type
     * @return completes with the answer
     * @throws IllegalArgumentException if the group is out of range or the query cannot be encoded
     */
    <R> CompletionStage<R> read(int group, Object query, Class<R> resultType);

    /**
     * Answers a query from the nearest replica of a group (this node's if it keeps one), without
     * asking the leader: cheaper, but it may miss recent writes.
     *
     * @param <R> the result type
     * @param group the group
     * @param query the query
     * @param resultType the result's type
     * @return completes with the answer
     * @throws IllegalArgumentException if the group is out of range or the query cannot be encoded
     */
    <R> CompletionStage<R> readStale(int group, Object query, Class<R> resultType);

    /**
     * Describes the groups as this node sees them.
     *
     * @return one entry a group, in group order
     */
    List<GroupInfo> describe();
}
