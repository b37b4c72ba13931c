package org.fos.sched.api;

/**
 * How the members of one fleet are spread over the nodes that run it. Every node that runs the fleet
 * keeps at least one member (its local callers and its upgrades need one); {@code members} says how
 * many there are over all those nodes, and the kind where the ones above one a node go.
 *
 * @param fleet the fleet's name
 * @param kind where the members go
 * @param members the members over all nodes that run the fleet (at least one a node is kept, so the
 *        fleet has at least as many as it has nodes)
 * @param affinity for {@link Kind#AFFINITY}, the fleet whose nodes are preferred; else null
 * @param enabled false to keep the policy but decide nothing: the nodes give the fleet back to its own sizing
 * @param source who set it (a node's configuration, a shell command)
 * @param revision the scheduler's revision when it was set (0 in a request)
 */
public record Policy(String fleet, Kind kind, int members, String affinity, boolean enabled, String source, long revision) {

    /** Where a fleet's members go. */
    public enum Kind {
        /** Evenly over the nodes that run the fleet, the extra ones on the least loaded nodes. */
        SPREAD,
        /** On as few nodes as they fit, filling the nodes with the most free cores first. */
        PACK,
        /** Beside the members of another fleet: nodes where it has the most members first. */
        AFFINITY,
        /** One member on each node that runs the fleet, whatever {@code members} says. */
        ANTI_AFFINITY
    }
}
