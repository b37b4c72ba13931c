package org.fos.block.api;

import java.util.Objects;

/**
 * The shape of a block device.
 *
 * @param name the device's name, for example {@code disk0}; it serves under
 *        {@code /dev/block/<name>}
 * @param blockSize the size of a block in bytes: a power of two from {@value #MIN_BLOCK_SIZE} to
 *        {@value #MAX_BLOCK_SIZE}
 * @param blockCount how many blocks the device has, at least 1
 * @param persistent whether the content survives a restart of the node (a file) or not (memory)
 */
public record Geometry(String name, int blockSize, long blockCount, boolean persistent) {

    /** The smallest block size, in bytes. */
    public static final int MIN_BLOCK_SIZE = 512;
    /** The largest block size, in bytes. */
    public static final int MAX_BLOCK_SIZE = 65_536;

    /**
     * Checks the geometry.
     *
     * @param name the name
     * @param blockSize the block size
     * @param blockCount the block count
     * @param persistent whether it survives a restart
     * @throws IllegalArgumentException if the block size is not a power of two in range or the
     *         count is below 1
     */
    public Geometry {
        Objects.requireNonNull(name, "name");
        checkBlockSize(blockSize);
        if (blockCount < 1) {
            throw new IllegalArgumentException("block count must be at least 1, was " + blockCount);
        }
    }

    /**
     * Checks a block size.
     *
     * @param blockSize the block size in bytes
     * @return {@code blockSize}
     * @throws IllegalArgumentException if it is not a power of two from {@value #MIN_BLOCK_SIZE} to
     *         {@value #MAX_BLOCK_SIZE}
     */
    public static int checkBlockSize(int blockSize) {
        if (blockSize < MIN_BLOCK_SIZE || blockSize > MAX_BLOCK_SIZE || Integer.bitCount(blockSize) != 1) {
            throw new IllegalArgumentException("block size must be a power of two from " + MIN_BLOCK_SIZE + " to "
                    + MAX_BLOCK_SIZE + " bytes, was " + blockSize);
        }
        return blockSize;
    }

    /**
     * Returns the device's size.
     *
     * @return {@code blockSize * blockCount} bytes
     */
    public long sizeBytes() {
        return blockSize * blockCount;
    }

    /**
     * Checks that a run of blocks lies on the device.
     *
     * @param block the first block
     * @param count how many blocks
     * @throws IllegalArgumentException naming the block that is out of range and the device's range
     */
    public void checkRange(long block, long count) {
        if (count < 1) {
            throw new IllegalArgumentException("block count of a transfer must be at least 1, was " + count);
        }
        if (block < 0 || block >= blockCount) {
            throw new IllegalArgumentException("block " + block + " is out of range: " + fullName(name) + " has "
                    + blockCount + " blocks (0.." + (blockCount - 1) + ")");
        }
        if (count > blockCount - block) {
            throw new IllegalArgumentException("blocks " + block + ".." + (block + count - 1) + " run past the end of "
                    + fullName(name) + ", which has " + blockCount + " blocks (0.." + (blockCount - 1) + ")");
        }
        if (count * blockSize > BlockDevice.MAX_TRANSFER_BYTES) {
            throw new IllegalArgumentException(count + " blocks of " + blockSize + " bytes is more than the largest transfer, "
                    + BlockDevice.MAX_TRANSFER_BYTES + " bytes");
        }
    }

    /**
     * Checks that a buffer holds a whole number of blocks and returns how many.
     *
     * @param data the buffer
     * @return the number of blocks it holds
     * @throws IllegalArgumentException if it is null, empty or not a multiple of the block size
     */
    public int blocksIn(byte[] data) {
        if (data == null) {
            throw new IllegalArgumentException("data is missing");
        }
        if (data.length == 0 || data.length % blockSize != 0) {
            throw new IllegalArgumentException("data is " + data.length + " bytes, not a whole number of " + blockSize
                    + "-byte blocks of " + fullName(name));
        }
        return data.length / blockSize;
    }

    private static String fullName(String name) {
        return BlockDevice.NAME_PREFIX + name;
    }
}
