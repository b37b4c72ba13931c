package org.fos.fs.api;

/**
 * The space of a file system, summed over its groups.
 *
 * @param device the block device it lives on, such as {@code /dev/block/disk0}
 * @param blockSize the block size in bytes
 * @param totalBlocks the blocks that can hold data (metadata areas excluded)
 * @param freeBlocks the free ones among them
 * @param totalInodes how many inodes it has
 * @param freeInodes the free ones
 * @param groups how many groups the metadata is divided into
 * @param largestFreeBlocks the most free blocks in one group (a file whose group is full borrows blocks of
 *        the others, so it can grow by {@code freeBlocks})
 */
public record FsStats(String device, int blockSize, long totalBlocks, long freeBlocks, long totalInodes, long freeInodes,
        int groups, long largestFreeBlocks) {
}
