package org.fos.fs.engine;

import java.nio.file.FileSystemException;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The allocation bitmaps of one group: free inodes and blocks, next-fit allocation, and the pool of
 * blocks other groups lent to this one's files. Changes go through the caller's {@link Tx}; the
 * free counts follow when it commits. Not thread-safe.
 */
final class Allocator {
    private final GroupBlocks blocks;
    private final Layout layout;
    private final int group;
    private final Set<Long> reserved = new HashSet<>();
    /** Blocks of other groups lent to this group's files and not yet named by one; lost (leaked) if the member stops. */
    private final Deque<Long> borrowed;
    private int freeBlocks;
    private int freeInodes;
    private int blockHint;
    private int inodeHint = 1;

    Allocator(GroupBlocks blocks, Deque<Long> borrowed) {
        this.blocks = blocks;
        this.borrowed = borrowed;
        this.layout = blocks.layout;
        this.group = blocks.group;
    }

    /** Thrown when a file's group has no free block and no borrowed one: the member asks other groups to lend some. */
    static final class NeedBlocks extends FileSystemException {
        private static final long serialVersionUID = 1L;
        final int count;

        NeedBlocks(int group, int count) {
            super(null, null, "no space left on the device: group " + group + " is full and no other group lent it blocks");
            this.count = count;
        }
    }

    // ---------------------------------------------------------------- bits

    private static boolean bit(byte[] map, int i) {
        return (map[i >>> 3] & (1 << (i & 7))) != 0;
    }

    boolean bit(Tx tx, long start, int i) {
        int bits = layout.bitsPerBitmapBlock();
        return bit(tx.read(start + i / bits), i % bits);
    }

    void setBit(Tx tx, long start, int i, boolean value) {
        int bits = layout.bitsPerBitmapBlock();
        byte[] map = tx.write(start + i / bits);
        int j = i % bits;
        if (value) {
            map[j >>> 3] |= (byte) (1 << (j & 7));
        } else {
            map[j >>> 3] &= (byte) ~(1 << (j & 7));
        }
    }

    /** Sets a bit in a bitmap image of whole blocks (for mkfs and repair). */
    static void setBit(byte[] map, int bitsPerBlock, int blockSize, int i, boolean value) {
        int at = (i / bitsPerBlock) * blockSize;
        int j = i % bitsPerBlock;
        if (value) {
            map[at + (j >>> 3)] |= (byte) (1 << (j & 7));
        } else {
            map[at + (j >>> 3)] &= (byte) ~(1 << (j & 7));
        }
    }

    boolean inodeAllocated(Tx tx, int index) {
        return bit(tx, layout.inodeBitmapStart(group), index);
    }

    boolean blockUsed(Tx tx, int index) {
        return bit(tx, layout.blockBitmapStart(group), index);
    }

    void count(Tx ro) {
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

    void committed(Tx tx) {
        freeBlocks += tx.freeBlocksDelta;
        freeInodes += tx.freeInodesDelta;
    }

    void aborted(Tx tx) {
        for (int k = tx.borrowed.size() - 1; k >= 0; k--) {
            borrowed.addFirst(tx.borrowed.get(k));
        }
        tx.borrowed.clear();
    }

    int freeBlocks() {
        return freeBlocks;
    }

    int freeInodes() {
        return freeInodes;
    }

    int borrowedAvailable() {
        return borrowed.size();
    }

    FileSystemException full(String what) {
        return new FileSystemException(null, null, "no space left on the device: group " + group + " has no free " + what);
    }

    // ---------------------------------------------------------------- blocks

    /**
     * Allocates a block of this group near {@code goal}.
     *
     * @param data true for a file's data block, which may be a block another group lent
     * @throws NeedBlocks if the group is full and {@code data} and no lent block is left
     * @throws FileSystemException if the group is full and the block is metadata
     */
    long allocateBlock(Tx tx, long goal, boolean data) throws FileSystemException {
        int n = layout.blocksPerGroup;
        int start = blockHint;
        if (goal > 0 && layout.groupOfBlock(goal) == group) {
            start = (int) (goal - layout.groupStart(group));
        }
        if (start < layout.metaBlocks || start >= n) {
            start = layout.metaBlocks;
        }
        if (freeBlocks + tx.freeBlocksDelta > 0) {
            long map = layout.blockBitmapStart(group);
            for (int k = 0; k < n - layout.metaBlocks; k++) {
                int i = start + k;
                if (i >= n) {
                    i = layout.metaBlocks + (i - n);
                }
                long block = layout.groupStart(group) + i;
                if (!bit(tx, map, i) && !blocks.freedSinceCheckpoint.contains(block) && !tx.freed.contains(block)) {
                    setBit(tx, map, i, true);
                    tx.freeBlocksDelta--;
                    blockHint = i + 1;
                    return block;
                }
            }
            if (!blocks.freedSinceCheckpoint.isEmpty()) {
                blocks.checkpoint();
                return allocateBlock(tx, goal, data);
            }
        }
        if (data && !borrowed.isEmpty()) {
            Long b = borrowed.poll();
            if (b != null) {
                tx.borrowed.add(b);
                return b;
            }
        }
        if (data) {
            throw new NeedBlocks(group, 0);
        }
        throw full("block");
    }

    /** Frees a block a file held: one of this group in the bitmap, one lent by another group given back after the commit. */
    void freeBlock(Tx tx, long block) {
        if (layout.groupOfBlock(block) != group) {
            tx.returns.add(block);
            return;
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

    /** Takes blocks other groups lent. */
    void addBorrowed(List<Long> lent) {
        borrowed.addAll(lent);
    }

    /** Marks up to {@code count} free blocks in use for another group's file. */
    List<Long> lend(Tx tx, int count) {
        List<Long> out = new ArrayList<>();
        long map = layout.blockBitmapStart(group);
        int spare = Math.max(0, freeBlocks - 16);
        for (int i = layout.metaBlocks; i < layout.blocksPerGroup && out.size() < Math.min(count, spare); i++) {
            long block = layout.groupStart(group) + i;
            if (!bit(tx, map, i) && !blocks.freedSinceCheckpoint.contains(block)) {
                setBit(tx, map, i, true);
                tx.freeBlocksDelta--;
                out.add(block);
            }
        }
        return out;
    }

    /** Frees blocks this group lent, now given back. */
    void takeBack(Tx tx, List<Long> lent) {
        for (long b : lent) {
            if (layout.groupOfBlock(b) != group) {
                throw new IllegalArgumentException("block " + b + " is not a block of group " + group);
            }
            freeBlock(tx, b);
        }
    }

    // ---------------------------------------------------------------- inodes

    long allocateInode(Tx tx) throws FileSystemException {
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

    void freeInode(Tx tx, long number) {
        setBit(tx, layout.inodeBitmapStart(group), Layout.indexOf(number), false);
        tx.freeInodesDelta++;
    }

    /** Reserves a free inode for a cross-group mkdir; it is taken by INIT_DIRECTORY or released. */
    long reserveInode(Tx ro) throws FileSystemException {
        long n = allocateInode(ro);
        reserved.add(n);
        return n;
    }

    void release(long inode) {
        reserved.remove(inode);
    }

    /** Marks a reserved inode taken (INIT_DIRECTORY). */
    void takeReserved(Tx tx, long inode) {
        reserved.remove(inode);
        setBit(tx, layout.inodeBitmapStart(group), Layout.indexOf(inode), true);
        tx.freeInodesDelta--;
    }
}
