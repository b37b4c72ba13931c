package org.fos.sched.api;

import java.util.Map;

/**
 * Where a fleet's members run: the one placement in force.
 *
 * @param fleet the fleet's name
 * @param revision the scheduler's revision when it was decided; a decision must name it to replace it
 * @param members the members on each node, by node id
 * @param reason why it was decided
 * @param decidedOn the node whose scheduler decided
 * @param atMillis when the decision was applied (the deciding node's clock)
 */
public record Placement(String fleet, long revision, Map<String, Integer> members, String reason, String decidedOn, long atMillis) {

    /**
     * Copies the map.
     *
     * @param fleet the fleet
     * @param revision its revision
     * @param members the members by node
     * @param reason why
     * @param decidedOn the deciding node
     * @param atMillis when
     */
    public Placement {
        members = members == null ? Map.of() : Map.copyOf(members);
    }

    /**
     * Returns the members the placement asks of one node.
     *
     * @param node the node's id
     * @return the count, 0 if the node is not in the placement
     */
    public int on(String node) {
        Integer n = members.get(node);
        return n == null ? 0 : n;
    }
}
