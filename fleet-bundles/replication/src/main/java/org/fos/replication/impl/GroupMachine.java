package org.fos.replication.impl;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.util.LifeCycle;
import org.apache.ratis.util.MD5FileUtil;
import org.fos.fleet.api.FleetState;
import org.fos.fleet.api.StateMachine;
import org.fos.kernel.api.Status;
import org.fos.rpc.api.FleetException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's replica of one group: the Ratis state machine that applies the group's committed
 * entries to the fleet's {@link StateMachine}, answers queries, writes and loads snapshots, and
 * remembers the requests it applied lately ({@link DedupTable}).
 *
 * <p>The fleet's state machine is not always there: when the node starts, Ratis loads the group
 * from {@code data/raft} before the fleet's implementation is bound, and a live upgrade takes the
 * old version's state machine away before the new one comes. Meanwhile the state loaded from the
 * latest snapshot (or taken from the old version) waits in {@code pending}, and applying and queries
 * wait: the log keeps growing, the group keeps its quorum through the other replicas. The new state
 * machine restores {@link #waiting()} and {@link #activate} lets them go on. Every access to the fleet's
 * state machine holds this object's lock, so it is called from one thread at a time.
 */
final class GroupMachine extends BaseStateMachine {
    private static final Logger LOG = LoggerFactory.getLogger(GroupMachine.class);

    private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
    private final Directory.Identity identity;
    private final LogCodec codec;
    private final DedupTable dedup;
    private final RaftNode node;
    /** The fleet's state machine; null while suspended (guarded by this). */
    private StateMachine delegate;
    /** The state to restore into the next delegate; null for an empty start (guarded by this). */
    private FleetState pending;
    private boolean closed;
    /** Counts the states loaded from snapshots (guarded by this). */
    private long generation;
    /** An entry was left unapplied because the replica is closing: the applied index stays before it. */
    private boolean halted;

    GroupMachine(Directory.Identity identity, LogCodec codec, DedupTable dedup, RaftNode node) {
        this.identity = identity;
        this.codec = codec;
        this.dedup = dedup;
        this.node = node;
    }

    Directory.Identity identity() {
        return identity;
    }

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
        super.initialize(server, groupId, raftStorage);
        getLifeCycle().startAndTransition(() -> {
            storage.init(raftStorage);
            load();
        });
        node.machineStarted(this);
    }

    /** Ratis pauses the replica before it installs a snapshot from the leader, and reinitializes it after. */
    @Override
    public void pause() {
        getLifeCycle().transition(LifeCycle.State.PAUSING);
        getLifeCycle().transition(LifeCycle.State.PAUSED);
    }

    @Override
    public void reinitialize() throws IOException {
        // a snapshot was installed from the leader: it replaces what this replica had
        getLifeCycle().startAndTransition(this::load);
    }

    @Override
    public StateMachineStorage getStateMachineStorage() {
        return storage;
    }

    /** Loads the latest snapshot, if any, into the delegate or, without one, into {@code pending}. */
    private void load() throws IOException {
        SingleFileSnapshotInfo info = storage.loadLatestSnapshot();
        if (info == null) {
            return;
        }
        File file = info.getFile().getPath().toFile();
        if (info.getFile().getFileDigest() != null) {
            MD5FileUtil.verifySavedMD5(file, info.getFile().getFileDigest());
        }
        LogCodec.Snapshot s;
        try {
            s = codec.snapshot(Files.readAllBytes(file.toPath()));
        } catch (IllegalArgumentException e) {
            throw new IOException("snapshot " + file + " of " + identity + " cannot be read: " + e.getMessage(), e);
        }
        FleetState state = new FleetState(s.layout(), s.data());
        synchronized (this) {
            dedup.load(s.clients(), s.sequences(), s.times(), s.outcomes());
            generation++;
            if (delegate != null) {
                delegate.restore(state);
            } else {
                pending = state;
            }
            updateLastAppliedTermIndex(info.getTermIndex());
        }
        LOG.info("{} loaded its snapshot at {}", identity, info.getTermIndex());
    }

    /** Waits for the fleet's state machine; the caller holds the lock. */
    private StateMachine awaitDelegate() throws InterruptedException {
        while (delegate == null) {
            // the node's flag too: a replica Ratis started while the node was closing was never told it is stopping
            if (closed || node.isClosed()) {
                throw new FleetException(Status.UNAVAILABLE, identity + " is closed on node " + node.nodeId(), null);
            }
            wait(TimeUnit.SECONDS.toMillis(1));
        }
        return delegate;
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto entry = trx.getLogEntry();
        TermIndex at = TermIndex.valueOf(entry);
        byte[] result;
        try {
            synchronized (this) {
                // the fleet's command types are on the codec's allow-list once its implementation is bound
                StateMachine sm = awaitDelegate();
                LogCodec.Entry e;
                try {
                    e = codec.entry(entry.getStateMachineLogEntry().getLogData());
                } catch (IllegalArgumentException undecodable) {
                    // an entry this version cannot read: every replica of this version refuses it alike
                    LOG.error("{} cannot read log entry {}: {}", identity, at, undecodable.getMessage());
                    result = codec.outcome(LogCodec.Outcome.failed(undecodable));
                    updateLastAppliedTermIndex(at);
                    return CompletableFuture.completedFuture(LogCodec.message(result));
                }
                result = dedup.outcome(e.client(), e.sequence());
                if (result == null) {
                    LogCodec.Outcome outcome;
                    try {
                        outcome = LogCodec.Outcome.of(sm.apply(e.command(), at.getIndex()));
                    } catch (RuntimeException failure) {
                        outcome = LogCodec.Outcome.failed(failure);
                    }
                    result = codec.outcome(outcome);
                    dedup.record(e.client(), e.sequence(), e.atMillis(), result);
                } else {
                    node.counters().deduplicated.increment();
                }
                updateLastAppliedTermIndex(at);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CompletableFuture.failedFuture(e);
        } catch (FleetException closing) {
            // Never thrown to Ratis: its updater would stop applying short of the index a closing
            // server waits for, and the close would wait forever. The entry stays unapplied here:
            // from now on the last applied index, and so any snapshot, stays before it, and the
            // restart applies it from the log.
            synchronized (this) {
                halted = true;
            }
            return CompletableFuture.failedFuture(closing);
        }
        return CompletableFuture.completedFuture(LogCodec.message(result));
    }

    /** Ratis's entries of its own (configuration, metadata) move the applied index on, unless an entry of the fleet's was left unapplied. */
    @Override
    public synchronized void notifyTermIndexUpdated(long term, long index) {
        if (!halted) {
            super.notifyTermIndexUpdated(term, index);
        }
    }

    @Override
    public CompletableFuture<Message> query(Message request) {
        LogCodec.Outcome outcome;
        synchronized (this) {
            StateMachine sm;
            try {
                sm = awaitDelegate();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return CompletableFuture.failedFuture(e);
            } catch (FleetException closing) {
                // the replica failed, not the query: the caller hears UNAVAILABLE, or asks another replica
                return CompletableFuture.failedFuture(closing);
            }
            try {
                LogCodec.Query q = codec.query(request.getContent());
                outcome = LogCodec.Outcome.of(sm.query(q.query()));
            } catch (RuntimeException failure) {
                outcome = LogCodec.Outcome.failed(failure);
            }
        }
        return CompletableFuture.completedFuture(LogCodec.message(codec.outcome(outcome)));
    }

    @Override
    public long takeSnapshot() throws IOException {
        LogCodec.Snapshot s;
        TermIndex at;
        synchronized (this) {
            at = getLastAppliedTermIndex();
            if (at == null || at.getIndex() < 0) {
                return RaftLog.INVALID_LOG_INDEX;
            }
            FleetState state = delegate != null ? delegate.snapshot() : pending;
            if (state == null) {
                // suspended before anything was loaded: nothing newer than the last snapshot to write
                return RaftLog.INVALID_LOG_INDEX;
            }
            s = LogCodec.snapshotOf(state, dedup.columns());
        }
        File file = storage.getSnapshotFile(at.getTerm(), at.getIndex());
        File temporary = new File(file.getParentFile(), file.getName() + ".writing");
        Files.write(temporary.toPath(), codec.snapshot(s), StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE, StandardOpenOption.SYNC);
        Files.move(temporary.toPath(), file.toPath(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        storage.updateLatestSnapshot(new SingleFileSnapshotInfo(new FileInfo(file.toPath(), MD5FileUtil.computeAndSaveMd5ForFile(file)), at));
        node.counters().snapshots.increment();
        LOG.debug("{} wrote a snapshot at {}", identity, at);
        return at.getIndex();
    }

    /**
     * Takes the fleet's state machine away: applying and queries wait until {@link #activate}.
     *
     * @return the state now, or what waits to be restored if it was suspended already
     */
    synchronized FleetState suspend() {
        if (delegate != null) {
            pending = delegate.snapshot();
            delegate = null;
        }
        return pending;
    }

    /**
     * What a state machine must restore before it can take over this replica: the state that waits,
     * with the number of the load it came from.
     *
     * @return the state (null for an empty start) and its generation
     */
    synchronized Waiting waiting() {
        return new Waiting(pending, generation);
    }

    /** A state waiting for a state machine, and which load of this replica it came from. */
    record Waiting(FleetState state, long generation) {
    }

    /**
     * Gives the replica a state machine that has restored what {@link #waiting()} gave, and lets
     * applying and queries go on.
     *
     * @param machine the state machine
     * @param generation what {@link #waiting()} said
     * @return false if a snapshot was installed meanwhile: the machine holds an older state, and
     *         must restore {@link #waiting()} again
     */
    synchronized boolean activate(StateMachine machine, long generation) {
        if (generation != this.generation || delegate != null) {
            return false;
        }
        pending = null;
        delegate = machine;
        notifyAll();
        return true;
    }

    /**
     * Tells whether this replica stops: the node told it so or closed it, or it left an entry
     * unapplied because it was closing (then its applied index stays where it is, and a linearizable
     * read through it waits for an index it will not reach).
     */
    synchronized boolean isStopping() {
        return closed || halted || node.isClosed();
    }

    synchronized boolean isSuspended() {
        return delegate == null;
    }

    /** The node is stopping: whatever waits for a state machine gives up, so that Ratis can close the replica. */
    synchronized void stopping() {
        closed = true;
        notifyAll();
    }

    @Override
    public void close() throws IOException {
        stopping();
        node.machineClosed(this);
        super.close();
    }

    @Override
    public String toString() {
        return identity.toString();
    }
}
