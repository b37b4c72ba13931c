package org.fos.fs.engine;

import java.nio.ByteBuffer;
import java.nio.file.FileSystemException;
import java.util.ArrayList;
import java.util.List;

/**
 * The block map of an inode: {@value Inode#DIRECT} direct pointers, a single and a double indirect
 * index block. A directory's blocks always live in its group; a file's data and index blocks may be
 * blocks other groups lent. Not thread-safe.
 */
final class FileMap {
    private final Layout layout;
    private final Allocator alloc;
    private final int pointersPerBlock;
    private final int maxTransactionBlocks;
    /** The last data block allocated, the goal of the next allocation (next fit, files stay contiguous). */
    private long lastBlock;

    FileMap(Layout layout, Allocator alloc, int maxTransactionBlocks) {
        this.layout = layout;
        this.alloc = alloc;
        this.maxTransactionBlocks = maxTransactionBlocks;
        this.pointersPerBlock = layout.pointersPerBlock();
    }

    long maxBlocks() {
        return Inode.DIRECT + pointersPerBlock + (long) pointersPerBlock * pointersPerBlock;
    }

    long maxBytes() {
        return maxBlocks() * layout.blockSize;
    }

    /**
     * The device block of a file's block {@code index}, allocating it (and index blocks) if asked; 0
     * for a hole. {@code fresh[0]} says whether a data block was just allocated.
     */
    long map(Tx tx, Inode f, long index, boolean allocate, boolean[] fresh) throws FileSystemException {
        if (index < Inode.DIRECT) {
            int p = f.direct[(int) index];
            if (p == 0 && allocate) {
                p = (int) allocateData(tx, f, goal(f, index));
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
                f.indirect = (int) alloc.allocateBlock(tx, goal(f, index), !f.isDirectory());
                f.blocks++;
                tx.fresh(f.indirect);
            }
            return slot(tx, f, f.indirect, (int) rest, allocate, fresh, index);
        }
        rest -= pointersPerBlock;
        if (rest >= (long) pointersPerBlock * pointersPerBlock) {
            throw new FileSystemException(null, null, "a file cannot grow past " + maxBytes() + " bytes");
        }
        if (f.doubleIndirect == 0) {
            if (!allocate) {
                return 0;
            }
            f.doubleIndirect = (int) alloc.allocateBlock(tx, goal(f, index), !f.isDirectory());
            f.blocks++;
            tx.fresh(f.doubleIndirect);
        }
        long middle = slot(tx, f, f.doubleIndirect, (int) (rest / pointersPerBlock), allocate, new boolean[1], -1);
        if (middle == 0) {
            return 0;
        }
        return slot(tx, f, middle, (int) (rest % pointersPerBlock), allocate, fresh, index);
    }

    private long allocateData(Tx tx, Inode f, long goal) throws FileSystemException {
        long p = alloc.allocateBlock(tx, goal, !f.isDirectory());
        lastBlock = p;
        return p;
    }

    /** Pointer {@code at} of an index block; allocates a data block (index &gt;= 0) or a zeroed index block (index &lt; 0). */
    private long slot(Tx tx, Inode f, long indexBlock, int at, boolean allocate, boolean[] fresh, long index)
            throws FileSystemException {
        int p = ByteBuffer.wrap(tx.read(indexBlock)).getInt(4 * at);
        if (p == 0 && allocate) {
            if (index < 0) {
                p = (int) alloc.allocateBlock(tx, indexBlock + 1, !f.isDirectory());
                tx.fresh(p);
            } else {
                p = (int) allocateData(tx, f, goal(f, index));
                fresh[0] = true;
            }
            f.blocks++;
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

    /** Frees a file's blocks from block {@code first} on, with index blocks left empty freed too. */
    void freeFrom(Tx tx, Inode f, long first) {
        for (int k = (int) Math.min(first, Inode.DIRECT); k < Inode.DIRECT; k++) {
            if (f.direct[k] != 0) {
                alloc.freeBlock(tx, f.direct[k]);
                f.direct[k] = 0;
                f.blocks--;
            }
        }
        long rest = Math.max(0, first - Inode.DIRECT);
        if (f.indirect != 0 && freeIndex(tx, f, f.indirect, rest, 1)) {
            alloc.freeBlock(tx, f.indirect);
            f.indirect = 0;
            f.blocks--;
        }
        rest = Math.max(0, first - Inode.DIRECT - pointersPerBlock);
        if (f.doubleIndirect != 0 && freeIndex(tx, f, f.doubleIndirect, rest, 2)) {
            alloc.freeBlock(tx, f.doubleIndirect);
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
                alloc.freeBlock(tx, p);
                f.blocks--;
                gone = true;
            } else {
                gone = freeIndex(tx, f, p, Math.max(0, first - from), 1);
                if (gone) {
                    alloc.freeBlock(tx, p);
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

    /**
     * How many file blocks one truncation step frees at most: few enough that the index blocks (one
     * per {@code pointersPerBlock} blocks, plus the double indirect one) and the bitmap blocks it
     * touches fit one transaction.
     */
    long stepBlocks() {
        return (long) Math.max(1, Math.min(32, (maxTransactionBlocks - 8) / 2)) * pointersPerBlock;
    }

    /** Every device block a file holds (data and index), for fsck. */
    List<Long> blocksOf(Tx ro, Inode f) {
        List<Long> out = new ArrayList<>();
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

    /** The index blocks of a file. */
    List<Long> indexBlocksOf(Tx ro, Inode f) {
        List<Long> out = new ArrayList<>();
        if (f.indirect != 0) {
            out.add((long) f.indirect);
        }
        if (f.doubleIndirect != 0) {
            out.add((long) f.doubleIndirect);
            ByteBuffer b = ByteBuffer.wrap(ro.read(f.doubleIndirect));
            for (int at = 0; at < pointersPerBlock; at++) {
                int p = b.getInt(4 * at);
                if (p != 0) {
                    out.add((long) p);
                }
            }
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
    long lastMapped(Tx ro, Inode f) throws FileSystemException {
        long last = -1;
        long limit = Math.min(maxBlocks(), (f.size + layout.blockSize - 1) / layout.blockSize + pointersPerBlock + Inode.DIRECT);
        for (long i = 0; i < limit; i++) {
            if (map(ro, f, i, false, new boolean[1]) != 0) {
                last = i;
            }
        }
        return last;
    }
}
