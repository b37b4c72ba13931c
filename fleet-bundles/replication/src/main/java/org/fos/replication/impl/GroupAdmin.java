package org.fos.replication.impl;

import java.io.IOException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.GroupManagementRequest;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.AlreadyExistsException;
import org.apache.ratis.protocol.exceptions.LeaderSteppingDownException;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How placement changes a replicated group: the Raft administration that {@link PlacementController}
 * decides and {@link GroupMover} sequences. It gives a node a replica (a new one without peers, so that
 * it waits for the leader), adds a node to a group's configuration or removes one (and its files),
 * sets the priorities that make a node the preferred leader, and mends a replica that a configuration
 * names but its node lacks. Each call either happens or throws saying why; {@link #apply} logs instead.
 */
final class GroupAdmin {
    private static final Logger LOG = LoggerFactory.getLogger(GroupAdmin.class);

    private final RaftNode node;
    private final Settings settings;

    GroupAdmin(RaftNode node, Settings settings) {
        this.node = node;
        this.settings = settings;
    }

    /**
     * Gives a node a replica of a group: through this node's own server when it is this node, else
     * through a client. A node that has the group already (its replica may still be starting) is left
     * alone: Ratis closes a replica that is added again.
     */
    boolean add(RaftClient c, RaftPeerId peer, RaftGroup group) throws IOException {
        if (peer.equals(node.server().getId())) {
            if (node.division(group.getGroupId()) != null) {
                return false;
            }
            try {
                RaftClientReply reply = node.server().groupManagementAsync(GroupManagementRequest.newAdd(ClientId.randomId(), peer,
                        0, group, true)).get(2 * settings.requestTimeoutMillis(), TimeUnit.MILLISECONDS);
                check(reply);
            } catch (java.util.concurrent.ExecutionException e) {
                if (!alreadyExists(e)) {
                    throw new IOException("adding group " + group.getGroupId() + " here failed: " + RaftNode.unwrap(e), RaftNode.unwrap(e));
                }
                return false;
            } catch (java.util.concurrent.TimeoutException e) {
                throw new IOException("adding group " + group.getGroupId() + " here took more than " + 2 * settings.requestTimeoutMillis()
                        + " ms", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while adding group " + group.getGroupId());
            }
            return true;
        }
        if (c.getGroupManagementApi(peer).list().getGroupIds().contains(group.getGroupId())) {
            return false;
        }
        try {
            RaftClientReply reply = c.getGroupManagementApi(peer).add(group);
            if (!reply.isSuccess()) {
                if (!alreadyExists(reply.getException())) {
                    check(reply);
                }
                return false;
            }
            return true;
        } catch (IOException e) {
            if (!alreadyExists(e)) {
                throw e;
            }
            return false;
        }
    }

    /** Whether a failure says the node keeps the group already (a retried add, or a replica that came back). */
    static boolean alreadyExists(Throwable t) {
        return causedBy(t, AlreadyExistsException.class);
    }

    /** Makes a change, logging what came of it; true if it happened. */
    boolean apply(String fleet, int g, RaftGroupId id, List<RaftPeer> conf, Placement.Step step, Map<String, String> eligible,
            Map<String, BitSet> hosted) {
        try {
            change(fleet, g, id, conf, step, eligible, hosted);
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.info("group {} of {}: {} did not happen this round: {}{}", g, fleet, step, e.toString(),
                    e.getCause() == null ? "" : " (" + e.getCause() + ")");
            if (causedBy(e, LeaderSteppingDownException.class)) {
                unstick(fleet, g, id, conf, eligible);
            }
            return false;
        }
    }

    static boolean causedBy(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A leader refuses every change while it steps down; Ratis's leader yields, again and again, to a
     * follower of higher priority that is up to date, whether it lives or not. When the node that
     * has the priority is gone (it died during the hand-over a {@link Placement.Lead} asked for), the
     * group takes no write until it comes back: nothing new reaches the log, so the dead follower
     * stays up to date. The leader is asked to step down instead: the next leader's first entry puts
     * the dead follower behind, no yield follows, and the next round's Lead moves the priority.
     */
    private void unstick(String fleet, int g, RaftGroupId id, List<RaftPeer> conf, Map<String, String> eligible) {
        List<String> goneFirst = conf.stream().filter(p -> p.getPriority() > 0 && !eligible.containsKey(p.getId().toString()))
                .map(p -> p.getId().toString()).toList();
        if (goneFirst.isEmpty()) {
            return; // a hand-over to a live node, which ends by itself
        }
        try (RaftClient c = node.newClient(RaftGroup.valueOf(id, conf), fewRetries())) {
            check(c.admin().transferLeadership(null, settings.requestTimeoutMillis()));
            node.counters().reconfigurations.increment();
            LOG.warn("group {} of {}: its leader kept handing over to {}, which has the priority and is gone; it stepped down, so that"
                    + " a live node leads", g, fleet, goneFirst);
        } catch (IOException | RuntimeException e) {
            LOG.info("group {} of {}: its leader keeps handing over to {}, which is gone, and did not step down this round: {}", g,
                    fleet, goneFirst, e.toString());
        }
    }

    /** Makes a change to a group's configuration, or throws saying why it did not happen. */
    void change(String fleet, int g, RaftGroupId id, List<RaftPeer> conf, Placement.Step step, Map<String, String> eligible,
            Map<String, BitSet> hosted) throws IOException {
        List<RaftPeer> next;
        if (step instanceof Placement.Add a) {
            next = addReplica(g, id, conf, peer(a.node(), eligible.get(a.node()), 0), hosted);
        } else if (step instanceof Placement.Remove r) {
            next = removeReplica(fleet, g, id, conf, r.node(), eligible);
        } else {
            String leader = ((Placement.Lead) step).node();
            next = new ArrayList<>();
            for (RaftPeer p : conf) {
                next.add(peer(p.getId().toString(), p.getAddress(), p.getId().toString().equals(leader) ? 1 : 0));
            }
            try (RaftClient c = node.newClient(RaftGroup.valueOf(id, conf), fewRetries())) {
                check(c.admin().setConfiguration(next));
            }
        }
        node.counters().reconfigurations.increment();
        LOG.info("group {} of {}: {} (now {})", g, fleet, step, next.stream().map(p -> p.getId() + (p.getPriority() > 0 ? "*" : "")).toList());
    }

    /**
     * Gives a group a replica on one more node: the replica first (unless the node has one), then the
     * configuration that counts it, which Ratis commits once the new replica has caught up.
     *
     * @return the new configuration
     */
    List<RaftPeer> addReplica(int g, RaftGroupId id, List<RaftPeer> conf, RaftPeer added, Map<String, BitSet> hosted)
            throws IOException {
        List<RaftPeer> next = new ArrayList<>(conf);
        next.add(added);
        try (RaftClient c = node.newClient(RaftGroup.valueOf(id, next), fewRetries())) {
            if (!hosted.getOrDefault(added.getId().toString(), new BitSet()).get(g)) {
                // adding a group to a server that has it already closes its replica (Ratis): only to nodes without one.
                // The new replica starts without peers, so it waits for the leader: one that started with the new
                // configuration would campaign if the leader took longer than an election timeout to reach it, and the
                // leader, whose configuration does not count it yet, would tell it to shut down (it then stays closed)
                add(c, added.getId(), RaftGroup.valueOf(id));
            }
            check(c.admin().setConfiguration(next));
        }
        return next;
    }

    /**
     * Takes a group's replica off a node: the configuration without it, then, if the node is up, its copy.
     *
     * @return the new configuration
     */
    List<RaftPeer> removeReplica(String fleet, int g, RaftGroupId id, List<RaftPeer> conf, String gone, Map<String, String> eligible)
            throws IOException {
        List<RaftPeer> next = new ArrayList<>();
        for (RaftPeer p : conf) {
            if (!p.getId().toString().equals(gone)) {
                next.add(p);
            }
        }
        try (RaftClient c = node.newClient(RaftGroup.valueOf(id, conf), fewRetries())) {
            check(c.admin().setConfiguration(next));
        }
        if (eligible.containsKey(gone)) {
            // a surplus replica on a live node: its copy goes too (a gone node's copy is dropped if it comes back)
            drop(fleet, g, id, gone, eligible);
        }
        return next;
    }

    /** Gives a node that a group's configuration names its missing replica. */
    void heal(String fleet, int g, RaftGroupId id, List<RaftPeer> conf, String peer) {
        RaftGroup group = RaftGroup.valueOf(id, conf);
        try (RaftClient c = node.newClient(group, fewRetries())) {
            if (add(c, RaftPeerId.valueOf(peer), group)) {
                node.counters().reconfigurations.increment();
                LOG.info("group {} of {}: gave {} the replica its configuration names", g, fleet, peer);
            }
        } catch (IOException | RuntimeException e) {
            LOG.info("group {} of {}: giving {} its missing replica did not happen this round: {}", g, fleet, peer, e.toString());
        }
    }

    /** Removes a node's replica of a group that no longer counts it in its configuration, with its files. */
    void drop(String fleet, int g, RaftGroupId id, String peer, Map<String, String> eligible) {
        RaftPeer p = peer(peer, eligible.get(peer), 0);
        try (RaftClient c = node.newClient(RaftGroup.valueOf(id, p), fewRetries())) {
            check(c.getGroupManagementApi(p.getId()).remove(id, true, false));
            LOG.info("group {} of {}: dropped the replica on {}, which the group no longer counts", g, fleet, peer);
        } catch (IOException | RuntimeException e) {
            LOG.debug("node {} did not drop its replica of group {} of {}: {}", peer, g, fleet, e.toString());
        }
    }

    static void check(RaftClientReply reply) throws IOException {
        if (!reply.isSuccess()) {
            throw reply.getException() != null ? reply.getException() : new IOException("refused: " + reply);
        }
    }

    static RaftPeer peer(String id, String address, int priority) {
        return RaftPeer.newBuilder().setId(id).setAddress(address).setPriority(priority).build();
    }

    /** A Raft client's retries for an administrative change: five, 200 ms apart. */
    static RetryPolicy fewRetries() {
        return RetryPolicies.retryUpToMaximumCountWithFixedSleep(5, TimeDuration.valueOf(200, TimeUnit.MILLISECONDS));
    }
}
