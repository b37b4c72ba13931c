package org.fos.replication.impl;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.apache.ratis.protocol.Message;
import org.fos.fleet.api.FleetState;
import org.fos.fleet.api.GroupInfo;
import org.fos.fleet.api.Replicas;
import org.fos.fleet.api.ReplicatedFleet;
import org.fos.fleet.api.StateMachine;
import org.fos.fleet.spi.ReplicatedFleetHandle;
import org.fos.rpc.api.CallContext;
import org.fos.rpc.api.RequestId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One replicated fleet on this node: the handle the fleet runtime holds, and the {@link Replicas}
 * its instances write and read through. The fleet's replicas on this node run the state machines of
 * the bound implementation; while none is bound (the node just started, or a live upgrade is under
 * way) they wait. Thread-safe.
 */
final class FleetGroups implements ReplicatedFleetHandle, Replicas {
    private static final Logger LOG = LoggerFactory.getLogger(FleetGroups.class);

    private final RaftNode node;
    private final String fleet;
    private final int groups;
    private final int replicas;
    /** The bound implementation; null while suspended (guarded by this). */
    private ReplicatedFleet implementation;
    private List<AutoCloseable> allowed = List.of();
    private boolean closed;

    FleetGroups(RaftNode node, String fleet, int groups, int replicas, ReplicatedFleet implementation) {
        this.node = node;
        this.fleet = fleet;
        this.groups = groups;
        this.replicas = replicas;
        this.implementation = Objects.requireNonNull(implementation, "implementation");
    }

    String fleet() {
        return fleet;
    }

    int replicationFactor() {
        return replicas;
    }

    /**
     * Puts an implementation's command types on the codec's allow-list (the newest registration of a
     * name decodes, so the bound version's classes read the log).
     *
     * @return the handles that take them off again
     */
    List<AutoCloseable> allow(ReplicatedFleet implementation) {
        List<AutoCloseable> handles = new ArrayList<>();
        try {
            for (Class<?> type : implementation.commandTypes()) {
                handles.add(node.codec().allow(type));
            }
        } catch (RuntimeException e) {
            handles.forEach(RaftNode::closeQuietly);
            throw new IllegalArgumentException("fleet " + fleet + ": the codec refuses a command type: " + e.getMessage(), e);
        }
        return handles;
    }

    synchronized void allowed(List<AutoCloseable> handles) {
        this.allowed = handles;
    }

    /** A replica of this fleet started here: it runs the bound implementation at once, if there is one. */
    synchronized void attach(GroupMachine m) {
        if (implementation == null || closed || !m.isSuspended()) {
            return;
        }
        try {
            start(m, implementation);
        } catch (RuntimeException e) {
            LOG.error("{} of {} cannot restore its state: it stays suspended until another version is bound", m, fleet, e);
        }
    }

    /** Restores what waits into a new state machine and lets the replica go on with it. */
    private static void start(GroupMachine m, ReplicatedFleet implementation) {
        for (int tries = 0;; tries++) {
            GroupMachine.Waiting w = m.waiting();
            StateMachine sm = implementation.newStateMachine(m.identity().group());
            if (w.state() != null) {
                sm.restore(w.state());
            }
            if (m.activate(sm, w.generation()) || !m.isSuspended()) {
                return;
            }
            if (tries > 10) {
                throw new IllegalStateException(m + " keeps loading new snapshots");
            }
        }
    }

    private List<GroupMachine> machines() {
        List<GroupMachine> out = new ArrayList<>();
        for (GroupMachine m : node.machines()) {
            if (m.identity().fleet().equals(fleet)) {
                out.add(m);
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- Replicas

    @Override
    public int groups() {
        return groups;
    }

    @Override
    public int groupOf(Object key) {
        return GroupIds.groupOf(key, groups);
    }

    private int check(int group) {
        if (group < 0 || group >= groups) {
            throw new IllegalArgumentException("fleet " + fleet + " has groups 0 to " + (groups - 1) + ", not " + group);
        }
        return group;
    }

    @Override
    public <R> CompletionStage<R> write(int group, Object command, Class<R> resultType) {
        check(group);
        RequestId id = CallContext.requestId();
        if (id == null) {
            id = node.newRequestId();
        }
        Message m = node.codec().entry(id.client(), id.sequence(), System.currentTimeMillis(), command);
        return answer(node.submit(fleet, group, RaftNode.Kind.WRITE, m), resultType);
    }

    @Override
    public <R> CompletionStage<R> read(int group, Object query, Class<R> resultType) {
        check(group);
        return answer(node.submit(fleet, group, RaftNode.Kind.READ, node.codec().query(query)), resultType);
    }

    @Override
    public <R> CompletionStage<R> readStale(int group, Object query, Class<R> resultType) {
        check(group);
        return answer(node.submit(fleet, group, RaftNode.Kind.STALE_READ, node.codec().query(query)), resultType);
    }

    private <R> CompletionStage<R> answer(CompletableFuture<Message> reply, Class<R> type) {
        return reply.thenApply(m -> LogCodec.valueOf(node.codec().outcome(m.getContent()), type));
    }

    @Override
    public List<GroupInfo> describe() {
        List<GroupInfo> out = new ArrayList<>();
        for (int g = 0; g < groups; g++) {
            out.add(node.describe(fleet, g));
        }
        return out;
    }

    // ---------------------------------------------------------------- ReplicatedFleetHandle

    @Override
    public Replicas replicas() {
        return this;
    }

    @Override
    public synchronized Map<Integer, FleetState> suspend() {
        implementation = null;
        Map<Integer, FleetState> states = new HashMap<>();
        for (GroupMachine m : machines()) {
            states.put(m.identity().group(), m.suspend());
        }
        LOG.info("fleet {}: {} replicas on node {} suspended", fleet, states.size(), node.nodeId());
        return states;
    }

    /**
     * Restores every replica's state into a state machine of the new implementation first, and only
     * when all of them took it lets the replicas go on: a version that cannot read one state changes
     * nothing. Each replica restores the state it holds while suspended: what {@link #suspend()}
     * returned ({@code states}), or a newer snapshot the leader installed meanwhile.
     */
    @Override
    public synchronized void resume(ReplicatedFleet newImplementation, Map<Integer, FleetState> states) {
        Objects.requireNonNull(newImplementation, "implementation");
        if (closed) {
            throw new IllegalStateException("fleet " + fleet + " is closed on node " + node.nodeId());
        }
        List<AutoCloseable> types = allow(newImplementation);
        List<Prepared> prepared = new ArrayList<>();
        try {
            prepare(newImplementation, prepared);
        } catch (RuntimeException e) {
            types.forEach(RaftNode::closeQuietly);
            throw e;
        }
        implementation = newImplementation;
        allowed.forEach(RaftNode::closeQuietly);
        allowed = types;
        for (Prepared p : prepared) {
            if (!p.machine().activate(p.sm(), p.generation())) {
                start(p.machine(), newImplementation);
            }
        }
        LOG.info("fleet {}: {} replicas on node {} resumed", fleet, prepared.size(), node.nodeId());
    }

    private record Prepared(GroupMachine machine, StateMachine sm, long generation) {
    }

    /** Restores every replica's waiting state into a new state machine of the implementation; throws at the first it cannot take. */
    private void prepare(ReplicatedFleet newImplementation, List<Prepared> prepared) {
        for (GroupMachine m : machines()) {
            GroupMachine.Waiting w = m.waiting();
            // what waits is what suspend() returned, unless the leader installed a newer snapshot since
            FleetState state = w.state();
            StateMachine sm = newImplementation.newStateMachine(m.identity().group());
            if (state != null) {
                try {
                    sm.restore(state);
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException("group " + m.identity().group() + " of " + fleet + ": the new version cannot"
                            + " restore a state of layout " + state.version() + ": " + e.getMessage(), e);
                }
            }
            prepared.add(new Prepared(m, sm, w.generation()));
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            implementation = null;
            for (GroupMachine m : machines()) {
                m.suspend();
            }
            allowed.forEach(RaftNode::closeQuietly);
        }
        node.closed(this);
    }

    @Override
    public String toString() {
        return "replicated fleet " + fleet + " (" + groups + " groups, " + replicas + " replicas) on node " + node.nodeId();
    }
}
