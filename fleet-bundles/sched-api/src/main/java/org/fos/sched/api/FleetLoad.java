package org.fos.sched.api;

/**
 * One fleet as a node reports it.
 *
 * @param fleet the fleet's name
 * @param serving the members that serve on the node
 * @param queued the calls waiting in those members' mailboxes
 * @param placeable whether the node can change the fleet's size (not replicated, members not stateful)
 */
public record FleetLoad(String fleet, int serving, int queued, boolean placeable) {
}
