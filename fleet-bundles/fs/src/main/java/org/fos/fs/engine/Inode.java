package org.fos.fs.engine;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

import org.fos.fs.api.FileType;

/**
 * One inode, {@value Layout#INODE_SIZE} bytes in its group's inode table.
 *
 * <pre>
 *   0 type (0 free, 1 file, 2 directory, 3 symbolic link)   4 links (int)     8 size (long)
 *  16 created   24 modified   32 accessed   40 changed (long, ms)             48 parent directory (long)
 *  56 direct block pointers, {@value #DIRECT} ints          104 single indirect   108 double indirect
 * 112 blocks held (int)   116 generation (int)   120 mode (int, 07777)   124 uid (int)   128 gid (int)
 * 252 CRC32C of the inode's number and bytes 0..251
 * </pre>
 *
 * Block pointers are device block numbers; 0 means a hole (block 0 is the superblock). A file's
 * data blocks may lie in other groups (borrowed when its own group was full); its index blocks never
 * do. An inode that is allocated with no links is a file deleted while open (an orphan): freed at
 * its last close, or when its group is next loaded.
 */
final class Inode {
    static final int DIRECT = 12;
    static final byte FREE = 0;
    static final byte FILE = 1;
    static final byte DIRECTORY = 2;
    static final byte SYMLINK = 3;
    private static final int CRC_AT = 252;

    final long number;
    byte type;
    int links;
    long size;
    long created;
    long modified;
    long accessed;
    long changed;
    long parent;
    final int[] direct = new int[DIRECT];
    int indirect;
    int doubleIndirect;
    int blocks;
    int generation;
    int mode;
    int uid;
    int gid;

    Inode(long number) {
        this.number = number;
    }

    /**
     * Reads an inode from its table block.
     *
     * @throws Checksums.Damaged if its checksum does not match
     */
    static Inode decode(long number, byte[] table, int offset) {
        ByteBuffer b = ByteBuffer.wrap(table, offset, Layout.INODE_SIZE).slice();
        if (!allZero(table, offset) && b.getInt(CRC_AT) != crc(number, table, offset)) {
            throw new Checksums.Damaged("inode " + number + " does not match its checksum");
        }
        Inode i = new Inode(number);
        i.type = b.get(0);
        i.links = b.getInt(4);
        i.size = b.getLong(8);
        i.created = b.getLong(16);
        i.modified = b.getLong(24);
        i.accessed = b.getLong(32);
        i.changed = b.getLong(40);
        i.parent = b.getLong(48);
        for (int k = 0; k < DIRECT; k++) {
            i.direct[k] = b.getInt(56 + 4 * k);
        }
        i.indirect = b.getInt(104);
        i.doubleIndirect = b.getInt(108);
        i.blocks = b.getInt(112);
        i.generation = b.getInt(116);
        i.mode = b.getInt(120);
        i.uid = b.getInt(124);
        i.gid = b.getInt(128);
        return i;
    }

    private static boolean allZero(byte[] table, int offset) {
        for (int k = 0; k < Layout.INODE_SIZE; k++) {
            if (table[offset + k] != 0) {
                return false;
            }
        }
        return true;
    }

    private static int crc(long number, byte[] table, int offset) {
        CRC32C crc = new CRC32C();
        crc.update(ByteBuffer.allocate(8).putLong(0, number));
        crc.update(table, offset, CRC_AT);
        return (int) crc.getValue();
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
        b.putLong(40, changed);
        b.putLong(48, parent);
        for (int k = 0; k < DIRECT; k++) {
            b.putInt(56 + 4 * k, direct[k]);
        }
        b.putInt(104, indirect);
        b.putInt(108, doubleIndirect);
        b.putInt(112, blocks);
        b.putInt(116, generation);
        b.putInt(120, mode);
        b.putInt(124, uid);
        b.putInt(128, gid);
        b.putInt(CRC_AT, crc(number, table, offset));
    }

    boolean isFree() {
        return type == FREE;
    }

    boolean isDirectory() {
        return type == DIRECTORY;
    }

    boolean isSymlink() {
        return type == SYMLINK;
    }

    /** Whether it is allocated with no links: deleted while open. */
    boolean isOrphan() {
        return type != FREE && links == 0;
    }

    FileType fileType() {
        return type == DIRECTORY ? FileType.DIRECTORY : type == SYMLINK ? FileType.SYMLINK : FileType.FILE;
    }

    static byte typeOf(FileType t) {
        return switch (t) {
            case DIRECTORY -> DIRECTORY;
            case SYMLINK -> SYMLINK;
            case FILE -> FILE;
        };
    }

    org.fos.fs.api.Attributes attributes() {
        return new org.fos.fs.api.Attributes(number, fileType(), size, links, created, modified, accessed, changed, blocks, generation,
                mode, uid, gid, isDirectory() ? parent : 0);
    }

    /** Checks that a file may get another name: not a directory, not deleted, not at the most links. */
    void checkLinkable() throws java.nio.file.FileSystemException {
        if (isDirectory()) {
            throw new java.nio.file.FileSystemException(FsErrors.where(number), null, "a directory cannot have a second link");
        }
        if (links == 0) {
            throw new java.nio.file.NoSuchFileException(FsErrors.where(number), null, "the file was deleted");
        }
        if (links >= org.fos.fs.api.FileSystemFleet.MAX_LINKS) {
            throw new java.nio.file.FileSystemException(FsErrors.where(number), null, "too many links ("
                    + org.fos.fs.api.FileSystemFleet.MAX_LINKS + ")");
        }
    }
}
