package org.fos.replication.impl;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.util.ExitUtils;
import org.apache.ratis.util.TimeDuration;
import org.fos.cluster.api.Membership;
import org.fos.cluster.api.NodeInfo;
import org.fos.fleet.api.GroupInfo;
import org.fos.fleet.api.ReplicatedFleet;
import org.fos.kernel.api.Status;
import org.fos.kernel.spi.PayloadCodec;
import org.fos.rpc.api.FleetException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replication of one node: its Raft server (one for all groups, Ratis's multi-raft), the fleets
 * opened on it, and the paths of their writes and reads.
 *
 * <p><b>Requests.</b> A write to a group this node keeps and leads, and every read of a group this
 * node keeps, is submitted to this node's own division (no network hop; a linearizable read on a
 * follower asks the leader for its read index). Everything else goes through a Raft client of the
 * group, built from the group's configuration as this node knows it (its own division's, or the
 * nodes that say in the membership that they keep the group), which finds the leader and retries
 * until the request timeout. A request that finds no quorum in that time fails with
 * {@code NO_QUORUM}.
 *
 * <p><b>Membership.</b> The node publishes its Raft endpoint ({@value Hosting#ENDPOINT}) and the
 * groups it keeps ({@value Hosting#ATTRIBUTE}); placement ({@link PlacementController}) reads them.
 */
final class RaftNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RaftNode.class);

    /** What a request is. */
    enum Kind {
        WRITE, READ, STALE_READ
    }

    private final Settings settings;
    private final String nodeId;
    private final Membership membership;
    private final LogCodec codec;
    private final Directory directory;
    private final Counters counters = new Counters();
    private final Map<RaftGroupId, GroupMachine> machines = new ConcurrentHashMap<>();
    private final Map<String, FleetGroups> fleets = new ConcurrentHashMap<>();
    private final Map<RaftGroupId, RaftClient> clients = new ConcurrentHashMap<>();
    /** Request ids for writes made outside a call: this node's random half and a counter. */
    private final long requestClient = new java.security.SecureRandom().nextLong() | 1L;
    private final AtomicLong requestSequence = new AtomicLong();
    private final ScheduledExecutorService timer;
    private final java.util.concurrent.ExecutorService retries;
    private final List<AutoCloseable> allowed;
    private final RaftProperties properties;
    private final Parameters parameters;
    private final RaftServer server;
    private final String endpoint;
    private final AutoCloseable endpointAttribute;
    private volatile AutoCloseable hostsAttribute;
    private final PlacementController placement;
    private final HandOverWatch handOvers;
    private final GroupDescriptions descriptions;
    private final Requests requests;
    private volatile boolean closed;

    RaftNode(Settings settings, String nodeId, Membership membership, PayloadCodec payloadCodec) throws IOException {
        this.settings = settings;
        this.nodeId = nodeId;
        this.descriptions = new GroupDescriptions(this);
        this.requests = new Requests(this, settings, counters);
        this.membership = membership;
        Files.createDirectories(settings.storage());
        int port = RatisConfig.port(settings);
        RatisConfig.requireFree(settings, port); // before anything is registered or started that a failure would have to undo
        this.codec = new LogCodec(payloadCodec);
        this.allowed = codec.allowOwnTypes();
        this.directory = new Directory(settings.storage().resolve("directory"));
        this.endpoint = settings.published() + ":" + port;
        this.properties = RatisConfig.properties(settings, port);
        this.parameters = RatisConfig.parameters(settings);
        this.timer = Executors.newScheduledThreadPool(1, r -> {
            Thread t = new Thread(r, "fos-raft-timer");
            t.setDaemon(true);
            return t;
        });
        this.retries = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fos-raft-retry");
            t.setDaemon(true);
            return t;
        });
        try {
            this.server = withRatisLoader(() -> {
                try {
                    return startServer(port);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (RuntimeException e) {
            timer.shutdownNow();
            retries.shutdownNow();
            allowed.forEach(RaftNode::closeQuietly);
            if (e instanceof UncheckedIOException u) {
                throw u.getCause();
            }
            throw e;
        }
        this.endpointAttribute = membership.publish(Hosting.ENDPOINT, endpoint);
        publishHosts();
        this.placement = new PlacementController(this, settings);
        this.handOvers = new HandOverWatch(this, settings);
        LOG.info("node {} keeps Raft groups in {} and serves Raft on {}", nodeId, settings.storage(), endpoint);
        if (!settings.tls() && !Settings.loopback(settings.host())) {
            LOG.warn("node {} serves Raft on {} without TLS: Ratis's gRPC authenticates nobody, so any process that reaches the port"
                    + " can read and write the replicated fleets' state (plainTextOnNetwork=true); set tls=true (with the cluster's CA)"
                    + " or keep host at 127.0.0.1 (ADR 0083)", nodeId, endpoint);
        }
    }

    /**
     * Builds and starts the Ratis server. Ratis's gRPC service ends the process with System.exit when it
     * cannot bind its port ({@code ExitUtils.terminate}, its only caller in Ratis 3.1); with that turned
     * into an exception, a port taken between {@link RatisConfig#requireFree} and the bind fails this
     * node's replication, not the whole node.
     */
    private RaftServer startServer(int port) throws IOException {
        ExitUtils.disableSystemExit();
        RaftServer s = RaftServer.newBuilder().setServerId(RaftPeerId.valueOf(nodeId)).setProperties(properties)
                .setParameters(parameters).setStateMachineRegistry(this::newMachine)
                .setOption(RaftStorage.StartupOption.RECOVER).build();
        try {
            s.start();
            return s;
        } catch (ExitUtils.ExitException e) {
            ExitUtils.clear();
            closeQuietly(s);
            throw RatisConfig.portTaken(settings, port, e.getCause() != null ? e.getCause() : e);
        } catch (IOException | RuntimeException e) {
            closeQuietly(s);
            throw e;
        }
    }

    /** Runs Ratis code with its bundle's class loader as the context loader: its ServiceLoader calls need it. */
    static <T> T withRatisLoader(Supplier<T> action) {
        Thread t = Thread.currentThread();
        ClassLoader before = t.getContextClassLoader();
        t.setContextClassLoader(RaftServer.class.getClassLoader());
        try {
            return action.get();
        } finally {
            t.setContextClassLoader(before);
        }
    }

    String nodeId() {
        return nodeId;
    }

    /** The Raft server's life-cycle state: {@code RUNNING} while it serves, {@code CLOSED} once Ratis has ended it. */
    String serverState() {
        return server.getLifeCycleState().name();
    }

    /** Runs a round of placement now and waits for it (at most a request timeout). */
    void placementRound() {
        placement.runNow(settings.requestTimeoutMillis());
    }

    /** Moves a group's replica by hand; see {@link PlacementController#move}. */
    Move move(String fleet, int group, String from, String to) {
        return placement.move(fleet, group, from, to);
    }

    Settings settings() {
        return settings;
    }

    String endpoint() {
        return endpoint;
    }

    Counters counters() {
        return counters;
    }

    Membership membership() {
        return membership;
    }

    RaftServer server() {
        return server;
    }

    Map<String, FleetGroups> fleets() {
        return fleets;
    }

    ScheduledExecutorService timer() {
        return timer;
    }

    /** The pool that runs retries and placement's parallel work. */
    java.util.concurrent.Executor executor() {
        return retries;
    }

    RaftProperties properties() {
        return properties;
    }

    Parameters parameters() {
        return parameters;
    }

    // ---------------------------------------------------------------- fleets

    /** Opens a fleet here; its group count is the one claimed first, cluster-wide. */
    synchronized FleetGroups open(String fleet, int groups, int replicas, ReplicatedFleet implementation) {
        if (closed) {
            throw new FleetException(Status.UNAVAILABLE, "the replication of node " + nodeId + " has stopped", null);
        }
        if (fleets.containsKey(fleet)) {
            throw new IllegalArgumentException("fleet " + fleet + " is open already on node " + nodeId);
        }
        String claimed = membership.claim("raft" + fleet + "/groups", Integer.toString(groups));
        int count = Integer.parseInt(claimed);
        if (count != groups) {
            LOG.warn("fleet {} asks for {} groups, but it has {} since it first started: it keeps {}", fleet, groups, count, count);
        }
        directory.record(fleet, count);
        FleetGroups f = new FleetGroups(this, fleet, count, replicas, implementation);
        f.allowed(f.allow(implementation));
        fleets.put(fleet, f);
        for (GroupMachine m : machines.values()) {
            if (m.identity().fleet().equals(fleet)) {
                f.attach(m);
            }
        }
        publishHosts();
        if (membership.nodes().size() == 1) {
            // a cluster of one: its groups are its own, made before the fleet serves
            placement.runNow(settings.requestTimeoutMillis());
        } else {
            placement.kick();
        }
        return f;
    }

    /**
     * Removes this node's replicas of a fleet that is not open here, with their files: a group that
     * counts other nodes is first asked to go on without this one, so it keeps its quorum.
     *
     * @return how many replicas were removed
     */
    synchronized int drop(String fleet) {
        if (closed) {
            throw new FleetException(Status.UNAVAILABLE, "the replication of node " + nodeId + " has stopped", null);
        }
        if (fleets.containsKey(fleet)) {
            throw new IllegalArgumentException("fleet " + fleet + " is open on node " + nodeId + ": remove it before dropping its replicas");
        }
        RaftPeerId me = server.getId();
        int removed = 0;
        for (GroupMachine m : List.copyOf(machines.values())) {
            if (!m.identity().fleet().equals(fleet)) {
                continue;
            }
            RaftGroupId id = m.getGroupId();
            RaftServer.Division d = division(id);
            if (d != null) {
                List<RaftPeer> conf = new ArrayList<>(d.getRaftConf().getCurrentPeers());
                List<RaftPeer> others = conf.stream().filter(p -> !p.getId().equals(me)).toList();
                if (!others.isEmpty() && others.size() < conf.size()) {
                    try (RaftClient c = newClient(RaftGroup.valueOf(id, conf), RetryPolicies.retryUpToMaximumCountWithFixedSleep(5,
                            TimeDuration.valueOf(200, TimeUnit.MILLISECONDS)))) {
                        RaftClientReply reply = c.admin().setConfiguration(others);
                        if (!reply.isSuccess()) {
                            throw new IOException("refused: " + reply.getException());
                        }
                    } catch (IOException | RuntimeException e) {
                        throw new IllegalStateException("group " + m.identity().group() + " of " + fleet + " did not let node " + nodeId
                                + " go (" + e.getMessage() + "); " + removed + " replicas were removed before it: drop again once the"
                                + " group has a leader (fos:groups)", e);
                    }
                }
            }
            try {
                RaftClientReply reply = server.groupManagementAsync(org.apache.ratis.protocol.GroupManagementRequest.newRemove(
                        ClientId.randomId(), me, 0, id, true, false)).get(2 * settings.requestTimeoutMillis(), TimeUnit.MILLISECONDS);
                if (!reply.isSuccess()) {
                    throw new IOException("refused: " + reply.getException());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while removing group " + m.identity().group() + " of " + fleet, e);
            } catch (IOException | java.util.concurrent.ExecutionException | TimeoutException | RuntimeException e) {
                throw new IllegalStateException("removing this node's replica of group " + m.identity().group() + " of " + fleet
                        + " failed: " + unwrap(e) + "; " + removed + " replicas were removed before it", e);
            }
            machines.remove(id, m);
            dropClient(id);
            removed++;
        }
        publishHosts();
        LOG.info("node {} dropped its {} replicas of fleet {} with their files", nodeId, removed, fleet);
        return removed;
    }

    synchronized void closed(FleetGroups f) {
        fleets.remove(f.fleet(), f);
        publishHosts();
    }

    /** A request id for a write made outside a call, so that trying it again applies it once. */
    org.fos.rpc.api.RequestId newRequestId() {
        return new org.fos.rpc.api.RequestId(requestClient, requestSequence.incrementAndGet());
    }

    LogCodec codec() {
        return codec;
    }

    RaftGroupId groupId(String fleet, int group) {
        return GroupIds.of(fleet, group);
    }

    GroupMachine machine(RaftGroupId id) {
        return machines.get(id);
    }

    // ---------------------------------------------------------------- Ratis's state machines

    private org.apache.ratis.statemachine.StateMachine newMachine(RaftGroupId id) {
        Directory.Identity identity = directory.identity(id);
        if (identity == null) {
            LOG.error("node {} was given Raft group {}, which belongs to no fleet it knows; it stays suspended", nodeId, id);
            identity = new Directory.Identity("?" + id.getUuid(), -1);
        }
        return new GroupMachine(identity, codec, new DedupTable(settings.dedupWindowMillis(), settings.dedupMaxEntries()), this);
    }

    /** Ratis started a replica here (at start, or because placement added this node to a group). */
    void machineStarted(GroupMachine m) {
        RaftGroupId id = m.getGroupId();
        machines.put(id, m);
        if (closed) {
            // started while this node closes: close() has told the replicas it knew, not this one
            m.stopping();
            return;
        }
        FleetGroups f = fleets.get(m.identity().fleet());
        if (f != null) {
            f.attach(m);
        }
        dropClient(id);
        timer.execute(this::publishHosts);
    }

    void machineClosed(GroupMachine m) {
        RaftGroupId id = m.getGroupId();
        if (id != null) {
            machines.remove(id, m);
            dropClient(id);
        }
        if (!closed) {
            timer.execute(this::publishHosts);
        }
    }

    /** Says in the membership which groups of which fleets this node keeps. */
    synchronized void publishHosts() {
        if (closed) {
            return;
        }
        Map<String, BitSet> groups = new TreeMap<>();
        for (String fleet : fleets.keySet()) {
            groups.put(fleet, new BitSet());
        }
        for (GroupMachine m : machines.values()) {
            if (m.identity().group() >= 0) {
                groups.computeIfAbsent(m.identity().fleet(), x -> new BitSet()).set(m.identity().group());
            }
        }
        AutoCloseable before = hostsAttribute;
        try {
            hostsAttribute = membership.publish(Hosting.ATTRIBUTE, Hosting.write(groups));
        } catch (RuntimeException e) {
            LOG.warn("node {} cannot publish the groups it keeps: {}", nodeId, e.toString());
            return;
        }
        if (before != null && groups.isEmpty()) {
            closeQuietly(before);
        }
    }

    // ---------------------------------------------------------------- requests

    /**
     * Submits a request to a group and completes with the reply's content, or fails with a
     * {@link FleetException} whose status says why; see {@link Requests}.
     */
    CompletableFuture<Message> submit(String fleet, int group, Kind kind, Message message) {
        return requests.submit(fleet, group, kind, message);
    }

    /** Whether this node's replication is closing or closed. */
    boolean isClosed() {
        return closed;
    }

    /** Whether this node holds a Raft client for a group (it forwarded a request to it before). */
    /** The groups that have a replica on this node. */
    Set<RaftGroupId> localGroups() {
        return Set.copyOf(machines.keySet());
    }

    boolean hasClient(RaftGroupId id) {
        return clients.containsKey(id);
    }

    static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while ((c instanceof CompletionException || c instanceof java.util.concurrent.ExecutionException) && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }

    RaftServer.Division division(RaftGroupId id) {
        if (!machines.containsKey(id)) {
            return null;
        }
        try {
            return server.getDivision(id);
        } catch (IOException e) {
            return null;
        }
    }

    /** The client of a group, built from its configuration as this node knows it. */
    RaftClient client(String fleet, int group, RaftGroupId id) {
        RaftClient c = clients.get(id);
        if (c != null) {
            return c;
        }
        List<RaftPeer> peers = peers(fleet, group, id);
        if (peers.isEmpty()) {
            throw new FleetException(Status.UNAVAILABLE, "group " + group + " of " + fleet + " is on no node yet", null);
        }
        RaftClient created = newClient(RaftGroup.valueOf(id, peers), RetryPolicies.retryUpToMaximumCountWithFixedSleep(3,
                TimeDuration.valueOf(100, TimeUnit.MILLISECONDS)));
        RaftClient raced = clients.putIfAbsent(id, created);
        if (raced != null) {
            closeQuietly(created);
            return raced;
        }
        return created;
    }

    RaftClient newClient(RaftGroup group, RetryPolicy retry) {
        return withRatisLoader(() -> RaftClient.newBuilder().setProperties(properties).setParameters(parameters).setRaftGroup(group)
                .setRetryPolicy(retry).build());
    }

    /** The peers of a group: this node's division's configuration, else the nodes that say they keep it. */
    List<RaftPeer> peers(String fleet, int group, RaftGroupId id) {
        RaftServer.Division d = division(id);
        if (d != null) {
            return new ArrayList<>(d.getRaftConf().getCurrentPeers());
        }
        List<RaftPeer> out = new ArrayList<>();
        for (NodeInfo n : membership.nodes()) {
            BitSet hosted = Hosting.read(n.attributes().get(Hosting.ATTRIBUTE)).get(fleet);
            String address = n.attributes().get(Hosting.ENDPOINT);
            if (hosted != null && hosted.get(group) && address != null) {
                out.add(RaftPeer.newBuilder().setId(n.id()).setAddress(address).build());
            }
        }
        return out;
    }

    /** Drops a group's client if it is still {@code failed}: a newer one that another request made stays. */
    void dropClient(RaftGroupId id, RaftClient failed) {
        if (clients.remove(id, failed)) {
            closeQuietly(failed);
        }
    }

    void dropClient(RaftGroupId id) {
        RaftClient c = clients.remove(id);
        if (c != null) {
            closeQuietly(c);
        }
    }

    // ---------------------------------------------------------------- describing

    GroupInfo describe(String fleet, int group) {
        return descriptions.describe(fleet, group);
    }

    Map<String, Long> counterSnapshot() {
        return counters.snapshot();
    }

    /** Nodes that run a fleet (they list it in their hosting attribute) and publish a Raft endpoint, by id. */
    Map<String, String> eligible(String fleet) {
        Map<String, String> out = new TreeMap<>();
        for (NodeInfo n : membership.nodes()) {
            String address = n.attributes().get(Hosting.ENDPOINT);
            if (address != null && Hosting.read(n.attributes().get(Hosting.ATTRIBUTE)).containsKey(fleet)) {
                out.put(n.id(), address);
            }
        }
        return out;
    }

    /** The groups of a fleet that each node says it keeps. */
    Map<String, BitSet> hosted(String fleet) {
        Map<String, BitSet> out = new HashMap<>();
        for (NodeInfo n : membership.nodes()) {
            BitSet b = Hosting.read(n.attributes().get(Hosting.ATTRIBUTE)).get(fleet);
            if (b != null) {
                out.put(n.id(), b);
            }
        }
        return out;
    }

    Collection<GroupMachine> machines() {
        return machines.values();
    }

    Set<String> liveNodes() {
        Set<String> out = new java.util.TreeSet<>();
        for (NodeInfo n : membership.nodes()) {
            out.add(n.id());
        }
        return out;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        placement.close();
        handOvers.close();
        machines.values().forEach(GroupMachine::stopping);
        for (FleetGroups f : List.copyOf(fleets.values())) {
            f.close();
        }
        clients.values().forEach(RaftNode::closeQuietly);
        clients.clear();
        try {
            server.close();
        } catch (IOException e) {
            LOG.warn("closing the Raft server of node {} failed: {}", nodeId, e.toString());
        }
        closeQuietly(hostsAttribute);
        closeQuietly(endpointAttribute);
        allowed.forEach(RaftNode::closeQuietly);
        timer.shutdownNow();
        retries.shutdownNow();
        LOG.info("node {} stopped its Raft server", nodeId);
    }

    static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            LOG.debug("closing {} failed", c, e);
        }
    }
}
