package org.fos.fleet.api;

/**
 * How many members of a fleet serve on one node because a scheduler placed them there (see
 * {@link FleetRuntime#place}), against how many do.
 *
 * @param node the node
 * @param fleet the fleet's name
 * @param target the members the placement asks for on this node
 * @param serving the members that serve now
 * @param draining the members leaving now
 * @param reason why the scheduler asked for them
 * @param off null while the runtime steps toward the target, else why it cannot (the fleet is replicated,
 *        holds state in its members, or is not serving)
 * @since 1.8
 */
public record PlacedMembers(String node, String fleet, int target, int serving, int draining, String reason, String off) {

    /**
     * Whether the fleet serves with the members the placement asks for and none leaving.
     *
     * @return true once placed
     */
    public boolean settled() {
        return off == null && serving == target && draining == 0;
    }
}
