package org.fos.health.impl;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.felix.hc.api.FormattingResultLog;
import org.apache.felix.hc.api.HealthCheck;
import org.apache.felix.hc.api.Result;
import org.fos.fleet.api.FleetRuntime;
import org.fos.fleet.api.GroupInfo;
import org.fos.kernel.api.Kernel;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Whether the replicas of this node's replicated fleets serve: each group this node keeps a replica
 * of has a leader, and every group that names this node among its peers has its replica here.
 * A group without a leader that this node knows is WARN (its writes and linearizable reads wait;
 * an election takes a second or two, a group without a majority waits until one is back); a group
 * that counts this node as a peer while this node keeps no replica of it is CRITICAL (this node's
 * Raft server is not serving it: see {@code fos:replication}).
 */
@Component(service = HealthCheck.class, property = {HealthCheck.NAME + "=" + ReplicasCheck.NAME,
        HealthCheck.TAGS + "=" + Checks.TAG, HealthCheck.TAGS + "=replication"})
public final class ReplicasCheck implements HealthCheck {
    /** The check's name. */
    static final String NAME = "fos replicas";
    /** The role of a node that keeps no replica of a group. */
    private static final String NONE = "NONE";

    private final Kernel kernel;
    private final FleetRuntime runtime;

    /**
     * Creates the check.
     *
     * @param kernel the kernel, for this node's id
     * @param runtime this node's fleet runtime, which describes the groups
     */
    @Activate
    public ReplicasCheck(@Reference Kernel kernel, @Reference FleetRuntime runtime) {
        this.kernel = kernel;
        this.runtime = runtime;
    }

    @Override
    public Result execute() {
        return judge(kernel.nodeId(), runtime.groups());
    }

    static Result judge(String node, Collection<GroupInfo> groups) {
        FormattingResultLog log = new FormattingResultLog();
        Map<String, Integer> kept = new TreeMap<>();
        List<String> leaderless = new ArrayList<>();
        for (GroupInfo g : groups) {
            String group = "group " + g.group() + " of " + g.fleet();
            if (g.role().equals(NONE)) {
                if (g.peers().contains(node)) {
                    log.critical("{} counts node {} among its peers {}, but this node keeps no replica of it: its Raft server does not"
                            + " serve the group (see fos:replication)", group, node, g.peers());
                }
                continue;
            }
            kept.merge(g.fleet(), 1, Integer::sum);
            if (g.role().equals("STARTING")) {
                log.warn("{}: this node's replica is starting", group);
            } else if (g.leader() == null) {
                leaderless.add(g.fleet() + "#" + g.group());
                log.warn("{} has no leader that node {} knows ({} here, peers {}): its writes and linearizable reads wait for one",
                        group, node, g.role(), g.peers());
            }
        }
        if (kept.isEmpty()) {
            log.info("node {} keeps no replica of a replicated fleet's group", node);
        } else if (leaderless.isEmpty()) {
            log.info("every group node {} keeps a replica of has a leader: {}", node, kept);
        }
        return Checks.of(log);
    }
}
