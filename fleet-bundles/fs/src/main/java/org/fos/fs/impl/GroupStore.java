package org.fos.fs.impl;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.fos.block.api.BlockDevice;
import org.fos.block.api.BlockWrite;
import org.fos.fs.api.Attributes;
import org.fos.fs.api.DirEntry;
import org.fos.fs.api.FileSystemFleet;
import org.fos.fs.api.FileType;
import org.fos.fs.api.GroupStats;
import org.fos.fs.api.Probe;
import org.fos.fs.api.ProbeResult;
import org.fos.fs.api.Step;

/**
 * One group of a file system, loaded by the member that owns it: its metadata blocks (cached, the
 * changed ones written home at checkpoints), its journal, its directories and its files' blocks.
 * Every change is a {@link Tx} committed to the journal before it is visible. Not thread-safe: only
 * the owning member's thread uses it.
 */
final class GroupStore {
    private static final int HEADER_MAGIC = 0x46475250;

    final Layout layout;
    final int group;
    private final BlockDevice device;
    private final Journal journal;
    private final Map<Long, byte[]> cache = new HashMap<>();
    private final Set<Long> dirty = new LinkedHashSet<>();
    private final Map<Long, DirCache> directories = new HashMap<>();
    private final Set<Long> reserved = new HashSet<>();
    /**
     * Blocks freed since the last checkpoint: not given out again before it, so that replaying an
     * old journal image of a freed index or directory block can never overwrite file data.
     */
    private final Set<Long> freedSinceCheckpoint = new HashSet<>();
    private final int pointersPerBlock;
    private int freeBlocks;
    private int freeInodes;
    private int blockHint;
    private int inodeHint = 1;

    /** A directory's entries by name, where each lives, and how full each of its blocks is. */
    private static final class DirCache {
        final TreeMap<String, DirEntry> entries = new TreeMap<>();
        final Map<String, Integer> blockOf = new HashMap<>();
        final List<List<DirEntry>> blocks = new ArrayList<>();
    }

    private GroupStore(Layout layout, int group, BlockDevice device) {
        this.layout = layout;
        this.group = group;
        this.device = device;
        this.journal = new Journal(layout, group, device);
        this.pointersPerBlock = layout.blockSize / 4;
    }

    /**
     * Opens a group: replays its journal (writing what it finds home), then counts its free space.
     *
     * @param layout the file system
     * @param group the group
     * @param device the device
     * @return the loaded group
     */
    static GroupStore open(Layout layout, int group, BlockDevice device) {
        GroupStore g = new GroupStore(layout, group, device);
        Map<Long, byte[]> replayed = g.journal.replay();
        if (!replayed.isEmpty()) {
            g.cache.putAll(replayed);
            g.dirty.addAll(replayed.keySet());
            g.checkpoint();
            g.replayed = true;
        }
        g.count();
        return g;
    }

    /**
     * Reads a group without changing the device, for a check: the journal is read but not replayed.
     *
     * @return the group, and how many journaled blocks wait to be replayed
     */
    static GroupStore inspect(Layout layout, int group, BlockDevice device) {
        GroupStore g = new GroupStore(layout, group, device);
        g.pendingJournal = g.journal.replay().size();
        g.count();
        return g;
    }

    private boolean replayed;
    private int pendingJournal;

    boolean replayed() {
        return replayed;
    }

    int pendingJournal() {
        return pendingJournal;
    }

    // ---------------------------------------------------------------- blocks

    byte[] meta(long block) {
        byte[] b = cache.get(block);
        if (b == null) {
            b = device.read(block, 1);
            cache.put(block, b);
        }
        return b;
    }

    Tx begin() {
        return new Tx(this);
    }

    void commit(Tx tx) {
        if (tx.blocks.isEmpty()) {
            return;
        }
        if (tx.blocks.size() > journal.maxBlocks()) {
            abort(tx);
            throw new IllegalStateException("a change of " + tx.blocks.size() + " metadata blocks is larger than a journal transaction ("
                    + journal.maxBlocks() + ")");
        }
        if (!journal.fits(tx.blocks.size())) {
            checkpoint();
        }
        journal.append(tx.blocks);
        cache.putAll(tx.blocks);
        dirty.addAll(tx.blocks.keySet());
        for (Long b : tx.freed) {
            if (!tx.blocks.containsKey(b)) {
                cache.remove(b);
                dirty.remove(b);
            }
            freedSinceCheckpoint.add(b);
        }
        freeBlocks += tx.freeBlocksDelta;
        freeInodes += tx.freeInodesDelta;
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
            directories.remove(d);
        }
        tx.blocks.clear();
    }

    /** Writes every journaled change home and starts the journal afresh. */
    void checkpoint() {
        if (dirty.isEmpty() && journal.isEmpty()) {
            return;
        }
        device.flush();
        List<BlockWrite> run = new ArrayList<>();
        int bytes = 0;
        for (Long b : dirty) {
            run.add(new BlockWrite(b, cache.get(b)));
            bytes += layout.blockSize;
            if (bytes + layout.blockSize > BlockDevice.MAX_TRANSFER_BYTES) {
                device.writeAll(run);
                run = new ArrayList<>();
                bytes = 0;
            }
        }
        if (!run.isEmpty()) {
            device.writeAll(run);
        }
        device.flush();
        dirty.clear();
        journal.reset();
        freedSinceCheckpoint.clear();
    }

    boolean isClean() {
        return dirty.isEmpty() && journal.isEmpty();
    }

    void flush() {
        device.flush();
    }

    // ---------------------------------------------------------------- header: cross-group bookkeeping

    long lastApplied() {
        return ByteBuffer.wrap(meta(layout.headerBlock(group))).getLong(8);
    }

    /** The intent area of group 0: length-prefixed bytes after the header's fixed part. */
    byte[] intent() {
        ByteBuffer b = ByteBuffer.wrap(meta(layout.headerBlock(group)));
        int n = b.getInt(16);
        byte[] out = new byte[n];
        b.get(20, out);
        return out;
    }

    void writeIntent(Tx tx, byte[] intent) {
        if (intent.length > layout.blockSize - 20) {
            throw new IllegalArgumentException("a cross-group operation of " + intent.length + " bytes does not fit the intent block");
        }
        ByteBuffer b = ByteBuffer.wrap(tx.write(layout.headerBlock(group)));
        b.putInt(16, intent.length);
        b.put(20, intent);
        for (int i = 20 + intent.length; i < layout.blockSize; i++) {
            b.put(i, (byte) 0);
        }
    }

    static byte[] header(Layout layout, int group) {
        ByteBuffer b = ByteBuffer.allocate(layout.blockSize);
        b.putInt(HEADER_MAGIC).putInt(group).putLong(0).putInt(0);
        return b.array();
    }

    void checkHeader() {
        ByteBuffer b = ByteBuffer.wrap(meta(layout.headerBlock(group)));
        if (b.getInt(0) != HEADER_MAGIC || b.getInt(4) != group) {
            throw new IllegalStateException("the header of group " + group + " at block " + layout.headerBlock(group) + " is damaged");
        }
    }

    // ---------------------------------------------------------------- bitmaps

    private boolean bit(byte[] map, int i) {
        return (map[i >>> 3] & (1 << (i & 7))) != 0;
    }

    private boolean bit(Tx tx, long start, int i) {
        int bits = layout.blockSize * 8;
        return bit(tx.read(start + i / bits), i % bits);
    }

    private void setBit(Tx tx, long start, int i, boolean value) {
        int bits = layout.blockSize * 8;
        byte[] map = tx.write(start + i / bits);
        int j = i % bits;
        if (value) {
            map[j >>> 3] |= (byte) (1 << (j & 7));
        } else {
            map[j >>> 3] &= (byte) ~(1 << (j & 7));
        }
    }

    boolean inodeAllocated(int index) {
        return bit(begin(), layout.inodeBitmapStart(group), index);
    }

    boolean blockUsed(int index) {
        return bit(begin(), layout.blockBitmapStart(group), index);
    }

    private void count() {
        checkHeader();
        Tx ro = begin();
        freeBlocks = 0;
        for (int i = layout.metaBlocks; i < layout.blocksPerGroup; i++) {
            if (!bit(ro, layout.blockBitmapStart(group), i)) {
                freeBlocks++;
            }
        }
        freeInodes = 0;
        for (int i = 1; i < layout.inodesPerGroup; i++) {
            if (!bit(ro, layout.inodeBitmapStart(group), i)) {
                freeInodes++;
            }
        }
        blockHint = layout.metaBlocks;
    }

    private FileSystemException full(String what) {
        return new FileSystemException(null, null, "no space left on the device: group " + group + " has no free " + what
                + " (a file's blocks and a directory's files stay in its group)");
    }

    private int allocateBlock(Tx tx, long goal) throws FileSystemException {
        int n = layout.blocksPerGroup;
        int start = blockHint;
        if (goal > 0 && layout.groupOfBlock(goal) == group) {
            start = (int) (goal - layout.groupStart(group));
        }
        if (start < layout.metaBlocks || start >= n) {
            start = layout.metaBlocks;
        }
        long map = layout.blockBitmapStart(group);
        for (int k = 0; k < n - layout.metaBlocks; k++) {
            int i = start + k;
            if (i >= n) {
                i = layout.metaBlocks + (i - n);
            }
            long block = layout.groupStart(group) + i;
            if (!bit(tx, map, i) && !freedSinceCheckpoint.contains(block) && !tx.freed.contains(block)) {
                setBit(tx, map, i, true);
                tx.freeBlocksDelta--;
                blockHint = i + 1;
                return (int) block;
            }
        }
        if (!freedSinceCheckpoint.isEmpty()) {
            checkpoint();
            return allocateBlock(tx, goal);
        }
        throw full("block");
    }

    private void freeBlock(Tx tx, long block) {
        if (layout.groupOfBlock(block) != group) {
            throw new IllegalStateException("block " + block + " is not in group " + group);
        }
        int i = (int) (block - layout.groupStart(group));
        long map = layout.blockBitmapStart(group);
        if (i < layout.metaBlocks || !bit(tx, map, i)) {
            throw new IllegalStateException("freeing block " + block + " of group " + group + ", which is not in use");
        }
        setBit(tx, map, i, false);
        tx.freeBlocksDelta++;
        tx.freed.add(block);
    }

    private long allocateInode(Tx tx) throws FileSystemException {
        long map = layout.inodeBitmapStart(group);
        for (int k = 0; k < layout.inodesPerGroup - 1; k++) {
            int i = 1 + (inodeHint - 1 + k) % (layout.inodesPerGroup - 1);
            long number = Layout.inode(group, i);
            if (!bit(tx, map, i) && !reserved.contains(number)) {
                setBit(tx, map, i, true);
                tx.freeInodesDelta--;
                inodeHint = i + 1;
                return number;
            }
        }
        throw full("inode");
    }

    /** Reserves a free inode for a cross-group mkdir; it is taken by INIT_DIRECTORY or released. */
    long reserveInode() throws FileSystemException {
        Tx ro = begin();
        long n = allocateInode(ro);
        reserved.add(n);
        return n;
    }

    void release(long inode) {
        reserved.remove(inode);
    }

    // ---------------------------------------------------------------- inodes

    private void checkMine(long inode) {
        if (FileSystemFleet.groupOf(inode) != group || !layout.isValidInode(inode)) {
            throw new IllegalArgumentException("inode " + inode + " is not an inode of group " + group);
        }
    }

    private long tableBlock(long inode) {
        return layout.inodeTableStart(group) + (long) Layout.indexOf(inode) * Layout.INODE_SIZE / layout.blockSize;
    }

    private int tableOffset(long inode) {
        return (int) ((long) Layout.indexOf(inode) * Layout.INODE_SIZE % layout.blockSize);
    }

    Inode inode(Tx tx, long inode) {
        checkMine(inode);
        return Inode.decode(inode, tx.read(tableBlock(inode)), tableOffset(inode));
    }

    private void put(Tx tx, Inode i) {
        i.encode(tx.write(tableBlock(i.number)), tableOffset(i.number));
    }

    private Inode existing(Tx tx, long inode) throws NoSuchFileException {
        Inode i = inode(tx, inode);
        if (i.isFree()) {
            throw new NoSuchFileException(FsErrors.where(inode));
        }
        return i;
    }

    private Inode directory(Tx tx, long dir) throws NoSuchFileException, NotDirectoryException {
        Inode d = existing(tx, dir);
        if (!d.isDirectory()) {
            throw new NotDirectoryException(FsErrors.where(dir));
        }
        return d;
    }

    private Inode file(Tx tx, long inode) throws NoSuchFileException, FileSystemException {
        Inode f = existing(tx, inode);
        if (f.isDirectory()) {
            throw FsErrors.isDirectory(FsErrors.where(inode));
        }
        return f;
    }

    private Inode newInode(Tx tx, long number, byte type, long parent, long now) {
        setBit(tx, layout.inodeBitmapStart(group), Layout.indexOf(number), true);
        Inode i = new Inode(number);
        i.type = type;
        i.links = 1;
        i.created = now;
        i.modified = now;
        i.accessed = now;
        i.parent = parent;
        put(tx, i);
        return i;
    }

    Attributes stat(long inode) throws NoSuchFileException {
        Inode i = existing(begin(), inode);
        return new Attributes(inode, i.fileType(), i.size, i.links, i.created, i.modified, i.accessed, i.blocks);
    }

    // ---------------------------------------------------------------- block maps

    /** The device block of a file's block {@code index}, allocating it (and index blocks) if asked; 0 for a hole. */
    private long map(Tx tx, Inode f, long index, boolean allocate, boolean[] fresh) throws FileSystemException {
        if (index < Inode.DIRECT) {
            int p = f.direct[(int) index];
            if (p == 0 && allocate) {
                p = allocateBlock(tx, goal(f, index));
                f.direct[(int) index] = p;
                f.blocks++;
                fresh[0] = true;
            }
            return p;
        }
        long rest = index - Inode.DIRECT;
        if (rest < pointersPerBlock) {
            if (f.indirect == 0) {
                if (!allocate) {
                    return 0;
                }
                f.indirect = allocateBlock(tx, goal(f, index));
                f.blocks++;
                tx.fresh(f.indirect);
            }
            return slot(tx, f, f.indirect, (int) rest, allocate, fresh, index);
        }
        rest -= pointersPerBlock;
        if (rest >= (long) pointersPerBlock * pointersPerBlock) {
            throw new FileSystemException(null, null, "a file cannot grow past " + maxBlocks() * layout.blockSize + " bytes");
        }
        if (f.doubleIndirect == 0) {
            if (!allocate) {
                return 0;
            }
            f.doubleIndirect = allocateBlock(tx, goal(f, index));
            f.blocks++;
            tx.fresh(f.doubleIndirect);
        }
        long middle = slot(tx, f, f.doubleIndirect, (int) (rest / pointersPerBlock), allocate, new boolean[1], -1);
        if (middle == 0) {
            return 0;
        }
        return slot(tx, f, middle, (int) (rest % pointersPerBlock), allocate, fresh, index);
    }

    /** Pointer {@code at} of an index block; allocates a data block (index &gt;= 0) or a zeroed index block (index &lt; 0). */
    private long slot(Tx tx, Inode f, long indexBlock, int at, boolean allocate, boolean[] fresh, long index)
            throws FileSystemException {
        int p = ByteBuffer.wrap(tx.read(indexBlock)).getInt(4 * at);
        if (p == 0 && allocate) {
            p = allocateBlock(tx, index >= 0 ? goal(f, index) : indexBlock + 1);
            f.blocks++;
            if (index < 0) {
                tx.fresh(p);
            } else {
                fresh[0] = true;
            }
            ByteBuffer.wrap(tx.write(indexBlock)).putInt(4 * at, p);
        }
        return p;
    }

    private long goal(Inode f, long index) {
        if (index > 0 && index <= Inode.DIRECT && f.direct[(int) index - 1] != 0) {
            return f.direct[(int) index - 1] + 1L;
        }
        return lastBlock + 1;
    }

    private long lastBlock;

    long maxBlocks() {
        return Inode.DIRECT + pointersPerBlock + (long) pointersPerBlock * pointersPerBlock;
    }

    /** Frees a file's blocks from block {@code first} on, with index blocks left empty. */
    private void freeFrom(Tx tx, Inode f, long first) {
        for (int k = (int) Math.min(first, Inode.DIRECT); k < Inode.DIRECT; k++) {
            if (f.direct[k] != 0) {
                freeBlock(tx, f.direct[k]);
                f.direct[k] = 0;
                f.blocks--;
            }
        }
        long rest = Math.max(0, first - Inode.DIRECT);
        if (f.indirect != 0 && freeIndex(tx, f, f.indirect, rest, 1)) {
            freeBlock(tx, f.indirect);
            f.indirect = 0;
            f.blocks--;
        }
        rest = Math.max(0, first - Inode.DIRECT - pointersPerBlock);
        if (f.doubleIndirect != 0 && freeIndex(tx, f, f.doubleIndirect, rest, 2)) {
            freeBlock(tx, f.doubleIndirect);
            f.doubleIndirect = 0;
            f.blocks--;
        }
    }

    /** Frees what an index block of {@code depth} maps from {@code first} on; true if it is then empty. */
    private boolean freeIndex(Tx tx, Inode f, long indexBlock, long first, int depth) {
        long span = depth == 1 ? 1 : pointersPerBlock;
        boolean empty = true;
        for (int at = 0; at < pointersPerBlock; at++) {
            int p = ByteBuffer.wrap(tx.read(indexBlock)).getInt(4 * at);
            if (p == 0) {
                continue;
            }
            long from = at * span;
            if (from + span <= first) {
                empty = false;
                continue;
            }
            boolean gone;
            if (depth == 1) {
                freeBlock(tx, p);
                f.blocks--;
                gone = true;
            } else {
                gone = freeIndex(tx, f, p, Math.max(0, first - from), 1);
                if (gone) {
                    freeBlock(tx, p);
                    f.blocks--;
                }
            }
            if (gone) {
                ByteBuffer.wrap(tx.write(indexBlock)).putInt(4 * at, 0);
            } else {
                empty = false;
            }
        }
        return empty;
    }

    /** Every device block a file holds (data and index), for fsck. */
    List<Long> blocksOf(Inode f) {
        List<Long> out = new ArrayList<>();
        Tx ro = begin();
        for (int p : f.direct) {
            if (p != 0) {
                out.add((long) p);
            }
        }
        if (f.indirect != 0) {
            out.add((long) f.indirect);
            collect(ro, f.indirect, 1, out);
        }
        if (f.doubleIndirect != 0) {
            out.add((long) f.doubleIndirect);
            collect(ro, f.doubleIndirect, 2, out);
        }
        return out;
    }

    private void collect(Tx ro, long indexBlock, int depth, List<Long> out) {
        ByteBuffer b = ByteBuffer.wrap(ro.read(indexBlock));
        for (int at = 0; at < pointersPerBlock; at++) {
            int p = b.getInt(4 * at);
            if (p != 0) {
                out.add((long) p);
                if (depth == 2) {
                    collect(ro, p, 1, out);
                }
            }
        }
    }

    /** The highest block index a file maps, or -1; for fsck. */
    long lastMapped(Inode f) throws FileSystemException {
        Tx ro = begin();
        long last = -1;
        long limit = Math.min(maxBlocks(), (f.size + layout.blockSize - 1) / layout.blockSize + pointersPerBlock + Inode.DIRECT);
        for (long i = 0; i < limit; i++) {
            if (map(ro, f, i, false, new boolean[1]) != 0) {
                last = i;
            }
        }
        return last;
    }

    // ---------------------------------------------------------------- directories

    private DirCache dir(Tx tx, Inode d) throws FileSystemException {
        DirCache c = directories.get(d.number);
        if (c != null) {
            return c;
        }
        c = new DirCache();
        long n = d.size / layout.blockSize;
        for (long i = 0; i < n; i++) {
            long p = map(tx, d, i, false, new boolean[1]);
            List<DirEntry> entries = p == 0 ? new ArrayList<>() : new ArrayList<>(DirBlock.decode(tx.read(p)));
            for (DirEntry e : entries) {
                c.entries.put(e.name(), e);
                c.blockOf.put(e.name(), (int) i);
            }
            c.blocks.add(entries);
        }
        directories.put(d.number, c);
        return c;
    }

    private void writeDirBlock(Tx tx, Inode d, DirCache c, int index) throws FileSystemException {
        long p = map(tx, d, index, false, new boolean[1]);
        byte[] image = DirBlock.encode(c.blocks.get(index), layout.blockSize);
        System.arraycopy(image, 0, tx.write(p), 0, image.length);
    }

    private void dirAdd(Tx tx, Inode d, DirEntry e, long now) throws FileSystemException {
        DirCache c = dir(tx, d);
        tx.touchedDirectories.add(d.number);
        int need = DirBlock.sizeOf(e.name().getBytes(StandardCharsets.UTF_8));
        int at = -1;
        for (int i = 0; i < c.blocks.size(); i++) {
            if (DirBlock.used(c.blocks.get(i)) + need <= layout.blockSize) {
                at = i;
                break;
            }
        }
        if (at < 0) {
            at = c.blocks.size();
            boolean[] fresh = new boolean[1];
            long p = map(tx, d, at, true, fresh);
            tx.fresh(p);
            c.blocks.add(new ArrayList<>());
            d.size = (long) c.blocks.size() * layout.blockSize;
        }
        c.blocks.get(at).add(e);
        c.entries.put(e.name(), e);
        c.blockOf.put(e.name(), at);
        writeDirBlock(tx, d, c, at);
        d.modified = now;
        put(tx, d);
    }

    private DirEntry dirRemove(Tx tx, Inode d, String name, long now) throws FileSystemException {
        DirCache c = dir(tx, d);
        DirEntry e = c.entries.remove(name);
        if (e == null) {
            return null;
        }
        tx.touchedDirectories.add(d.number);
        int at = c.blockOf.remove(name);
        c.blocks.get(at).removeIf(x -> x.name().equals(name));
        writeDirBlock(tx, d, c, at);
        d.modified = now;
        put(tx, d);
        return e;
    }

    DirEntry lookup(long dir, String name) throws NoSuchFileException, NotDirectoryException, FileSystemException {
        FsErrors.checkName(name);
        Tx ro = begin();
        DirEntry e = dir(ro, directory(ro, dir)).entries.get(name);
        if (e == null) {
            throw new NoSuchFileException(FsErrors.where(dir, name));
        }
        return e;
    }

    List<DirEntry> readdir(long dir, String after, int limit) throws NoSuchFileException, NotDirectoryException, FileSystemException {
        if (limit < 1 || limit > 10_000) {
            throw new IllegalArgumentException("readdir limit must be from 1 to 10000, was " + limit);
        }
        Tx ro = begin();
        DirCache c = dir(ro, directory(ro, dir));
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
        Tx ro = begin();
        if (dir(ro, directory(ro, dir)).entries.containsKey(name)) {
            throw new FileAlreadyExistsException(FsErrors.where(dir, name));
        }
    }

    boolean isEmptyDirectory(Tx tx, Inode d) throws FileSystemException {
        return dir(tx, d).entries.isEmpty();
    }

    /** The entries of a directory, for fsck. */
    List<DirEntry> entries(long dir) throws FileSystemException, NoSuchFileException, NotDirectoryException {
        Tx ro = begin();
        return new ArrayList<>(dir(ro, directory(ro, dir)).entries.values());
    }

    // ---------------------------------------------------------------- namespace operations of one group

    DirEntry create(long dir, String name, boolean exclusive, long now)
            throws FileSystemException, NoSuchFileException, NotDirectoryException, FileAlreadyExistsException {
        FsErrors.checkName(name);
        return inTx(tx -> {
            Inode d = directory(tx, dir);
            DirEntry existing = dir(tx, d).entries.get(name);
            if (existing != null) {
                if (exclusive) {
                    throw new FileAlreadyExistsException(FsErrors.where(dir, name));
                }
                if (existing.type() == FileType.DIRECTORY) {
                    throw FsErrors.isDirectory(FsErrors.where(dir, name));
                }
                return existing;
            }
            return addNew(tx, d, name, FileType.FILE, now);
        });
    }

    /** Makes a directory whose inode lives in this group too. */
    DirEntry mkdir(long dir, String name, long now)
            throws FileSystemException, NoSuchFileException, NotDirectoryException, FileAlreadyExistsException {
        FsErrors.checkName(name);
        return inTx(tx -> {
            Inode d = directory(tx, dir);
            if (dir(tx, d).entries.containsKey(name)) {
                throw new FileAlreadyExistsException(FsErrors.where(dir, name));
            }
            return addNew(tx, d, name, FileType.DIRECTORY, now);
        });
    }

    /** Makes a new inode of this group and names it in directory {@code d}. */
    private DirEntry addNew(Tx tx, Inode d, String name, FileType type, long now) throws FileSystemException {
        Inode n = newInode(tx, allocateInode(tx), Inode.typeOf(type), d.number, now);
        DirEntry e = new DirEntry(name, n.number, type);
        dirAdd(tx, d, e, now);
        return e;
    }

    /** Deletes an entry whose inode is in this group. */
    void delete(long dir, String name, long now) throws FileSystemException, NoSuchFileException, NotDirectoryException {
        FsErrors.checkName(name);
        inTx(tx -> {
            Inode d = directory(tx, dir);
            DirEntry e = dir(tx, d).entries.get(name);
            if (e == null) {
                throw new NoSuchFileException(FsErrors.where(dir, name));
            }
            Inode victim = inode(tx, e.inode());
            if (victim.isDirectory() && !isEmptyDirectory(tx, victim)) {
                throw new DirectoryNotEmptyException(FsErrors.where(dir, name));
            }
            dirRemove(tx, d, name, now);
            drop(tx, victim);
            return null;
        });
    }

    private void drop(Tx tx, Inode i) {
        if (i.isFree()) {
            return;
        }
        i.links--;
        if (i.links > 0) {
            put(tx, i);
            return;
        }
        freeFrom(tx, i, 0);
        directories.remove(i.number);
        setBit(tx, layout.inodeBitmapStart(group), Layout.indexOf(i.number), false);
        tx.freeInodesDelta++;
        Inode free = new Inode(i.number);
        put(tx, free);
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
        return inTx(tx -> {
            DirEntry e = dir(tx, directory(tx, dir)).entries.get(name);
            if (e == null) {
                throw new NoSuchFileException(FsErrors.where(dir, name));
            }
            if (FileSystemFleet.groupOf(targetDir) != group || FileSystemFleet.groupOf(e.inode()) != group
                    || (e.type() == FileType.DIRECTORY && dir != targetDir)) {
                return false;
            }
            DirEntry old = dir(tx, directory(tx, targetDir)).entries.get(targetName);
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
                    if (!isEmptyDirectory(tx, victim)) {
                        throw new DirectoryNotEmptyException(FsErrors.where(targetDir, targetName));
                    }
                } else if (e.type() == FileType.DIRECTORY) {
                    throw new NotDirectoryException(FsErrors.where(targetDir, targetName));
                }
                dirRemove(tx, inode(tx, targetDir), targetName, now);
                drop(tx, victim);
            }
            dirRemove(tx, inode(tx, dir), name, now);
            dirAdd(tx, inode(tx, targetDir), new DirEntry(targetName, e.inode(), e.type()), now);
            return true;
        });
    }

    // ---------------------------------------------------------------- file content

    byte[] read(long inode, long offset, int length) throws NoSuchFileException, FileSystemException {
        checkIo(offset, length);
        Tx ro = begin();
        Inode f = file(ro, inode);
        if (offset >= f.size || length == 0) {
            return new byte[0];
        }
        int n = (int) Math.min(length, f.size - offset);
        byte[] out = new byte[n];
        int bs = layout.blockSize;
        long first = offset / bs;
        long last = (offset + n - 1) / bs;
        long runStart = 0;
        long runFirstIndex = 0;
        int runLength = 0;
        for (long i = first; i <= last + 1; i++) {
            long p = i <= last ? map(ro, f, i, false, new boolean[1]) : 0;
            if (runLength > 0 && (p == 0 || p != runStart + runLength || runLength * bs >= BlockDevice.MAX_TRANSFER_BYTES)) {
                copyRun(device.read(runStart, runLength), runFirstIndex, offset, out);
                runLength = 0;
            }
            if (p != 0) {
                if (runLength == 0) {
                    runStart = p;
                    runFirstIndex = i;
                }
                runLength++;
            }
        }
        return out;
    }

    private void copyRun(byte[] run, long firstIndex, long offset, byte[] out) {
        long runOffset = firstIndex * layout.blockSize;
        long from = Math.max(offset, runOffset);
        long to = Math.min(offset + out.length, runOffset + run.length);
        System.arraycopy(run, (int) (from - runOffset), out, (int) (from - offset), (int) (to - from));
    }

    private static void checkIo(long offset, int length) {
        if (offset < 0) {
            throw new IllegalArgumentException("offset must not be negative, was " + offset);
        }
        if (length < 0 || length > FileSystemFleet.MAX_IO_BYTES) {
            throw new IllegalArgumentException("length must be from 0 to " + FileSystemFleet.MAX_IO_BYTES + ", was " + length);
        }
    }

    long write(long inode, long offset, byte[] data, boolean append, long now) throws NoSuchFileException, FileSystemException {
        if (data == null) {
            throw new IllegalArgumentException("data is missing");
        }
        checkIo(Math.max(0, offset), data.length);
        return inTx(tx -> {
            Inode f = file(tx, inode);
            long at = append ? f.size : offset;
            if (at + data.length > maxBlocks() * layout.blockSize) {
                throw new FileSystemException(FsErrors.where(inode), null, "a file cannot grow past " + maxBlocks() * layout.blockSize + " bytes");
            }
            int bs = layout.blockSize;
            List<BlockWrite> runs = new ArrayList<>();
            long runStart = -1;
            java.io.ByteArrayOutputStream run = new java.io.ByteArrayOutputStream();
            long first = at / bs;
            long last = data.length == 0 ? first - 1 : (at + data.length - 1) / bs;
            for (long i = first; i <= last; i++) {
                boolean[] fresh = new boolean[1];
                long p = map(tx, f, i, true, fresh);
                lastBlock = p;
                long blockOffset = i * bs;
                int from = (int) Math.max(0, at - blockOffset);
                int to = (int) Math.min(bs, at + data.length - blockOffset);
                byte[] content;
                if (from == 0 && to == bs) {
                    content = new byte[bs];
                } else if (fresh[0]) {
                    content = new byte[bs];
                } else {
                    content = device.read(p, 1);
                }
                System.arraycopy(data, (int) (blockOffset + from - at), content, from, to - from);
                if (runStart >= 0 && (p != runStart + run.size() / bs || run.size() + bs > BlockDevice.MAX_TRANSFER_BYTES / 2)) {
                    runs.add(new BlockWrite(runStart, run.toByteArray()));
                    run.reset();
                    runStart = -1;
                }
                if (runStart < 0) {
                    runStart = p;
                }
                run.write(content, 0, bs);
            }
            if (runStart >= 0) {
                runs.add(new BlockWrite(runStart, run.toByteArray()));
            }
            f.size = Math.max(f.size, at + data.length);
            f.modified = now;
            f.accessed = now;
            put(tx, f);
            writeRuns(runs);
            return f.size;
        });
    }

    long append(long inode, byte[] data, long now) throws NoSuchFileException, FileSystemException {
        return write(inode, 0, data, true, now);
    }

    private void writeRuns(List<BlockWrite> runs) {
        List<BlockWrite> batch = new ArrayList<>();
        int bytes = 0;
        for (BlockWrite w : runs) {
            if (bytes + w.data().length > BlockDevice.MAX_TRANSFER_BYTES && !batch.isEmpty()) {
                device.writeAll(batch);
                batch = new ArrayList<>();
                bytes = 0;
            }
            batch.add(w);
            bytes += w.data().length;
        }
        if (!batch.isEmpty()) {
            device.writeAll(batch);
        }
    }

    void truncate(long inode, long size, long now) throws NoSuchFileException, FileSystemException {
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative, was " + size);
        }
        inTx(tx -> {
            Inode f = file(tx, inode);
            if (size > maxBlocks() * layout.blockSize) {
                throw new FileSystemException(FsErrors.where(inode), null, "a file cannot grow past " + maxBlocks() * layout.blockSize + " bytes");
            }
            int bs = layout.blockSize;
            if (size < f.size) {
                freeFrom(tx, f, (size + bs - 1) / bs);
                if (size % bs != 0) {
                    long p = map(tx, f, size / bs, false, new boolean[1]);
                    if (p != 0) {
                        byte[] b = device.read(p, 1);
                        java.util.Arrays.fill(b, (int) (size % bs), bs, (byte) 0);
                        device.write(p, b);
                    }
                }
            }
            f.size = size;
            f.modified = now;
            put(tx, f);
            return null;
        });
    }

    void setTimes(long inode, long modified, long accessed) throws NoSuchFileException {
        Tx tx = begin();
        Inode i = existing(tx, inode);
        if (modified >= 0) {
            i.modified = modified;
        }
        if (accessed >= 0) {
            i.accessed = accessed;
        }
        put(tx, i);
        commit(tx);
    }

    GroupStats stats() {
        return new GroupStats(group, layout.dataBlocksPerGroup(), freeBlocks, layout.inodesPerGroup - 1L, freeInodes);
    }

    // ---------------------------------------------------------------- cross-group operations

    ProbeResult probe(Probe p) throws FileSystemException {
        switch (p.kind()) {
            case ENTRY: {
                Tx ro = begin();
                checkMine(p.dir());
                Inode d = inode(ro, p.dir());
                if (d.isFree()) {
                    return new ProbeResult(ProbeResult.Status.NO_DIRECTORY, 0, null, 0, false);
                }
                if (!d.isDirectory()) {
                    return new ProbeResult(ProbeResult.Status.NOT_DIRECTORY, 0, null, 0, false);
                }
                DirEntry e = dir(ro, d).entries.get(FsErrors.checkName(p.name()));
                return e == null ? new ProbeResult(ProbeResult.Status.ABSENT, 0, null, 0, false)
                        : new ProbeResult(ProbeResult.Status.FOUND, e.inode(), e.type(), 0, false);
            }
            case INODE: {
                Tx ro = begin();
                Inode i = inode(ro, p.inode());
                if (i.isFree()) {
                    return new ProbeResult(ProbeResult.Status.ABSENT, p.inode(), null, 0, false);
                }
                return new ProbeResult(ProbeResult.Status.FOUND, p.inode(), i.fileType(), i.parent,
                        i.isDirectory() && isEmptyDirectory(ro, i));
            }
            case RESERVE: {
                try {
                    return new ProbeResult(ProbeResult.Status.FOUND, reserveInode(), FileType.DIRECTORY, 0, true);
                } catch (FileSystemException full) {
                    return new ProbeResult(ProbeResult.Status.FULL, 0, null, 0, false);
                }
            }
            default:
                throw new IllegalArgumentException("unknown probe " + p.kind());
        }
    }

    /**
     * Applies a cross-group operation's steps for this group in one transaction, with the
     * operation's sequence number as the last one applied; does nothing if it was applied already.
     */
    void apply(long seq, List<Step> steps) throws FileSystemException {
        if (seq <= lastApplied()) {
            return;
        }
        inTx(tx -> {
            for (Step s : steps) {
                applyStep(tx, s);
            }
            ByteBuffer.wrap(tx.write(layout.headerBlock(group))).putLong(8, seq);
            return null;
        });
    }

    private void applyStep(Tx tx, Step s) throws FileSystemException {
        switch (s.kind()) {
            case PUT: {
                Inode d = inode(tx, s.dir());
                dirRemove(tx, d, s.name(), s.timeMillis());
                dirAdd(tx, inode(tx, s.dir()), new DirEntry(s.name(), s.inode(), s.type()), s.timeMillis());
                break;
            }
            case REMOVE:
                dirRemove(tx, inode(tx, s.dir()), s.name(), s.timeMillis());
                break;
            case INIT_DIRECTORY:
                reserved.remove(s.inode());
                if (inode(tx, s.inode()).isFree()) {
                    newInode(tx, s.inode(), Inode.DIRECTORY, s.parent(), s.timeMillis());
                    tx.freeInodesDelta--;
                }
                break;
            case SET_PARENT: {
                Inode i = inode(tx, s.inode());
                i.parent = s.parent();
                put(tx, i);
                break;
            }
            case DROP:
                drop(tx, inode(tx, s.inode()));
                break;
            default:
                throw new IllegalArgumentException("unknown step " + s.kind());
        }
    }
}
