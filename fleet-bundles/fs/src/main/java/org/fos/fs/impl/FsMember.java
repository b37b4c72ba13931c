package org.fos.fs.impl;

import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
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
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

import org.fos.block.api.BlockDevice;
import org.fos.fleet.api.Fleet;
import org.fos.fleet.api.FleetState;
import org.fos.fleet.api.MemberAware;
import org.fos.fleet.api.MemberIdentity;
import org.fos.fleet.api.Stateful;
import org.fos.fs.api.Attributes;
import org.fos.fs.api.CrossOp;
import org.fos.fs.api.DirEntry;
import org.fos.fs.api.FileSystemFleet;
import org.fos.fs.api.FileType;
import org.fos.fs.api.FsStats;
import org.fos.fs.api.FsckReport;
import org.fos.fs.api.GroupStats;
import org.fos.fs.api.Mounted;
import org.fos.fs.api.Probe;
import org.fos.fs.api.ProbeResult;
import org.fos.fs.api.Step;
import org.fos.fs.api.TryAgainException;
import org.fos.kernel.api.Address;
import org.fos.kernel.api.Kernel;
import org.fos.kernel.api.KernelException;
import org.fos.kernel.api.Names;
import org.fos.kernel.api.Selection;
import org.fos.rpc.api.CallOptions;
import org.fos.rpc.api.Libfos;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ServiceScope;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One member of the file-system fleet. It owns the groups that key affinity sends it and keeps
 * them loaded ({@link GroupStore}); everything it does with them runs on its member thread, so it
 * needs no lock. The owner of group 0 is also the coordinator: it mounts the file system (recovery)
 * before any member touches a group, and runs cross-group operations and checks one at a time (see
 * {@code docs/files.md}).
 *
 * <p>A call may have to wait: until the file system is mounted (it is sent again through the fleet
 * once it is), while its group is pinned by a cross-group operation or its member frozen for a check
 * (it is kept and run when that ends). Calls this version still holds when it is replaced are
 * answered with {@link TryAgainException}; the next version mounts again, replaying the journals.
 */
@Component(service = FileSystemFleet.class, scope = ServiceScope.PROTOTYPE, configurationPid = FsMember.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        property = Names.SCOPE_PROPERTY + "=" + Names.SCOPE_NODE)
@Fleet(name = FileSystemFleet.NAME, members = 2)
@Designate(ocd = FsMember.Config.class, factory = true)
public class FsMember implements FileSystemFleet, Stateful, MemberAware {
    private static final Logger LOG = LoggerFactory.getLogger(FsMember.class);

    /** The factory PID of file-system fleets. */
    public static final String PID = "org.fos.fs";
    static final int LAYOUT = 1;

    /** The configuration of a file-system fleet. */
    @ObjectClassDefinition(name = "fos file system", description = "A file-system fleet on a block device, served under fos.fleet.name.")
    public @interface Config {
        /**
         * The device.
         *
         * @return its name
         */
        @AttributeDefinition(description = "The block device's name: the fleet uses /dev/block/<device>.")
        String device() default "disk0";

        /**
         * Whether to make a file system on a blank device.
         *
         * @return true to format a device without a superblock
         */
        @AttributeDefinition(description = "Make a file system when the device holds none (a blank device); never formats a device"
                + " that holds something else.")
        boolean format() default true;

        /**
         * Groups of a new file system.
         *
         * @return groups
         */
        @AttributeDefinition(description = "How many groups a new file system gets: the units the members divide, each with its own"
                + " inodes, bitmaps and journal.")
        int groups() default 4;

        /**
         * Milliseconds a call to the device or another member may take.
         *
         * @return milliseconds
         */
        @AttributeDefinition(description = "Milliseconds a call to the block device or to another member may take.")
        long callTimeoutMillis() default 30_000;
    }

    /** A call kept until its group is unpinned or its member thawed. */
    private record Held(int group, long tx, CompletableFuture<Object> future, Op<?> op) {
    }

    /** The work of a call, run on the member thread. */
    @FunctionalInterface
    interface Op<T> {
        T run() throws Exception;
    }

    /** A cross-group operation or a check waiting in the coordinator's queue. */
    private record Queued(CrossOp op, CompletableFuture<Object> future) {
    }

    /** The coordinator's operation in flight. */
    private static final class Current {
        final long tx;
        final CrossOp op;
        final CompletableFuture<Object> future;
        final Map<Probe, ProbeResult> facts = new HashMap<>();
        final Set<Integer> pinned = new LinkedHashSet<>();
        List<CrossPlanner.Ask> sent = List.of();
        Object result;
        Throwable failure;
        boolean finishing;

        Current(long tx, CrossOp op, CompletableFuture<Object> future) {
            this.tx = tx;
            this.op = op;
            this.future = future;
        }
    }

    private final Libfos libfos;
    private final Kernel kernel;
    private volatile Address self;
    private final String fleetName;
    private final String deviceName;
    private final Config config;
    private final BlockDevice device;
    private final FileSystemFleet fleet;
    private final String servedBy;

    private volatile Layout layout;
    private volatile long fence;
    private CompletableFuture<Mounted> mounting;
    private volatile boolean retired;
    private final Map<Integer, GroupStore> groups = new HashMap<>();
    private final Map<Integer, Long> pins = new HashMap<>();
    private final Map<Long, List<Long>> reservations = new HashMap<>();
    private final List<Held> held = new ArrayList<>();
    private boolean frozen;

    // the coordinator's part
    private boolean coordinatorMounted;
    /** The first operation number of this coordinator: every later one is larger, every earlier coordinator's smaller. */
    private long mountFence;
    private Layout coordinatorLayout;
    private long txCounter;
    private final ArrayDeque<Queued> queue = new ArrayDeque<>();
    private Current current;

    /**
     * Creates a member.
     *
     * @param config the configuration
     * @param properties the component properties, {@code fos.fleet.name} among them
     * @param libfos libfos, for the device and the other members
     * @param kernel the kernel, for the name resolution that says which groups this member owns
     */
    @Activate
    public FsMember(Config config, Map<String, Object> properties, @Reference Libfos libfos, @Reference Kernel kernel) {
        this.libfos = libfos;
        this.kernel = kernel;
        this.config = config;
        this.fleetName = String.valueOf(properties.getOrDefault(Fleet.NAME, FileSystemFleet.NAME));
        this.deviceName = BlockDevice.NAME_PREFIX + config.device();
        if (config.callTimeoutMillis() < 1) {
            throw new IllegalArgumentException("callTimeoutMillis must be positive, was " + config.callTimeoutMillis());
        }
        CallOptions options = CallOptions.DEFAULT.withTimeout(Duration.ofMillis(config.callTimeoutMillis()));
        this.device = libfos.proxy(BlockDevice.class, deviceName, options);
        this.fleet = libfos.proxy(FileSystemFleet.class, fleetName, options.withSelection(Selection.ROUND_ROBIN));
        Bundle b = FrameworkUtil.getBundle(getClass());
        this.servedBy = b == null ? getClass().getSimpleName() : b.getSymbolicName() + "/" + b.getVersion();
    }

    /**
     * The implementation that serves, for logs and tests: bundle symbolic name and version.
     *
     * @return the text
     */
    protected String servedBy() {
        return servedBy;
    }

    @Override
    public void joined(MemberIdentity member) {
        this.self = member.address();
    }

    /**
     * Whether this member owns a group: whether key affinity picks it for the group now. A call can
     * reach another member only while the fleet's members are still registering; it is then sent on.
     */
    private boolean owns(int group) {
        Address me = self;
        if (me == null) {
            return true;
        }
        try {
            return kernel.names().resolve(fleetName, Selection.KEY_AFFINITY, group).address().equals(me);
        } catch (KernelException | IllegalArgumentException e) {
            return true;
        }
    }

    // ---------------------------------------------------------------- gates

    private static <T> CompletableFuture<T> failed(Throwable t) {
        CompletableFuture<T> f = new CompletableFuture<>();
        f.completeExceptionally(t);
        return f;
    }

    private TryAgainException retiredError() {
        return new TryAgainException("version " + servedBy + " of " + fleetName + " was replaced before it answered");
    }

    private CompletableFuture<Mounted> mount() {
        if (mounting == null) {
            mounting = attempt(() -> fleet.peerMount(0)).toCompletableFuture().thenApply(m -> {
                try {
                    Layout l = Volume.layout(device);
                    if (l == null) {
                        throw new CompletionException(new FileSystemException(deviceName, null, "holds no file system"));
                    }
                    fence = m.fence();
                    layout = l;
                } catch (FileSystemException e) {
                    throw new CompletionException(e);
                }
                return m;
            });
            mounting.whenComplete((m, e) -> {
                if (e != null) {
                    LOG.warn("{}: mounting {} failed: {}", fleetName, deviceName, e.getMessage());
                }
            });
        }
        return mounting;
    }

    /**
     * Runs a call about a group: at once if it may, else when it may. {@code again} sends the same
     * call through the fleet, for after the mount (the continuation runs off the member thread).
     */
    @SuppressWarnings("unchecked")
    private <T> CompletionStage<T> call(int group, long tx, Op<T> op, Op<CompletionStage<T>> again) {
        if (retired) {
            return failed(retiredError());
        }
        if (layout == null) {
            CompletableFuture<Mounted> m = mount();
            if (m.isCompletedExceptionally()) {
                mounting = null;
            }
            return m.thenCompose(x -> attempt(again));
        }
        if (group < 0 || group >= layout.groups) {
            return failed(new IllegalArgumentException("group " + group + " does not exist: the file system has " + layout.groups
                    + " groups"));
        }
        if (!owns(group)) {
            return attempt(again);
        }
        if (frozen || (pins.containsKey(group) && pins.get(group) != tx)) {
            CompletableFuture<Object> f = new CompletableFuture<>();
            held.add(new Held(group, tx, f, op));
            return (CompletionStage<T>) f;
        }
        return run(op);
    }

    /** Makes a call through the fleet; a failure to send it fails the stage. */
    static <T> CompletionStage<T> attempt(Op<CompletionStage<T>> call) {
        try {
            return call.run();
        } catch (Exception e) {
            return failed(e);
        }
    }

    private static <T> CompletionStage<T> run(Op<T> op) {
        try {
            return CompletableFuture.completedFuture(op.run());
        } catch (Exception e) {
            return failed(e);
        }
    }

    /** Runs the kept calls that may run now, in order. */
    @SuppressWarnings("unchecked")
    private void release() {
        List<Held> all = new ArrayList<>(held);
        held.clear();
        for (Held h : all) {
            if (frozen || (pins.containsKey(h.group()) && pins.get(h.group()) != h.tx())) {
                held.add(h);
                continue;
            }
            run((Op<Object>) h.op()).whenComplete((v, e) -> {
                if (e != null) {
                    h.future().completeExceptionally(e);
                } else {
                    h.future().complete(v);
                }
            });
        }
    }

    private GroupStore store(int group) {
        GroupStore s = groups.get(group);
        if (s == null) {
            s = GroupStore.open(layout, group, device);
            groups.put(group, s);
        }
        return s;
    }

    private static void checkGroup(int group, long inode) {
        if (FileSystemFleet.groupOf(inode) != group) {
            throw new IllegalArgumentException("inode " + inode + " lives in group " + FileSystemFleet.groupOf(inode) + ", not " + group);
        }
    }

    private int groupFor(long dir, String name) {
        int h = (Long.toString(dir) + '/' + name).hashCode();
        return Math.floorMod(h * 0x9E3779B1, layout.groups);
    }

    // ---------------------------------------------------------------- the protocol

    @Override
    public CompletionStage<DirEntry> lookup(int group, long dir, String name) {
        return call(group, 0, () -> {
            checkGroup(group, dir);
            return store(group).lookup(dir, name);
        }, () -> fleet.lookup(group, dir, name));
    }

    @Override
    public CompletionStage<Attributes> stat(int group, long inode) {
        return call(group, 0, () -> {
            checkGroup(group, inode);
            return store(group).stat(inode);
        }, () -> fleet.stat(group, inode));
    }

    @Override
    public CompletionStage<List<DirEntry>> readdir(int group, long dir, String after, int limit) {
        return call(group, 0, () -> {
            checkGroup(group, dir);
            return store(group).readdir(dir, after, limit);
        }, () -> fleet.readdir(group, dir, after, limit));
    }

    @Override
    public CompletionStage<DirEntry> create(int group, long dir, String name, boolean exclusive) {
        return call(group, 0, () -> {
            checkGroup(group, dir);
            return store(group).create(dir, name, exclusive, System.currentTimeMillis());
        }, () -> fleet.create(group, dir, name, exclusive));
    }

    @Override
    public CompletionStage<DirEntry> mkdir(int group, long dir, String name) {
        CompletionStage<CompletionStage<DirEntry>> s = call(group, 0, () -> {
            checkGroup(group, dir);
            FsErrors.checkName(name);
            int target = groupFor(dir, name);
            if (target == group) {
                return CompletableFuture.completedFuture(store(group).mkdir(dir, name, System.currentTimeMillis()));
            }
            store(group).lookupAbsent(dir, name);
            return fleet.peerCross(0, new CrossOp(CrossOp.Kind.MKDIR, dir, name, 0, null, false, target));
        }, () -> CompletableFuture.completedFuture(fleet.mkdir(group, dir, name)));
        return s.thenCompose(x -> x);
    }

    @Override
    public CompletionStage<Void> delete(int group, long dir, String name) {
        CompletionStage<CompletionStage<DirEntry>> s = call(group, 0, () -> {
            checkGroup(group, dir);
            GroupStore g = store(group);
            DirEntry e = g.lookup(dir, name);
            if (FileSystemFleet.groupOf(e.inode()) == group) {
                g.delete(dir, name, System.currentTimeMillis());
                return CompletableFuture.completedFuture(null);
            }
            return fleet.peerCross(0, new CrossOp(CrossOp.Kind.DELETE, dir, name, 0, null, false, 0));
        }, () -> CompletableFuture.completedFuture(fleet.delete(group, dir, name).thenApply(v -> (DirEntry) null)));
        return s.thenCompose(x -> x).thenApply(x -> null);
    }

    @Override
    public CompletionStage<Void> rename(int group, long dir, String name, long targetDir, String targetName, boolean replace) {
        CompletionStage<CompletionStage<DirEntry>> s = call(group, 0, () -> {
            checkGroup(group, dir);
            if (targetDir <= 0) {
                throw new IllegalArgumentException("target directory " + targetDir + " is not an inode");
            }
            if (store(group).renameLocal(dir, name, targetDir, targetName, replace, System.currentTimeMillis())) {
                return CompletableFuture.completedFuture(null);
            }
            return fleet.peerCross(0, new CrossOp(CrossOp.Kind.RENAME, dir, name, targetDir, targetName, replace, 0));
        }, () -> CompletableFuture.completedFuture(fleet.rename(group, dir, name, targetDir, targetName, replace)
                .thenApply(v -> (DirEntry) null)));
        return s.thenCompose(x -> x).thenApply(x -> null);
    }

    @Override
    public CompletionStage<byte[]> read(int group, long inode, long offset, int length) {
        return call(group, 0, () -> {
            checkGroup(group, inode);
            return store(group).read(inode, offset, length);
        }, () -> fleet.read(group, inode, offset, length));
    }

    @Override
    public CompletionStage<Long> write(int group, long inode, long offset, byte[] data) {
        return call(group, 0, () -> {
            checkGroup(group, inode);
            return store(group).write(inode, offset, data, false, System.currentTimeMillis());
        }, () -> fleet.write(group, inode, offset, data));
    }

    @Override
    public CompletionStage<Long> append(int group, long inode, byte[] data) {
        return call(group, 0, () -> {
            checkGroup(group, inode);
            return store(group).append(inode, data, System.currentTimeMillis());
        }, () -> fleet.append(group, inode, data));
    }

    @Override
    public CompletionStage<Void> truncate(int group, long inode, long size) {
        return call(group, 0, () -> {
            checkGroup(group, inode);
            store(group).truncate(inode, size, System.currentTimeMillis());
            return (Void) null;
        }, () -> fleet.truncate(group, inode, size));
    }

    @Override
    public CompletionStage<Void> setTimes(int group, long inode, long modifiedMillis, long accessedMillis) {
        return call(group, 0, () -> {
            checkGroup(group, inode);
            store(group).setTimes(inode, modifiedMillis, accessedMillis);
            return (Void) null;
        }, () -> fleet.setTimes(group, inode, modifiedMillis, accessedMillis));
    }

    @Override
    public CompletionStage<Void> fsync(int group, long inode) {
        return call(group, 0, () -> {
            checkGroup(group, inode);
            store(group).stat(inode);
            device.flush();
            return (Void) null;
        }, () -> fleet.fsync(group, inode));
    }

    @Override
    public CompletionStage<FsStats> statfs() {
        if (retired) {
            return failed(retiredError());
        }
        Layout l = layout;
        if (l == null) {
            return mount().thenCompose(x -> attempt(fleet::statfs));
        }
        List<CompletableFuture<GroupStats>> parts = new ArrayList<>();
        for (int g = 0; g < l.groups; g++) {
            int group = g;
            parts.add(attempt(() -> fleet.peerGroupStats(group)).toCompletableFuture());
        }
        return CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0])).thenApply(done -> {
            long total = 0;
            long free = 0;
            long inodes = 0;
            long freeInodes = 0;
            long largest = 0;
            for (CompletableFuture<GroupStats> p : parts) {
                GroupStats s = p.join();
                total += s.dataBlocks();
                free += s.freeBlocks();
                inodes += s.inodes();
                freeInodes += s.freeInodes();
                largest = Math.max(largest, s.freeBlocks());
            }
            return new FsStats(deviceName, l.blockSize, total, free, inodes, freeInodes, l.groups, largest);
        });
    }

    @Override
    public CompletionStage<FsckReport> fsck() {
        if (retired) {
            return failed(retiredError());
        }
        return attempt(() -> fleet.peerFsck(0));
    }

    @Override
    public CompletionStage<GroupStats> peerGroupStats(int group) {
        return call(group, 0, () -> store(group).stats(), () -> fleet.peerGroupStats(group));
    }

    // ---------------------------------------------------------------- the coordinator: mount

    @Override
    public CompletionStage<Mounted> peerMount(int group) {
        if (retired) {
            return failed(retiredError());
        }
        if (!owns(0)) {
            return attempt(() -> fleet.peerMount(0));
        }
        return run(() -> {
            mountAsCoordinator();
            return new Mounted(mountFence, coordinatorLayout.groups);
        });
    }

    /** Recovers the file system, once in this coordinator's life, creating it first on a blank device. */
    private void mountAsCoordinator() throws FileSystemException {
        if (coordinatorMounted) {
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
        txCounter = Math.max(Intent.decode(g0.intent()).seq(), System.currentTimeMillis() * 1000);
        mountFence = txCounter + 1;
        coordinatorLayout = l;
        coordinatorMounted = true;
        LOG.info("{} mounted {} ({}), {} groups recovered", fleetName, deviceName, l, repaired);
    }

    // ---------------------------------------------------------------- the coordinator: cross-group operations

    @Override
    public CompletionStage<DirEntry> peerCross(int group, CrossOp op) {
        if (!owns(0)) {
            return attempt(() -> fleet.peerCross(0, op));
        }
        return enqueue(op).thenApply(o -> (DirEntry) o);
    }

    @Override
    public CompletionStage<FsckReport> peerFsck(int group) {
        if (!owns(0)) {
            return attempt(() -> fleet.peerFsck(0));
        }
        return enqueue(null).thenApply(o -> (FsckReport) o);
    }

    private CompletionStage<Object> enqueue(CrossOp op) {
        if (retired) {
            return failed(retiredError());
        }
        try {
            mountAsCoordinator();
        } catch (FileSystemException | RuntimeException e) {
            return failed(e);
        }
        CompletableFuture<Object> f = new CompletableFuture<>();
        queue.add(new Queued(op, f));
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
        current = new Current(++txCounter, q.op(), q.future());
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
            c.sent = plan.asks();
            Map<Integer, List<Probe>> byGroup = new LinkedHashMap<>();
            for (CrossPlanner.Ask a : plan.asks()) {
                byGroup.computeIfAbsent(a.group(), g -> new ArrayList<>()).add(a.probe());
            }
            List<CompletableFuture<List<ProbeResult>>> calls = new ArrayList<>();
            List<Probe> order = new ArrayList<>();
            for (Map.Entry<Integer, List<Probe>> e : byGroup.entrySet()) {
                c.pinned.add(e.getKey());
                int group = e.getKey();
                List<Probe> probes = e.getValue();
                calls.add(attempt(() -> fleet.peerPin(group, c.tx, probes)).toCompletableFuture());
                order.addAll(e.getValue());
            }
            c.sent = new ArrayList<>();
            for (Probe p : order) {
                c.sent.add(new CrossPlanner.Ask(FileSystemFleet.groupOf(p.inode()), p));
            }
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
                GroupStore g0 = store(0);
                Tx tx = g0.begin();
                g0.writeIntent(tx, new Intent(c.tx, plan.steps()).encode());
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

    private static String describe(Throwable e) {
        Throwable t = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
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
            calls.add(attempt(() -> fleet.peerFinish(g, c.tx, mine)).toCompletableFuture());
        }
        long tx = c.tx;
        CompletableFuture.allOf(calls.toArray(new CompletableFuture<?>[0]))
                .whenComplete((v, e) -> resumeLater(tx, null, e == null ? null : describe(e)));
    }

    @Override
    public CompletionStage<Void> peerResume(int group, long tx, List<ProbeResult> results, String failure) {
        Current c = current;
        if (retired || c == null || c.tx != tx) {
            return CompletableFuture.completedFuture(null);
        }
        if (c.op == null) {
            return fsckStep(failure);
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
            return CompletableFuture.completedFuture(null);
        }
        if (failure != null) {
            c.failure = new FileSystemException(null, null, "a member did not answer the coordinator: " + failure);
            finish(Map.of());
            return CompletableFuture.completedFuture(null);
        }
        for (int i = 0; i < c.sent.size() && i < results.size(); i++) {
            c.facts.put(c.sent.get(i).probe(), results.get(i));
        }
        advance();
        return CompletableFuture.completedFuture(null);
    }

    // ---------------------------------------------------------------- the participants

    @Override
    public CompletionStage<List<ProbeResult>> peerPin(int group, long tx, List<Probe> probes) {
        if (tx < fence && layout != null) {
            return failed(new TryAgainException("operation " + tx + " comes from a replaced coordinator"));
        }
        return call(group, tx, () -> {
            if (tx < fence) {
                throw new TryAgainException("operation " + tx + " comes from a replaced coordinator");
            }
            pins.put(group, tx);
            GroupStore g = store(group);
            List<ProbeResult> out = new ArrayList<>(probes.size());
            for (Probe p : probes) {
                ProbeResult r = g.probe(p);
                if (p.kind() == Probe.Kind.RESERVE && r.status() == ProbeResult.Status.FOUND) {
                    reservations.computeIfAbsent(tx, t -> new ArrayList<>()).add(r.inode());
                }
                out.add(r);
            }
            return out;
        }, () -> fleet.peerPin(group, tx, probes));
    }

    @Override
    public CompletionStage<Void> peerFinish(int group, long tx, List<Step> steps) {
        return call(group, tx, () -> {
            try {
                if (!steps.isEmpty()) {
                    store(group).apply(tx, steps);
                }
            } finally {
                List<Long> reserved = reservations.remove(tx);
                if (reserved != null) {
                    reserved.forEach(store(group)::release);
                }
                if (pins.get(group) != null && pins.get(group) == tx) {
                    pins.remove(group);
                }
                release();
            }
            return (Void) null;
        }, () -> fleet.peerFinish(group, tx, steps));
    }

    // ---------------------------------------------------------------- checks

    private void freezeAll(boolean frozenNow) {
        long tx = current.tx;
        List<CompletableFuture<Void>> calls = new ArrayList<>();
        for (FileSystemFleet m : libfos.members(FileSystemFleet.class, fleetName, CallOptions.DEFAULT
                .withTimeout(Duration.ofMillis(config.callTimeoutMillis())))) {
            calls.add(attempt(() -> m.peerFreeze(-1, frozenNow)).toCompletableFuture());
        }
        if (!frozenNow) {
            return;
        }
        CompletableFuture.allOf(calls.toArray(new CompletableFuture<?>[0]))
                .whenComplete((v, e) -> resumeLater(tx, null, e == null ? null : describe(e)));
    }

    private CompletionStage<Void> fsckStep(String failure) {
        Current c = current;
        try {
            if (failure != null) {
                c.future.completeExceptionally(new FileSystemException(null, null, "a member could not be frozen for the check: " + failure));
            } else {
                FsckReport r = Fsck.check(device);
                LOG.info("{}: fsck of {}: {} ({} problems)", fleetName, deviceName, r.clean() ? "clean" : "NOT clean", r.problemCount());
                c.future.complete(r);
            }
        } catch (RuntimeException e) {
            c.future.completeExceptionally(new FileSystemException(deviceName, null, "the check failed: " + e));
        } finally {
            freezeAll(false);
            startNext();
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> peerFreeze(int group, boolean frozenNow) {
        if (retired) {
            return failed(retiredError());
        }
        return run(() -> {
            if (frozenNow) {
                for (GroupStore g : groups.values()) {
                    g.checkpoint();
                }
                frozen = true;
            } else {
                frozen = false;
                release();
            }
            return (Void) null;
        });
    }

    // ---------------------------------------------------------------- upgrade

    /**
     * Lets go of everything in flight: kept calls and the coordinator's operations are answered with
     * {@link TryAgainException} (their callers call again and the next version serves them). The
     * state handed on is empty: the file system is on the device, and the next version mounts it
     * again, replaying the journals and finishing a committed cross-group operation.
     */
    @Override
    public FleetState exportState() {
        retired = true;
        TryAgainException again = retiredError();
        held.forEach(h -> h.future().completeExceptionally(again));
        held.clear();
        queue.forEach(q -> q.future().completeExceptionally(again));
        queue.clear();
        if (current != null) {
            current.future.completeExceptionally(again);
            current = null;
        }
        Map<String, Object> data = new HashMap<>();
        data.put("servedBy", servedBy);
        return new FleetState(LAYOUT, data);
    }

    @Override
    public void importState(FleetState state) {
        if (state.version() != LAYOUT) {
            throw new IllegalArgumentException("this version reads state layout " + LAYOUT + ", not " + state.version());
        }
        LOG.info("{}: {} takes over from {}; the file system is mounted again on first use", fleetName, servedBy,
                state.data() instanceof Map<?, ?> m ? m.get("servedBy") : "?");
    }


}
