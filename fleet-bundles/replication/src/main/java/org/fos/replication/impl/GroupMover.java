package org.fos.replication.impl;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A move of a group's replica by hand ({@code fos:move}), step by step from the group's configuration
 * as it is at each step: see {@link PlacementController#move}. Runs on placement's thread.
 */
final class GroupMover {
    private static final Logger LOG = LoggerFactory.getLogger(GroupMover.class);

    private final RaftNode node;
    private final Settings settings;
    private final GroupAdmin admin;
    private final PlacementController placement;

    GroupMover(RaftNode node, Settings settings, GroupAdmin admin, PlacementController placement) {
        this.node = node;
        this.settings = settings;
        this.admin = admin;
        this.placement = placement;
    }

    Move moveNow(String fleet, int group, String from, String to, long timeoutMillis) {
        FleetGroups f = node.fleets().get(fleet);
        if (f == null) {
            throw new IllegalArgumentException("no replicated fleet named " + fleet + " runs on this node");
        }
        if (group < 0 || group >= f.groups()) {
            throw new IllegalArgumentException("group must be from 0 to " + (f.groups() - 1) + " for " + fleet + ", was " + group);
        }
        Map<String, String> eligible = node.eligible(fleet);
        if (!eligible.containsKey(to)) {
            throw new IllegalArgumentException("node " + to + " is not up or does not run " + fleet + "; the nodes that do: " + eligible.keySet());
        }
        RaftGroupId id = node.groupId(fleet, group);
        long t0 = System.nanoTime();
        List<String> before = ids(confOrFail(fleet, group, id));
        if (!before.contains(from)) {
            throw new IllegalArgumentException("group " + group + " of " + fleet + " has no replica on " + from + "; it is on " + before);
        }
        if (before.contains(to)) {
            throw new IllegalArgumentException("group " + group + " of " + fleet + " has a replica on " + to + " already; it is on " + before);
        }
        node.membership().record(PlacementController.pinKey(fleet, group), new Placement.Pin(to, from).toString());
        LOG.info("moving group {} of {} from {} to {} (it is on {})", group, fleet, from, to, before);
        long deadline = t0 + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        String leader = null;
        while (true) {
            try {
                List<RaftPeer> conf = confOrFail(fleet, group, id);
                List<String> ids = ids(conf);
                if (!ids.contains(to)) {
                    List<RaftPeer> unprioritized = new ArrayList<>();
                    conf.forEach(p -> unprioritized.add(GroupAdmin.peer(p.getId().toString(), p.getAddress(), 0)));
                    admin.addReplica(group, id, unprioritized, GroupAdmin.peer(to, eligible.get(to), 1), node.hosted(fleet));
                    node.counters().reconfigurations.increment();
                    LOG.info("moving group {} of {}: {} keeps a replica, caught up, and is the preferred leader", group, fleet, to);
                } else if (ids.contains(from)) {
                    try (RaftClient c = node.newClient(RaftGroup.valueOf(id, conf), GroupAdmin.fewRetries())) {
                        if (node.liveNodes().contains(from)) {
                            GroupAdmin.check(c.admin().transferLeadership(RaftPeerId.valueOf(to), settings.requestTimeoutMillis()));
                        }
                    }
                    admin.removeReplica(fleet, group, id, conf, from, node.eligible(fleet));
                    node.counters().reconfigurations.increment();
                    LOG.info("moving group {} of {}: {} leads it, and {} keeps no replica of it", group, fleet, to, from);
                } else {
                    try (RaftClient c = node.newClient(RaftGroup.valueOf(id, conf), GroupAdmin.fewRetries())) {
                        GroupAdmin.check(c.admin().setConfiguration(conf)); // a no-op that tells who leads now
                        leader = c.getLeaderId() == null ? null : c.getLeaderId().toString();
                    } catch (IOException e) {
                        LOG.debug("moved group {} of {}, but asking who leads it failed: {}", group, fleet, e.toString());
                    }
                    node.counters().moves.increment();
                    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                    LOG.info("moved group {} of {} from {} to {} in {} ms; it is on {}", group, fleet, from, to, millis, ids);
                    return new Move(fleet, group, from, to, before, ids, leader, millis);
                }
            } catch (IOException | RuntimeException e) {
                if (e instanceof IllegalArgumentException) {
                    throw (IllegalArgumentException) e;
                }
                if (placement.closed() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("moving group " + group + " of " + fleet + " from " + from + " to " + to
                            + " did not finish within " + timeoutMillis + " ms (placement finishes it, as its pin says): " + e, e);
                }
                LOG.info("moving group {} of {}: a step did not happen, tried again: {}", group, fleet, e.toString());
                java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
            }
        }
    }

    List<RaftPeer> confOrFail(String fleet, int group, RaftGroupId id) {
        List<RaftPeer> conf = placement.conf(fleet, group, id, node.hosted(fleet), node.liveNodes(), true);
        if (conf == null) {
            throw new IllegalStateException("no live node keeps group " + group + " of " + fleet);
        }
        return conf;
    }

    static List<String> ids(List<RaftPeer> conf) {
        return conf.stream().map(p -> p.getId().toString()).toList();
    }
}
