package org.fos.fleet.spi;

import org.fos.fleet.api.ReplicatedFleet;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The node's replication service: it keeps this node's replicas of the groups of
 * {@link org.fos.fleet.api.Replicated} fleets (one Raft server a node, hosting every group), places
 * groups on the nodes that run each fleet and answers the fleets' writes and reads. The fleet runtime
 * opens one {@link ReplicatedFleetHandle} a replicated fleet it runs. Thread-safe.
 */
@ProviderType
public interface Replication {

    /**
     * Starts keeping a fleet's groups on this node: the groups this node already keeps (from its
     * {@code data/raft}) come back with their state; groups the fleet does not have yet are created
     * once cluster-wide; placement adds this node to groups short of replicas.
     *
     * @param fleet the fleet's name
     * @param groups how many groups; a fleet that exists already keeps its first number
     * @param replicas the replication factor
     * @param implementation the bound implementation, whose state machines the groups run
     * @return the handle
     * @throws IllegalArgumentException if the counts are out of range, or the fleet is open already
     */
    ReplicatedFleetHandle open(String fleet, int groups, int replicas, ReplicatedFleet implementation);

    /**
     * Deletes this node's replicas of a fleet that is not open here (its implementation was removed):
     * each group that counts other nodes in its configuration is first asked, through its leader, to
     * go on without this node; then the replica and its files under {@code data/raft} are removed.
     *
     * @param fleet the fleet's name
     * @return how many replicas were removed (0 if this node kept none)
     * @throws IllegalArgumentException if the fleet is open on this node
     * @throws IllegalStateException if a group did not let this node go (no leader, for example); the
     *         replicas removed before stay removed
     * @since 1.1
     */
    int drop(String fleet);
}
