package org.fos.fs.engine;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * Checksums of metadata blocks. Every metadata block a group reads through its cache is checked,
 * every block a transaction changes is sealed before it is journaled:
 *
 * <pre>
 * group header, bitmaps, directory and index blocks:  the last {@value Layout#TAIL} bytes are the CRC32C
 *                                                     of the block's number (8 bytes) and the rest
 * inode table blocks:                                 each inode ends in the CRC32C of its number and
 *                                                     its other bytes (an inode of all zeros, never
 *                                                     used, needs none)
 * </pre>
 *
 * The block's own number is in the sum, so a block written to the wrong place fails too.
 */
final class Checksums {
    private Checksums() {
    }

    static int tail(long block, byte[] b, int length) {
        CRC32C crc = new CRC32C();
        crc.update(ByteBuffer.allocate(8).putLong(0, block));
        crc.update(b, 0, length);
        return (int) crc.getValue();
    }

    /** Writes the checksum into the block's tail. */
    static void sealTail(long block, byte[] b) {
        int at = b.length - Layout.TAIL;
        ByteBuffer.wrap(b).putInt(at, tail(block, b, at));
    }

    /** Whether the block's tail holds its checksum. */
    static boolean tailMatches(long block, byte[] b) {
        int at = b.length - Layout.TAIL;
        return ByteBuffer.wrap(b).getInt(at) == tail(block, b, at);
    }

    /** Seals a metadata block of a group by where it lies (inode table blocks are sealed inode by inode). */
    static void seal(Layout layout, int group, long block, byte[] b) {
        if (!layout.isInodeTable(group, block)) {
            sealTail(block, b);
        }
    }

    /**
     * Checks a metadata block as it comes from the device.
     *
     * @throws Damaged if its checksum does not match
     */
    static void verify(Layout layout, int group, long block, byte[] b) {
        if (layout.isInodeTable(group, block)) {
            return;
        }
        if (!tailMatches(block, b)) {
            throw new Damaged("metadata block " + block + " of group " + group + " (" + kind(layout, group, block)
                    + ") does not match its checksum");
        }
    }

    static String kind(Layout layout, int group, long block) {
        if (block == layout.headerBlock(group)) {
            return "the group header";
        }
        if (block >= layout.inodeBitmapStart(group) && block < layout.blockBitmapStart(group)) {
            return "the inode bitmap";
        }
        if (block >= layout.blockBitmapStart(group) && block < layout.inodeTableStart(group)) {
            return "the block bitmap";
        }
        if (layout.isInodeTable(group, block)) {
            return "the inode table";
        }
        return "a directory or index block";
    }

    /** A metadata block or inode whose checksum does not match: the file system is damaged there. */
    static final class Damaged extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        Damaged(String message) {
            super(message);
        }
    }
}
