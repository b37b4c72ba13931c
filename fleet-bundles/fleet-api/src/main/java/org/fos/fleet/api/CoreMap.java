package org.fos.fleet.api;

import java.util.List;

/**
 * Space partitioning inside a node: the cores the members of its pinned fleets run on. The fleet
 * runtime keeps the first {@code clientCores} cores for clients and the kernel, and places each
 * member of a pinned fleet on one of the others (round-robin, by fleet name and member index),
 * binding its thread there through the OS where it allows (thread affinity), and recording the
 * core where it does not.
 *
 * @param node the node
 * @param cores the cores the node's JVM may use
 * @param clientCores how many of the first cores are kept for clients and the kernel
 * @param members the members of pinned fleets, by fleet name and index
 * @since 1.7
 */
public record CoreMap(String node, int cores, int clientCores, List<Pinned> members) {

    /**
     * Copies the list.
     *
     * @param node the node
     * @param cores the node's cores
     * @param clientCores cores kept for clients
     * @param members the pinned members
     */
    public CoreMap {
        members = List.copyOf(members);
    }

    /**
     * One member of a pinned fleet.
     *
     * @param fleet the fleet's name
     * @param member the member's index
     * @param core the core it is placed on
     * @param threadId its thread's id in the OS, or -1 if not known
     * @param bound whether the OS binds the thread to that core
     * @param note unless bound: why not (the library is not installed, the OS refused, not applied yet)
     */
    public record Pinned(String fleet, int member, int core, int threadId, boolean bound, String note) {
    }
}
