package org.fos.fs.engine;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.fos.block.api.BlockDevice;
import org.fos.fleet.api.Fleet;
import org.fos.fleet.api.FleetState;
import org.fos.fleet.api.MemberAware;
import org.fos.fleet.api.MemberIdentity;
import org.fos.fleet.api.Stateful;
import org.fos.fs.api.Attributes;
import org.fos.fs.api.DirEntry;
import org.fos.fs.api.FileSystemFleet;
import org.fos.fs.api.FileType;
import org.fos.fs.api.FsStats;
import org.fos.fs.api.FsckReport;
import org.fos.fs.api.GroupInfo;
import org.fos.fs.api.LeasedOpen;
import org.fos.fs.api.Locked;
import org.fos.fs.api.Opened;
import org.fos.fs.api.RepairReport;
import org.fos.fs.api.TryAgainException;
import org.fos.fs.api.WalkLease;
import org.fos.fs.api.Walked;
import org.fos.fs.peers.CrossOp;
import org.fos.fs.peers.FsPeers;
import org.fos.fs.peers.GroupStats;
import org.fos.fs.peers.Mounted;
import org.fos.fs.peers.Probe;
import org.fos.fs.peers.ProbeResult;
import org.fos.fs.peers.Step;
import org.fos.kernel.api.Address;
import org.fos.kernel.api.Capability;
import org.fos.kernel.api.Kernel;
import org.fos.kernel.api.KernelException;
import org.fos.kernel.api.Selection;
import org.fos.rpc.api.CallContext;
import org.fos.rpc.api.CallOptions;
import org.fos.rpc.api.Libfos;
import org.fos.rpc.api.RequestId;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One member's work in a file-system fleet, on the format of ADR 0040: a member of any version of the
 * fleet is a component that holds an engine and hands it every call (ADR 0043). The engine owns the
 * groups that key affinity sends its member and keeps them loaded ({@link GroupStore}); everything it
 * does with them runs on the member thread, so it needs no lock. The owner of group 0 is also the
 * coordinator: it mounts the file system (recovery) before any member touches a group, and runs
 * cross-group operations and checks one at a time (see {@code docs/files.md}).
 *
 * <p>Each protocol method is a few lines that route the call: {@link Gates} says when it may run
 * (after the mount, not while its group is pinned or the member frozen, not after a replacement),
 * {@link OwnedGroups} holds the groups, open counts and lent blocks, {@link Coordinator} the
 * coordinator's work. The calls members make of each other (the {@code peer...} methods) are
 * handed to {@link PeerCalls}.
 *
 * <p>Not thread-safe: the fleet runtime calls a member on its member thread only.
 */
public final class FsEngine implements FsPeers, Stateful, MemberAware {
    private static final Logger LOG = LoggerFactory.getLogger(FsEngine.class);
    private static final byte[] NO_BYTES = new byte[0];

    /**
     * The layout of the state {@link #exportState} hands on: 2 (the open files, the blocks lent and
     * not yet used, the version that served, and the file locks with what is left of their leases: a
     * version that does not know them drops them); {@link #importState} also reads 1, which held no
     * open files.
     */
    public static final int STATE_LAYOUT = 2;

    /** The factory PID a node configures file-system fleets by, whichever version serves them. */
    public static final String PID = "org.fos.fs";

    /**
     * The configuration of a file-system fleet: what a node's {@code org.fos.fs} factory configurations
     * hold, the same for every version's member.
     */
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

        /**
         * Milliseconds a file lock lasts after its holder's last renewal.
         *
         * @return milliseconds, from {@value FsEngine#MIN_LEASE_MILLIS} to {@value FsEngine#MAX_LEASE_MILLIS}
         */
        @AttributeDefinition(description = "Milliseconds a file lock lasts after its holder last renewed it (holders renew every"
                + " third of it): a client or node that dies without releasing its locks loses them this long after (1000 to"
                + " 600000).")
        long lockLeaseMillis() default DEFAULT_LEASE_MILLIS;

        /**
         * The most file locks one holder may hold on one member.
         *
         * @return locks, at least 1
         */
        @AttributeDefinition(description = "The most file locks one holder (a client's file system) may hold on one member; more"
                + " are refused with 'No locks available'.")
        int maxLocksPerHolder() default DEFAULT_MAX_LOCKS_PER_HOLDER;

        /**
         * The most file locks one member holds for all holders.
         *
         * @return locks, at least {@link #maxLocksPerHolder()}
         */
        @AttributeDefinition(description = "The most file locks one member holds for all holders together.")
        int maxLocks() default DEFAULT_MAX_LOCKS;

        /**
         * Milliseconds a lease on cached lookups and attributes lasts.
         *
         * @return milliseconds, 0 for no leases
         */
        @AttributeDefinition(description = "Milliseconds a client may answer lookups and attributes it was given from its cache,"
                + " unless revoked sooner: also the longest a change waits for a client that does not answer its revocation."
                + " 0 grants no leases (clients then ask for every path); at most 60000.")
        long leaseMillis() default 3_000;

        /**
         * The most clients a member holds leases for.
         *
         * @return clients
         */
        @AttributeDefinition(description = "The most clients one member holds leases for at once; a new client past it gets no"
                + " lease (it asks for every path) until others' leases end.")
        int maxLeaseHolders() default 256;

        /**
         * The most leases of one client.
         *
         * @return leases (directories and inodes)
         */
        @AttributeDefinition(description = "The most leases (directories and inodes) one member holds for one client; past it the"
                + " client gets no new lease until its old ones end.")
        int maxLeasesPerHolder() default 2_048;

        /**
         * The most file data blocks one member caches.
         *
         * @return blocks, 0 for none
         */
        @AttributeDefinition(description = "The most file data blocks one member keeps in memory after reading or writing them"
                + " (its page cache: a read of a cached block needs no call to the block device), least recently used dropped"
                + " first. 0 caches none; at most " + MAX_CACHE_BLOCKS + ".")
        int cacheBlocks() default DEFAULT_CACHE_BLOCKS;

        /**
         * Microseconds a member may keep a change's writes to the block device before it sends them.
         *
         * @return microseconds, 0 to send each change's writes at once
         */
        @AttributeDefinition(description = "Microseconds a member may keep the writes of the changes it made before it sends them"
                + " to the block device together (a group commit): the device's thread then wakes once for many changes. They are"
                + " sent sooner once they reach 1 MiB, before any read or flush of the device, at a live upgrade and when the member"
                + " stops. A change that returned and was not fsynced is lost by a kill -9 of the node this much longer. 0 sends"
                + " each change's writes at once; at most " + MAX_WRITE_BEHIND_MICROS + ".")
        long writeBehindMicros() default DEFAULT_WRITE_BEHIND_MICROS;
    }

    /** The default of {@link Config#lockLeaseMillis()}. */
    public static final long DEFAULT_LEASE_MILLIS = 10_000;
    /** The default of {@link Config#maxLocksPerHolder()}. */
    public static final int DEFAULT_MAX_LOCKS_PER_HOLDER = 1024;
    /** The default of {@link Config#maxLocks()}. */
    public static final int DEFAULT_MAX_LOCKS = 65_536;
    /** The default of {@link Config#cacheBlocks()}: 4 MiB of 4 KiB blocks. */
    public static final int DEFAULT_CACHE_BLOCKS = 1024;
    /** The most data blocks a member may be configured to cache: 1 GiB of 4 KiB blocks. */
    public static final int MAX_CACHE_BLOCKS = 262_144;
    /** The default of {@link Config#writeBehindMicros()}: 2 ms. */
    public static final long DEFAULT_WRITE_BEHIND_MICROS = 2_000;
    /** The longest a member may be configured to keep its writes: 1 s. */
    public static final long MAX_WRITE_BEHIND_MICROS = 1_000_000;
    /** The shortest lock lease a fleet may be configured with. */
    public static final long MIN_LEASE_MILLIS = 1_000;
    /** The longest lock lease a fleet may be configured with. */
    public static final long MAX_LEASE_MILLIS = 600_000;

    /**
     * What a file-system fleet's members are made with.
     *
     * @param fleet the fleet's name, such as {@value FileSystemFleet#NAME}
     * @param device the block device's name: the members use the fleet {@code /dev/block/<device>}
     * @param format whether to make a file system on a blank device (never on one that holds
     *        something else)
     * @param groups how many groups a new file system gets
     * @param callTimeoutMillis milliseconds a call to the device or another member may take
     * @param lockLeaseMillis milliseconds a file lock lasts after its holder's last renewal
     * @param maxLocksPerHolder the most file locks one holder may hold on one member
     * @param maxLocks the most file locks one member holds
     * @param cacheBlocks the most file data blocks one member caches
     * @param writeBehindMicros microseconds a member may keep its changes' writes before it sends them to the device
     */
    public record Settings(String fleet, String device, boolean format, int groups, long callTimeoutMillis, long lockLeaseMillis,
            int maxLocksPerHolder, int maxLocks, int cacheBlocks, long writeBehindMicros) {
        /**
         * Checks the settings.
         *
         * @param fleet the fleet's name
         * @param device the block device's name
         * @param format whether to format a blank device
         * @param groups the groups of a new file system, at least 1
         * @param callTimeoutMillis the call timeout, at least 1
         * @param lockLeaseMillis the lock lease, from {@value FsEngine#MIN_LEASE_MILLIS} to {@value FsEngine#MAX_LEASE_MILLIS}
         * @param maxLocksPerHolder the most locks of one holder on one member, at least 1
         * @param maxLocks the most locks of one member, at least {@code maxLocksPerHolder}
         * @param cacheBlocks the most data blocks one member caches, 0 to {@value FsEngine#MAX_CACHE_BLOCKS}
         * @param writeBehindMicros how long a member may keep its writes, 0 to {@value FsEngine#MAX_WRITE_BEHIND_MICROS}
         * @throws NullPointerException if the fleet or the device is null
         * @throws IllegalArgumentException if the groups or the timeout are not positive, the lease is out
         *         of its range, the lock bounds are not positive or the cache or the write-behind is out of its range
         */
        public Settings {
            Objects.requireNonNull(fleet, "fleet");
            Objects.requireNonNull(device, "device");
            if (groups < 1) {
                throw new IllegalArgumentException("groups must be positive, was " + groups);
            }
            if (callTimeoutMillis < 1) {
                throw new IllegalArgumentException("callTimeoutMillis must be positive, was " + callTimeoutMillis);
            }
            if (lockLeaseMillis < MIN_LEASE_MILLIS || lockLeaseMillis > MAX_LEASE_MILLIS) {
                throw new IllegalArgumentException("lockLeaseMillis must be from " + MIN_LEASE_MILLIS + " to " + MAX_LEASE_MILLIS
                        + ", was " + lockLeaseMillis);
            }
            if (maxLocksPerHolder < 1 || maxLocks < maxLocksPerHolder) {
                throw new IllegalArgumentException("maxLocksPerHolder must be positive and maxLocks at least as large, were "
                        + maxLocksPerHolder + " and " + maxLocks);
            }
            if (cacheBlocks < 0 || cacheBlocks > MAX_CACHE_BLOCKS) {
                throw new IllegalArgumentException("cacheBlocks must be from 0 to " + MAX_CACHE_BLOCKS + ", was " + cacheBlocks);
            }
            if (writeBehindMicros < 0 || writeBehindMicros > MAX_WRITE_BEHIND_MICROS) {
                throw new IllegalArgumentException("writeBehindMicros must be from 0 to " + MAX_WRITE_BEHIND_MICROS + ", was "
                        + writeBehindMicros);
            }
        }

        /**
         * Settings whose members keep their writes for the default time.
         *
         * @param fleet the fleet's name
         * @param device the block device's name
         * @param format whether to format a blank device
         * @param groups the groups of a new file system, at least 1
         * @param callTimeoutMillis the call timeout, at least 1
         * @param lockLeaseMillis the lock lease, from {@value FsEngine#MIN_LEASE_MILLIS} to {@value FsEngine#MAX_LEASE_MILLIS}
         * @param maxLocksPerHolder the most locks of one holder on one member, at least 1
         * @param maxLocks the most locks of one member, at least {@code maxLocksPerHolder}
         * @param cacheBlocks the most data blocks one member caches, 0 to {@value FsEngine#MAX_CACHE_BLOCKS}
         * @throws NullPointerException if the fleet or the device is null
         * @throws IllegalArgumentException as the canonical constructor
         */
        public Settings(String fleet, String device, boolean format, int groups, long callTimeoutMillis, long lockLeaseMillis,
                int maxLocksPerHolder, int maxLocks, int cacheBlocks) {
            this(fleet, device, format, groups, callTimeoutMillis, lockLeaseMillis, maxLocksPerHolder, maxLocks, cacheBlocks,
                    DEFAULT_WRITE_BEHIND_MICROS);
        }

        /**
         * Settings with the default lock lease, lock bounds and cache.
         *
         * @param fleet the fleet's name
         * @param device the block device's name
         * @param format whether to format a blank device
         * @param groups the groups of a new file system, at least 1
         * @param callTimeoutMillis the call timeout, at least 1
         * @throws NullPointerException if the fleet or the device is null
         * @throws IllegalArgumentException if the groups or the timeout are not positive
         */
        public Settings(String fleet, String device, boolean format, int groups, long callTimeoutMillis) {
            this(fleet, device, format, groups, callTimeoutMillis, DEFAULT_LEASE_MILLIS, DEFAULT_MAX_LOCKS_PER_HOLDER, DEFAULT_MAX_LOCKS,
                    DEFAULT_CACHE_BLOCKS);
        }

        /**
         * The settings of a member component.
         *
         * @param config its configuration
         * @param properties its component properties: the fleet's name is {@code fos.fleet.name}, else
         *        {@value FileSystemFleet#NAME}
         * @return the settings
         * @throws IllegalArgumentException if a setting is out of its range
         */
        public static Settings of(Config config, Map<String, Object> properties) {
            return new Settings(String.valueOf(properties.getOrDefault(Fleet.NAME, FileSystemFleet.NAME)), config.device(), config.format(),
                    config.groups(), config.callTimeoutMillis(), config.lockLeaseMillis(), config.maxLocksPerHolder(), config.maxLocks(),
                    config.cacheBlocks(), config.writeBehindMicros());
        }
    }

    /**
     * Names the implementation that serves, for logs and errors.
     *
     * @param member the member's class
     * @return its bundle's symbolic name and version, or the class's simple name outside OSGi
     */
    public static String servedBy(Class<?> member) {
        Bundle b = FrameworkUtil.getBundle(member);
        return b == null ? member.getSimpleName() : b.getSymbolicName() + "/" + b.getVersion();
    }

    private final Kernel kernel;
    private volatile Address self;
    /** An earlier version handed its state on: its locks are here, and its leases are waited out already. */
    private volatile boolean handedOn;
    private final String fleetName;
    private final String deviceName;
    private final WriteBehind device;
    private final FsPeers fleet;
    private final String servedBy;
    private final Gates gates;
    private final OwnedGroups owned;
    private final PeerCalls peers;
    private final LockTable locks;
    private final Leases leases;

    /**
     * Creates a member's engine. It does nothing until it is called: the first call mounts the file
     * system.
     *
     * @param settings the fleet's settings
     * @param servedBy the implementation that serves, for logs and errors: its bundle's symbolic name
     *        and version
     * @param libfos libfos, for the device and the other members
     * @param kernel the kernel, for the name resolution that says which groups this member owns
     */
    public FsEngine(Settings settings, String servedBy, Libfos libfos, Kernel kernel) {
        this(settings, LeaseSettings.DEFAULT, servedBy, libfos, kernel);
    }

    /**
     * Creates a member's engine that grants leases as configured. It does nothing until it is called:
     * the first call mounts the file system.
     *
     * @param settings the fleet's settings
     * @param leaseSettings how it grants leases on what clients cache
     * @param servedBy the implementation that serves, for logs and errors: its bundle's symbolic name
     *        and version
     * @param libfos libfos, for the device, the other members and the holders of leases
     * @param kernel the kernel, for the name resolution that says which groups this member owns
     */
    public FsEngine(Settings settings, LeaseSettings leaseSettings, String servedBy, Libfos libfos, Kernel kernel) {
        this.leases = new Leases(settings.fleet(), leaseSettings, libfos, System::nanoTime);
        this.kernel = Objects.requireNonNull(kernel, "kernel");
        this.fleetName = settings.fleet();
        this.deviceName = BlockDevice.NAME_PREFIX + settings.device();
        this.servedBy = Objects.requireNonNull(servedBy, "servedBy");
        CallOptions options = CallOptions.DEFAULT.withTimeout(Duration.ofMillis(settings.callTimeoutMillis()));
        this.device = new WriteBehind(libfos.proxy(BlockDevice.class, deviceName, options.withDirectReplies(true)), deviceName,
                settings.callTimeoutMillis(), settings.writeBehindMicros());
        this.fleet = libfos.proxy(FsPeers.class, fleetName, options.withSelection(Selection.ROUND_ROBIN));
        long startedMillis = System.currentTimeMillis();
        this.gates = new Gates(fleetName, deviceName, servedBy, device, fleet, this::owns, layout -> mounted(layout, startedMillis));
        this.owned = new OwnedGroups(fleetName, device, fleet, gates, settings.cacheBlocks());
        this.peers = new PeerCalls(fleetName, deviceName, device, fleet, libfos, settings, gates, owned, this::owns);
        this.locks = new LockTable(() -> System.nanoTime() / 1_000_000, settings.lockLeaseMillis(), settings.maxLocksPerHolder(),
                settings.maxLocks());
    }

    /**
     * The file system is mounted: if it is older than this member and no earlier version handed its
     * leases and locks on ({@link #importState}), an earlier member served it (a restart) and may have
     * granted leases and locks this one cannot know. Changes then wait out one lease, and no new lock
     * is granted for one lock lease, as after a live upgrade.
     */
    private void mounted(Layout layout, long startedMillis) {
        if (!handedOn && layout.createdMillis < startedMillis) {
            leases.quietFor(leases.leaseMillis());
            locks.refuseNewForOneLease();
            LOG.info("{}: started on a file system an earlier member served: changes wait out its leases ({} ms) and new file locks"
                    + " wait out its locks' ({} ms)", fleetName, leases.leaseMillis(), locks.leaseMillis());
        }
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

    private GroupStore store(int group) {
        return owned.store(group);
    }

    private static void checkGroup(int group, long inode) {
        if (FileSystemFleet.groupOf(inode) != group) {
            throw new IllegalArgumentException("inode " + inode + " lives in group " + FileSystemFleet.groupOf(inode) + ", not " + group);
        }
    }

    private int groupFor(long dir, String name) {
        int h = (Long.toString(dir) + '/' + name).hashCode();
        return Math.floorMod(h * 0x9E3779B1, gates.layout().groups);
    }

    private static long now() {
        return System.currentTimeMillis();
    }

    // ---------------------------------------------------------------- the protocol: names

    @Override
    public CompletionStage<DirEntry> lookup(int group, long dir, String name) {
        return gates.call(group, 0, () -> {
            checkGroup(group, dir);
            return store(group).lookup(dir, name);
        }, () -> fleet.lookup(group, dir, name));
    }

    @Override
    public CompletionStage<Walked> walk(int group, long dir, List<String> names) {
        if (names == null || names.size() > 4096) {
            return Gates.failed(new IllegalArgumentException("a walk takes 0 to 4096 names, not " + (names == null ? "null" : names.size())));
        }
        return gates.call(group, 0, () -> {
            checkGroup(group, dir);
            return owned.walk(group, dir, names, g -> g == group || owns(g) && !gates.held(g, 0), e -> { });
        }, () -> fleet.walk(group, dir, names));
    }

    @Override
    public CompletionStage<WalkLease> leasedWalk(int group, long dir, List<String> names, Capability holder) {
        if (names == null || names.size() > 4096) {
            return Gates.failed(new IllegalArgumentException("a walk takes 0 to 4096 names, not " + (names == null ? "null" : names.size())));
        }
        long client = caller();
        return gates.call(group, 0, () -> {
            checkGroup(group, dir);
            List<DirEntry> path = new ArrayList<>();
            Walked w = owned.walk(group, dir, names, g -> g == group || owns(g) && !gates.held(g, 0), path::add);
            return new WalkLease(w, path, leases.grant(client, holder, covered(dir, path, w)));
        }, () -> fleet.leasedWalk(group, dir, names, holder));
    }

    /** What a walk's lease covers: the directories it looked names up in, and the inode whose attributes it answered. */
    private static List<Long> covered(long dir, List<DirEntry> path, Walked w) {
        List<Long> out = new ArrayList<>(path.size() + 1);
        long in = dir;
        for (DirEntry e : path) {
            out.add(in);
            in = e.inode();
        }
        if (w.attributes() != null) {
            out.add(w.entry().inode());
        }
        return out;
    }

    /** The libfos client that made the call served now, 0 if it gave no request id. */
    private static long caller() {
        RequestId id = CallContext.requestId();
        return id == null ? 0 : id.client();
    }

    /** The inode a directory's entry names, 0 if there is none (or the directory is not this group's). */
    private long entryOrNone(int group, long dir, String name) {
        try {
            return store(group).lookup(dir, name).inode();
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    @Override
    public CompletionStage<Attributes> stat(int group, long inode) {
        return gates.call(group, 0, () -> {
            checkGroup(group, inode);
            return store(group).stat(inode);
        }, () -> fleet.stat(group, inode));
    }

    @Override
    public CompletionStage<List<DirEntry>> readdir(int group, long dir, String after, int limit) {
        return gates.call(group, 0, () -> {
            checkGroup(group, dir);
            return store(group).readdir(dir, after, limit);
        }, () -> fleet.readdir(group, dir, after, limit));
    }

    @Override
    public CompletionStage<Opened> open(int group, long dir, String name, int flags, int mode, int uid, int gid) {
        return opening(group, dir, name, flags, mode, uid, gid, o -> o, () -> fleet.open(group, dir, name, flags, mode, uid, gid));
    }

    @Override
    public CompletionStage<LeasedOpen> openLeased(int group, long dir, String name, int flags, int mode, int uid, int gid,
            Capability holder, int headBytes) {
        if (headBytes < 0 || headBytes > FileSystemFleet.MAX_IO_BYTES) {
            return Gates.failed(new IllegalArgumentException("an open answers 0 to " + FileSystemFleet.MAX_IO_BYTES
                    + " bytes of content, not " + headBytes));
        }
        long client = caller();
        return opening(group, dir, name, flags, mode, uid, gid, o -> leased(group, o, client, holder, headBytes),
                () -> fleet.openLeased(group, dir, name, flags, mode, uid, gid, holder, headBytes));
    }

    /** What an open of one kind answers, made on the member thread from the open it made. */
    @FunctionalInterface
    private interface OpenAnswer<T> {
        T of(Opened o) throws IOException;
    }

    /**
     * An open of either kind: counts a regular file's open, and answers once the leases on what it
     * changed (a created name, a truncated file) are revoked.
     */
    private <T> CompletionStage<T> opening(int group, long dir, String name, int flags, int mode, int uid, int gid,
            OpenAnswer<T> answer, Gates.Op<CompletionStage<T>> again) {
        long writer = caller();
        Set<Long> touched = new HashSet<>();
        return leases.after(gates.call(group, 0, owned.changing(group, () -> {
            checkGroup(group, dir);
            Opened o = store(group).open(dir, name, flags, mode, uid, gid, now());
            if (o.attributes() != null && o.entry().type() == FileType.FILE) {
                owned.opened(o.entry().inode());
            }
            if (o.created()) {
                touched.add(dir);
            }
            if ((flags & FileSystemFleet.OPEN_TRUNCATE) != 0) {
                touched.add(o.entry().inode());
            }
            return answer.of(o);
        }), again), touched, writer);
    }

    /**
     * The lease and the first bytes an {@link #openLeased} answers: only for a regular file this member
     * counted open (its attributes are answered), and only if the lease is granted.
     */
    private LeasedOpen leased(int group, Opened o, long client, Capability holder, int headBytes) throws IOException {
        if (o.attributes() == null || o.entry().type() != FileType.FILE) {
            return new LeasedOpen(o, 0, NO_BYTES);
        }
        long inode = o.entry().inode();
        long millis = leases.grant(client, holder, List.of(inode));
        int n = (int) Math.min(o.attributes().size(), headBytes);
        if (millis == 0 || n == 0) {
            return new LeasedOpen(o, millis, NO_BYTES);
        }
        return new LeasedOpen(o, millis, store(group).contents.read(inode, o.attributes().generation(), 0, n));
    }

    @Override
    public CompletionStage<Attributes> openInode(int group, long inode, int flags) {
        return leases.after(gates.call(group, 0, owned.changing(group, () -> {
            checkGroup(group, inode);
            return owned.openInode(group, inode, flags);
        }), () -> fleet.openInode(group, inode, flags)), (flags & FileSystemFleet.OPEN_TRUNCATE) != 0 ? List.of(inode) : List.of(),
                caller());
    }

    @Override
    public CompletionStage<Void> close(int group, long inode, int generation) {
        return gates.call(group, 0, owned.changing(group, () -> {
            checkGroup(group, inode);
            owned.closed(group, inode);
            if (!owned.isOpen(inode)) {
                locks.fileClosed(inode);
            }
            return (Void) null;
        }), () -> fleet.close(group, inode, generation));
    }

    @Override
    public CompletionStage<DirEntry> mkdir(int group, long dir, String name, int mode, int uid, int gid) {
        long writer = caller();
        Set<Long> touched = new HashSet<>();
        CompletionStage<CompletionStage<DirEntry>> s = gates.call(group, 0, () -> {
            checkGroup(group, dir);
            FsErrors.checkName(name);
            int target = groupFor(dir, name);
            if (target == group) {
                touched.add(dir);
                return CompletableFuture.completedFuture(store(group).mkdir(dir, name, mode, uid, gid, now()));
            }
            store(group).lookupAbsent(dir, name);
            return fleet.peerCross(0, new CrossOp(CrossOp.Kind.MKDIR, dir, name, 0, null, false, target, 0, mode, uid, gid));
        }, () -> CompletableFuture.completedFuture(fleet.mkdir(group, dir, name, mode, uid, gid)));
        return leases.after(s.thenCompose(x -> x), touched, writer);
    }

    @Override
    public CompletionStage<DirEntry> symlink(int group, long dir, String name, String target, int uid, int gid) {
        return leases.after(gates.call(group, 0, () -> {
            checkGroup(group, dir);
            return store(group).symlink(dir, name, target, uid, gid, now());
        }, () -> fleet.symlink(group, dir, name, target, uid, gid)), List.of(dir), caller());
    }

    @Override
    public CompletionStage<String> readlink(int group, long inode) {
        return gates.call(group, 0, () -> {
            checkGroup(group, inode);
            return store(group).contents.readlink(inode);
        }, () -> fleet.readlink(group, inode));
    }

    @Override
    public CompletionStage<DirEntry> link(int group, long dir, String name, long inode) {
        long writer = caller();
        Set<Long> touched = new HashSet<>();
        CompletionStage<CompletionStage<DirEntry>> s = gates.call(group, 0, () -> {
            checkGroup(group, dir);
            FsErrors.checkName(name);
            if (FileSystemFleet.groupOf(inode) == group) {
                touched.add(dir);
                touched.add(inode);
                return CompletableFuture.completedFuture(store(group).link(dir, name, inode, now()));
            }
            store(group).lookupAbsent(dir, name);
            return fleet.peerCross(0, new CrossOp(CrossOp.Kind.LINK, dir, name, 0, null, false, 0, inode, 0, 0, 0));
        }, () -> CompletableFuture.completedFuture(fleet.link(group, dir, name, inode)));
        return leases.after(s.thenCompose(x -> x), touched, writer);
    }

    @Override
    public CompletionStage<Void> delete(int group, long dir, String name) {
        long writer = caller();
        Set<Long> touched = new HashSet<>();
        CompletionStage<CompletionStage<DirEntry>> s = gates.call(group, 0, owned.changing(group, () -> {
            checkGroup(group, dir);
            GroupStore g = store(group);
            DirEntry e = g.lookup(dir, name);
            if (FileSystemFleet.groupOf(e.inode()) == group) {
                touched.add(dir);
                touched.add(e.inode());
                g.delete(dir, name, now());
                return CompletableFuture.completedFuture(null);
            }
            return fleet.peerCross(0, new CrossOp(CrossOp.Kind.DELETE, dir, name, 0, null, false, 0, 0, 0, 0, 0));
        }), () -> CompletableFuture.completedFuture(fleet.delete(group, dir, name).thenApply(v -> (DirEntry) null)));
        return leases.after(s.thenCompose(x -> x).thenApply(x -> (Void) null), touched, writer);
    }

    @Override
    public CompletionStage<Void> rename(int group, long dir, String name, long targetDir, String targetName, boolean replace) {
        long writer = caller();
        Set<Long> touched = new HashSet<>();
        CompletionStage<CompletionStage<DirEntry>> s = gates.call(group, 0, owned.changing(group, () -> {
            checkGroup(group, dir);
            if (targetDir <= 0) {
                throw new IllegalArgumentException("target directory " + targetDir + " is not an inode");
            }
            long moved = entryOrNone(group, dir, name);
            long replaced = entryOrNone(group, targetDir, targetName);
            if (store(group).renameLocal(dir, name, targetDir, targetName, replace, now())) {
                touched.addAll(List.of(dir, targetDir, moved, replaced));
                touched.remove(0L);
                return CompletableFuture.completedFuture(null);
            }
            return fleet.peerCross(0, new CrossOp(CrossOp.Kind.RENAME, dir, name, targetDir, targetName, replace, 0, 0, 0, 0, 0));
        }), () -> CompletableFuture.completedFuture(fleet.rename(group, dir, name, targetDir, targetName, replace)
                .thenApply(v -> (DirEntry) null)));
        return leases.after(s.thenCompose(x -> x).thenApply(x -> (Void) null), touched, writer);
    }

    // ---------------------------------------------------------------- the protocol: content

    @Override
    public CompletionStage<byte[]> read(int group, long inode, int generation, long offset, int length) {
        return gates.call(group, 0, () -> {
            checkGroup(group, inode);
            return store(group).contents.read(inode, generation, offset, length);
        }, () -> fleet.read(group, inode, generation, offset, length));
    }

    @Override
    public CompletionStage<Long> write(int group, long inode, int generation, long offset, byte[] data) {
        return leases.after(owned.spacious(group, data == null ? 0 : data.length, () -> {
            checkGroup(group, inode);
            return store(group).contents.write(inode, generation, offset, data, false, now());
        }, () -> fleet.write(group, inode, generation, offset, data)), List.of(inode), caller());
    }

    @Override
    public CompletionStage<Long> append(int group, long inode, int generation, byte[] data) {
        return leases.after(owned.spacious(group, data == null ? 0 : data.length, () -> {
            checkGroup(group, inode);
            return store(group).contents.write(inode, generation, 0, data, true, now());
        }, () -> fleet.append(group, inode, generation, data)), List.of(inode), caller());
    }

    @Override
    public CompletionStage<Long> reserve(int group, long inode, int generation, long length) {
        return leases.after(gates.call(group, 0, () -> {
            checkGroup(group, inode);
            return store(group).contents.reserve(inode, generation, length, now());
        }, () -> fleet.reserve(group, inode, generation, length)), List.of(inode), caller());
    }

    @Override
    public CompletionStage<Void> truncate(int group, long inode, int generation, long size) {
        return leases.after(gates.call(group, 0, owned.changing(group, () -> {
            checkGroup(group, inode);
            store(group).contents.truncate(inode, generation, size, now());
            return (Void) null;
        }), () -> fleet.truncate(group, inode, generation, size)), List.of(inode), caller());
    }

    @Override
    public CompletionStage<Void> setTimes(int group, long inode, long modifiedMillis, long accessedMillis) {
        return leases.after(gates.call(group, 0, () -> {
            checkGroup(group, inode);
            store(group).setTimes(inode, modifiedMillis, accessedMillis, now());
            return (Void) null;
        }, () -> fleet.setTimes(group, inode, modifiedMillis, accessedMillis)), List.of(inode), caller());
    }

    @Override
    public CompletionStage<Attributes> setAttributes(int group, long inode, int mode, int uid, int gid) {
        return leases.after(gates.call(group, 0, () -> {
            checkGroup(group, inode);
            return store(group).setAttributes(inode, mode, uid, gid, now());
        }, () -> fleet.setAttributes(group, inode, mode, uid, gid)), List.of(inode), caller());
    }

    @Override
    public CompletionStage<Void> fsync(int group, long inode) {
        return gates.call(group, 0, () -> {
            checkGroup(group, inode);
            store(group).stat(inode);
            device.flush();
            return (Void) null;
        }, () -> fleet.fsync(group, inode));
    }

    // ---------------------------------------------------------------- the protocol: file locks

    @Override
    public CompletionStage<Locked> lock(int group, long inode, int generation, String holder, long lock, long position, long size,
            boolean shared) {
        return gates.call(group, 0, () -> {
            checkGroup(group, inode);
            GroupStore s = store(group);
            s.file(s.reading(), inode, generation);
            return new Locked(locks.lock(holder, lock, inode, generation, position, size, shared), locks.leaseMillis());
        }, () -> fleet.lock(group, inode, generation, holder, lock, position, size, shared));
    }

    @Override
    public CompletionStage<Void> unlock(int group, String holder, long lock) {
        return gates.call(group, 0, () -> {
            locks.unlock(holder, lock);
            return (Void) null;
        }, () -> fleet.unlock(group, holder, lock));
    }

    @Override
    public CompletionStage<List<Long>> renewLocks(int group, String holder, List<Long> keep) {
        return gates.call(group, 0, () -> locks.renew(holder, group, keep), () -> fleet.renewLocks(group, holder, keep));
    }

    // ---------------------------------------------------------------- the whole file system

    @Override
    public CompletionStage<FsStats> statfs() {
        if (gates.retired()) {
            return Gates.failed(gates.retiredError());
        }
        Layout l = gates.layout();
        if (l == null) {
            return gates.mount().thenCompose(x -> Gates.attempt(fleet::statfs));
        }
        List<CompletableFuture<GroupStats>> parts = new ArrayList<>();
        for (int g = 0; g < l.groups; g++) {
            int group = g;
            parts.add(Gates.attempt(() -> fleet.peerGroupStats(group)).toCompletableFuture());
        }
        return CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0]))
                .thenApply(done -> OwnedGroups.sum(deviceName, l, parts.stream().map(CompletableFuture::join).toList()));
    }

    @Override
    public CompletionStage<FsckReport> fsck() {
        if (gates.retired()) {
            return Gates.failed(gates.retiredError());
        }
        return Gates.attempt(() -> fleet.peerFsck(0, false)).thenApply(RepairReport::before);
    }

    @Override
    public CompletionStage<RepairReport> repair() {
        if (gates.retired()) {
            return Gates.failed(gates.retiredError());
        }
        return Gates.attempt(() -> fleet.peerFsck(0, true));
    }

    @Override
    public CompletionStage<GroupInfo> groupInfo(int group) {
        Address owner = self;
        return gates.call(group, 0, () -> store(group).info(owner == null ? "this member" : owner.toString()), () -> fleet.groupInfo(group));
    }

    // ---------------------------------------------------------------- the member protocol (see PeerCalls)

    @Override
    public CompletionStage<GroupStats> peerGroupStats(int group) {
        return peers.peerGroupStats(group);
    }

    @Override
    public CompletionStage<List<Long>> peerLend(int group, int count) {
        return peers.peerLend(group, count);
    }

    @Override
    public CompletionStage<Void> peerReturn(int group, List<Long> blocks) {
        return peers.peerReturn(group, blocks);
    }

    @Override
    public CompletionStage<Mounted> peerMount(int group) {
        return peers.peerMount(group);
    }

    @Override
    public CompletionStage<DirEntry> peerCross(int group, CrossOp op) {
        return peers.peerCross(group, op);
    }

    @Override
    public CompletionStage<RepairReport> peerFsck(int group, boolean repair) {
        return peers.peerFsck(group, repair);
    }

    @Override
    public CompletionStage<Void> peerResume(int group, long tx, List<ProbeResult> results, String failure) {
        return peers.peerResume(group, tx, results, failure);
    }

    @Override
    public CompletionStage<List<ProbeResult>> peerPin(int group, long tx, List<Probe> probes) {
        return peers.peerPin(group, tx, probes);
    }

    @Override
    public CompletionStage<Void> peerFinish(int group, long tx, List<Step> steps) {
        return leases.after(peers.peerFinish(group, tx, steps), touchedBy(steps), 0);
    }

    /** The directories whose entries and inodes whose attributes the steps of a cross-group operation change. */
    private static Set<Long> touchedBy(List<Step> steps) {
        Set<Long> out = new HashSet<>();
        for (Step st : steps == null ? List.<Step>of() : steps) {
            switch (st.kind()) {
                case PUT, REMOVE -> {
                    out.add(st.dir());
                    out.add(st.inode());
                }
                case INIT_DIRECTORY -> out.add(st.parent());
                case SET_PARENT, DROP, LINK -> out.add(st.inode());
                default -> throw new IllegalArgumentException("unknown step " + st.kind());
            }
        }
        out.remove(0L);
        return out;
    }

    @Override
    public CompletionStage<List<Long>> peerFreeze(int group, boolean frozenNow) {
        return peers.peerFreeze(group, frozenNow);
    }

    // ---------------------------------------------------------------- upgrade

    /**
     * Answers the kept calls and the coordinator's operations with {@link TryAgainException} as soon
     * as the members are paused: an operation that spans groups waits for the member that owns the
     * other group, which is paused too, and would hold the upgrade (and the fleet's dispatch) until the
     * runtime gave up waiting for it; a file lock whose holder could not renew it meanwhile would end.
     */
    @Override
    public void quiesce() {
        int kept = gates.retire();
        int operations = peers.retire();
        if (kept + operations > 0) {
            LOG.info("{}: {} lets go before the upgrade: {} kept calls and {} operations across groups answered TryAgain, their"
                    + " callers call the next version", fleetName, servedBy, kept, operations);
        }
    }

    /**
     * Lets go of everything in flight: kept calls and the coordinator's operations are answered with
     * {@link TryAgainException} (their callers call again and the next version serves them). The
     * state handed on is the open files (so that files deleted while open stay until their last
     * close), the blocks other groups lent and no file uses yet, and the file locks; the file system is on the device, and the next version mounts it again, replaying the
     * journals and finishing a committed cross-group operation.
     */
    @Override
    public FleetState exportState() {
        quiesce();
        try {
            device.sendKept(); // the next version reads the device: its reads reach the device after these writes
        } catch (RuntimeException e) {
            // a member whose device failed hands on all the same: the next version replays what reached the device
            LOG.warn("{}: {} hands on without the writes it kept, its device failed: {}", fleetName, servedBy, e.getMessage());
        }
        Map<String, Object> data = new HashMap<>();
        data.put("servedBy", servedBy);
        data.put("leaseMillis", leases.leaseMillis());
        owned.export(data);
        data.put("locks", locks.export());
        return new FleetState(STATE_LAYOUT, data);
    }

    /**
     * The member stops: the writes it kept are sent to the device (after which the device serves
     * whoever reads it next), and it keeps none from now on. A failure to send them is logged.
     */
    public void close() {
        device.close();
    }

    @Override
    public void importState(FleetState state) {
        if (state.version() != STATE_LAYOUT && state.version() != 1) {
            throw new IllegalArgumentException("this version reads state layouts 1 and " + STATE_LAYOUT + ", not " + state.version());
        }
        handedOn = true;
        int open = state.data() instanceof Map<?, ?> m ? owned.importFrom(m) : 0;
        int held = state.data() instanceof Map<?, ?> m && m.get("locks") instanceof List<?> l ? locks.importFrom(l) : 0;
        // the predecessor's leases are not handed on: changes wait until they have ended
        leases.quietFor(state.data() instanceof Map<?, ?> m && m.get("leaseMillis") instanceof Number n ? n.longValue() : 0);
        LOG.info("{}: {} takes over from {} ({} open files, {} file locks); the file system is mounted again on first use", fleetName,
                servedBy, state.data() instanceof Map<?, ?> m ? m.get("servedBy") : "?", open, held);
    }
}
