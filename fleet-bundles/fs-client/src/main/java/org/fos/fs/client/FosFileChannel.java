package org.fos.fs.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

import org.fos.fs.api.FileSystemFleet;

/**
 * An open fos file. Reads go to the file's member; sequential writes are gathered into runs of up
 * to {@value #RUN_BYTES} bytes and sent as one call (before any read, seek, size, truncate, force or
 * close), so that streaming a large file costs few messages. {@link #force(boolean)} makes the file
 * system durable (fsync). Not thread-safe for concurrent writers, like most channels in practice:
 * position-less methods are synchronized.
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
    private final boolean readable;
    private final boolean writable;
    private final boolean append;
    private final boolean sync;
    private long position;
    private final ByteArrayOutputStream run = new ByteArrayOutputStream();
    private long runStart = -1;

    FosFileChannel(FosFileSystem fs, FosPath path, long inode, boolean readable, boolean writable, boolean append, boolean sync) {
        this.fs = fs;
        this.path = path;
        this.inode = inode;
        this.group = FileSystemFleet.groupOf(inode);
        this.readable = readable;
        this.writable = writable;
        this.append = append;
        this.sync = sync;
    }

    private FileSystemFleet server() {
        return fs.server();
    }

    private synchronized void drain() throws IOException {
        if (runStart < 0) {
            return;
        }
        byte[] data = run.toByteArray();
        long at = runStart;
        run.reset();
        runStart = -1;
        for (int done = 0; done < data.length; done += RUN_BYTES) {
            byte[] part = done == 0 && data.length <= RUN_BYTES ? data
                    : java.util.Arrays.copyOfRange(data, done, Math.min(data.length, done + RUN_BYTES));
            long where = at + done;
            if (append) {
                fs.await(() -> server().append(group, inode, part), path);
            } else {
                fs.await(() -> server().write(group, inode, where, part), path);
            }
        }
        if (sync) {
            fs.await(() -> server().fsync(group, inode), path);
        }
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
        drain();
        if (!dst.hasRemaining()) {
            return 0;
        }
        int want = Math.min(dst.remaining(), RUN_BYTES);
        byte[] data = fs.await(() -> server().read(group, inode, at, want), path);
        if (data.length == 0) {
            return -1;
        }
        dst.put(data);
        return data.length;
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
        int n = src.remaining();
        if (append && runStart < 0) {
            runStart = 0;
        } else if (!append && runStart >= 0 && runStart + run.size() != position) {
            drain();
        }
        if (runStart < 0) {
            runStart = position;
        }
        byte[] bytes = new byte[n];
        src.get(bytes);
        run.write(bytes, 0, n);
        if (!append) {
            position += n;
        }
        if (run.size() >= RUN_BYTES || sync) {
            drain();
        }
        return n;
    }

    @Override
    public synchronized int write(ByteBuffer src, long at) throws IOException {
        ensureWritable();
        drain();
        byte[] bytes = new byte[src.remaining()];
        src.get(bytes);
        int done = 0;
        while (done < bytes.length) {
            int n = Math.min(RUN_BYTES, bytes.length - done);
            byte[] part = java.util.Arrays.copyOfRange(bytes, done, done + n);
            long where = at + done;
            fs.await(() -> server().write(group, inode, where, part), path);
            done += n;
        }
        return bytes.length;
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        long total = 0;
        for (int i = offset; i < offset + length; i++) {
            total += write(srcs[i]);
        }
        return total;
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
        drain();
        return fs.await(() -> server().stat(group, inode), path).size();
    }

    @Override
    public synchronized FileChannel truncate(long size) throws IOException {
        ensureWritable();
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative, was " + size);
        }
        drain();
        if (size < size()) {
            fs.await(() -> server().truncate(group, inode, size), path);
        }
        position = Math.min(position, size);
        return this;
    }

    @Override
    public synchronized void force(boolean metaData) throws IOException {
        ensureOpen();
        drain();
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
        throw new UnsupportedOperationException("fos files cannot be memory-mapped");
    }

    @Override
    public FileLock lock(long at, long size, boolean shared) {
        throw new UnsupportedOperationException("fos files have no locks");
    }

    @Override
    public FileLock tryLock(long at, long size, boolean shared) {
        throw new UnsupportedOperationException("fos files have no locks");
    }

    private void ensureWritable() throws IOException {
        ensureOpen();
        if (!writable) {
            throw new NonWritableChannelException();
        }
    }

    private void ensureOpen() throws IOException {
        if (!isOpen()) {
            throw new java.nio.channels.ClosedChannelException();
        }
    }

    @Override
    protected void implCloseChannel() throws IOException {
        drain();
    }
}
