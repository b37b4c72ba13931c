package org.fos.replication.impl;

import java.util.List;

/**
 * What {@code fos:move} did to a replicated group.
 *
 * @param fleet the fleet
 * @param group the group
 * @param from the node that kept a replica and keeps none now
 * @param to the node that keeps it now
 * @param before the group's nodes before the move
 * @param after its nodes after it
 * @param leader the node that leads it now, or null if that was not learned
 * @param millis how long the move took
 */
public record Move(String fleet, int group, String from, String to, List<String> before, List<String> after, String leader,
        long millis) {
}
