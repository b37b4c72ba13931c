package org.fos.fs.engine;

import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.function.LongPredicate;

import org.fos.block.api.BlockDevice;
import org.fos.fs.api.Attributes;
import org.fos.fs.api.DirEntry;
import org.fos.fs.api.FileSystemFleet;
import org.fos.fs.api.FileType;
import org.fos.fs.api.GroupInfo;
import org.fos.fs.api.Opened;
import org.fos.fs.peers.GroupStats;

/**
 * One group of a file system, loaded by the member that owns it: its inodes and the namespace
 * operations on them, over its metadata blocks and journal ({@link GroupBlocks}), its bitmaps
 * ({@link Allocator}), block maps ({@link FileMap}) and directories ({@link Directories}); file
 * content is {@link Contents}. Every change is a {@link Tx} committed to the journal before it is
 * visible. Not thread-safe: only the owning member's thread uses it.
 */
final class GroupStore {

    final Layout layout;
    final int group;
    final BlockDevice device;
    final GroupBlocks blocks;
    final Allocator alloc;
    final FileMap maps;
    final Directories dirs;
    final Contents contents;
    final CrossSteps cross;
    final GroupHeader header;
    /** The member's cache of file data blocks (shared by its groups). */
    final DataCache data;
    /**
     * The most blocks a file may hold to be freed in the transaction that drops its last link: its
     * index and bitmap blocks fit any transaction. Larger files become orphans freed in steps.
     */
    private static final int INLINE_FREE_BLOCKS = 64;
    /** Whether an inode is open somewhere (then a file that loses its last link lives on as an orphan). */
    private final LongPredicate isOpen;
    /** Blocks of other groups this group's files let go of, to give back once the change is durable. */
    private final List<Long> returns = new ArrayList<>();
    private boolean replayed;
    private int pendingJournal;
    private String journalError;

    private GroupStore(Layout layout, int group, BlockDevice device, LongPredicate isOpen, Deque<Long> borrowed, DataCache data) {
        this.layout = layout;
        this.data = data;
        this.group = group;
        this.device = device;
        this.isOpen = isOpen;
        this.blocks = new GroupBlocks(layout, group, device);
        this.alloc = new Allocator(blocks, borrowed);
        this.maps = new FileMap(layout, alloc, blocks.maxBlocks());
        this.dirs = new Directories(layout, maps);
        this.contents = new Contents(this);
        this.cross = new CrossSteps(this);
        this.header = new GroupHeader(layout, group, blocks);
    }

    /**
     * Opens a group: replays its journal (writing what it finds home), then counts its free space.
     *
     * @param isOpen whether an inode is open: an orphan that is not is freed by {@link #freeOrphans(long)}
     * @param borrowed blocks other groups lent to this group's files (the member keeps them across loads)
     * @param data the member's cache of file data blocks
     * @throws Checksums.Damaged if the header or a bitmap block is damaged
     */
    static GroupStore open(Layout layout, int group, BlockDevice device, LongPredicate isOpen, Deque<Long> borrowed, DataCache data) {
        GroupStore g = new GroupStore(layout, group, device, isOpen, borrowed, data);
        g.replayed = g.blocks.replay();
        g.header.check();
        g.alloc.count(g.begin());
        return g;
    }

    static GroupStore open(Layout layout, int group, BlockDevice device) {
        return open(layout, group, device, inode -> false, new ArrayDeque<>(), new DataCache(layout.blockSize, 0));
    }

    /** Reads a group without changing the device, for a check: the journal is read but not replayed. */
    static GroupStore inspect(Layout layout, int group, BlockDevice device) {
        GroupStore g = new GroupStore(layout, group, device, inode -> false, new ArrayDeque<>(), new DataCache(layout.blockSize, 0));
        try {
            g.pendingJournal = g.blocks.pending();
        } catch (IllegalStateException e) {
            g.journalError = e.getMessage();
        }
        return g;
    }

    /** Why the journal could not be read by {@link #inspect}, or null. */
    String journalError() {
        return journalError;
    }

    boolean replayed() {
        return replayed;
    }

    int pendingJournal() {
        return pendingJournal;
    }

    // ---------------------------------------------------------------- transactions

    byte[] meta(long block) {
        return blocks.meta(block);
    }

    Tx begin() {
        return new Tx(blocks);
    }

    /** A view of the committed metadata for a read that changes nothing ({@link Tx#readOnly}). */
    Tx reading() {
        return Tx.readOnly(blocks);
    }

    /** Commits a transaction, then frees the files it left without links that no open holds. */
    void commit(Tx tx) {
        if (tx.blocks.isEmpty()) {
            if (!tx.data.isEmpty()) {
                try {
                    BlockRuns.write(blocks.device, tx.data, List.of());
                } catch (RuntimeException e) {
                    data.failed(tx.data);
                    throw e;
                }
                data.written(tx.data);
            }
            return;
        }
        try {
            blocks.commit(tx);
        } catch (RuntimeException e) {
            data.failed(tx.data);
            abort(tx);
            throw e;
        }
        data.written(tx.data);
        data.drop(tx.freed);
        data.drop(tx.returns);
        alloc.committed(tx);
        returns.addAll(tx.returns);
    }

    /** The work of one transaction. */
    @FunctionalInterface
    interface TxWork<T> {
        T run(Tx tx) throws FileSystemException;
    }

    /** Runs work in a transaction: committed if it returns, dropped if it throws. */
    <T> T inTx(TxWork<T> work) throws FileSystemException {
        Tx tx = begin();
        try {
            T value = work.run(tx);
            commit(tx);
            return value;
        } catch (FileSystemException | RuntimeException e) {
            abort(tx);
            throw e;
        }
    }

    void abort(Tx tx) {
        for (Long d : tx.touchedDirectories) {
            dirs.forget(d);
        }
        alloc.aborted(tx);
        tx.blocks.clear();
        tx.data.clear();
    }

    void checkpoint() {
        blocks.checkpoint();
    }

    boolean isClean() {
        return blocks.isClean();
    }

    /** Takes the blocks of other groups to give back (the caller flushes the device first). */
    List<Long> takeReturns() {
        List<Long> out = new ArrayList<>(returns);
        returns.clear();
        return out;
    }

    boolean inodeAllocated(int index) {
        return alloc.inodeAllocated(begin(), index);
    }

    boolean blockUsed(int index) {
        return alloc.blockUsed(begin(), index);
    }

    // ---------------------------------------------------------------- inodes

    void checkMine(long inode) {
        if (FileSystemFleet.groupOf(inode) != group || !layout.isValidInode(inode)) {
            throw new IllegalArgumentException("inode " + inode + " is not an inode of group " + group);
        }
    }

    long tableBlock(long inode) {
        return layout.inodeTableStart(group) + (long) Layout.indexOf(inode) * Layout.INODE_SIZE / layout.blockSize;
    }

    int tableOffset(long inode) {
        return (int) ((long) Layout.indexOf(inode) * Layout.INODE_SIZE % layout.blockSize);
    }

    Inode inode(Tx tx, long inode) {
        checkMine(inode);
        return Inode.decode(inode, tx.read(tableBlock(inode)), tableOffset(inode));
    }

    void put(Tx tx, Inode i) {
        i.encode(tx.write(tableBlock(i.number)), tableOffset(i.number));
    }

    Inode existing(Tx tx, long inode) throws NoSuchFileException {
        Inode i = inode(tx, inode);
        if (i.isFree()) {
            throw new NoSuchFileException(FsErrors.where(inode));
        }
        return i;
    }

    Inode directory(Tx tx, long dir) throws NoSuchFileException, NotDirectoryException {
        Inode d = existing(tx, dir);
        if (!d.isDirectory()) {
            throw new NotDirectoryException(FsErrors.where(dir));
        }
        return d;
    }

    /**
     * A regular file (or, if asked, a symbolic link) of the caller's generation.
     *
     * @param generation the generation the caller's handle carries, or -1 to take any
     * @throws NoSuchFileException if it is free or was given out again since the caller opened it
     */
    Inode file(Tx tx, long inode, int generation) throws NoSuchFileException, FileSystemException {
        Inode f = existing(tx, inode);
        if (generation >= 0 && f.generation != generation) {
            throw new NoSuchFileException(FsErrors.where(inode), null, "the file was deleted (its inode now holds another file)");
        }
        if (f.isDirectory()) {
            throw FsErrors.isDirectory(FsErrors.where(inode));
        }
        return f;
    }

    Inode newInode(Tx tx, long number, byte type, long parent, int mode, int uid, int gid, long now) {
        Inode old = inode(tx, number);
        Inode i = new Inode(number);
        i.type = type;
        i.links = 1;
        i.created = now;
        i.modified = now;
        i.accessed = now;
        i.changed = now;
        i.parent = type == Inode.DIRECTORY ? parent : 0;
        i.generation = old.generation + 1;
        i.mode = mode & 07777;
        i.uid = uid;
        i.gid = gid;
        put(tx, i);
        return i;
    }

    Attributes stat(long inode) throws NoSuchFileException {
        return existing(reading(), inode).attributes();
    }

    Attributes setAttributes(long inode, int mode, int uid, int gid, long now) throws FileSystemException {
        return inTx(tx -> {
            Inode i = existing(tx, inode);
            if (mode >= 0) {
                i.mode = mode & 07777;
            }
            if (uid >= 0) {
                i.uid = uid;
            }
            if (gid >= 0) {
                i.gid = gid;
            }
            i.changed = now;
            put(tx, i);
            return i.attributes();
        });
    }

    void setTimes(long inode, long modified, long accessed, long now) throws FileSystemException {
        inTx(tx -> {
            Inode i = existing(tx, inode);
            if (modified >= 0) {
                i.modified = modified;
            }
            if (accessed >= 0) {
                i.accessed = accessed;
            }
            i.changed = now;
            put(tx, i);
            return null;
        });
    }

    GroupInfo info(String owner) {
        return new GroupInfo(group, owner, layout.dataBlocksPerGroup(), alloc.freeBlocks(), layout.inodesPerGroup - 1L, alloc.freeInodes(),
                blocks.journalCapacity(), blocks.journalUsed(), blocks.journalTransactions(), blocks.journalNextTransaction());
    }

    GroupStats stats() {
        return new GroupStats(group, layout.dataBlocksPerGroup(), alloc.freeBlocks(), layout.inodesPerGroup - 1L, alloc.freeInodes());
    }

    // ---------------------------------------------------------------- directories

    DirEntry lookup(long dir, String name) throws NoSuchFileException, NotDirectoryException, FileSystemException {
        FsErrors.checkName(name);
        Tx ro = reading();
        DirEntry e = dirs.of(ro, directory(ro, dir)).entries.get(name);
        if (e == null) {
            throw new NoSuchFileException(FsErrors.where(dir, name));
        }
        return e;
    }

    /** The parent of a directory of this group. */
    long parentOf(long dir) throws NoSuchFileException, NotDirectoryException {
        Tx ro = reading();
        return directory(ro, dir).parent;
    }

    List<DirEntry> readdir(long dir, String after, int limit) throws NoSuchFileException, NotDirectoryException, FileSystemException {
        if (limit < 1 || limit > 10_000) {
            throw new IllegalArgumentException("readdir limit must be from 1 to 10000, was " + limit);
        }
        Tx ro = reading();
        Directories.DirCache c = dirs.of(ro, directory(ro, dir));
        Map<String, DirEntry> tail = after == null || after.isEmpty() ? c.entries : c.entries.tailMap(after, false);
        List<DirEntry> out = new ArrayList<>(Math.min(limit, tail.size()));
        for (DirEntry e : tail.values()) {
            if (out.size() == limit) {
                break;
            }
            out.add(e);
        }
        return out;
    }

    /** Checks that a directory exists and has no entry of that name. */
    void lookupAbsent(long dir, String name) throws FileSystemException, NoSuchFileException, NotDirectoryException {
        FsErrors.checkName(name);
        Tx ro = reading();
        if (dirs.of(ro, directory(ro, dir)).entries.containsKey(name)) {
            throw new FileAlreadyExistsException(FsErrors.where(dir, name));
        }
    }

    boolean isEmptyDirectory(Tx tx, Inode d) throws FileSystemException {
        return dirs.of(tx, d).entries.isEmpty();
    }

    /** The entries of a directory, for fsck. */
    List<DirEntry> entries(long dir) throws FileSystemException, NoSuchFileException, NotDirectoryException {
        Tx ro = reading();
        return new ArrayList<>(dirs.of(ro, directory(ro, dir)).entries.values());
    }

    void dirAdd(Tx tx, Inode d, DirEntry e, long now) throws FileSystemException {
        dirs.add(tx, d, e);
        d.modified = now;
        d.changed = now;
        put(tx, d);
    }

    void dirRemove(Tx tx, Inode d, String name, long now) throws FileSystemException {
        if (dirs.remove(tx, d, name) != null) {
            d.modified = now;
            d.changed = now;
            put(tx, d);
        }
    }

    // ---------------------------------------------------------------- namespace operations of one group

    /** Opens (and creates, truncates) an entry; counting the open is the caller's. */
    Opened open(long dir, String name, int flags, int mode, int uid, int gid, long now)
            throws FileSystemException, NoSuchFileException, NotDirectoryException, FileAlreadyExistsException {
        FsErrors.checkName(name);
        boolean create = (flags & FileSystemFleet.OPEN_CREATE) != 0;
        boolean exclusive = (flags & FileSystemFleet.OPEN_EXCLUSIVE) != 0;
        boolean truncate = (flags & FileSystemFleet.OPEN_TRUNCATE) != 0;
        Tx ro = reading();
        Inode d = directory(ro, dir);
        DirEntry existing = dirs.of(ro, d).entries.get(name);
        if (existing == null) {
            if (!create) {
                throw new NoSuchFileException(FsErrors.where(dir, name));
            }
            DirEntry e = inTx(tx -> addNew(tx, directory(tx, dir), name, FileType.FILE, mode, uid, gid, now));
            return new Opened(e, stat(e.inode()), true);
        }
        if (create && exclusive) {
            throw new FileAlreadyExistsException(FsErrors.where(dir, name));
        }
        if (existing.type() != FileType.FILE || FileSystemFleet.groupOf(existing.inode()) != group) {
            if (truncate && existing.type() == FileType.DIRECTORY) {
                throw FsErrors.isDirectory(FsErrors.where(dir, name));
            }
            return new Opened(existing, null, false);
        }
        if (truncate) {
            contents.truncate(existing.inode(), -1, 0, now);
        }
        return new Opened(existing, stat(existing.inode()), false);
    }

    /** Makes a directory whose inode lives in this group too. */
    DirEntry mkdir(long dir, String name, int mode, int uid, int gid, long now)
            throws FileSystemException, NoSuchFileException, NotDirectoryException, FileAlreadyExistsException {
        FsErrors.checkName(name);
        return inTx(tx -> {
            Inode d = directory(tx, dir);
            if (dirs.of(tx, d).entries.containsKey(name)) {
                throw new FileAlreadyExistsException(FsErrors.where(dir, name));
            }
            return addNew(tx, d, name, FileType.DIRECTORY, mode, uid, gid, now);
        });
    }

    /** Makes a symbolic link; its target is its content. */
    DirEntry symlink(long dir, String name, String target, int uid, int gid, long now) throws FileSystemException {
        FsErrors.checkName(name);
        byte[] bytes = FsErrors.checkLinkTarget(target);
        DirEntry e = inTx(tx -> {
            Inode d = directory(tx, dir);
            if (dirs.of(tx, d).entries.containsKey(name)) {
                throw new FileAlreadyExistsException(FsErrors.where(dir, name));
            }
            return addNew(tx, d, name, FileType.SYMLINK, 0777, uid, gid, now);
        });
        try {
            contents.write(e.inode(), -1, 0, bytes, false, now);
        } catch (FileSystemException | RuntimeException failed) {
            delete(dir, name, now);
            throw failed;
        }
        return e;
    }


    /** Names an inode of this group in a directory of this group (a hard link). */
    DirEntry link(long dir, String name, long inode, long now) throws FileSystemException {
        FsErrors.checkName(name);
        return inTx(tx -> {
            Inode d = directory(tx, dir);
            if (dirs.of(tx, d).entries.containsKey(name)) {
                throw new FileAlreadyExistsException(FsErrors.where(dir, name));
            }
            Inode i = existing(tx, inode);
            i.checkLinkable();
            i.links++;
            i.changed = now;
            put(tx, i);
            DirEntry e = new DirEntry(name, inode, i.fileType());
            dirAdd(tx, d, e, now);
            return e;
        });
    }


    /** Makes a new inode of this group and names it in directory {@code d}. */
    private DirEntry addNew(Tx tx, Inode d, String name, FileType type, int mode, int uid, int gid, long now)
            throws FileSystemException {
        Inode n = newInode(tx, alloc.allocateInode(tx), Inode.typeOf(type), d.number, mode, uid, gid, now);
        DirEntry e = new DirEntry(name, n.number, type);
        dirAdd(tx, d, e, now);
        return e;
    }

    /** Deletes an entry whose inode is in this group. */
    void delete(long dir, String name, long now) throws FileSystemException, NoSuchFileException, NotDirectoryException {
        FsErrors.checkName(name);
        List<Long> orphaned = new ArrayList<>();
        inTx(tx -> {
            Inode d = directory(tx, dir);
            DirEntry e = dirs.of(tx, d).entries.get(name);
            if (e == null) {
                throw new NoSuchFileException(FsErrors.where(dir, name));
            }
            Inode victim = inode(tx, e.inode());
            if (victim.isDirectory() && !isEmptyDirectory(tx, victim)) {
                throw new DirectoryNotEmptyException(FsErrors.where(dir, name));
            }
            dirRemove(tx, d, name, now);
            drop(tx, victim, now, orphaned);
            return null;
        });
        reclaim(orphaned, now);
    }

    /**
     * Drops one link. At none a small file that no open holds is freed in this transaction; any other
     * becomes an orphan (allocated, no links), which {@link #reclaim} frees afterwards in as many
     * transactions as its blocks need, unless it is open: then its last close does.
     */
    void drop(Tx tx, Inode i, long now, List<Long> orphaned) {
        if (i.isFree()) {
            return;
        }
        i.links = Math.max(0, i.links - 1);
        i.changed = now;
        if (i.links == 0 && !isOpen.test(i.number) && i.blocks <= INLINE_FREE_BLOCKS) {
            // a small file no open holds is freed in the same transaction (one commit, as a delete always was)
            dirs.forget(i.number);
            maps.freeFrom(tx, i, 0);
            alloc.freeInode(tx, i.number);
            Inode free = new Inode(i.number);
            free.generation = i.generation;
            put(tx, free);
            return;
        }
        put(tx, i);
        if (i.links == 0) {
            dirs.forget(i.number);
            orphaned.add(i.number);
        }
    }

    /** Frees orphans that no open holds. */
    void reclaim(List<Long> orphaned, long now) throws FileSystemException {
        for (long n : orphaned) {
            if (!isOpen.test(n)) {
                contents.free(n, now);
            }
        }
    }

    /** Frees every orphan of the group that no open holds (at load: files deleted while open before a crash). */
    int freeOrphans(long now) throws FileSystemException {
        return contents.freeOrphans(isOpen, now);
    }

    /**
     * Renames within this group when nothing else is involved: both directories, the entry's inode
     * and any replaced inode are in this group, and a directory does not change its parent.
     *
     * @return false if the rename needs the coordinator (nothing changed)
     */
    boolean renameLocal(long dir, String name, long targetDir, String targetName, boolean replace, long now)
            throws FileSystemException, NoSuchFileException, NotDirectoryException {
        FsErrors.checkName(name);
        FsErrors.checkName(targetName);
        List<Long> orphaned = new ArrayList<>();
        boolean done = inTx(tx -> {
            DirEntry e = dirs.of(tx, directory(tx, dir)).entries.get(name);
            if (e == null) {
                throw new NoSuchFileException(FsErrors.where(dir, name));
            }
            if (FileSystemFleet.groupOf(targetDir) != group || FileSystemFleet.groupOf(e.inode()) != group
                    || (e.type() == FileType.DIRECTORY && dir != targetDir)) {
                return false;
            }
            DirEntry old = dirs.of(tx, directory(tx, targetDir)).entries.get(targetName);
            if (old != null && old.inode() == e.inode()) {
                return true;
            }
            if (old != null) {
                if (FileSystemFleet.groupOf(old.inode()) != group) {
                    return false;
                }
                if (!replace) {
                    throw new FileAlreadyExistsException(FsErrors.where(targetDir, targetName));
                }
                Inode victim = inode(tx, old.inode());
                if (victim.isDirectory()) {
                    if (e.type() != FileType.DIRECTORY) {
                        throw FsErrors.isDirectory(FsErrors.where(targetDir, targetName));
                    }
                    if (!isEmptyDirectory(tx, victim)) {
                        throw new DirectoryNotEmptyException(FsErrors.where(targetDir, targetName));
                    }
                } else if (e.type() == FileType.DIRECTORY) {
                    throw new NotDirectoryException(FsErrors.where(targetDir, targetName));
                }
                dirRemove(tx, inode(tx, targetDir), targetName, now);
                drop(tx, victim, now, orphaned);
            }
            dirRemove(tx, inode(tx, dir), name, now);
            dirAdd(tx, inode(tx, targetDir), new DirEntry(targetName, e.inode(), e.type()), now);
            Inode moved = inode(tx, e.inode());
            moved.changed = now;
            put(tx, moved);
            return true;
        });
        reclaim(orphaned, now);
        return done;
    }
}
