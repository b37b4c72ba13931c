package org.fos.replication.impl;

import java.io.IOException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.GroupInfoReply;
import org.apache.ratis.protocol.GroupManagementRequest;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.server.RaftServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each replicated fleet's groups where {@link Placement} says they should be: it creates
 * groups, adds replicas to groups short of them, replaces replicas of nodes gone longer than the
 * grace period, and sets the priorities that spread the leaders. For each fleet one node does it:
 * the live node with the smallest id among those that run the fleet (every node sees the same
 * membership, so they agree but for the moment a change takes to reach them all; two nodes placing
 * the same group at once is safe, as Raft serializes configuration changes and placement converges).
 * A group is created once cluster-wide: its first nodes are claimed in the membership first
 * ({@code raft/<fleet>/<group>}), and a group whose claim names nodes that are not all up is left
 * alone until they are. All Raft administration runs on one thread, one change a group a round.
 * <p>When a round finds every group of a fleet where it should be, it lets {@link Placement#rebalance}
 * move one replica toward the least loaded node (unless the fleet is in {@code rebalanceOff}); a move
 * by hand ({@link #move}) runs on the same thread, and records a {@link Placement.Pin} in the
 * membership first, so that whichever node places the fleet finishes the move and keeps it.
 * A replica that a node keeps but its group's configuration does not name is dropped, unless the
 * node is the one the group's pin keeps: then, for {@code replaceAfterMillis}, it is taken for a move in
 * flight from another node, which Ratis stages and catches up before the new configuration counts it.
 */
final class PlacementController implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PlacementController.class);

    private final RaftNode node;
    private final Settings settings;
    private final ExecutorService worker;
    private final AtomicBoolean queued = new AtomicBoolean();
    private final ScheduledFuture<?> periodic;
    private final AutoCloseable watch;
    /** When each node that some group names was first seen missing from the membership (nanoTime). */
    private final Map<String, Long> goneSince = new HashMap<>();
    /** Each fleet's eligible nodes as last seen, and since when (nanoTime). */
    private final Map<String, Set<String>> lastEligible = new HashMap<>();
    private final Map<String, Long> eligibleSince = new HashMap<>();
    /** Replicas kept on the node their group's pin keeps, which the configuration does not name yet: by fleet#group@node, since when (nanoTime). */
    private final Map<String, Long> strays = new HashMap<>();
    /** Groups whose claim names nodes that are down: logged once. */
    private final Set<String> waitingReported = new HashSet<>();
    private volatile boolean closed;
    private final GroupAdmin admin;
    private final GroupMover mover;

    PlacementController(RaftNode node, Settings settings) {
        this.node = node;
        this.settings = settings;
        this.admin = new GroupAdmin(node, settings);
        this.mover = new GroupMover(node, settings, admin, this);
        this.worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fos-raft-placement");
            t.setDaemon(true);
            return t;
        });
        this.periodic = node.timer().scheduleWithFixedDelay(this::kick, settings.placementPeriodMillis(),
                settings.placementPeriodMillis(), TimeUnit.MILLISECONDS);
        this.watch = node.membership().watch(nodes -> kick());
    }

    /** Asks for a round soon (at most one waits). */
    void kick() {
        if (!closed && queued.compareAndSet(false, true)) {
            try {
                worker.execute(() -> {
                    queued.set(false);
                    round();
                });
            } catch (java.util.concurrent.RejectedExecutionException stopped) {
                queued.set(false);
            }
        }
    }

    /**
     * Runs a round now and waits for it (at most {@code timeoutMillis}): a cluster of one creates its
     * groups before its fleet serves.
     */
    void runNow(long timeoutMillis) {
        try {
            worker.submit(this::round).get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.warn("placement did not finish within {} ms: {}", timeoutMillis, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            // closing
        }
    }

    private void round() {
        Set<String> live = node.liveNodes();
        long now = System.nanoTime();
        goneSince.keySet().removeIf(live::contains);
        for (FleetGroups f : List.copyOf(node.fleets().values())) {
            if (closed) {
                return;
            }
            try {
                place(f, live, now);
            } catch (RuntimeException e) {
                LOG.warn("placing the groups of {} failed this round: {}", f.fleet(), e.toString());
            }
        }
    }

    private void place(FleetGroups f, Set<String> live, long now) {
        String fleet = f.fleet();
        Map<String, String> eligible = node.eligible(fleet);
        if (eligible.isEmpty() || !eligible.keySet().iterator().next().equals(node.nodeId())) {
            return;
        }
        if (!eligible.keySet().equals(lastEligible.get(fleet))) {
            lastEligible.put(fleet, Set.copyOf(eligible.keySet()));
            eligibleSince.put(fleet, now);
        }
        boolean settled = eligible.size() == 1 && live.size() == 1
                || now - eligibleSince.get(fleet) >= TimeUnit.MILLISECONDS.toNanos(settings.settleMillis());
        Map<String, BitSet> hosted = node.hosted(fleet);
        Map<String, Integer> load = new HashMap<>();
        hosted.forEach((n, b) -> load.put(n, b.cardinality()));
        Map<Integer, List<RaftPeer>> confs = new HashMap<>();
        Map<Integer, String> preferred = new HashMap<>();
        Map<Integer, Placement.Pin> pins = new HashMap<>();
        Set<String> seen = new HashSet<>();
        boolean changed = false;
        List<java.util.concurrent.CompletableFuture<Void>> creations = new ArrayList<>();
        for (int g = 0; g < f.groups(); g++) {
            RaftGroupId id = node.groupId(fleet, g);
            Placement.Pin pin = pin(fleet, g);
            pins.put(g, pin);
            List<RaftPeer> conf = conf(fleet, g, id, hosted, live, node.nodeId().equals(pin.keep()));
            if (conf == null) {
                if (settled) {
                    int group = g;
                    creations.add(java.util.concurrent.CompletableFuture.runAsync(
                            () -> create(f, group, id, eligible, load, hosted, live), node.executor()));
                }
                continue;
            }
            String present = preferredLeader(conf);
            if (present != null) {
                preferred.put(g, present);
            }
            for (RaftPeer p : conf) {
                String n = p.getId().toString();
                if (!live.contains(n)) {
                    goneSince.putIfAbsent(n, now);
                }
            }
            Set<String> replaceable = new HashSet<>();
            goneSince.forEach((n, since) -> {
                if (now - since >= TimeUnit.MILLISECONDS.toNanos(settings.replaceAfterMillis())) {
                    replaceable.add(n);
                }
            });
            List<String> ids = conf.stream().map(p -> p.getId().toString()).toList();
            for (String n : ids) {
                if (live.contains(n) && eligible.containsKey(n) && !hosted.getOrDefault(n, new BitSet()).get(g)) {
                    // the configuration names a live node without a replica: a creation or an Add that failed half-way
                    // (a timeout under load) reached the configuration but not that node, whose votes the group then
                    // lacks for good; it gets its replica now (a node that has one already is left alone)
                    admin.heal(fleet, g, id, conf, n);
                }
            }
            for (Map.Entry<String, BitSet> h : hosted.entrySet()) {
                if (h.getValue().get(g) && !ids.contains(h.getKey()) && eligible.containsKey(h.getKey())) {
                    String stray = fleet + "#" + g + "@" + h.getKey();
                    seen.add(stray);
                    if (h.getKey().equals(pin.keep())
                            && now - strays.computeIfAbsent(stray, k -> now) < TimeUnit.MILLISECONDS.toNanos(settings.replaceAfterMillis())) {
                        continue; // a move in flight, made elsewhere: Ratis catches the replica up before the configuration names it
                    }
                    // a replica left on a node the group no longer counts (it was replaced while the node was gone):
                    // dropped, so that if the group needs the node again it starts afresh from a snapshot
                    admin.drop(fleet, g, id, h.getKey(), eligible);
                    strays.remove(stray);
                    h.getValue().clear(g);
                    load.merge(h.getKey(), -1, Integer::sum);
                }
            }
            Placement.Step step = Placement.next(fleet, g, ids, eligible.keySet(), replaceable, f.replicationFactor(), load, pin);
            if (step != null) {
                changed = true;
                admin.apply(fleet, g, id, conf, step, eligible, hosted);
                if (step instanceof Placement.Add a) {
                    load.merge(a.node(), 1, Integer::sum);
                } else if (step instanceof Placement.Remove r) {
                    load.merge(r.node(), -1, Integer::sum);
                }
            } else {
                confs.put(g, conf);
            }
        }
        // new groups are made in parallel: each waits for its first election
        java.util.concurrent.CompletableFuture.allOf(creations.toArray(new java.util.concurrent.CompletableFuture<?>[0])).join();
        Map<Integer, List<String>> settledConfs = new HashMap<>();
        confs.forEach((g, c) -> settledConfs.put(g, c.stream().map(p -> p.getId().toString()).toList()));
        strays.keySet().removeIf(k -> k.startsWith(fleet + "#") && !seen.contains(k));
        Placement.leaders(fleet, settledConfs, preferred, eligible.keySet()).forEach((g, leader) -> {
            List<RaftPeer> conf = confs.get(g);
            if (priorityOf(conf, leader) < 1 || conf.stream().anyMatch(p -> !p.getId().toString().equals(leader) && p.getPriority() > 0)) {
                admin.apply(fleet, g, node.groupId(fleet, g), conf, new Placement.Lead(leader), eligible, hosted);
            }
        });
        if (!changed && creations.isEmpty() && settled && confs.size() == f.groups() && rebalances(fleet)) {
            rebalance(fleet, settledConfs, confs, pins, eligible, hosted, load);
        }
    }

    /** Whether the balancer may move the fleet's groups. */
    private boolean rebalances(String fleet) {
        return !settings.rebalanceOff().contains(fleet) && !settings.rebalanceOff().contains("*");
    }

    /** Moves one replica of the fleet toward the least loaded node, if that evens out the load. */
    private void rebalance(String fleet, Map<Integer, List<String>> settledConfs, Map<Integer, List<RaftPeer>> confs,
            Map<Integer, Placement.Pin> pins, Map<String, String> eligible, Map<String, BitSet> hosted, Map<String, Integer> load) {
        for (Map.Entry<Integer, List<String>> e : new java.util.TreeMap<>(settledConfs).entrySet()) {
            int g = e.getKey();
            Placement.Step step = Placement.rebalance(fleet, g, e.getValue(), eligible.keySet(), load,
                    pins.getOrDefault(g, Placement.Pin.NONE));
            if (step != null) {
                LOG.info("rebalancing {}: group {} gains a replica on {} (load {}); the most loaded of its replicas goes next", fleet, g,
                        ((Placement.Add) step).node(), load);
                if (admin.apply(fleet, g, node.groupId(fleet, g), confs.get(g), step, eligible, hosted)) {
                    node.counters().rebalances.increment();
                }
                return;
            }
        }
    }

    /** What a move by hand asked of a group, as recorded in the membership. */
    private Placement.Pin pin(String fleet, int group) {
        try {
            return Placement.Pin.parse(node.membership().recorded(pinKey(fleet, group)));
        } catch (RuntimeException e) {
            LOG.warn("cannot read the pin of group {} of {}; placing it as if it had none: {}", group, fleet, e.toString());
            return Placement.Pin.NONE;
        }
    }

    /** The membership record of a group's pin. */
    static String pinKey(String fleet, int group) {
        return "raft-pins" + fleet + "/" + group;
    }

    /** The replica a configuration gives the highest priority, if one alone has it and it is above 0; else null. */
    static String preferredLeader(List<RaftPeer> conf) {
        int top = conf.stream().mapToInt(RaftPeer::getPriority).max().orElse(0);
        List<RaftPeer> first = conf.stream().filter(p -> p.getPriority() == top).toList();
        return top > 0 && first.size() == 1 ? first.get(0).getId().toString() : null;
    }

    private static int priorityOf(List<RaftPeer> conf, String node) {
        for (RaftPeer p : conf) {
            if (p.getId().toString().equals(node)) {
                return p.getPriority();
            }
        }
        return 0;
    }

    /**
     * A group's configuration: this node's division's, else a live node's that keeps it; null if no live
     * node does. A division here without a configuration, which never applied anything, is a creation
     * that did not finish, and is removed, unless {@code mayBeJoining}: then it may be a replica added to
     * this node that waits for the leader to catch it up.
     */
    List<RaftPeer> conf(String fleet, int group, RaftGroupId id, Map<String, BitSet> hosted, Set<String> live,
            boolean mayBeJoining) {
        RaftServer.Division d = node.division(id);
        if (d != null && d.getRaftConf().getCurrentPeers().isEmpty() && d.getInfo().getLastAppliedIndex() < 0 && mayBeJoining) {
            d = null; // its configuration is not the group's yet: ask the others
        }
        if (d != null && d.getRaftConf().getCurrentPeers().isEmpty() && d.getInfo().getLastAppliedIndex() < 0) {
            // a creation that did not finish (the node stopped meanwhile): the replica never took part in anything
            LOG.warn("group {} of {} has a replica here without a configuration: removing it so that the group can be made", group, fleet);
            try {
                node.server().groupManagementAsync(GroupManagementRequest.newRemove(ClientId.randomId(), node.server().getId(), 0, id,
                        true, false)).get(2 * settings.requestTimeoutMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                LOG.warn("removing the unfinished replica of group {} of {} failed: {}", group, fleet, e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            d = null;
        }
        if (d != null) {
            return new ArrayList<>(d.getRaftConf().getCurrentPeers());
        }
        for (Map.Entry<String, BitSet> e : hosted.entrySet()) {
            if (!e.getValue().get(group) || !live.contains(e.getKey())) {
                continue;
            }
            RaftPeer host = GroupAdmin.peer(e.getKey(), node.eligible(fleet).get(e.getKey()), 0);
            if (host.getAddress() == null) {
                continue;
            }
            try (RaftClient c = node.newClient(RaftGroup.valueOf(id, host), GroupAdmin.fewRetries())) {
                GroupInfoReply info = c.getGroupManagementApi(host.getId()).info(id);
                if (!info.getGroup().getPeers().isEmpty()) {
                    return new ArrayList<>(info.getGroup().getPeers());
                } // else a replica still joining the group: another node knows its configuration

            } catch (IOException e2) {
                LOG.debug("node {} did not describe group {} of {}: {}", e.getKey(), group, fleet, e2.toString());
            }
        }
        return null;
    }

    private void create(FleetGroups f, int g, RaftGroupId id, Map<String, String> eligible, Map<String, Integer> load,
            Map<String, BitSet> hosted, Set<String> live) {
        String fleet = f.fleet();
        List<String> chosen = Placement.initial(fleet, g, eligible.keySet(), f.replicationFactor(), load);
        String mine = String.join(",", chosen);
        String claimed = node.membership().claim("raft" + fleet + "/" + g, mine);
        List<String> peers = List.of(claimed.split(","));
        if (!claimed.equals(mine)) {
            // claimed before: created then, unless the claimer failed before it told the nodes
            boolean allUp = peers.stream().allMatch(p -> live.contains(p) && eligible.containsKey(p));
            boolean anyKeeps = peers.stream().anyMatch(p -> hosted.getOrDefault(p, new BitSet()).get(g));
            if (!allUp || anyKeeps) {
                if (waitingReported.add(fleet + "#" + g)) {
                    LOG.warn("group {} of {} was created on {}, and no live node keeps it now: it waits for those nodes", g, fleet, peers);
                }
                return;
            }
        }
        List<RaftPeer> raftPeers = new ArrayList<>();
        for (int i = 0; i < peers.size(); i++) {
            raftPeers.add(GroupAdmin.peer(peers.get(i), eligible.get(peers.get(i)), i == 0 ? 1 : 0));
        }
        RaftGroup group = RaftGroup.valueOf(id, raftPeers);
        try (RaftClient c = node.newClient(group, GroupAdmin.fewRetries())) {
            for (RaftPeer p : raftPeers) {
                if (!hosted.getOrDefault(p.getId().toString(), new BitSet()).get(g)) {
                    admin.add(c, p.getId(), group);
                }
            }
            node.counters().reconfigurations.increment();
            LOG.info("created group {} of {} on {}", g, fleet, peers);
        } catch (IOException e) {
            LOG.warn("creating group {} of {} on {} failed, to be tried again: {}", g, fleet, peers, e.toString());
        }
    }

    /**
     * Moves a group's replica from one node to another while the group serves: records the move as the
     * group's pin, gives the new node a replica (Ratis catches it up from the leader's snapshot and log
     * before the configuration counts it) and makes it the preferred leader, hands it the leadership if
     * the old node leads, and takes the old node's replica away. Each step is tried again, from the
     * group's configuration as it then is, until the move is done or 30 request timeouts have passed;
     * it runs on placement's thread, so this node places nothing meanwhile.
     *
     * @param fleet the fleet
     * @param group the group
     * @param from the node that keeps a replica now
     * @param to the node to keep it instead: up, running the fleet, without a replica of the group
     * @return what the move did
     * @throws IllegalArgumentException if the fleet, group or nodes are not as described
     * @throws IllegalStateException if the move did not finish in time (the pin stays: placement finishes it)
     */
    Move move(String fleet, int group, String from, String to) {
        long timeout = 30 * settings.requestTimeoutMillis();
        try {
            return worker.submit(() -> mover.moveNow(fleet, group, from, to, timeout)).get(timeout + settings.requestTimeoutMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException("moving group " + group + " of " + fleet + " failed: " + e.getCause(), e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("moving group " + group + " of " + fleet + " did not finish within " + timeout + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while moving group " + group + " of " + fleet, e);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            throw new IllegalStateException("the replication of this node is stopping", e);
        }
    }

    /** Whether placement has stopped. */
    boolean closed() {
        return closed;
    }

    @Override
    public void close() {
        closed = true;
        periodic.cancel(false);
        RaftNode.closeQuietly(watch);
        worker.shutdownNow();
        try {
            worker.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
