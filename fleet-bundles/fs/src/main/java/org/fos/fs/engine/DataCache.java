package org.fos.fs.engine;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.fos.block.api.BlockWrite;

/**
 * The file data blocks a member read or wrote lately, by device block: its page cache, so that a
 * read of a block it has seen needs no call to the block device. A block is cached only while a
 * file of a group this member owns holds it: it is put when the member reads it from the device or
 * after a transaction that wrote it committed, and dropped when a transaction frees it (or gives it
 * back to the group that lent it), when a write of it fails, and with everything when the member
 * forgets its groups. Only the owner of a file's group writes the file's blocks, so what is cached
 * is what the device holds.
 *
 * <p>Bounded: at most {@code maxBlocks} blocks, the least recently used dropped first. Not
 * thread-safe: the member thread alone uses it. The images it answers must not be changed.
 */
final class DataCache {
    private final int blockSize;
    private final Map<Long, byte[]> blocks;

    /**
     * Creates a cache.
     *
     * @param blockSize the device's block size
     * @param maxBlocks the most blocks it keeps, 0 for none
     * @throws IllegalArgumentException if {@code maxBlocks} is negative
     */
    DataCache(int blockSize, int maxBlocks) {
        if (maxBlocks < 0) {
            throw new IllegalArgumentException("a data cache keeps 0 or more blocks, not " + maxBlocks);
        }
        this.blockSize = blockSize;
        this.blocks = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, byte[]> eldest) {
                return size() > maxBlocks;
            }
        };
    }

    /**
     * A block's image, if cached.
     *
     * @param block the device block
     * @return its bytes (not to be changed), or null
     */
    byte[] get(long block) {
        return blocks.get(block);
    }

    /**
     * Takes in blocks the device holds: a run read from it, or written to it.
     *
     * @param first the run's first block
     * @param run whole blocks; the cache keeps its own copies
     */
    void put(long first, byte[] run) {
        for (int i = 0; i + blockSize <= run.length; i += blockSize) {
            byte[] b = new byte[blockSize];
            System.arraycopy(run, i, b, 0, blockSize);
            blocks.put(first + i / blockSize, b);
        }
    }

    /**
     * Takes in what a committed transaction wrote.
     *
     * @param written the runs of data blocks it wrote
     */
    void written(List<BlockWrite> written) {
        for (BlockWrite w : written) {
            put(w.block(), w.data());
        }
    }

    /**
     * Drops the blocks of runs whose write may have failed: the device may hold the old or the new bytes.
     *
     * @param runs the runs
     */
    void failed(List<BlockWrite> runs) {
        for (BlockWrite w : runs) {
            for (int i = 0; i < w.data().length / blockSize; i++) {
                blocks.remove(w.block() + i);
            }
        }
    }

    /**
     * Drops blocks no file of this member holds any more.
     *
     * @param freed the blocks
     */
    void drop(Collection<Long> freed) {
        for (Long b : freed) {
            blocks.remove(b);
        }
    }

    /** Drops every block. */
    void clear() {
        blocks.clear();
    }

    /** How many blocks it holds now. */
    int size() {
        return blocks.size();
    }
}
