package org.fos.sched.api;

import java.util.List;

/**
 * What a node tells the scheduler every period.
 *
 * @param node the node's id
 * @param cores the processors the node's JVM may use
 * @param load the system's load average over the last minute, or -1 where the OS gives none
 * @param atMillis when the node took the report (its clock, epoch milliseconds)
 * @param fleets the fleets the node runs, by name
 */
public record NodeReport(String node, int cores, double load, long atMillis, List<FleetLoad> fleets) {

    /**
     * Copies the list.
     *
     * @param node the node's id
     * @param cores the processors
     * @param load the load average
     * @param atMillis when
     * @param fleets the fleets
     */
    public NodeReport {
        fleets = fleets == null ? List.of() : List.copyOf(fleets);
    }
}
