/**
 * The protocol of the scheduling fleet ({@code /sys/sched}): nodes report their cores, load and the
 * queues of their fleets; a placement policy a fleet says how its members spread over the nodes; and
 * the placements the fleet decides, one a fleet, held in one replicated Raft group so that one
 * decision holds cluster-wide.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.fos.sched.api;
