package org.fos.fleet.api;

import java.util.List;

/**
 * What the fleet runtime of a node does with one {@link Elastic} fleet: its bounds and target, the
 * members that serve and those leaving, and its latest decisions.
 *
 * @param node the node
 * @param fleet the fleet's name
 * @param min the fewest members
 * @param max the most members
 * @param depth the target queue depth a member
 * @param periodMillis how long above target before the fleet grows, and the least time between changes
 * @param idleMillis how long idle before it shrinks
 * @param off null while the runtime scales the fleet, else why it does not (switched off, not serving)
 * @param serving the indexes of the members that serve
 * @param draining the indexes of the members that are leaving: no longer picked, answering what they hold
 * @param events the latest changes, the oldest first (at most 32)
 * @since 1.7
 */
public record Elasticity(String node, String fleet, int min, int max, int depth, long periodMillis, long idleMillis, String off,
        List<Integer> serving, List<Integer> draining, List<Event> events) {

    /**
     * Copies the lists.
     *
     * @param node the node
     * @param fleet the fleet's name
     * @param min the fewest members
     * @param max the most members
     * @param depth the target queue depth a member
     * @param periodMillis how long above target before the fleet grows
     * @param idleMillis how long idle before it shrinks
     * @param off null while scaled, else why not
     * @param serving the serving members' indexes
     * @param draining the leaving members' indexes
     * @param events the latest changes
     */
    public Elasticity {
        serving = List.copyOf(serving);
        draining = List.copyOf(draining);
        events = List.copyOf(events);
    }

    /**
     * One change of an elastic fleet's members.
     *
     * @param atMillis when (epoch milliseconds)
     * @param from members serving before
     * @param to members serving after
     * @param reason what the runtime saw (queue depth, busy time), or why a change was given up
     */
    public record Event(long atMillis, int from, int to, String reason) {
    }
}
