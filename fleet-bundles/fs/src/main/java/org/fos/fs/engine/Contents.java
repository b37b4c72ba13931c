package org.fos.fs.engine;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.fos.block.api.BlockDevice;
import org.fos.block.api.BlockWrite;
import org.fos.fs.api.FileSystemFleet;

/**
 * The content of a group's files: reads from the member's {@link DataCache}, the rest in contiguous runs from the device, writes in place or
 * into new blocks (written before the transaction that names them commits: ordered mode), and
 * truncation in steps that each fit a journal transaction. Not thread-safe.
 */
final class Contents {
    private final GroupStore store;
    private final Layout layout;
    private final BlockDevice device;

    Contents(GroupStore store) {
        this.store = store;
        this.layout = store.layout;
        this.device = store.device;
    }

    private static void checkIo(long offset, int length) {
        if (offset < 0) {
            throw new IllegalArgumentException("offset must not be negative, was " + offset);
        }
        if (length < 0 || length > FileSystemFleet.MAX_IO_BYTES) {
            throw new IllegalArgumentException("length must be from 0 to " + FileSystemFleet.MAX_IO_BYTES + ", was " + length);
        }
    }

    private FileSystemException tooLarge(long inode) {
        return new FileSystemException(FsErrors.where(inode), null, "a file cannot grow past " + store.maps.maxBytes() + " bytes");
    }

    byte[] read(long inode, int generation, long offset, int length) throws NoSuchFileException, FileSystemException {
        checkIo(offset, length);
        Tx ro = store.reading();
        Inode f = store.file(ro, inode, generation);
        if (offset >= f.size || length == 0) {
            return new byte[0];
        }
        int n = (int) Math.min(length, f.size - offset);
        int bs = layout.blockSize;
        if (n == bs && offset % bs == 0) {
            return wholeBlock(ro, f, offset / bs);
        }
        byte[] out = new byte[n];
        long first = offset / bs;
        long last = (offset + n - 1) / bs;
        long runStart = 0;
        long runFirstIndex = 0;
        int runLength = 0;
        for (long i = first; i <= last + 1; i++) {
            long p = i <= last ? store.maps.map(ro, f, i, false, new boolean[1]) : 0;
            byte[] cached = p == 0 ? null : store.data.get(p);
            boolean runEnds = p == 0 || cached != null || p != runStart + runLength || runLength * bs >= BlockDevice.MAX_TRANSFER_BYTES;
            if (runLength > 0 && runEnds) {
                byte[] run = device.read(runStart, runLength);
                store.data.put(runStart, run);
                copyRun(run, runFirstIndex, offset, out);
                runLength = 0;
            }
            if (cached != null) {
                copyRun(cached, i, offset, out);
            } else if (p != 0) {
                if (runLength == 0) {
                    runStart = p;
                    runFirstIndex = i;
                }
                runLength++;
            }
        }
        return out;
    }

    /**
     * One whole block of a file, by reference: the cache's array, which nobody changes (a write puts a new
     * one in its place), or the array the device answered, which the cache copied. A hole reads as zeros.
     */
    private byte[] wholeBlock(Tx ro, Inode f, long index) throws FileSystemException {
        long p = store.maps.map(ro, f, index, false, new boolean[1]);
        if (p == 0) {
            return new byte[layout.blockSize];
        }
        byte[] cached = store.data.get(p);
        if (cached != null) {
            return cached;
        }
        byte[] block = device.read(p, 1);
        store.data.put(p, block);
        return block;
    }

    private void copyRun(byte[] run, long firstIndex, long offset, byte[] out) {
        long runOffset = firstIndex * layout.blockSize;
        long from = Math.max(offset, runOffset);
        long to = Math.min(offset + out.length, runOffset + run.length);
        System.arraycopy(run, (int) (from - runOffset), out, (int) (from - offset), (int) (to - from));
    }

    /**
     * Writes bytes (at {@code offset}, or at the end if {@code append}) in one transaction.
     *
     * @return the size afterwards
     * @throws Allocator.NeedBlocks if the group is full: nothing was written, the caller borrows blocks and tries again
     */
    long write(long inode, int generation, long offset, byte[] data, boolean append, long now)
            throws NoSuchFileException, FileSystemException {
        if (data == null) {
            throw new IllegalArgumentException("data is missing");
        }
        checkIo(Math.max(0, offset), data.length);
        return store.inTx(tx -> {
            Inode f = store.file(tx, inode, generation);
            long at = append ? f.size : offset;
            if (at + data.length > store.maps.maxBytes()) {
                throw tooLarge(inode);
            }
            int bs = layout.blockSize;
            List<BlockWrite> runs = new ArrayList<>();
            long runStart = -1;
            ByteArrayOutputStream run = new ByteArrayOutputStream();
            long first = at / bs;
            long last = data.length == 0 ? first - 1 : (at + data.length - 1) / bs;
            for (long i = first; i <= last; i++) {
                boolean[] fresh = new boolean[1];
                long p = store.maps.map(tx, f, i, true, fresh);
                long blockOffset = i * bs;
                int from = (int) Math.max(0, at - blockOffset);
                int to = (int) Math.min(bs, at + data.length - blockOffset);
                byte[] content;
                if ((from == 0 && to == bs) || fresh[0]) {
                    content = new byte[bs];
                } else {
                    byte[] cached = store.data.get(p);
                    content = cached != null ? cached.clone() : device.read(p, 1);
                }
                System.arraycopy(data, (int) (blockOffset + from - at), content, from, to - from);
                if (runStart >= 0 && (p != runStart + run.size() / bs || run.size() + bs > BlockDevice.MAX_TRANSFER_BYTES / 2)) {
                    runs.add(new BlockWrite(runStart, run.toByteArray()));
                    run.reset();
                    runStart = -1;
                }
                if (runStart < 0) {
                    runStart = p;
                }
                run.write(content, 0, bs);
            }
            if (runStart >= 0) {
                runs.add(new BlockWrite(runStart, run.toByteArray()));
            }
            f.size = Math.max(f.size, at + data.length);
            f.modified = now;
            f.changed = now;
            store.put(tx, f);
            tx.data.addAll(runs);
            return f.size;
        });
    }

    /** Grows a file by {@code length} bytes that read as zeros; returns where they start. */
    long reserve(long inode, int generation, long length, long now) throws FileSystemException {
        if (length < 0) {
            throw new IllegalArgumentException("length must not be negative, was " + length);
        }
        return store.inTx(tx -> {
            Inode f = store.file(tx, inode, generation);
            long at = f.size;
            if (at + length > store.maps.maxBytes()) {
                throw tooLarge(inode);
            }
            f.size = at + length;
            f.modified = now;
            f.changed = now;
            store.put(tx, f);
            return at;
        });
    }

    /**
     * Sets a file's size. Shrinking frees blocks from the end in steps of at most
     * {@link FileMap#stepBlocks()} blocks, each step its own transaction that leaves a consistent file
     * of the step's size, so that a file of any size can be cut or freed (a crash between steps leaves
     * a shorter file, or an orphan that is freed at the next load).
     */
    void truncate(long inode, int generation, long size, long now) throws NoSuchFileException, FileSystemException {
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative, was " + size);
        }
        if (size > store.maps.maxBytes()) {
            throw tooLarge(inode);
        }
        int bs = layout.blockSize;
        long target = (size + bs - 1) / bs;
        while (true) {
            boolean done = store.inTx(tx -> {
                Inode f = store.file(tx, inode, generation);
                long end = (f.size + bs - 1) / bs;
                if (size >= f.size) {
                    f.size = size;
                    f.modified = now;
                    f.changed = now;
                    store.put(tx, f);
                    return true;
                }
                long from = Math.max(target, end - store.maps.stepBlocks());
                store.maps.freeFrom(tx, f, from);
                boolean last = from == target;
                if (last && size % bs != 0) {
                    long p = store.maps.map(tx, f, size / bs, false, new boolean[1]);
                    if (p != 0) {
                        byte[] cached = store.data.get(p);
                        byte[] b = cached != null ? cached.clone() : device.read(p, 1);
                        Arrays.fill(b, (int) (size % bs), bs, (byte) 0);
                        tx.data.add(new BlockWrite(p, b));
                    }
                }
                f.size = last ? size : from * bs;
                f.modified = now;
                f.changed = now;
                store.put(tx, f);
                return last;
            });
            if (done) {
                return;
            }
        }
    }

    /** Frees an inode with no links: its blocks in steps that each fit a transaction, then the inode. */
    void free(long inode, long now) throws FileSystemException {
        Inode i = store.inode(store.reading(), inode);
        if (!i.isOrphan()) {
            return;
        }
        if (!i.isDirectory()) {
            truncate(inode, -1, 0, now);
        }
        store.inTx(tx -> {
            Inode f = store.inode(tx, inode);
            store.maps.freeFrom(tx, f, 0);
            store.alloc.freeInode(tx, inode);
            Inode free = new Inode(inode);
            free.generation = f.generation;
            store.put(tx, free);
            return null;
        });
    }

    /** Frees every orphan of the group that no open holds (at load: files deleted while open before a crash). */
    int freeOrphans(java.util.function.LongPredicate isOpen, long now) throws FileSystemException {
        int freed = 0;
        Tx ro = store.begin();
        for (int idx = 1; idx < layout.inodesPerGroup; idx++) {
            long n = Layout.inode(store.group, idx);
            if (store.alloc.inodeAllocated(ro, idx) && store.inode(ro, n).isOrphan() && !isOpen.test(n)) {
                free(n, now);
                freed++;
            }
        }
        return freed;
    }

    /** The target of a symbolic link: its content. */
    String readlink(long inode) throws FileSystemException {
        Inode l = store.existing(store.reading(), inode);
        if (!l.isSymlink()) {
            throw new FileSystemException(FsErrors.where(inode), null, "is not a symbolic link");
        }
        return new String(read(inode, -1, 0, (int) l.size), StandardCharsets.UTF_8);
    }
}
