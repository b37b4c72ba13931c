package org.fos.fs.engine;

import java.nio.file.FileSystemException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.fos.block.api.BlockDevice;
import org.fos.fs.api.FsckReport;
import org.fos.fs.api.RepairReport;
import org.fos.fs.api.TryAgainException;
import org.fos.fs.peers.CrossOp;
import org.fos.fs.peers.FsPeers;
import org.fos.fs.peers.Probe;
import org.fos.fs.peers.ProbeResult;
import org.fos.fs.peers.Step;
import org.fos.rpc.api.CallOptions;
import org.fos.rpc.api.Libfos;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's part of the member that owns group 0: it mounts the file system (recovery)
 * before any member touches a group, and runs the operations that span groups, and checks, one at
 * a time from a queue (docs/files.md: probe and pin, commit the intent, apply and unpin). Its state
 * is touched only on the member thread: the answers of the calls it makes come back as
 * {@code peerResume} messages. Not thread-safe.
 */
final class Coordinator {
    private static final Logger LOG = LoggerFactory.getLogger(Coordinator.class);

    /** A cross-group operation or a check waiting in the queue. */
    private record Queued(CrossOp op, boolean repair, CompletableFuture<Object> future) {
    }

    /** The operation in flight. */
    private static final class Current {
        final long tx;
        final CrossOp op;
        final boolean repair;
        final CompletableFuture<Object> future;
        final Map<Probe, ProbeResult> facts = new HashMap<>();
        final Set<Integer> pinned = new LinkedHashSet<>();
        List<CrossPlanner.Ask> sent = List.of();
        Object result;
        Throwable failure;
        boolean finishing;

        Current(long tx, CrossOp op, boolean repair, CompletableFuture<Object> future) {
            this.tx = tx;
            this.op = op;
            this.repair = repair;
            this.future = future;
        }
    }

    /** What the coordinator needs of its member. */
    interface Host {
        /** The group 0 store, loaded. */
        GroupStore group0();

        /** The failure to answer with once this version is replaced. */
        TryAgainException retiredError();
    }

    private final String fleetName;
    private final String deviceName;
    private final BlockDevice device;
    private final FsPeers fleet;
    private final Libfos libfos;
    private final FsEngine.Settings config;
    private final Host host;

    private boolean mounted;
    /** The first operation number of this coordinator: every later one is larger, every earlier coordinator's smaller. */
    private long mountFence;
    private Layout layout;
    private long txCounter;
    private final ArrayDeque<Queued> queue = new ArrayDeque<>();
    private Current current;

    Coordinator(String fleetName, String deviceName, BlockDevice device, FsPeers fleet, Libfos libfos, FsEngine.Settings config,
            Host host) {
        this.fleetName = fleetName;
        this.deviceName = deviceName;
        this.device = device;
        this.fleet = fleet;
        this.libfos = libfos;
        this.config = config;
        this.host = host;
    }

    long fence() {
        return mountFence;
    }

    int groups() {
        return layout.groups;
    }

    /** Recovers the file system, once in this coordinator's life, creating it first on a blank device. */
    void mount() throws FileSystemException {
        if (mounted) {
            return;
        }
        Layout l = Volume.layout(device);
        if (l == null) {
            if (!config.format()) {
                throw new FileSystemException(deviceName, null, "holds no file system and format is false");
            }
            l = Volume.mkfs(device, config.groups());
        }
        int repaired = Volume.recover(device, l);
        GroupStore g0 = GroupStore.open(l, 0, device);
        txCounter = Math.max(Intent.decode(g0.header.intent()).seq(), System.currentTimeMillis() * 1000);
        mountFence = txCounter + 1;
        layout = l;
        mounted = true;
        LOG.info("{} mounted {} ({}), {} groups recovered", fleetName, deviceName, l, repaired);
    }

    /** Queues a cross-group operation (op) or a check (op null). */
    CompletionStage<Object> enqueue(CrossOp op, boolean repair) {
        try {
            mount();
        } catch (FileSystemException | RuntimeException e) {
            return Gates.failed(e);
        }
        CompletableFuture<Object> f = new CompletableFuture<>();
        queue.add(new Queued(op, repair, f));
        if (current == null) {
            startNext();
        }
        return f;
    }

    private void startNext() {
        Queued q = queue.poll();
        if (q == null) {
            current = null;
            return;
        }
        current = new Current(++txCounter, q.op(), q.repair(), q.future());
        if (q.op() == null) {
            freezeAll(true);
        } else {
            advance();
        }
    }

    /** Plans with what is known and acts on the plan: ask more, fail, or commit and apply. */
    private void advance() {
        Current c = current;
        CrossPlanner.Plan plan = CrossPlanner.plan(c.op, c.facts, System.currentTimeMillis());
        if (plan.asks() != null) {
            ask(c, plan.asks());
            return;
        }
        if (plan.error() != null) {
            c.failure = plan.error();
            finish(Map.of());
            return;
        }
        Map<Integer, List<Step>> steps = new LinkedHashMap<>();
        for (Intent.GroupStep gs : plan.steps()) {
            steps.computeIfAbsent(gs.group(), g -> new ArrayList<>()).add(gs.step());
        }
        if (!steps.isEmpty()) {
            try {
                GroupStore g0 = host.group0();
                Tx tx = g0.begin();
                g0.header.writeIntent(tx, new Intent(c.tx, plan.steps()).encode());
                g0.commit(tx);
                device.flush();
            } catch (RuntimeException e) {
                c.failure = new FileSystemException(null, null, "the coordinator could not record the operation: " + e.getMessage());
                finish(Map.of());
                return;
            }
        }
        c.result = plan.result();
        finish(steps);
    }

    /** Pins the groups asked and sends them their probes; their answers come back through {@link #resume}. */
    private void ask(Current c, List<CrossPlanner.Ask> asks) {
        Map<Integer, List<Probe>> byGroup = new LinkedHashMap<>();
        for (CrossPlanner.Ask a : asks) {
            byGroup.computeIfAbsent(a.group(), g -> new ArrayList<>()).add(a.probe());
        }
        List<CompletableFuture<List<ProbeResult>>> calls = new ArrayList<>();
        List<CrossPlanner.Ask> order = new ArrayList<>();
        for (Map.Entry<Integer, List<Probe>> e : byGroup.entrySet()) {
            c.pinned.add(e.getKey());
            int group = e.getKey();
            List<Probe> probes = e.getValue();
            calls.add(Gates.attempt(() -> fleet.peerPin(group, c.tx, probes)).toCompletableFuture());
            for (Probe p : probes) {
                order.add(new CrossPlanner.Ask(group, p));
            }
        }
        c.sent = order;
        long tx = c.tx;
        CompletableFuture.allOf(calls.toArray(new CompletableFuture<?>[0])).whenComplete((v, e) -> {
            if (e != null) {
                resumeLater(tx, null, describe(e));
                return;
            }
            List<ProbeResult> all = new ArrayList<>();
            calls.forEach(call -> all.addAll(call.join()));
            resumeLater(tx, all, null);
        });
    }

    static String describe(Throwable e) {
        Throwable t = FsErrors.cause(e);
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    private void resumeLater(long tx, List<ProbeResult> results, String failure) {
        fleet.peerResume(0, tx, results, failure).whenComplete((v, e) -> {
            if (e != null) {
                LOG.warn("{}: the coordinator's continuation of operation {} was not delivered: {}", fleetName, tx, e.getMessage());
            }
        });
    }

    /** Sends every pinned group its steps (or none, to unpin it), then answers the operation. */
    private void finish(Map<Integer, List<Step>> steps) {
        Current c = current;
        c.finishing = true;
        Set<Integer> to = new LinkedHashSet<>(c.pinned);
        to.addAll(steps.keySet());
        List<CompletableFuture<Void>> calls = new ArrayList<>();
        for (int g : to) {
            List<Step> mine = steps.getOrDefault(g, List.of());
            calls.add(Gates.attempt(() -> fleet.peerFinish(g, c.tx, mine)).toCompletableFuture());
        }
        long tx = c.tx;
        CompletableFuture.allOf(calls.toArray(new CompletableFuture<?>[0]))
                .whenComplete((v, e) -> resumeLater(tx, null, e == null ? null : describe(e)));
    }

    /** The continuation of the operation in flight: answers of probes, of applies, or of a freeze. */
    void resume(long tx, List<ProbeResult> results, String failure) {
        Current c = current;
        if (c == null || c.tx != tx) {
            return;
        }
        if (c.op == null) {
            Set<Long> lent = new java.util.HashSet<>();
            if (results != null) {
                results.forEach(r -> lent.add(r.inode()));
            }
            checkStep(failure, lent);
            return;
        }
        if (c.finishing) {
            if (failure != null && c.failure == null && c.result == null && !c.future.isDone()) {
                c.failure = new FileSystemException(null, null, "a group could not apply the operation (recovery finishes it): " + failure);
            }
            if (failure != null) {
                LOG.error("{}: a group could not apply cross-group operation {}: {}", fleetName, tx, failure);
            }
            if (c.failure != null) {
                c.future.completeExceptionally(c.failure);
            } else {
                c.future.complete(c.result);
            }
            startNext();
            return;
        }
        if (failure != null) {
            c.failure = new FileSystemException(null, null, "a member did not answer the coordinator: " + failure);
            finish(Map.of());
            return;
        }
        for (int i = 0; i < c.sent.size() && i < results.size(); i++) {
            c.facts.put(c.sent.get(i).probe(), results.get(i));
        }
        advance();
    }

    // ---------------------------------------------------------------- checks

    private void freezeAll(boolean frozenNow) {
        long tx = current.tx;
        List<CompletableFuture<List<Long>>> calls = new ArrayList<>();
        for (FsPeers m : libfos.members(FsPeers.class, fleetName, CallOptions.DEFAULT
                .withTimeout(Duration.ofMillis(config.callTimeoutMillis())))) {
            calls.add(Gates.attempt(() -> m.peerFreeze(-1, frozenNow)).toCompletableFuture());
        }
        if (!frozenNow) {
            return;
        }
        CompletableFuture.allOf(calls.toArray(new CompletableFuture<?>[0])).whenComplete((v, e) -> {
            if (e != null) {
                resumeLater(tx, null, describe(e));
                return;
            }
            // the members' lent, unused blocks travel as the inodes of probe results
            List<ProbeResult> lent = new ArrayList<>();
            calls.forEach(c -> c.join().forEach(b -> lent.add(new ProbeResult(ProbeResult.Status.FOUND, b, null, 0, false))));
            resumeLater(tx, lent, null);
        });
    }

    private void checkStep(String failure, Set<Long> lent) {
        Current c = current;
        try {
            if (failure != null) {
                c.future.completeExceptionally(new FileSystemException(null, null, "a member could not be frozen for the check: " + failure));
            } else if (c.repair) {
                RepairReport r = Fsck.repair(device, lent);
                LOG.info("{}: fsck --repair of {}: {} problems, {} repaired, {} not repaired", fleetName, deviceName,
                        r.before().problemCount(), r.repaired().size(), r.notRepaired().size());
                c.future.complete(r);
            } else {
                FsckReport r = Fsck.check(device, lent);
                LOG.info("{}: fsck of {}: {} ({} problems)", fleetName, deviceName, r.clean() ? "clean" : "NOT clean", r.problemCount());
                c.future.complete(new RepairReport(r, List.of(), List.of(), null));
            }
        } catch (RuntimeException e) {
            c.future.completeExceptionally(new FileSystemException(deviceName, null, "the check failed: " + e));
        } finally {
            freezeAll(false);
            startNext();
        }
    }

    /**
     * Answers everything queued or in flight with {@link TryAgainException}: this version is being replaced.
     *
     * @return how many operations were answered
     */
    int retire() {
        TryAgainException again = host.retiredError();
        int answered = queue.size();
        queue.forEach(q -> q.future().completeExceptionally(again));
        queue.clear();
        if (current != null) {
            current.future.completeExceptionally(again);
            current = null;
            answered++;
        }
        return answered;
    }
}
