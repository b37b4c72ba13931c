package org.fos.fleet.api;

import java.util.List;
import java.util.Map;

/**
 * A group of a {@link Replicated} fleet, as one node sees it.
 *
 * @param fleet the fleet's name
 * @param group the group's number
 * @param peers the nodes that keep it now (its Raft configuration), in configuration order; empty if
 *        this node knows none
 * @param leader the node that leads it, or null if none is known
 * @param term the Raft term this node knows, 0 if it keeps no replica
 * @param commitIndex the highest log index this node knows committed, 0 if it keeps no replica
 * @param appliedIndex the highest log index this node's state machine applied, 0 if it keeps no replica
 * @param snapshotIndex the log index of this node's latest snapshot, 0 if none
 * @param lag on the leader: how many committed entries each follower has yet to receive, by node; empty
 *        elsewhere
 * @param role this node's role in the group: {@code LEADER}, {@code FOLLOWER}, {@code CANDIDATE},
 *        {@code LISTENER}, or {@code NONE} if it keeps no replica
 */
public record GroupInfo(String fleet, int group, List<String> peers, String leader, long term, long commitIndex,
        long appliedIndex, long snapshotIndex, Map<String, Long> lag, String role) {

    /**
     * Checks and copies the parts.
     *
     * @param fleet the fleet
     * @param group the group
     * @param peers the peers
     * @param leader the leader
     * @param term the term
     * @param commitIndex the commit index
     * @param appliedIndex the applied index
     * @param snapshotIndex the snapshot index
     * @param lag the followers' lag
     * @param role the role
     */
    public GroupInfo {
        peers = List.copyOf(peers);
        lag = Map.copyOf(lag);
    }
}
