package org.fos.fs.engine;

import java.nio.file.FileSystemException;
import java.nio.file.NotDirectoryException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;

import org.fos.block.api.BlockDevice;
import org.fos.fs.api.Attributes;
import org.fos.fs.api.DirEntry;
import org.fos.fs.api.FileSystemFleet;
import org.fos.fs.api.FileType;
import org.fos.fs.api.FsStats;
import org.fos.fs.api.Walked;
import org.fos.fs.peers.FsPeers;
import org.fos.fs.peers.GroupStats;
import org.fos.fs.peers.Probe;
import org.fos.fs.peers.ProbeResult;
import org.fos.fs.peers.Step;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The groups a member owns: their stores, loaded on first use (which frees the orphans no open
 * holds), the open counts of their files, and the blocks other groups lent to them. It borrows
 * blocks for a write whose group is full and gives back what a change let go of. Not thread-safe
 * but for the lent pools, which replies fill off the member thread.
 */
final class OwnedGroups {
    private static final Logger LOG = LoggerFactory.getLogger(OwnedGroups.class);
    /** Blocks asked of another group beyond what a write needs, so that a streaming writer does not ask each call. */
    private static final int LEND_SLACK = 64;

    private final String fleetName;
    private final BlockDevice device;
    private final FsPeers fleet;
    private final Gates gates;
    private final Map<Integer, GroupStore> stores = new HashMap<>();
    /** Opens of the files of the groups this member owns, by inode. */
    private final Map<Long, Integer> opens = new HashMap<>();
    /** Blocks other groups lent to each group's files, not yet used; filled off the member thread. */
    private final Map<Integer, ConcurrentLinkedDeque<Long>> borrowed = new ConcurrentHashMap<>();
    /** The most file data blocks {@link #data} keeps. */
    private final int cacheBlocks;
    /** The cache of file data blocks of every group this member loaded; made at the first load (it needs the block size). */
    private DataCache data;
    /** Inodes reserved by cross-group operations in flight, by operation. */
    private final Map<Long, List<Long>> reservations = new HashMap<>();

    OwnedGroups(String fleetName, BlockDevice device, FsPeers fleet, Gates gates, int cacheBlocks) {
        this.fleetName = fleetName;
        this.cacheBlocks = cacheBlocks;
        this.device = device;
        this.fleet = fleet;
        this.gates = gates;
    }

    private ConcurrentLinkedDeque<Long> pool(int group) {
        return borrowed.computeIfAbsent(group, g -> new ConcurrentLinkedDeque<>());
    }

    /** A group's store, loaded on first use. */
    GroupStore store(int group) {
        GroupStore s = stores.get(group);
        if (s == null) {
            if (data == null) {
                data = new DataCache(gates.layout().blockSize, cacheBlocks);
            }
            s = GroupStore.open(gates.layout(), group, device, opens::containsKey, pool(group), data);
            stores.put(group, s);
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
     * Writes every loaded group home (for a check) and answers the blocks lent and not yet used.
     * The device is flushed last, which also sends the writes the member kept (ADR 0117): the
     * checking member reads the device after this answer, and must find the journals emptied.
     */
    List<Long> checkpointAll() {
        for (GroupStore g : stores.values()) {
            g.checkpoint();
        }
        device.flush();
        List<Long> lent = new ArrayList<>();
        borrowed.values().forEach(lent::addAll);
        return lent;
    }

    /** Forgets the loaded groups and the data blocks cached: they are read again on next use (after a repair). */
    void forget() {
        stores.clear();
        if (data != null) {
            data.clear();
        }
    }

    // ---------------------------------------------------------------- names

    /**
     * Resolves names from a directory while the directories it reaches are of groups {@code readable}
     * allows (owned here, not pinned, not frozen); see {@link FileSystemFleet#walk}. Each entry a name
     * led to is handed to {@code passed}, in order (for {@code .} the directory it stays in).
     */
    Walked walk(int group, long dir, List<String> names, java.util.function.IntPredicate readable,
            java.util.function.Consumer<DirEntry> passed) throws FileSystemException {
        DirEntry at = new DirEntry("", dir, FileType.DIRECTORY);
        long in = dir;
        store(group).parentOf(dir);
        int consumed = 0;
        for (String name : names) {
            if (at.type() != FileType.DIRECTORY) {
                throw new NotDirectoryException(FsErrors.where(at.inode()));
            }
            int g = FileSystemFleet.groupOf(at.inode());
            if (!readable.test(g)) {
                break;
            }
            in = at.inode();
            if (name.equals("..")) {
                at = new DirEntry("..", store(g).parentOf(at.inode()), FileType.DIRECTORY);
            } else if (!name.equals(".")) {
                at = store(g).lookup(at.inode(), name);
            }
            passed.accept(at);
            consumed++;
            if (at.type() == FileType.SYMLINK) {
                break;
            }
        }
        int g = FileSystemFleet.groupOf(at.inode());
        return new Walked(consumed, at, in, readable.test(g) ? store(g).stat(at.inode()) : null);
    }

    /** The space of the file system from the space of each group. */
    static FsStats sum(String device, Layout l, List<GroupStats> parts) {
        long total = 0;
        long free = 0;
        long inodes = 0;
        long freeInodes = 0;
        long largest = 0;
        for (GroupStats s : parts) {
            total += s.dataBlocks();
            free += s.freeBlocks();
            inodes += s.inodes();
            freeInodes += s.freeInodes();
            largest = Math.max(largest, s.freeBlocks());
        }
        return new FsStats(device, l.blockSize, total, free, inodes, freeInodes, l.groups, largest);
    }

    // ---------------------------------------------------------------- cross-group operations

    /** Answers a cross-group operation's probes; inodes reserved for it are released when it finishes. */
    List<ProbeResult> probe(int group, long tx, List<Probe> probes) throws FileSystemException {
        GroupStore g = store(group);
        List<ProbeResult> out = new ArrayList<>(probes.size());
        for (Probe p : probes) {
            ProbeResult r = g.cross.probe(p);
            if (p.kind() == Probe.Kind.RESERVE && r.status() == ProbeResult.Status.FOUND) {
                reservations.computeIfAbsent(tx, t -> new ArrayList<>()).add(r.inode());
            }
            out.add(r);
        }
        return out;
    }

    /** Applies a cross-group operation's steps for a group (none: only finishes it) and releases its reservations. */
    void apply(int group, long tx, List<Step> steps) throws FileSystemException {
        try {
            if (!steps.isEmpty()) {
                store(group).cross.apply(tx, steps);
            }
        } finally {
            List<Long> reserved = reservations.remove(tx);
            if (reserved != null) {
                reserved.forEach(store(group).alloc::release);
            }
        }
    }

    // ---------------------------------------------------------------- opens

    /** Opens a regular file by inode (cutting it if asked) and counts the open. */
    Attributes openInode(int group, long inode, int flags) throws FileSystemException {
        GroupStore s = store(group);
        Attributes a = s.stat(inode);
        if (a.type() != FileType.FILE) {
            throw new FileSystemException(FsErrors.where(inode), null, "is not a regular file");
        }
        if ((flags & FileSystemFleet.OPEN_TRUNCATE) != 0) {
            s.contents.truncate(inode, a.generation(), 0, System.currentTimeMillis());
            a = s.stat(inode);
        }
        opened(inode);
        return a;
    }

    void opened(long inode) {
        opens.merge(inode, 1, Integer::sum);
    }

    /** Whether a file of a group this member owns is open. */
    boolean isOpen(long inode) {
        return opens.containsKey(inode);
    }

    /** Ends one open; at the last, frees the file if it has no links. */
    void closed(int group, long inode) throws FileSystemException {
        Integer n = opens.get(inode);
        if (n == null) {
            return;
        }
        if (n > 1) {
            opens.put(inode, n - 1);
            return;
        }
        opens.remove(inode);
        store(group).reclaim(List.of(inode), System.currentTimeMillis());
    }

    // ---------------------------------------------------------------- blocks of other groups

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
            byGroup.computeIfAbsent(gates.layout().groupOfBlock(b), g -> new ArrayList<>()).add(b);
        }
        byGroup.forEach((g, blocks) -> Gates.attempt(() -> fleet.peerReturn(g, blocks)).whenComplete((v, e) -> {
            if (e != null) {
                LOG.warn("{}: {} blocks lent by group {} were not given back ({}); fs:fsck --repair frees them", fleetName,
                        blocks.size(), g, e.getMessage());
            }
        }));
    }

    /** Runs a change about a group, then gives back what it freed of other groups. */
    <T> Gates.Op<T> changing(int group, Gates.Op<T> op) {
        return () -> {
            try {
                return op.run();
            } finally {
                GroupStore s = stores.get(group);
                if (s != null) {
                    giveBack(s);
                }
            }
        };
    }

    /**
     * Runs a write; if its group is full, borrows blocks of the other groups for it and sends it
     * again (through the fleet: the continuation runs off the member thread).
     */
    <T> CompletionStage<T> spacious(int group, int bytes, Gates.Op<T> op, Gates.Op<CompletionStage<T>> again) {
        CompletableFuture<T> out = new CompletableFuture<>();
        gates.call(group, 0, op, again).whenComplete((v, e) -> {
            Throwable t = FsErrors.cause(e);
            if (t instanceof Allocator.NeedBlocks) {
                int blocks = bytes / gates.layout().blockSize + 4 + LEND_SLACK;
                borrow(group, blocks, 1).thenCompose(got -> got ? Gates.attempt(again)
                        : Gates.<T>failed(new FileSystemException(null, null, "no space left on the device")))
                        .whenComplete((v2, e2) -> complete(out, v2, e2));
            } else {
                complete(out, v, e);
            }
        });
        return out;
    }

    private static <T> void complete(CompletableFuture<T> f, T value, Throwable e) {
        if (e != null) {
            f.completeExceptionally(FsErrors.cause(e));
        } else {
            f.complete(value);
        }
    }

    /** Asks the groups after {@code group}, one at a time, to lend blocks; completes with whether any did. */
    private CompletableFuture<Boolean> borrow(int group, int count, int step) {
        if (step >= gates.layout().groups) {
            return CompletableFuture.completedFuture(false);
        }
        int lender = (group + step) % gates.layout().groups;
        return Gates.attempt(() -> fleet.peerLend(lender, count)).toCompletableFuture().thenCompose(lent -> {
            if (lent.isEmpty()) {
                return borrow(group, count, step + 1);
            }
            pool(group).addAll(lent);
            return CompletableFuture.completedFuture(true);
        });
    }

    /** Marks up to {@code count} free blocks of a group in use for another group's file, durably before answering. */
    List<Long> lend(int group, int count) throws FileSystemException {
        GroupStore s = store(group);
        List<Long> lent = s.inTx(tx -> s.alloc.lend(tx, count));
        if (!lent.isEmpty()) {
            device.flush();
        }
        return lent;
    }

    /** Frees blocks a group lent, given back. */
    Void takeBack(int group, List<Long> blocks) throws FileSystemException {
        GroupStore s = store(group);
        s.inTx(tx -> {
            s.alloc.takeBack(tx, blocks);
            return null;
        });
        return null;
    }

    // ---------------------------------------------------------------- upgrade

    /** What a live upgrade hands on: open counts, and blocks lent and not yet used. */
    void export(Map<String, Object> data) {
        Map<String, Object> open = new HashMap<>();
        opens.forEach((inode, n) -> open.put(Long.toString(inode), n));
        data.put("opens", open);
        Map<String, Object> lent = new HashMap<>();
        borrowed.forEach((g, blocks) -> lent.put(Integer.toString(g), new ArrayList<>(blocks)));
        data.put("borrowed", lent);
    }

    /** Takes what an older version handed on; returns how many files are open. */
    int importFrom(Map<?, ?> data) {
        if (data.get("opens") instanceof Map<?, ?> open) {
            open.forEach((inode, n) -> opens.put(Long.parseLong(String.valueOf(inode)), ((Number) n).intValue()));
        }
        if (data.get("borrowed") instanceof Map<?, ?> lent) {
            lent.forEach((g, blocks) -> {
                ConcurrentLinkedDeque<Long> pool = pool(Integer.parseInt(String.valueOf(g)));
                for (Object b : (List<?>) blocks) {
                    pool.add(((Number) b).longValue());
                }
            });
        }
        return opens.size();
    }
}
