package org.fos.replication.impl;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.apache.ratis.client.RaftClient;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.proto.RaftProtos.ServerRpcProto;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.exceptions.LeaderSteppingDownException;
import org.apache.ratis.server.RaftServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a group's leader from handing over to a node that is gone. Ratis's leader yields, again and
 * again, to a follower of higher priority whose log is as long as its own, whether that follower
 * answers or not, and refuses every write while it does; a node that dies during a hand-over the
 * placement asked for ({@link Placement.Lead}) leaves such a follower behind, and its group takes no
 * write until the node comes back or the placement, once the membership has noticed, makes the leader
 * step down ({@link GroupAdmin}). This watch runs on every node, over the groups it leads, every
 * quarter of the shortest election timeout: a follower of higher priority than the leader that has
 * not answered the leader for longer than the longest election timeout loses its priority (a
 * configuration change), and if the leader refuses the change because it is handing over, it steps
 * down, so that a live node leads within about one election timeout; the next leader's first entry puts
 * the dead follower behind. The placement gives the priority back when the node is live again.
 */
final class HandOverWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HandOverWatch.class);

    private final RaftNode node;
    private final Settings settings;
    /** The groups whose change is being made, so that a slow one is not started twice. */
    private final Set<RaftGroupId> busy = ConcurrentHashMap.newKeySet();
    private final ScheduledFuture<?> task;

    HandOverWatch(RaftNode node, Settings settings) {
        this.node = node;
        this.settings = settings;
        long period = Math.max(25, settings.electionTimeoutMinMillis() / 4);
        this.task = node.timer().scheduleWithFixedDelay(this::check, period, period, TimeUnit.MILLISECONDS);
    }

    /** Looks at every group this node leads; hands the changes to the request pool. */
    void check() {
        try {
            for (RaftGroupId id : node.localGroups()) {
                if (busy.contains(id)) {
                    continue;
                }
                RaftServer.Division d = node.division(id);
                if (d == null || !d.getInfo().isLeader()) {
                    continue;
                }
                List<RaftPeer> conf = new ArrayList<>(d.getRaftConf().getCurrentPeers());
                List<String> silent = silentAhead(node.nodeId(), conf, d.getInfo().getRoleInfoProto(), settings.electionTimeoutMaxMillis());
                if (!silent.isEmpty() && busy.add(id)) {
                    node.executor().execute(() -> {
                        try {
                            demote(id, conf, silent);
                        } finally {
                            busy.remove(id);
                        }
                    });
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("node {}: looking for leaders that hand over to gone nodes failed this round: {}", node.nodeId(), e.toString());
        }
    }

    /**
     * The followers that have a higher priority than the leader and have not answered it for longer
     * than {@code silentMillis}.
     *
     * @param leader the leader's id
     * @param conf the group's configuration
     * @param role the leader's role information, with the time since each follower last answered
     * @param silentMillis how long a follower may be silent before it counts as gone
     * @return their ids, empty if none
     */
    static List<String> silentAhead(String leader, List<RaftPeer> conf, RoleInfoProto role, long silentMillis) {
        if (!role.hasLeaderInfo()) {
            return List.of();
        }
        int mine = 0;
        for (RaftPeer p : conf) {
            if (p.getId().toString().equals(leader)) {
                mine = p.getPriority();
            }
        }
        Map<String, Long> elapsed = new HashMap<>();
        for (ServerRpcProto f : role.getLeaderInfo().getFollowerInfoList()) {
            elapsed.put(f.getId().getId().toStringUtf8(), f.getLastRpcElapsedTimeMs());
        }
        List<String> out = new ArrayList<>();
        for (RaftPeer p : conf) {
            String id = p.getId().toString();
            if (!id.equals(leader) && p.getPriority() > mine && elapsed.getOrDefault(id, 0L) > silentMillis) {
                out.add(id);
            }
        }
        return out;
    }

    /** Takes the priority from the silent followers; steps down if the leader is handing over to one already. */
    private void demote(RaftGroupId id, List<RaftPeer> conf, List<String> silent) {
        List<RaftPeer> next = new ArrayList<>();
        for (RaftPeer p : conf) {
            next.add(silent.contains(p.getId().toString()) ? GroupAdmin.peer(p.getId().toString(), p.getAddress(), 0) : p);
        }
        try (RaftClient c = node.newClient(org.apache.ratis.protocol.RaftGroup.valueOf(id, conf), GroupAdmin.fewRetries())) {
            try {
                GroupAdmin.check(c.admin().setConfiguration(next));
                node.counters().reconfigurations.increment();
                LOG.warn("group {}: {} had the priority and did not answer its leader on node {} for over {} ms; it has no priority"
                        + " now, so that the leader does not hand over to it", id, silent, node.nodeId(), settings.electionTimeoutMaxMillis());
            } catch (IOException | RuntimeException e) {
                if (!GroupAdmin.causedBy(e, LeaderSteppingDownException.class)) {
                    throw e;
                }
                GroupAdmin.check(c.admin().transferLeadership(null, settings.requestTimeoutMillis()));
                node.counters().reconfigurations.increment();
                LOG.warn("group {}: its leader on node {} was handing over to {}, which has not answered for over {} ms; it stepped down,"
                        + " so that a live node leads", id, node.nodeId(), silent, settings.electionTimeoutMaxMillis());
            }
        } catch (IOException | RuntimeException e) {
            LOG.info("group {}: taking the priority from {}, which does not answer, did not happen this round: {}", id, silent,
                    e.toString());
        }
    }

    @Override
    public void close() {
        task.cancel(false);
    }
}
