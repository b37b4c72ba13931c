package org.fos.fs.engine;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

import org.fos.block.api.BlockDevice;
import org.fos.block.api.BlockWrite;

/**
 * The write-ahead journal of one group: physical redo logging of whole metadata blocks.
 *
 * <pre>
 * +0  header:  magic "FJHD", file-system id (2 longs), first sequence number (long)
 * +1  log:     transaction, transaction, ...
 * transaction: descriptor  magic "FJDS", id, sequence, n, n home block numbers
 *              n block images
 *              commit      magic "FJCM", id, sequence, CRC32C of descriptor and images
 * </pre>
 *
 * A transaction is written in one device call (with the file data it points to, ahead of it) and
 * counts once its commit block is on the device with a matching checksum. Replay reads transactions
 * from the start of the log while their sequence numbers follow on from the header's and their
 * commits check out, and gives the newest image of every block; the first torn or stale transaction
 * ends the log. A checkpoint (the owner writes the images home and flushes) is followed by
 * {@link #reset()}, which starts the log again with the next sequence number, so older transactions
 * no longer count.
 */
final class Journal {
    private static final int HEADER_MAGIC = 0x464a4844;
    private static final int DESCRIPTOR_MAGIC = 0x464a4453;
    private static final int COMMIT_MAGIC = 0x464a434d;
    /** Where a descriptor block lists the home block numbers of its images. */
    static final int DESCRIPTOR_FIXED = 36;

    private final Layout layout;
    private final BlockDevice device;
    private final long start;
    private final int capacity;
    /** The sequence number of the first transaction of the log, as the header says. */
    private long firstSeq;
    private long nextSeq;
    private int nextPos;

    Journal(Layout layout, int group, BlockDevice device) {
        this.layout = layout;
        this.device = device;
        this.start = layout.journalStart(group);
        this.capacity = layout.journalBlocks - 1;
    }

    /** The largest transaction, in blocks. */
    int maxBlocks() {
        return Math.min((layout.blockSize - DESCRIPTOR_FIXED) / 8, capacity - 2);
    }

    static byte[] header(Layout layout, long firstSeq) {
        ByteBuffer b = ByteBuffer.allocate(layout.blockSize);
        b.putInt(HEADER_MAGIC).putLong(layout.id.getMostSignificantBits()).putLong(layout.id.getLeastSignificantBits()).putLong(firstSeq);
        return b.array();
    }

    /**
     * Reads the header and the log.
     *
     * @return the newest image of every block the valid transactions wrote, in order of first write
     * @throws IllegalStateException if the header is not this file system's
     */
    Map<Long, byte[]> replay() {
        ByteBuffer h = ByteBuffer.wrap(device.read(start, 1));
        if (h.getInt(0) != HEADER_MAGIC || h.getLong(4) != layout.id.getMostSignificantBits()
                || h.getLong(12) != layout.id.getLeastSignificantBits()) {
            throw new IllegalStateException("the journal header at block " + start + " does not belong to this file system");
        }
        firstSeq = h.getLong(20);
        nextSeq = firstSeq;
        nextPos = 0;
        Map<Long, byte[]> images = new LinkedHashMap<>();
        while (nextPos + 2 <= capacity) {
            ByteBuffer d = ByteBuffer.wrap(device.read(start + 1 + nextPos, 1));
            if (!matches(d, DESCRIPTOR_MAGIC, nextSeq)) {
                break;
            }
            int n = d.getInt(DESCRIPTOR_FIXED - 4);
            if (n < 1 || n > maxBlocks() || nextPos + n + 2 > capacity) {
                break;
            }
            byte[] rest = device.read(start + 1 + nextPos + 1, n + 1);
            ByteBuffer c = ByteBuffer.wrap(rest, n * layout.blockSize, layout.blockSize).slice();
            if (!matches(c, COMMIT_MAGIC, nextSeq) || c.getInt(28) != checksum(d.array(), 0, rest, 0, n)) {
                break;
            }
            for (int i = 0; i < n; i++) {
                long home = d.getLong(DESCRIPTOR_FIXED + 8 * i);
                byte[] image = new byte[layout.blockSize];
                System.arraycopy(rest, i * layout.blockSize, image, 0, layout.blockSize);
                images.remove(home);
                images.put(home, image);
            }
            nextPos += n + 2;
            nextSeq++;
        }
        return images;
    }

    private boolean matches(ByteBuffer b, int magic, long seq) {
        return b.getInt(0) == magic && b.getLong(4) == layout.id.getMostSignificantBits()
                && b.getLong(12) == layout.id.getLeastSignificantBits() && b.getLong(20) == seq;
    }

    /** CRC32C of a descriptor block and the {@code n} images that follow it, contiguous in {@code images}. */
    private int checksum(byte[] descriptor, int descriptorAt, byte[] images, int imagesAt, int n) {
        CRC32C crc = new CRC32C();
        crc.update(descriptor, descriptorAt, layout.blockSize);
        crc.update(images, imagesAt, n * layout.blockSize);
        return (int) crc.getValue();
    }

    /** The same checksum, of a descriptor block and images that are arrays of their own. */
    private int checksum(byte[] descriptor, Iterable<byte[]> images) {
        CRC32C crc = new CRC32C();
        crc.update(descriptor, 0, layout.blockSize);
        for (byte[] image : images) {
            crc.update(image, 0, layout.blockSize);
        }
        return (int) crc.getValue();
    }

    boolean fits(int blocks) {
        return nextPos + blocks + 2 <= capacity;
    }

    boolean isEmpty() {
        return nextPos == 0;
    }

    /**
     * Appends one transaction (not flushed), in one device call with the file data the transaction
     * points to: the data runs first, then the transaction, in that order on the device, as if
     * written one after the other; only data too large to share the call goes ahead in calls of its own.
     * The images go to the device as they are, each a run of its own beside the descriptor and the
     * commit block: they are the cache's committed blocks, never changed once committed (a later
     * transaction changes a copy), so they are not copied into one array first.
     *
     * @param images the blocks it changes and their new content, whole blocks not changed afterwards
     * @param data file data to write before the transaction, in order (may be empty)
     * @throws IllegalStateException if it does not fit: checkpoint first
     */
    void append(Map<Long, byte[]> images, List<BlockWrite> data) {
        int n = images.size();
        if (n < 1 || n > maxBlocks() || !fits(n)) {
            throw new IllegalStateException("a transaction of " + n + " blocks does not fit the journal (" + (capacity - nextPos)
                    + " of " + capacity + " blocks left, at most " + maxBlocks() + " a transaction)");
        }
        int bs = layout.blockSize;
        long at = start + 1 + nextPos;
        List<BlockWrite> record = new ArrayList<>(n + 2);
        ByteBuffer d = ByteBuffer.allocate(bs);
        stamp(d, DESCRIPTOR_MAGIC, nextSeq);
        d.putInt(DESCRIPTOR_FIXED - 4, n);
        record.add(new BlockWrite(at, d.array()));
        int i = 0;
        for (Map.Entry<Long, byte[]> e : images.entrySet()) {
            if (e.getValue().length != bs) {
                throw new IllegalArgumentException("the image of block " + e.getKey() + " is " + e.getValue().length + " bytes, not a block");
            }
            d.putLong(DESCRIPTOR_FIXED + 8 * i, e.getKey());
            record.add(new BlockWrite(at + 1 + i, e.getValue()));
            i++;
        }
        ByteBuffer c = ByteBuffer.allocate(bs);
        stamp(c, COMMIT_MAGIC, nextSeq);
        c.putInt(28, checksum(d.array(), images.values()));
        record.add(new BlockWrite(at + n + 1, c.array()));
        BlockRuns.write(device, data, record);
        nextPos += n + 2;
        nextSeq++;
    }

    private void stamp(ByteBuffer b, int magic, long seq) {
        b.putInt(0, magic).putLong(4, layout.id.getMostSignificantBits()).putLong(12, layout.id.getLeastSignificantBits()).putLong(20, seq);
    }

    /** Starts an empty log after a checkpoint: the header names the next sequence number (not flushed). */
    void reset() {
        firstSeq = nextSeq;
        nextPos = 0;
        device.write(start, header(layout, firstSeq));
    }

    long nextSeq() {
        return nextSeq;
    }

    /** The blocks that can hold transactions. */
    int capacity() {
        return capacity;
    }

    /** The blocks the transactions since the last checkpoint take. */
    int used() {
        return nextPos;
    }

    /** How many transactions the log holds since the last checkpoint. */
    long transactions() {
        return nextSeq - firstSeq;
    }
}
