package org.fos.fs.engine;

import java.nio.ByteBuffer;

/**
 * The header block of a group: magic, the group's number, the last cross-group operation it
 * applied, and in group 0 the intent of the last cross-group operation (its commit record).
 *
 * <pre>
 *  0 magic "FGRP"   4 group (int)   8 last applied operation (long)   16 intent length (int)
 * 20 intent bytes   ... the last {@value Layout#TAIL} bytes: the block's checksum
 * </pre>
 */
final class GroupHeader {
    private static final int MAGIC = 0x46475250;
    private static final int INTENT_AT = 20;

    private final Layout layout;
    private final int group;
    private final GroupBlocks blocks;

    GroupHeader(Layout layout, int group, GroupBlocks blocks) {
        this.layout = layout;
        this.group = group;
        this.blocks = blocks;
    }

    long lastApplied() {
        return ByteBuffer.wrap(blocks.meta(layout.headerBlock(group))).getLong(8);
    }

    /** Sets the last operation applied, in the transaction that applies it. */
    void applied(Tx tx, long seq) {
        ByteBuffer.wrap(tx.write(layout.headerBlock(group))).putLong(8, seq);
    }

    /** The intent area of group 0: length-prefixed bytes after the header's fixed part. */
    byte[] intent() {
        ByteBuffer b = ByteBuffer.wrap(blocks.meta(layout.headerBlock(group)));
        int n = b.getInt(16);
        if (n < 0 || n > layout.blockSize - INTENT_AT - Layout.TAIL) {
            throw new IllegalStateException("the intent in the header of group " + group + " claims " + n + " bytes");
        }
        byte[] out = new byte[n];
        b.get(INTENT_AT, out);
        return out;
    }

    void writeIntent(Tx tx, byte[] intent) {
        if (intent.length > layout.blockSize - INTENT_AT - Layout.TAIL) {
            throw new IllegalArgumentException("a cross-group operation of " + intent.length + " bytes does not fit the intent block");
        }
        ByteBuffer b = ByteBuffer.wrap(tx.write(layout.headerBlock(group)));
        b.putInt(16, intent.length);
        b.put(INTENT_AT, intent);
        for (int i = INTENT_AT + intent.length; i < layout.blockSize - Layout.TAIL; i++) {
            b.put(i, (byte) 0);
        }
    }

    /** The header mkfs writes. */
    static byte[] initial(Layout layout, int group) {
        ByteBuffer b = ByteBuffer.allocate(layout.blockSize);
        b.putInt(MAGIC).putInt(group).putLong(0).putInt(0);
        byte[] out = b.array();
        Checksums.sealTail(layout.headerBlock(group), out);
        return out;
    }

    /**
     * Checks the magic and the group's number.
     *
     * @throws IllegalStateException if they are not this group's
     * @throws Checksums.Damaged if the block does not match its checksum
     */
    void check() {
        ByteBuffer b = ByteBuffer.wrap(blocks.meta(layout.headerBlock(group)));
        if (b.getInt(0) != MAGIC || b.getInt(4) != group) {
            throw new IllegalStateException("the header of group " + group + " at block " + layout.headerBlock(group) + " is damaged");
        }
    }
}
