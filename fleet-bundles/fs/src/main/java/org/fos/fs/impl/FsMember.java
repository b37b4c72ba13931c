package org.fos.fs.impl;

import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;

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
import org.fos.fs.api.Opened;
import org.fos.fs.api.Probe;
import org.fos.fs.api.ProbeResult;
import org.fos.fs.api.RepairReport;
import org.fos.fs.api.Step;
import org.fos.fs.api.TryAgainException;
import org.fos.fs.api.Walked;
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
 * <p>The coordinator's own work is {@link Coordinator}. Open files are counted here, per inode of the
 * groups this member owns: a file that loses its last link while open lives on (an orphan) until
 * its last close. A file whose group is full borrows data blocks of other groups ({@code peerLend})
 * and gives them back when it lets go of them ({@code peerReturn}).
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
    static final int LAYOUT = 2;
    /** Blocks asked of another group beyond what a write needs, so that a streaming writer does not ask each call. */
    private static final int LEND_SLACK = 64;

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

    private final Kernel kernel;
    private volatile Address self;
    private final String fleetName;
    private final String deviceName;
    private final BlockDevice device;
    private final FileSystemFleet fleet;
    private final String servedBy;
    private final Coordinator coordinator;

    private volatile Layout layout;
    private volatile long fence;
    private CompletableFuture<Mounted> mounting;
    private volatile boolean retired;
    private final Map<Integer, GroupStore> groups = new HashMap<>();
    private final Map<Integer, Long> pins = new HashMap<>();
    private final Map<Long, List<Long>> reservations = new HashMap<>();
    private final List<Held> held = new ArrayList<>();
    private boolean frozen;
    /** Opens of the files of the groups this member owns, by inode. */
    private final Map<Long, Integer> opens = new HashMap<>();
    /** Blocks other groups lent to each group's files, not yet used; filled off the member thread. */
    private final Map<Integer, ConcurrentLinkedDeque<Long>> borrowed = new ConcurrentHashMap<>();

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
        this.kernel = kernel;
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
        this.coordinator = new Coordinator(fleetName, deviceName, device, fleet, libfos, config, new Coordinator.Host() {
            @Override
            public GroupStore group0() {
                return store(0);
            }

            @Override
            public TryAgainException retiredError() {
                return FsMember.this.retiredError();
            }
        });
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

    static <T> CompletableFuture<T> failed(Throwable t) {
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
        if (held(group, tx)) {
            CompletableFuture<Object> f = new CompletableFuture<>();
            held.add(new Held(group, tx, f, op));
            return (CompletionStage<T>) f;
        }
        return run(op);
    }

    /** Whether calls about a group wait now: the member is frozen, or the group pinned by another operation. */
    private boolean held(int group, long tx) {
        return frozen || (pins.containsKey(group) && pins.get(group) != tx);
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
        } catch (Checksums.Damaged e) {
            return failed(new FileSystemException(null, null, "the file system is damaged: " + e.getMessage() + "; run fs:fsck"));
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
            if (held(h.group(), h.tx())) {
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
            s = GroupStore.open(layout, group, device, inode -> opens.containsKey(inode),
                    borrowed.computeIfAbsent(group, g -> new ConcurrentLinkedDeque<>()));
            groups.put(group, s);
            try {
                int freed = s.freeOrphans(System.currentTimeMillis());
                if (freed > 0) {
                    LOG.info("{}: freed {} files of group {} that were deleted while open", fleetName, freed, group);
                }
                giveBack(s);
            } catch (FileSystemException e) {
                LOG.warn("{}: could not free the orphans of group {}: {}", fleetName, group, e.getMessage());
            }
        }
        return s;
    }

    /**
     * Gives back the blocks of other groups that a group's files let go of, once their release is
     * durable and no image of them is left in this group's journal (a checkpoint does both): the
     * lender may give them out again at once.
     */
    private void giveBack(GroupStore s) {
        List<Long> back = s.takeReturns();
        if (back.isEmpty()) {
            return;
        }
        s.checkpoint();
        Map<Integer, List<Long>> byGroup = new HashMap<>();
        for (long b : back) {
            byGroup.computeIfAbsent(layout.groupOfBlock(b), g -> new ArrayList<>()).add(b);
        }
        byGroup.forEach((g, blocks) -> attempt(() -> fleet.peerReturn(g, blocks)).whenComplete((v, e) -> {
            if (e != null) {
                LOG.warn("{}: {} blocks lent by group {} were not given back ({}); fs:fsck --repair frees them", fleetName,
                        blocks.size(), g, e.getMessage());
            }
        }));
    }

    /** Runs a change about a group, then gives back what it freed of other groups. */
    private <T> Op<T> changing(int group, Op<T> op) {
        return () -> {
            try {
                return op.run();
            } finally {
                GroupStore s = groups.get(group);
                if (s != null) {
                    giveBack(s);
                }
            }
        };
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

    private static long now() {
        return System.currentTimeMillis();
    }

    // ---------------------------------------------------------------- the protocol: names

    @Override
    public CompletionStage<DirEntry> lookup(int group, long dir, String name) {
        return call(group, 0, () -> {
            checkGroup(group, dir);
            return store(group).lookup(dir, name);
        }, () -> fleet.lookup(group, dir, name));
    }

    @Override
    public CompletionStage<Walked> walk(int group, long dir, List<String> names) {
        if (names == null || names.size() > 4096) {
            return failed(new IllegalArgumentException("a walk takes 0 to 4096 names, not " + (names == null ? "null" : names.size())));
        }
        return call(group, 0, () -> {
            checkGroup(group, dir);
            DirEntry at = new DirEntry("", dir, FileType.DIRECTORY);
            long in = dir;
            store(group).parentOf(dir);
            int consumed = 0;
            for (String name : names) {
                if (at.type() != FileType.DIRECTORY) {
                    throw new NotDirectoryException(FsErrors.where(at.inode()));
                }
                int g = FileSystemFleet.groupOf(at.inode());
                if (g != group && (!owns(g) || held(g, 0))) {
                    break;
                }
                in = at.inode();
                if (name.equals("..")) {
                    at = new DirEntry("..", store(g).parentOf(at.inode()), FileType.DIRECTORY);
                } else if (!name.equals(".")) {
                    at = store(g).lookup(at.inode(), name);
                }
                consumed++;
                if (at.type() == FileType.SYMLINK) {
                    break;
                }
            }
            return new Walked(consumed, at, in);
        }, () -> fleet.walk(group, dir, names));
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
    public CompletionStage<Opened> open(int group, long dir, String name, int flags, int mode, int uid, int gid) {
        return call(group, 0, changing(group, () -> {
            checkGroup(group, dir);
            Opened o = store(group).open(dir, name, flags, mode, uid, gid, now());
            if (o.attributes() != null && o.entry().type() == FileType.FILE) {
                opens.merge(o.entry().inode(), 1, Integer::sum);
            }
            return o;
        }), () -> fleet.open(group, dir, name, flags, mode, uid, gid));
    }

    @Override
    public CompletionStage<Attributes> openInode(int group, long inode, int flags) {
        return call(group, 0, changing(group, () -> {
            checkGroup(group, inode);
            GroupStore s = store(group);
            Attributes a = s.stat(inode);
            if (a.type() != FileType.FILE) {
                throw new FileSystemException(FsErrors.where(inode), null, "is not a regular file");
            }
            if ((flags & OPEN_TRUNCATE) != 0) {
                s.contents.truncate(inode, a.generation(), 0, now());
                a = s.stat(inode);
            }
            opens.merge(inode, 1, Integer::sum);
            return a;
        }), () -> fleet.openInode(group, inode, flags));
    }

    @Override
    public CompletionStage<Void> close(int group, long inode, int generation) {
        return call(group, 0, changing(group, () -> {
            checkGroup(group, inode);
            Integer n = opens.get(inode);
            if (n == null) {
                return (Void) null;
            }
            if (n > 1) {
                opens.put(inode, n - 1);
                return (Void) null;
            }
            opens.remove(inode);
            GroupStore s = store(group);
            s.reclaim(List.of(inode), now());
            return (Void) null;
        }), () -> fleet.close(group, inode, generation));
    }

    @Override
    public CompletionStage<DirEntry> mkdir(int group, long dir, String name, int mode, int uid, int gid) {
        CompletionStage<CompletionStage<DirEntry>> s = call(group, 0, () -> {
            checkGroup(group, dir);
            FsErrors.checkName(name);
            int target = groupFor(dir, name);
            if (target == group) {
                return CompletableFuture.completedFuture(store(group).mkdir(dir, name, mode, uid, gid, now()));
            }
            store(group).lookupAbsent(dir, name);
            return fleet.peerCross(0, new CrossOp(CrossOp.Kind.MKDIR, dir, name, 0, null, false, target, 0, mode, uid, gid));
        }, () -> CompletableFuture.completedFuture(fleet.mkdir(group, dir, name, mode, uid, gid)));
        return s.thenCompose(x -> x);
    }

    @Override
    public CompletionStage<DirEntry> symlink(int group, long dir, String name, String target, int uid, int gid) {
        return call(group, 0, () -> {
            checkGroup(group, dir);
            return store(group).symlink(dir, name, target, uid, gid, now());
        }, () -> fleet.symlink(group, dir, name, target, uid, gid));
    }

    @Override
    public CompletionStage<String> readlink(int group, long inode) {
        return call(group, 0, () -> {
            checkGroup(group, inode);
            return store(group).readlink(inode);
        }, () -> fleet.readlink(group, inode));
    }

    @Override
    public CompletionStage<DirEntry> link(int group, long dir, String name, long inode) {
        CompletionStage<CompletionStage<DirEntry>> s = call(group, 0, () -> {
            checkGroup(group, dir);
            FsErrors.checkName(name);
            if (FileSystemFleet.groupOf(inode) == group) {
                return CompletableFuture.completedFuture(store(group).link(dir, name, inode, now()));
            }
            store(group).lookupAbsent(dir, name);
            return fleet.peerCross(0, new CrossOp(CrossOp.Kind.LINK, dir, name, 0, null, false, 0, inode, 0, 0, 0));
        }, () -> CompletableFuture.completedFuture(fleet.link(group, dir, name, inode)));
        return s.thenCompose(x -> x);
    }

    @Override
    public CompletionStage<Void> delete(int group, long dir, String name) {
        CompletionStage<CompletionStage<DirEntry>> s = call(group, 0, changing(group, () -> {
            checkGroup(group, dir);
            GroupStore g = store(group);
            DirEntry e = g.lookup(dir, name);
            if (FileSystemFleet.groupOf(e.inode()) == group) {
                g.delete(dir, name, now());
                return CompletableFuture.completedFuture(null);
            }
            return fleet.peerCross(0, new CrossOp(CrossOp.Kind.DELETE, dir, name, 0, null, false, 0, 0, 0, 0, 0));
        }), () -> CompletableFuture.completedFuture(fleet.delete(group, dir, name).thenApply(v -> (DirEntry) null)));
        return s.thenCompose(x -> x).thenApply(x -> null);
    }

    @Override
    public CompletionStage<Void> rename(int group, long dir, String name, long targetDir, String targetName, boolean replace) {
        CompletionStage<CompletionStage<DirEntry>> s = call(group, 0, changing(group, () -> {
            checkGroup(group, dir);
            if (targetDir <= 0) {
                throw new IllegalArgumentException("target directory " + targetDir + " is not an inode");
            }
            if (store(group).renameLocal(dir, name, targetDir, targetName, replace, now())) {
                return CompletableFuture.completedFuture(null);
            }
            return fleet.peerCross(0, new CrossOp(CrossOp.Kind.RENAME, dir, name, targetDir, targetName, replace, 0, 0, 0, 0, 0));
        }), () -> CompletableFuture.completedFuture(fleet.rename(group, dir, name, targetDir, targetName, replace)
                .thenApply(v -> (DirEntry) null)));
        return s.thenCompose(x -> x).thenApply(x -> null);
    }

    // ---------------------------------------------------------------- the protocol: content

    @Override
    public CompletionStage<byte[]> read(int group, long inode, int generation, long offset, int length) {
        return call(group, 0, () -> {
            checkGroup(group, inode);
            return store(group).contents.read(inode, generation, offset, length);
        }, () -> fleet.read(group, inode, generation, offset, length));
    }

    @Override
    public CompletionStage<Long> write(int group, long inode, int generation, long offset, byte[] data) {
        return spacious(group, data == null ? 0 : data.length, () -> {
            checkGroup(group, inode);
            return store(group).contents.write(inode, generation, offset, data, false, now());
        }, () -> fleet.write(group, inode, generation, offset, data));
    }

    @Override
    public CompletionStage<Long> append(int group, long inode, int generation, byte[] data) {
        return spacious(group, data == null ? 0 : data.length, () -> {
            checkGroup(group, inode);
            return store(group).contents.write(inode, generation, 0, data, true, now());
        }, () -> fleet.append(group, inode, generation, data));
    }

    /**
     * Runs a write; if its group is full, borrows blocks of the other groups for it and sends it
     * again (through the fleet: the continuation runs off the member thread).
     */
    private <T> CompletionStage<T> spacious(int group, int bytes, Op<T> op, Op<CompletionStage<T>> again) {
        CompletableFuture<T> out = new CompletableFuture<>();
        call(group, 0, op, again).whenComplete((v, e) -> {
            Throwable t = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            if (t instanceof Allocator.NeedBlocks) {
                int blocks = bytes / layout.blockSize + 4 + LEND_SLACK;
                borrow(group, blocks, 1).thenCompose(got -> got ? attempt(again) : failed(noSpace()))
                        .whenComplete((v2, e2) -> complete(out, v2, e2));
            } else {
                complete(out, v, e);
            }
        });
        return out;
    }

    private static <T> void complete(CompletableFuture<T> f, T value, Throwable e) {
        if (e != null) {
            f.completeExceptionally(e instanceof CompletionException && e.getCause() != null ? e.getCause() : e);
        } else {
            f.complete(value);
        }
    }

    private static FileSystemException noSpace() {
        return new FileSystemException(null, null, "no space left on the device");
    }

    /** Asks the groups after {@code group}, one at a time, to lend blocks; completes with whether any did. */
    private CompletableFuture<Boolean> borrow(int group, int count, int step) {
        if (step >= layout.groups) {
            return CompletableFuture.completedFuture(false);
        }
        int lender = (group + step) % layout.groups;
        return attempt(() -> fleet.peerLend(lender, count)).toCompletableFuture().thenCompose(lent -> {
            if (lent.isEmpty()) {
                return borrow(group, count, step + 1);
            }
            borrowed.computeIfAbsent(group, g -> new ConcurrentLinkedDeque<>()).addAll(lent);
            return CompletableFuture.completedFuture(true);
        });
    }

    @Override
    public CompletionStage<Long> reserve(int group, long inode, int generation, long length) {
        return call(group, 0, () -> {
            checkGroup(group, inode);
            return store(group).contents.reserve(inode, generation, length, now());
        }, () -> fleet.reserve(group, inode, generation, length));
    }

    @Override
    public CompletionStage<Void> truncate(int group, long inode, int generation, long size) {
        return call(group, 0, changing(group, () -> {
            checkGroup(group, inode);
            store(group).contents.truncate(inode, generation, size, now());
            return (Void) null;
        }), () -> fleet.truncate(group, inode, generation, size));
    }

    @Override
    public CompletionStage<Void> setTimes(int group, long inode, long modifiedMillis, long accessedMillis) {
        return call(group, 0, () -> {
            checkGroup(group, inode);
            store(group).setTimes(inode, modifiedMillis, accessedMillis, now());
            return (Void) null;
        }, () -> fleet.setTimes(group, inode, modifiedMillis, accessedMillis));
    }

    @Override
    public CompletionStage<Attributes> setAttributes(int group, long inode, int mode, int uid, int gid) {
        return call(group, 0, () -> {
            checkGroup(group, inode);
            return store(group).setAttributes(inode, mode, uid, gid, now());
        }, () -> fleet.setAttributes(group, inode, mode, uid, gid));
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

    // ---------------------------------------------------------------- the whole file system

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
        return attempt(() -> fleet.peerFsck(0, false)).thenApply(RepairReport::before);
    }

    @Override
    public CompletionStage<RepairReport> repair() {
        if (retired) {
            return failed(retiredError());
        }
        return attempt(() -> fleet.peerFsck(0, true));
    }

    @Override
    public CompletionStage<GroupStats> peerGroupStats(int group) {
        return call(group, 0, () -> store(group).stats(), () -> fleet.peerGroupStats(group));
    }

    @Override
    public CompletionStage<List<Long>> peerLend(int group, int count) {
        if (count < 1 || count > 4096) {
            return failed(new IllegalArgumentException("a loan is 1 to 4096 blocks, not " + count));
        }
        return call(group, 0, () -> {
            GroupStore s = store(group);
            List<Long> lent = s.inTx(tx -> s.alloc.lend(tx, count));
            if (!lent.isEmpty()) {
                device.flush();
            }
            return lent;
        }, () -> fleet.peerLend(group, count));
    }

    @Override
    public CompletionStage<Void> peerReturn(int group, List<Long> blocks) {
        return call(group, 0, () -> {
            GroupStore s = store(group);
            s.inTx(tx -> {
                s.alloc.takeBack(tx, blocks);
                return null;
            });
            return (Void) null;
        }, () -> fleet.peerReturn(group, blocks));
    }

    // ---------------------------------------------------------------- the coordinator

    @Override
    public CompletionStage<Mounted> peerMount(int group) {
        if (retired) {
            return failed(retiredError());
        }
        if (!owns(0)) {
            return attempt(() -> fleet.peerMount(0));
        }
        return run(() -> {
            coordinator.mount();
            return new Mounted(coordinator.fence(), coordinator.groups());
        });
    }

    @Override
    public CompletionStage<DirEntry> peerCross(int group, CrossOp op) {
        if (!owns(0)) {
            return attempt(() -> fleet.peerCross(0, op));
        }
        if (retired) {
            return failed(retiredError());
        }
        return coordinator.enqueue(op, false).thenApply(o -> (DirEntry) o);
    }

    @Override
    public CompletionStage<RepairReport> peerFsck(int group, boolean repair) {
        if (!owns(0)) {
            return attempt(() -> fleet.peerFsck(0, repair));
        }
        if (retired) {
            return failed(retiredError());
        }
        return coordinator.enqueue(null, repair).thenApply(o -> (RepairReport) o);
    }

    @Override
    public CompletionStage<Void> peerResume(int group, long tx, List<ProbeResult> results, String failure) {
        if (!retired) {
            coordinator.resume(tx, results, failure);
        }
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
        return call(group, tx, changing(group, () -> {
            try {
                if (!steps.isEmpty()) {
                    store(group).apply(tx, steps);
                }
            } finally {
                List<Long> reserved = reservations.remove(tx);
                if (reserved != null) {
                    reserved.forEach(store(group).alloc::release);
                }
                if (pins.get(group) != null && pins.get(group) == tx) {
                    pins.remove(group);
                }
                release();
            }
            return (Void) null;
        }), () -> fleet.peerFinish(group, tx, steps));
    }

    @Override
    public CompletionStage<List<Long>> peerFreeze(int group, boolean frozenNow) {
        if (retired) {
            return failed(retiredError());
        }
        return run(() -> {
            List<Long> lent = new ArrayList<>();
            if (frozenNow) {
                for (GroupStore g : groups.values()) {
                    g.checkpoint();
                }
                borrowed.values().forEach(lent::addAll);
                frozen = true;
            } else {
                // a repair may have changed any block: read the groups again (which frees orphans no open holds)
                groups.clear();
                frozen = false;
                release();
            }
            return lent;
        });
    }

    // ---------------------------------------------------------------- upgrade

    /**
     * Lets go of everything in flight: kept calls and the coordinator's operations are answered with
     * {@link TryAgainException} (their callers call again and the next version serves them). The
     * state handed on is the open files (so that files deleted while open stay until their last
     * close) and the blocks other groups lent and no file uses yet; the file system is on the device, and the next version mounts it again, replaying the
     * journals and finishing a committed cross-group operation.
     */
    @Override
    public FleetState exportState() {
        retired = true;
        TryAgainException again = retiredError();
        held.forEach(h -> h.future().completeExceptionally(again));
        held.clear();
        coordinator.retire();
        Map<String, Object> data = new HashMap<>();
        data.put("servedBy", servedBy);
        Map<String, Object> open = new HashMap<>();
        opens.forEach((inode, n) -> open.put(Long.toString(inode), n));
        data.put("opens", open);
        Map<String, Object> lent = new HashMap<>();
        borrowed.forEach((g, blocks) -> lent.put(Integer.toString(g), new ArrayList<>(blocks)));
        data.put("borrowed", lent);
        return new FleetState(LAYOUT, data);
    }

    @Override
    public void importState(FleetState state) {
        if (state.version() != LAYOUT && state.version() != 1) {
            throw new IllegalArgumentException("this version reads state layouts 1 and " + LAYOUT + ", not " + state.version());
        }
        if (state.data() instanceof Map<?, ?> m && m.get("opens") instanceof Map<?, ?> open) {
            open.forEach((inode, n) -> opens.put(Long.parseLong(String.valueOf(inode)), ((Number) n).intValue()));
        }
        if (state.data() instanceof Map<?, ?> m && m.get("borrowed") instanceof Map<?, ?> lent) {
            lent.forEach((g, blocks) -> {
                ConcurrentLinkedDeque<Long> pool = borrowed.computeIfAbsent(Integer.parseInt(String.valueOf(g)),
                        x -> new ConcurrentLinkedDeque<>());
                for (Object b : (List<?>) blocks) {
                    pool.add(((Number) b).longValue());
                }
            });
        }
        LOG.info("{}: {} takes over from {} ({} open files); the file system is mounted again on first use", fleetName, servedBy,
                state.data() instanceof Map<?, ?> m ? m.get("servedBy") : "?", opens.size());
    }
}
