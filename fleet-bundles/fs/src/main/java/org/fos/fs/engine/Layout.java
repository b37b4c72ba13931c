package org.fos.fs.engine;

import java.nio.ByteBuffer;
import java.util.UUID;
import java.util.zip.CRC32C;

/**
 * The superblock: the shape of a file system on its device, written once by mkfs into block 0.
 *
 * <pre>
 * block 0                superblock (this record, CRC32C-checked)
 * group g, from block 1 + g * blocksPerGroup:
 *   +0                   group header: magic, group, last applied cross-group operation, intent (group 0), CRC32C
 *   +1                   journal header: magic, file-system id, first sequence number
 *   +2 .. +journal       journal log: transactions of descriptor, block images, commit
 *   then                 inode bitmap, block bitmap (one bit a block of the group), each block ending in its CRC32C
 *   then                 inode table, {@value #INODE_SIZE} bytes an inode, each ending in its CRC32C
 *   then                 data blocks (file content, directory blocks, index blocks)
 * </pre>
 *
 * Inode numbers are {@code group << 32 | index}, index 0 never used; the root is inode 1. Directory
 * and index blocks in the data area end in their CRC32C too ({@link Checksums}).
 */
final class Layout {
    static final long MAGIC = 0x464f_5346_5331_0002L; // "FOSFS1" + format version 2
    /** The magic of format 1 (no checksums, 128-byte inodes), which this version does not mount. */
    static final long MAGIC_V1 = 0x464f_5346_5331_0001L;
    static final int INODE_SIZE = 256;
    /** Bytes at the end of every metadata block but the inode tables: its CRC32C. */
    static final int TAIL = 4;
    static final int MIN_BLOCK_SIZE = 4096;
    private static final int CRC_AT = 80;

    final int blockSize;
    final long blockCount;
    final int groups;
    final int blocksPerGroup;
    final int inodesPerGroup;
    final int journalBlocks;
    final UUID id;
    final long createdMillis;
    // derived
    final int inodeBitmapBlocks;
    final int blockBitmapBlocks;
    final int inodeTableBlocks;
    final int metaBlocks;

    Layout(int blockSize, long blockCount, int groups, int blocksPerGroup, int inodesPerGroup, int journalBlocks, UUID id,
            long createdMillis) {
        this.blockSize = blockSize;
        this.blockCount = blockCount;
        this.groups = groups;
        this.blocksPerGroup = blocksPerGroup;
        this.inodesPerGroup = inodesPerGroup;
        this.journalBlocks = journalBlocks;
        this.id = id;
        this.createdMillis = createdMillis;
        int bits = bitsPerBitmapBlock(blockSize);
        this.inodeBitmapBlocks = (inodesPerGroup + bits - 1) / bits;
        this.blockBitmapBlocks = (blocksPerGroup + bits - 1) / bits;
        this.inodeTableBlocks = (int) (((long) inodesPerGroup * INODE_SIZE + blockSize - 1) / blockSize);
        this.metaBlocks = 1 + journalBlocks + inodeBitmapBlocks + blockBitmapBlocks + inodeTableBlocks;
    }

    /** The bits of one bitmap block: all of it but its checksum. */
    static int bitsPerBitmapBlock(int blockSize) {
        return (blockSize - TAIL) * 8;
    }

    int bitsPerBitmapBlock() {
        return bitsPerBitmapBlock(blockSize);
    }

    /** Block pointers an index block holds (its last four bytes are its checksum). */
    int pointersPerBlock() {
        return (blockSize - TAIL) / 4;
    }

    /** Whether a block is in a group's inode table (whose inodes carry their own checksums). */
    boolean isInodeTable(int g, long block) {
        long start = inodeTableStart(g);
        return block >= start && block < start + inodeTableBlocks;
    }

    /**
     * Plans a file system for a device.
     *
     * @param blockSize the device's block size
     * @param blockCount the device's blocks
     * @param groups how many groups, from 1 to 1024
     * @return the layout
     * @throws IllegalArgumentException if the device is too small or its blocks are
     */
    static Layout plan(int blockSize, long blockCount, int groups) {
        if (blockSize < MIN_BLOCK_SIZE) {
            throw new IllegalArgumentException("a fos file system needs blocks of at least " + MIN_BLOCK_SIZE + " bytes, the device has "
                    + blockSize);
        }
        if (groups < 1 || groups > 1024) {
            throw new IllegalArgumentException("groups must be from 1 to 1024, was " + groups);
        }
        long perGroup = (blockCount - 1) / groups;
        if (perGroup > Integer.MAX_VALUE / 2) {
            throw new IllegalArgumentException("groups of " + perGroup + " blocks are too large: use more groups");
        }
        int bpg = (int) perGroup;
        int perTableBlock = blockSize / INODE_SIZE;
        int inodes = Math.max(perTableBlock, (bpg / 4) / perTableBlock * perTableBlock);
        int journal = Math.min(1024, Math.max(32, bpg / 16));
        Layout l = new Layout(blockSize, blockCount, groups, bpg, inodes, journal, UUID.randomUUID(), System.currentTimeMillis());
        if (bpg < l.metaBlocks + 16) {
            throw new IllegalArgumentException("the device is too small: " + groups + " groups of " + bpg + " blocks leave a group"
                    + " fewer than 16 data blocks after its " + l.metaBlocks + " metadata blocks; use fewer groups or a larger device");
        }
        return l;
    }

    long groupStart(int g) {
        return 1 + (long) g * blocksPerGroup;
    }

    long headerBlock(int g) {
        return groupStart(g);
    }

    long journalStart(int g) {
        return groupStart(g) + 1;
    }

    long inodeBitmapStart(int g) {
        return groupStart(g) + 1 + journalBlocks;
    }

    long blockBitmapStart(int g) {
        return inodeBitmapStart(g) + inodeBitmapBlocks;
    }

    long inodeTableStart(int g) {
        return blockBitmapStart(g) + blockBitmapBlocks;
    }

    long dataStart(int g) {
        return groupStart(g) + metaBlocks;
    }

    int dataBlocksPerGroup() {
        return blocksPerGroup - metaBlocks;
    }

    /** The group a device block belongs to, or -1 for the superblock and the tail past the last group. */
    int groupOfBlock(long block) {
        if (block < 1) {
            return -1;
        }
        long g = (block - 1) / blocksPerGroup;
        return g < groups ? (int) g : -1;
    }

    static long inode(int group, int index) {
        return ((long) group << 32) | (index & 0xffff_ffffL);
    }

    static int indexOf(long inode) {
        return (int) inode;
    }

    boolean isValidInode(long inode) {
        int g = (int) (inode >>> 32);
        int i = indexOf(inode);
        return inode > 0 && g >= 0 && g < groups && i > 0 && i < inodesPerGroup;
    }

    byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(blockSize);
        b.putLong(MAGIC).putInt(blockSize).putLong(blockCount).putInt(groups).putInt(blocksPerGroup).putInt(inodesPerGroup)
                .putInt(journalBlocks).putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits())
                .putLong(createdMillis);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, CRC_AT);
        b.putInt(CRC_AT, (int) crc.getValue());
        return b.array();
    }

    /**
     * Reads a superblock.
     *
     * @param block the content of block 0
     * @return the layout, or null if the block holds no fos file system
     * @throws IllegalArgumentException if it holds a damaged one
     */
    static Layout decode(byte[] block) {
        ByteBuffer b = ByteBuffer.wrap(block);
        if (b.getLong(0) == MAGIC_V1) {
            throw new IllegalArgumentException("the file system was made by an older fos (format 1, without checksums), which this"
                    + " version does not mount: copy its files off with that version, or format the device again");
        }
        if (b.getLong(0) != MAGIC) {
            return null;
        }
        CRC32C crc = new CRC32C();
        crc.update(block, 0, CRC_AT);
        if (b.getInt(CRC_AT) != (int) crc.getValue()) {
            throw new IllegalArgumentException("the superblock's checksum does not match: the file system is damaged");
        }
        b.position(8);
        int bs = b.getInt();
        long count = b.getLong();
        int groups = b.getInt();
        int bpg = b.getInt();
        int ipg = b.getInt();
        int journal = b.getInt();
        UUID id = new UUID(b.getLong(), b.getLong());
        long created = b.getLong();
        if (bs != block.length || groups < 1 || bpg < 1 || ipg < 1 || journal < 4 || 1 + (long) groups * bpg > count) {
            throw new IllegalArgumentException("the superblock describes an impossible layout (block size " + bs + ", " + groups
                    + " groups of " + bpg + " blocks on " + count + ")");
        }
        return new Layout(bs, count, groups, bpg, ipg, journal, id, created);
    }

    @Override
    public String toString() {
        return groups + " groups of " + blocksPerGroup + " blocks (" + dataBlocksPerGroup() + " for data) and " + inodesPerGroup
                + " inodes, " + journalBlocks + "-block journals, " + blockSize + "-byte blocks";
    }
}
