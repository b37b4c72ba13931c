package org.fos.sched.api;

import java.util.List;

/**
 * The scheduling fleet's state.
 *
 * @param revision the revision of the state (it grows with every change)
 * @param nodes the latest report of each node, by node id; a node whose report is older than
 *        {@code staleMillis} behind the newest is listed but not placed on
 * @param stale the ids of the nodes whose reports are stale
 * @param policies the policies, by fleet
 * @param placements the placements in force, by fleet
 * @param events the latest decisions and refusals, the oldest first
 */
public record SchedView(long revision, List<NodeReport> nodes, List<String> stale, List<Policy> policies, List<Placement> placements,
        List<String> events) {

    /**
     * Copies the lists.
     *
     * @param revision the revision
     * @param nodes the reports
     * @param stale the stale nodes
     * @param policies the policies
     * @param placements the placements
     * @param events the events
     */
    public SchedView {
        nodes = List.copyOf(nodes);
        stale = List.copyOf(stale);
        policies = List.copyOf(policies);
        placements = List.copyOf(placements);
        events = List.copyOf(events);
    }

    /**
     * Returns the placement of a fleet.
     *
     * @param fleet the fleet's name
     * @return its placement, or null
     */
    public Placement placement(String fleet) {
        for (Placement p : placements) {
            if (p.fleet().equals(fleet)) {
                return p;
            }
        }
        return null;
    }
}
