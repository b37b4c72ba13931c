package org.fos.fs.impl;

import java.nio.ByteBuffer;

import org.fos.fs.api.FileType;

/**
 * One inode, {@value Layout#INODE_SIZE} bytes in its group's inode table.
 *
 * <pre>
 *   0 type (0 free, 1 file, 2 directory)   4 links (int)     8 size (long)
 *  16 created   24 modified   32 accessed (long, ms)         40 parent directory (long)
 *  48 direct block pointers, {@value #DIRECT} ints           96 single indirect   100 double indirect
 * 104 blocks held (int)
 * </pre>
 *
 * Block pointers are device block numbers; 0 means a hole (block 0 is the superblock).
 */
final class Inode {
    static final int DIRECT = 12;
    static final byte FREE = 0;
    static final byte FILE = 1;
    static final byte DIRECTORY = 2;

    final long number;
    byte type;
    int links;
    long size;
    long created;
    long modified;
    long accessed;
    long parent;
    final int[] direct = new int[DIRECT];
    int indirect;
    int doubleIndirect;
    int blocks;

    Inode(long number) {
        this.number = number;
    }

    static Inode decode(long number, byte[] table, int offset) {
        ByteBuffer b = ByteBuffer.wrap(table, offset, Layout.INODE_SIZE).slice();
        Inode i = new Inode(number);
        i.type = b.get(0);
        i.links = b.getInt(4);
        i.size = b.getLong(8);
        i.created = b.getLong(16);
        i.modified = b.getLong(24);
        i.accessed = b.getLong(32);
        i.parent = b.getLong(40);
        for (int k = 0; k < DIRECT; k++) {
            i.direct[k] = b.getInt(48 + 4 * k);
        }
        i.indirect = b.getInt(96);
        i.doubleIndirect = b.getInt(100);
        i.blocks = b.getInt(104);
        return i;
    }

    void encode(byte[] table, int offset) {
        ByteBuffer b = ByteBuffer.wrap(table, offset, Layout.INODE_SIZE).slice();
        for (int k = 0; k < Layout.INODE_SIZE; k++) {
            b.put(k, (byte) 0);
        }
        b.put(0, type);
        b.putInt(4, links);
        b.putLong(8, size);
        b.putLong(16, created);
        b.putLong(24, modified);
        b.putLong(32, accessed);
        b.putLong(40, parent);
        for (int k = 0; k < DIRECT; k++) {
            b.putInt(48 + 4 * k, direct[k]);
        }
        b.putInt(96, indirect);
        b.putInt(100, doubleIndirect);
        b.putInt(104, blocks);
    }

    boolean isFree() {
        return type == FREE;
    }

    boolean isDirectory() {
        return type == DIRECTORY;
    }

    FileType fileType() {
        return type == DIRECTORY ? FileType.DIRECTORY : FileType.FILE;
    }

    static byte typeOf(FileType t) {
        return t == FileType.DIRECTORY ? DIRECTORY : FILE;
    }
}
