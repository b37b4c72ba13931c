package org.fos.fs.client;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.Arrays;

import org.fos.fs.api.Attributes;
import org.fos.fs.api.FileSystemFleet;

/**
 * An open fos file: a counted open of its inode (a file deleted while this channel is open lives on
 * until it closes), named by inode and generation, so that it never reaches another file that got
 * the inode number later. Every write is sent before {@code write} returns, so every other open
 * sees it then; an APPEND write is one append call (or, past {@value #RUN_BYTES} bytes, a
 * reservation of its place and writes into it), so concurrent appends never interleave within one
 * write. {@link #force(boolean)} makes the file system durable (fsync). Thread-safe: calls are
 * serialized on the channel.
 */
final class FosFileChannel extends FileChannel {
    /**
     * The most bytes one read or write call moves: half of the fleet's {@link FileSystemFleet#MAX_IO_BYTES},
     * so that a call and its reply fit a message to another node (the kernel's
     * {@code maxRemotePayloadBytes}, 1000000 by default, and the transport's 1 MiB frame) when the
     * file system is on another node than its client.
     */
    static final int RUN_BYTES = 512 << 10;

    private final FosFileSystem fs;
    private final FosPath path;
    private final long inode;
    private final int group;
    private final int generation;
    private final boolean readable;
    private final boolean writable;
    private final boolean append;
    private final boolean sync;
    private final Runnable onClose;
    private long position;
    /** The file's first bytes under the lease its open was granted, null when none or once it ended. */
    private LeaseCache.Head head;

    FosFileChannel(FosFileSystem fs, FosPath path, long inode, int generation, boolean readable, boolean writable, boolean append,
            boolean sync, Runnable onClose, LeaseCache.Head head) {
        this.fs = fs;
        this.path = path;
        this.inode = inode;
        this.group = FileSystemFleet.groupOf(inode);
        this.generation = generation;
        this.readable = readable;
        this.writable = writable;
        this.append = append;
        this.sync = sync;
        this.onClose = onClose;
        this.head = head;
    }

    private FileSystemFleet server() {
        return fs.server();
    }

    long inode() {
        return inode;
    }

    int generation() {
        return generation;
    }

    int group() {
        return group;
    }

    FosPath path() {
        return path;
    }

    @Override
    public synchronized int read(ByteBuffer dst) throws IOException {
        int n = read(dst, position);
        if (n > 0) {
            position += n;
        }
        return n;
    }

    @Override
    public synchronized int read(ByteBuffer dst, long at) throws IOException {
        ensureOpen();
        if (!readable) {
            throw new NonReadableChannelException();
        }
        if (at < 0) {
            throw new IllegalArgumentException("position must not be negative, was " + at);
        }
        if (!dst.hasRemaining()) {
            return 0;
        }
        int cached = fromHead(dst, at);
        if (cached != 0) {
            return cached;
        }
        int want = Math.min(dst.remaining(), RUN_BYTES);
        byte[] data = fs.await(() -> server().read(group, inode, generation, at, want), path);
        if (data.length == 0) {
            return -1;
        }
        dst.put(data);
        return data.length;
    }

    /**
     * Reads from the file's first bytes while their lease lasts: answers how many it put into
     * {@code dst}, -1 at the end of a file they hold whole, 0 if the member must be asked.
     */
    private int fromHead(ByteBuffer dst, long at) {
        LeaseCache.Head h = head;
        if (h == null) {
            return 0;
        }
        byte[] b = h.bytes();
        if (at >= b.length && !h.whole()) {
            return 0;
        }
        if (!fs.holds(h)) {
            head = null;
            return 0;
        }
        if (at >= b.length) {
            return -1;
        }
        int n = Math.min(dst.remaining(), b.length - (int) at);
        dst.put(b, (int) at, n);
        return n;
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        long total = 0;
        for (int i = offset; i < offset + length; i++) {
            int n = read(dsts[i]);
            if (n < 0) {
                return total == 0 ? -1 : total;
            }
            total += n;
            if (dsts[i].hasRemaining()) {
                break;
            }
        }
        return total;
    }

    @Override
    public synchronized int write(ByteBuffer src) throws IOException {
        ensureWritable();
        byte[] bytes = new byte[src.remaining()];
        src.get(bytes);
        if (append) {
            position = appendAll(bytes);
        } else {
            writeAt(bytes, position);
            position += bytes.length;
        }
        if (sync) {
            fs.await(() -> server().fsync(group, inode), path);
        }
        return bytes.length;
    }

    /** Appends in one call, or reserves the place first if the bytes take more than one; returns the end. */
    private long appendAll(byte[] bytes) throws IOException {
        if (bytes.length <= RUN_BYTES) {
            return fs.await(() -> server().append(group, inode, generation, bytes), path);
        }
        long at = fs.await(() -> server().reserve(group, inode, generation, bytes.length), path);
        writeAt(bytes, at);
        return at + bytes.length;
    }

    private void writeAt(byte[] bytes, long at) throws IOException {
        int done = 0;
        do {
            int n = Math.min(RUN_BYTES, bytes.length - done);
            byte[] part = done == 0 && n == bytes.length ? bytes : Arrays.copyOfRange(bytes, done, done + n);
            long where = at + done;
            fs.await(() -> server().write(group, inode, generation, where, part), path);
            done += n;
        } while (done < bytes.length);
    }

    @Override
    public synchronized int write(ByteBuffer src, long at) throws IOException {
        ensureWritable();
        if (at < 0) {
            throw new IllegalArgumentException("position must not be negative, was " + at);
        }
        byte[] bytes = new byte[src.remaining()];
        src.get(bytes);
        writeAt(bytes, at);
        if (sync) {
            fs.await(() -> server().fsync(group, inode), path);
        }
        return bytes.length;
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        int total = 0;
        for (int i = offset; i < offset + length; i++) {
            total += srcs[i].remaining();
        }
        ByteBuffer all = ByteBuffer.allocate(total);
        for (int i = offset; i < offset + length; i++) {
            all.put(srcs[i]);
        }
        all.flip();
        return write(all);
    }

    @Override
    public synchronized long position() throws IOException {
        ensureOpen();
        return append ? size() : position;
    }

    @Override
    public synchronized FileChannel position(long newPosition) throws IOException {
        ensureOpen();
        if (newPosition < 0) {
            throw new IllegalArgumentException("position must not be negative, was " + newPosition);
        }
        position = newPosition;
        return this;
    }

    @Override
    public synchronized long size() throws IOException {
        ensureOpen();
        Attributes cached = fs.cachedAttributes(inode);
        if (cached != null && cached.generation() == generation) {
            return cached.size();
        }
        return fs.await(() -> server().stat(group, inode), path).size();
    }

    @Override
    public synchronized FileChannel truncate(long size) throws IOException {
        ensureWritable();
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative, was " + size);
        }
        if (size < size()) {
            fs.await(() -> server().truncate(group, inode, generation, size), path);
        }
        position = Math.min(position, size);
        return this;
    }

    @Override
    public synchronized void force(boolean metaData) throws IOException {
        ensureOpen();
        fs.await(() -> server().fsync(group, inode), path);
    }

    @Override
    public long transferTo(long at, long count, WritableByteChannel target) throws IOException {
        long done = 0;
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(RUN_BYTES, Math.max(1, count)));
        while (done < count) {
            buf.clear().limit((int) Math.min(buf.capacity(), count - done));
            int n = read(buf, at + done);
            if (n <= 0) {
                break;
            }
            buf.flip();
            while (buf.hasRemaining()) {
                target.write(buf);
            }
            done += n;
        }
        return done;
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long at, long count) throws IOException {
        long done = 0;
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(RUN_BYTES, Math.max(1, count)));
        while (done < count) {
            buf.clear().limit((int) Math.min(buf.capacity(), count - done));
            int n = src.read(buf);
            if (n <= 0) {
                break;
            }
            buf.flip();
            done += write(buf, at + done);
        }
        return done;
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long at, long size) {
        throw new UnsupportedOperationException("fos files cannot be memory-mapped through java.nio (a MappedByteBuffer needs"
                + " an operating-system file); programs on a FUSE mount (bin/fos-mount) can mmap them");
    }

    @Override
    public FileLock lock(long at, long size, boolean shared) throws IOException {
        ensureOpen();
        checkLockMode(shared);
        return fs.locks().lock(this, at, size, shared, true);
    }

    @Override
    public FileLock tryLock(long at, long size, boolean shared) throws IOException {
        ensureOpen();
        checkLockMode(shared);
        return fs.locks().lock(this, at, size, shared, false);
    }

    private void checkLockMode(boolean shared) {
        if (shared && !readable) {
            throw new NonReadableChannelException();
        }
        if (!shared && !writable) {
            throw new NonWritableChannelException();
        }
    }

    private void ensureWritable() throws IOException {
        ensureOpen();
        if (!writable) {
            throw new NonWritableChannelException();
        }
    }

    private void ensureOpen() throws IOException {
        if (!isOpen()) {
            throw new ClosedChannelException();
        }
    }

    /**
     * Ends the open without waiting for the member's answer: the close message goes to the member
     * that owns the file before any later call of this client about the file, so nothing later sees
     * it open. A close the member let go (a live upgrade) is sent once more; a close that is lost
     * leaves a file deleted while open until its group is next loaded.
     */
    @Override
    protected void implCloseChannel() throws IOException {
        head = null;
        fs.locks().releaseAll(this);
        try {
            server().close(group, inode, generation).whenComplete((v, e) -> {
                if (e != null) {
                    try {
                        server().close(group, inode, generation);
                    } catch (IOException | RuntimeException lost) {
                        // the file, if deleted while open, is freed when its group is next loaded
                    }
                }
            });
        } catch (IOException | RuntimeException e) {
            throw Remote.translate(e, path.toString(), null);
        } finally {
            if (onClose != null) {
                onClose.run();
            }
        }
    }
}
