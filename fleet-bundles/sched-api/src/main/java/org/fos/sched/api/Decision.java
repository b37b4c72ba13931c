package org.fos.sched.api;

import java.util.Map;

/**
 * A new placement of a fleet, taken only if the fleet's placement is still at {@code basedOn}.
 *
 * @param fleet the fleet's name
 * @param basedOn the revision of the placement it replaces, 0 if the fleet has none
 * @param members the members on each node, by node id (each at least 1)
 * @param reason why, in words
 * @param decidedOn the node whose scheduler decided
 */
public record Decision(String fleet, long basedOn, Map<String, Integer> members, String reason, String decidedOn) {

    /**
     * Copies the map.
     *
     * @param fleet the fleet
     * @param basedOn the revision replaced
     * @param members the members by node
     * @param reason why
     * @param decidedOn the deciding node
     */
    public Decision {
        members = members == null ? Map.of() : Map.copyOf(members);
    }
}
