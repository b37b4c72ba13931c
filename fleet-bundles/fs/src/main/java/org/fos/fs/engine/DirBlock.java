package org.fos.fs.engine;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.fos.fs.api.DirEntry;

/**
 * The entries of one directory block.
 *
 * <pre>
 *   0 entry count (short)   2 bytes used (short, header included)
 *   4 entries, packed: inode (long), type (byte), name length (byte, 1..255), name (UTF-8)
 *   the last {@value Layout#TAIL} bytes: the block's checksum ({@link Checksums})
 * </pre>
 */
final class DirBlock {
    static final int HEADER = 4;
    static final int ENTRY_OVERHEAD = 10;

    private DirBlock() {
    }

    static int sizeOf(byte[] utf8Name) {
        return ENTRY_OVERHEAD + utf8Name.length;
    }

    /** The bytes entries may use in a block, its header included. */
    static int capacity(int blockSize) {
        return blockSize - Layout.TAIL;
    }

    static List<DirEntry> decode(byte[] block) {
        ByteBuffer b = ByteBuffer.wrap(block);
        int count = b.getShort(0) & 0xffff;
        int used = b.getShort(2) & 0xffff;
        if (used < HEADER || used > capacity(block.length)) {
            throw new IllegalStateException("directory block claims " + used + " bytes used");
        }
        List<DirEntry> out = new ArrayList<>(count);
        int at = HEADER;
        for (int i = 0; i < count; i++) {
            if (at + ENTRY_OVERHEAD > used) {
                throw new IllegalStateException("directory block entry " + i + " runs past its used bytes");
            }
            long inode = b.getLong(at);
            byte type = b.get(at + 8);
            int len = b.get(at + 9) & 0xff;
            if (len == 0 || at + ENTRY_OVERHEAD + len > used) {
                throw new IllegalStateException("directory block entry " + i + " has a bad name length " + len);
            }
            if (type < Inode.FILE || type > Inode.SYMLINK) {
                throw new IllegalStateException("directory block entry " + i + " has a bad type " + type);
            }
            String name = new String(block, at + ENTRY_OVERHEAD, len, StandardCharsets.UTF_8);
            Inode t = new Inode(0);
            t.type = type;
            out.add(new DirEntry(name, inode, t.fileType()));
            at += ENTRY_OVERHEAD + len;
        }
        if (at != used) {
            throw new IllegalStateException("directory block uses " + used + " bytes but its entries end at " + at);
        }
        return out;
    }

    static byte[] encode(List<DirEntry> entries, int blockSize) {
        byte[] out = new byte[blockSize];
        encode(entries, out);
        return out;
    }

    /**
     * Encodes the entries into a whole block, zeroing what they leave free before its checksum tail (the tail
     * is left as it is: the commit seals it).
     *
     * @throws IllegalStateException if they do not fit
     */
    static void encode(List<DirEntry> entries, byte[] block) {
        ByteBuffer b = ByteBuffer.wrap(block);
        b.position(HEADER);
        for (DirEntry e : entries) {
            byte[] name = e.name().getBytes(StandardCharsets.UTF_8);
            b.putLong(e.inode()).put(Inode.typeOf(e.type())).put((byte) name.length).put(name);
        }
        int used = b.position();
        if (used > capacity(block.length)) {
            throw new IllegalStateException("directory entries of " + used + " bytes do not fit a block");
        }
        b.putShort(0, (short) entries.size()).putShort(2, (short) used);
        Arrays.fill(block, used, block.length - Layout.TAIL, (byte) 0);
    }

    static int used(List<DirEntry> entries) {
        int n = HEADER;
        for (DirEntry e : entries) {
            n += sizeOf(e.name().getBytes(StandardCharsets.UTF_8));
        }
        return n;
    }
}
