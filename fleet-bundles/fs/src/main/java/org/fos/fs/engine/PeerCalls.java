package org.fos.fs.engine;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.IntPredicate;

import org.fos.block.api.BlockDevice;
import org.fos.fs.api.DirEntry;
import org.fos.fs.api.RepairReport;
import org.fos.fs.api.TryAgainException;
import org.fos.fs.peers.CrossOp;
import org.fos.fs.peers.FsPeers;
import org.fos.fs.peers.GroupStats;
import org.fos.fs.peers.Mounted;
import org.fos.fs.peers.Probe;
import org.fos.fs.peers.ProbeResult;
import org.fos.fs.peers.Step;
import org.fos.rpc.api.Libfos;

/**
 * The calls the members of a file-system fleet make of each other ({@link FsPeers}' own methods,
 * never a client's), which {@link FsEngine} hands on: those of the coordinator (the mount,
 * cross-group operations and checks, answered by the owner of group 0, and the answers it waits
 * for), those of a participant in a cross-group operation or a check (pin, finish, freeze), and
 * those about a group's space (its statistics, blocks lent and given back). Each routes like a
 * client's call: {@link Gates} says when it may run, {@link OwnedGroups} holds the groups,
 * {@link Coordinator} does the coordinator's work. Not thread-safe: the member thread alone uses it.
 */
final class PeerCalls {
    private final FsPeers fleet;
    private final Gates gates;
    private final OwnedGroups owned;
    private final IntPredicate owns;
    private final Coordinator coordinator;

    PeerCalls(String fleetName, String deviceName, BlockDevice device, FsPeers fleet, Libfos libfos, FsEngine.Settings settings,
            Gates gates, OwnedGroups owned, IntPredicate owns) {
        this.fleet = fleet;
        this.gates = gates;
        this.owned = owned;
        this.owns = owns;
        this.coordinator = new Coordinator(fleetName, deviceName, device, fleet, libfos, settings, new Coordinator.Host() {
            @Override
            public GroupStore group0() {
                return owned.store(0);
            }

            @Override
            public TryAgainException retiredError() {
                return gates.retiredError();
            }
        });
    }

    /**
     * Answers the coordinator's calls in flight and those queued with {@link TryAgainException}.
     *
     * @return how many were answered
     */
    int retire() {
        return coordinator.retire();
    }

    // ---------------------------------------------------------------- a group's space

    CompletionStage<GroupStats> peerGroupStats(int group) {
        return gates.call(group, 0, () -> owned.store(group).stats(), () -> fleet.peerGroupStats(group));
    }

    CompletionStage<List<Long>> peerLend(int group, int count) {
        if (count < 1 || count > 4096) {
            return Gates.failed(new IllegalArgumentException("a loan is 1 to 4096 blocks, not " + count));
        }
        return gates.call(group, 0, () -> owned.lend(group, count), () -> fleet.peerLend(group, count));
    }

    CompletionStage<Void> peerReturn(int group, List<Long> blocks) {
        return gates.call(group, 0, () -> owned.takeBack(group, blocks), () -> fleet.peerReturn(group, blocks));
    }

    // ---------------------------------------------------------------- the coordinator

    CompletionStage<Mounted> peerMount(int group) {
        if (gates.retired()) {
            return Gates.failed(gates.retiredError());
        }
        if (!owns.test(0)) {
            return Gates.attempt(() -> fleet.peerMount(0));
        }
        return Gates.run(() -> {
            coordinator.mount();
            return new Mounted(coordinator.fence(), coordinator.groups());
        });
    }

    CompletionStage<DirEntry> peerCross(int group, CrossOp op) {
        if (!owns.test(0)) {
            return Gates.attempt(() -> fleet.peerCross(0, op));
        }
        if (gates.retired()) {
            return Gates.failed(gates.retiredError());
        }
        return coordinator.enqueue(op, false).thenApply(o -> (DirEntry) o);
    }

    CompletionStage<RepairReport> peerFsck(int group, boolean repair) {
        if (!owns.test(0)) {
            return Gates.attempt(() -> fleet.peerFsck(0, repair));
        }
        if (gates.retired()) {
            return Gates.failed(gates.retiredError());
        }
        return coordinator.enqueue(null, repair).thenApply(o -> (RepairReport) o);
    }

    CompletionStage<Void> peerResume(int group, long tx, List<ProbeResult> results, String failure) {
        if (!gates.retired()) {
            coordinator.resume(tx, results, failure);
        }
        return CompletableFuture.completedFuture(null);
    }

    // ---------------------------------------------------------------- the participants

    CompletionStage<List<ProbeResult>> peerPin(int group, long tx, List<Probe> probes) {
        if (tx < gates.fence() && gates.layout() != null) {
            return Gates.failed(new TryAgainException("operation " + tx + " comes from a replaced coordinator"));
        }
        return gates.call(group, tx, () -> {
            if (tx < gates.fence()) {
                throw new TryAgainException("operation " + tx + " comes from a replaced coordinator");
            }
            gates.pin(group, tx);
            return owned.probe(group, tx, probes);
        }, () -> fleet.peerPin(group, tx, probes));
    }

    CompletionStage<Void> peerFinish(int group, long tx, List<Step> steps) {
        return gates.call(group, tx, owned.changing(group, () -> {
            try {
                owned.apply(group, tx, steps);
            } finally {
                gates.unpin(group, tx);
            }
            return (Void) null;
        }), () -> fleet.peerFinish(group, tx, steps));
    }

    CompletionStage<List<Long>> peerFreeze(int group, boolean frozenNow) {
        if (gates.retired()) {
            return Gates.failed(gates.retiredError());
        }
        return Gates.run(() -> {
            if (frozenNow) {
                List<Long> lent = owned.checkpointAll();
                gates.freeze(true);
                return lent;
            }
            // a repair may have changed any block: read the groups again (which frees orphans no open holds)
            owned.forget();
            gates.freeze(false);
            return List.<Long>of();
        });
    }
}
