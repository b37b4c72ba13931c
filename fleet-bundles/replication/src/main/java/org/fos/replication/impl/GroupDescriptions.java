package org.fos.replication.impl;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.GroupInfoReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.server.RaftServer;
import org.fos.fleet.api.GroupInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code fos:groups} shows of a replicated group: this node's replica's view, or, for a group this
 * node keeps no replica of, the view of a node that keeps one.
 */
final class GroupDescriptions {
    private static final Logger LOG = LoggerFactory.getLogger(GroupDescriptions.class);

    private final RaftNode node;
    private final String nodeId;

    GroupDescriptions(RaftNode node) {
        this.node = node;
        this.nodeId = node.nodeId();
    }

    GroupInfo describe(String fleet, int group) {
        RaftGroupId id = node.groupId(fleet, group);
        RaftServer.Division d = node.division(id);
        if (d == null) {
            return describeElsewhere(fleet, group, id);
        }
        List<String> peers = d.getRaftConf().getCurrentPeers().stream().map(p -> p.getId().toString()).toList();
        try {
            return describe(fleet, group, d, peers);
        } catch (IllegalStateException starting) {
            // Ratis has not opened the replica's log yet
            return new GroupInfo(fleet, group, peers, null, 0, 0, 0, 0, Map.of(), "STARTING");
        }
    }

    /**
     * Describes a group this node keeps no replica of, as a node that keeps one sees it: its peers and
     * leader (this node's role is {@code NONE}); from the membership alone, without a leader, if no
     * such node answers within a request timeout.
     */
    GroupInfo describeElsewhere(String fleet, int group, RaftGroupId id) {
        List<RaftPeer> hosts = node.peers(fleet, group, id);
        List<String> peers = hosts.stream().map(p -> p.getId().toString()).toList();
        for (RaftPeer host : hosts) {
            try (RaftClient c = node.newClient(RaftGroup.valueOf(id, host), RetryPolicies.noRetry())) {
                GroupInfoReply info = c.getGroupManagementApi(host.getId()).info(id);
                var role = info.getRoleInfoProto();
                String leader = switch (role.getRole()) {
                    case LEADER -> host.getId().toString();
                    case FOLLOWER -> role.getFollowerInfo().hasLeaderInfo()
                            ? role.getFollowerInfo().getLeaderInfo().getId().getId().toStringUtf8() : null;
                    default -> null;
                };
                List<String> conf = info.getGroup().getPeers().stream().map(p -> p.getId().toString()).toList();
                if (!conf.isEmpty()) {
                    long commit = info.getCommitInfos().stream().filter(ci -> ci.getServer().getId().toStringUtf8().equals(
                            host.getId().toString())).mapToLong(ci -> ci.getCommitIndex()).findFirst().orElse(0);
                    return new GroupInfo(fleet, group, conf, leader == null || leader.isEmpty() ? null : leader, 0, commit, 0, 0,
                            Map.of(), "NONE");
                }
            } catch (IOException | RuntimeException e) {
                LOG.debug("node {} did not describe group {} of {}: {}", host.getId(), group, fleet, e.toString());
            }
        }
        return new GroupInfo(fleet, group, peers, null, 0, 0, 0, 0, Map.of(), "NONE");
    }

    GroupInfo describe(String fleet, int group, RaftServer.Division d, List<String> peers) {
        RaftPeerId leader = d.getInfo().getLeaderId();
        Map<String, Long> lag = new TreeMap<>();
        long commit = d.getRaftLog().getLastCommittedIndex();
        if (d.getInfo().isLeader()) {
            // the leader's view of how far each follower has committed
            for (var info : d.getCommitInfos()) {
                String peer = info.getServer().getId().toStringUtf8();
                if (!peer.equals(nodeId)) {
                    lag.put(peer, Math.max(0, commit - info.getCommitIndex()));
                }
            }
        }
        var snapshot = d.getStateMachine().getLatestSnapshot();
        return new GroupInfo(fleet, group, peers, leader == null ? null : leader.toString(), d.getInfo().getCurrentTerm(), commit,
                d.getInfo().getLastAppliedIndex(), snapshot == null ? 0 : snapshot.getIndex(), lag,
                d.getInfo().getCurrentRole().name());
    }
}
