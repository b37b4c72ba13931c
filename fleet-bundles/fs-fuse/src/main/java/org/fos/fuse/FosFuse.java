package org.fos.fuse;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.FileAttribute;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.fos.fs.api.FileSystemFleet;
import org.fos.fs.api.FsStats;

import jnr.ffi.Pointer;
import ru.serce.jnrfuse.FuseFillDir;
import ru.serce.jnrfuse.FuseStubFS;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.FuseFileInfo;
import ru.serce.jnrfuse.struct.Statvfs;
import ru.serce.jnrfuse.struct.Timespec;

/**
 * The FUSE operations of a fos file system: each a call of the {@code fos:} provider
 * ({@code java.nio.file} on the plain-JVM client's file system), or for truncation and space, of the
 * fleet itself. The kernel resolves paths (it follows symbolic links and checks permissions, the mount
 * being made with {@code default_permissions}), so every operation here is about its last name
 * without following it. An open file is a {@link FileChannel} of the provider: a counted open of its
 * inode, so a file deleted while open lives until its release. Thread-safe: libfuse calls from
 * several threads.
 */
final class FosFuse extends FuseStubFS {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FosFuse.class);
    private static final int O_ACCMODE = 3;
    private static final int O_WRONLY = 1;
    private static final int O_RDWR = 2;
    private static final int O_CREAT = 0100;
    private static final int O_EXCL = 0200;
    private static final int O_TRUNC = 01000;
    private static final int O_APPEND = 02000;
    private static final long UTIME_NOW = (1L << 30) - 1;
    private static final long UTIME_OMIT = (1L << 30) - 2;
    private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};

    private final FileSystem fs;
    private final FileSystemFleet fleet;
    private final long timeoutMillis;
    private final Map<Long, Handle> open = new ConcurrentHashMap<>();
    private final AtomicLong handles = new AtomicLong(1);

    FosFuse(FileSystem fs, FileSystemFleet fleet, long timeoutMillis) {
        this.fs = fs;
        this.fleet = fleet;
        this.timeoutMillis = timeoutMillis;
        utimeOmitOk();
    }

    /**
     * Sets {@code flag_utime_omit_ok} in the operations libfuse 2.9 is given: without it, libfuse calls
     * {@link #utimens} only when both times change, so {@code touch -a} or {@code touch -m} (one time,
     * the other {@code UTIME_OMIT}) did nothing. jnr-fuse declares the C bit fields ({@code
     * flag_nullpath_ok:1, flag_nopath:1, flag_utime_omit_ok:1, flag_reserved:29}, one unsigned int) as
     * padding (a byte each), so the bit is set in the struct's memory: the third from the lowest of the
     * first byte, as GCC lays bit fields out on little-endian machines. The padding's offset is not
     * public in jnr-ffi: it is read by reflection.
     */
    private void utimeOmitOk() {
        try {
            java.lang.reflect.Method offset = Class.forName("jnr.ffi.Struct$Member").getDeclaredMethod("offset");
            offset.setAccessible(true);
            long at = (Long) offset.invoke(fuseOperations.flag_nullpath_ok);
            jnr.ffi.Pointer memory = jnr.ffi.Struct.getMemory(fuseOperations);
            memory.putByte(at, (byte) (memory.getByte(at) | 1 << 2));
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("cannot tell libfuse that this file system takes UTIME_OMIT: touch -a and touch -m will change nothing ({})",
                    e.toString());
        }
    }

    /**
     * An open file: its channel, whether it was opened to write, and for O_APPEND with O_RDWR a second
     * channel that appends (a java.nio channel cannot both read and append).
     */
    private record Handle(FileChannel channel, boolean writes, FileChannel appender) {
        void close() throws IOException {
            try {
                channel.close();
            } finally {
                if (appender != null) {
                    appender.close();
                }
            }
        }
    }

    /** An operation that may fail with what the provider throws. */
    @FunctionalInterface
    private interface Op {
        int run() throws Exception;
    }

    private static int guard(Op op) {
        try {
            return op.run();
        } catch (Exception | LinkageError e) {
            return Errno.of(e);
        }
    }

    private Path path(String path) {
        return fs.getPath(path);
    }

    /**
     * Mounts at {@code mountPoint} and serves on threads of this JVM ({@link FuseLoop}) until the mount is
     * undone; {@link #umount()} undoes it.
     *
     * @param mountPoint the mount point
     * @param options libfuse's options
     * @return 0 once unmounted; else 1 if the mount could not be made, -1 if serving failed
     * @throws InterruptedException if interrupted while serving
     */
    int serve(Path mountPoint, String[] options) throws InterruptedException {
        if (!mounted.compareAndSet(false, true)) {
            throw new IllegalStateException("mounted already at " + this.mountPoint);
        }
        this.mountPoint = mountPoint;
        List<String> args = new ArrayList<>(List.of("fos", "-f"));
        args.addAll(List.of(options));
        args.add(mountPoint.toString());
        try {
            return FuseLoop.serve(args.toArray(new String[0]), mountPoint, fuseOperations);
        } finally {
            mounted.set(false);
        }
    }

    /** Open files, for tests. */
    int openFiles() {
        return open.size();
    }

    // ---------------------------------------------------------------- attributes

    @Override
    public int getattr(String path, FileStat stat) {
        return guard(() -> {
            Map<String, Object> a = Files.readAttributes(path(path), "unix:*", NOFOLLOW);
            stat.st_mode.set((Integer) a.get("mode"));
            stat.st_nlink.set((Integer) a.get("nlink"));
            stat.st_uid.set((Integer) a.get("uid"));
            stat.st_gid.set((Integer) a.get("gid"));
            stat.st_ino.set((Long) a.get("ino"));
            long size = (Long) a.get("size");
            stat.st_size.set(size);
            stat.st_blksize.set(4096);
            stat.st_blocks.set((size + 511) / 512);
            time(stat.st_atim, (FileTime) a.get("lastAccessTime"));
            time(stat.st_mtim, (FileTime) a.get("lastModifiedTime"));
            time(stat.st_ctim, (FileTime) a.get("ctime"));
            return 0;
        });
    }

    private static void time(Timespec t, FileTime time) {
        long nanos = time.to(TimeUnit.NANOSECONDS);
        t.tv_sec.set(Math.floorDiv(nanos, 1_000_000_000L));
        t.tv_nsec.set(Math.floorMod(nanos, 1_000_000_000L));
    }

    @Override
    public int fgetattr(String path, FileStat stat, FuseFileInfo fi) {
        return getattr(path, stat);
    }

    @Override
    public int chmod(String path, long mode) {
        return guard(() -> {
            Files.setAttribute(path(path), "unix:mode", (int) (mode & 07777), NOFOLLOW);
            return 0;
        });
    }

    @Override
    public int chown(String path, long uid, long gid) {
        return guard(() -> {
            int u = (int) uid;
            int g = (int) gid;
            if (u != -1) {
                Files.setAttribute(path(path), "unix:uid", u, NOFOLLOW);
            }
            if (g != -1) {
                Files.setAttribute(path(path), "unix:gid", g, NOFOLLOW);
            }
            return 0;
        });
    }

    @Override
    public int utimens(String path, Timespec[] timespec) {
        return guard(() -> {
            // read tv[2] from the C array itself: two struct timespec of 16 bytes (the Timespec objects jnr-fuse
            // hands over did not carry the second one's values)
            Pointer tv = jnr.ffi.Struct.getMemory(timespec[0]);
            FileTime access = fileTime(tv.getLong(0), tv.getLong(8));
            FileTime modified = fileTime(tv.getLong(16), tv.getLong(24));
            Files.getFileAttributeView(path(path), BasicFileAttributeView.class, NOFOLLOW).setTimes(modified, access, null);
            return 0;
        });
    }

    private static FileTime fileTime(long sec, long nsec) {
        if (nsec == UTIME_OMIT) {
            return null;
        }
        if (nsec == UTIME_NOW) {
            return FileTime.fromMillis(System.currentTimeMillis());
        }
        return FileTime.from(sec * 1_000_000_000L + nsec, TimeUnit.NANOSECONDS);
    }

    @Override
    public int access(String path, int mask) {
        return guard(() -> {
            Files.readAttributes(path(path), "basic:fileKey", NOFOLLOW);
            return 0;
        });
    }

    @Override
    public int statfs(String path, Statvfs stbuf) {
        return guard(() -> {
            FsStats s = fleet.statfs().toCompletableFuture().get(timeoutMillis, TimeUnit.MILLISECONDS);
            stbuf.f_bsize.set(s.blockSize());
            stbuf.f_frsize.set(s.blockSize());
            stbuf.f_blocks.set(s.totalBlocks());
            stbuf.f_bfree.set(s.freeBlocks());
            stbuf.f_bavail.set(s.freeBlocks());
            stbuf.f_files.set(s.totalInodes());
            stbuf.f_ffree.set(s.freeInodes());
            stbuf.f_namemax.set(FileSystemFleet.MAX_NAME_BYTES);
            return 0;
        });
    }

    // ---------------------------------------------------------------- names

    @Override
    public int readdir(String path, Pointer buf, FuseFillDir filter, long offset, FuseFileInfo fi) {
        return guard(() -> {
            filter.apply(buf, ".", null, 0);
            filter.apply(buf, "..", null, 0);
            try (DirectoryStream<Path> s = Files.newDirectoryStream(path(path))) {
                for (Path p : s) {
                    if (filter.apply(buf, p.getFileName().toString(), null, 0) != 0) {
                        break;
                    }
                }
            }
            return 0;
        });
    }

    @Override
    public int mkdir(String path, long mode) {
        return guard(() -> {
            Path p = path(path);
            Files.createDirectory(p, mode(mode));
            own(p);
            return 0;
        });
    }

    /** A new file's permission bits, set-id and sticky bits included, as the provider takes them. */
    private static FileAttribute<Integer> mode(long mode) {
        int bits = (int) (mode & 07777);
        return new FileAttribute<>() {
            @Override
            public String name() {
                return "unix:mode";
            }

            @Override
            public Integer value() {
                return bits;
            }
        };
    }

    /** Gives what the caller made to the caller (the provider makes files as root). */
    private void own(Path p) throws IOException {
        int uid = (int) getContext().uid.get();
        int gid = (int) getContext().gid.get();
        if (uid != 0) {
            Files.setAttribute(p, "unix:uid", uid, NOFOLLOW);
        }
        if (gid != 0) {
            Files.setAttribute(p, "unix:gid", gid, NOFOLLOW);
        }
    }

    @Override
    public int unlink(String path) {
        return guard(() -> {
            Path p = path(path);
            if (Files.isDirectory(p, NOFOLLOW)) {
                return Errno.of(new java.nio.file.FileSystemException(path, null, "Is a directory"));
            }
            Files.delete(p);
            return 0;
        });
    }

    @Override
    public int rmdir(String path) {
        return guard(() -> {
            Path p = path(path);
            if (!Files.isDirectory(p, NOFOLLOW)) {
                return Files.exists(p, NOFOLLOW) ? Errno.of(new java.nio.file.NotDirectoryException(path))
                        : Errno.of(new NoSuchFileException(path));
            }
            Files.delete(p);
            return 0;
        });
    }

    @Override
    public int symlink(String oldpath, String newpath) {
        return guard(() -> {
            Path link = path(newpath);
            Files.createSymbolicLink(link, fs.getPath(oldpath));
            own(link);
            return 0;
        });
    }

    @Override
    public int readlink(String path, Pointer buf, long size) {
        return guard(() -> {
            byte[] target = Files.readSymbolicLink(path(path)).toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            int n = (int) Math.min(target.length, size - 1);
            buf.put(0, target, 0, n);
            buf.putByte(n, (byte) 0);
            return 0;
        });
    }

    @Override
    public int link(String oldpath, String newpath) {
        return guard(() -> {
            Files.createLink(path(newpath), path(oldpath));
            return 0;
        });
    }

    @Override
    public int rename(String oldpath, String newpath) {
        return guard(() -> {
            Files.move(path(oldpath), path(newpath), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return 0;
        });
    }

    // ---------------------------------------------------------------- content

    private static Set<OpenOption> options(int flags) {
        Set<OpenOption> o = new HashSet<>();
        int access = flags & O_ACCMODE;
        if (access == O_WRONLY || access == O_RDWR) {
            o.add(StandardOpenOption.WRITE);
        }
        if (access != O_WRONLY) {
            o.add(StandardOpenOption.READ);
        }
        if ((flags & O_APPEND) != 0 && access != O_RDWR) {
            o.remove(StandardOpenOption.READ);
            o.add(StandardOpenOption.APPEND);
        }
        if ((flags & O_TRUNC) != 0 && (flags & O_APPEND) == 0 && o.contains(StandardOpenOption.WRITE)) {
            o.add(StandardOpenOption.TRUNCATE_EXISTING);
        }
        o.add(LinkOption.NOFOLLOW_LINKS);
        return o;
    }

    private int keep(Path p, FileChannel ch, FuseFileInfo fi) throws IOException {
        FileChannel appender = null;
        int flags = fi.flags.get();
        if ((flags & O_APPEND) != 0 && (flags & O_ACCMODE) == O_RDWR) {
            try {
                appender = FileChannel.open(p, StandardOpenOption.APPEND, LinkOption.NOFOLLOW_LINKS);
            } catch (IOException e) {
                ch.close();
                throw e;
            }
        }
        long h = handles.getAndIncrement();
        open.put(h, new Handle(ch, (flags & O_ACCMODE) != 0, appender));
        fi.fh.set(h);
        return 0;
    }

    @Override
    public int open(String path, FuseFileInfo fi) {
        return guard(() -> keep(path(path), FileChannel.open(path(path), options(fi.flags.get())), fi));
    }

    @Override
    public int create(String path, long mode, FuseFileInfo fi) {
        return guard(() -> {
            int flags = fi.flags.get();
            Set<OpenOption> o = options(flags);
            o.add(StandardOpenOption.WRITE);
            o.add((flags & O_EXCL) != 0 ? StandardOpenOption.CREATE_NEW : StandardOpenOption.CREATE);
            Path p = path(path);
            FileChannel ch = FileChannel.open(p, o, mode(mode));
            if ((flags & O_CREAT) != 0) {
                own(p);
            }
            return keep(p, ch, fi);
        });
    }

    private Handle handle(FuseFileInfo fi) throws IOException {
        Handle h = open.get(fi.fh.get());
        if (h == null) {
            throw new java.nio.channels.ClosedChannelException();
        }
        return h;
    }

    private FileChannel channel(FuseFileInfo fi) throws IOException {
        return handle(fi).channel();
    }

    @Override
    public int read(String path, Pointer buf, long size, long offset, FuseFileInfo fi) {
        return guard(() -> {
            FileChannel ch = channel(fi);
            ByteBuffer b = ByteBuffer.allocate((int) size);
            while (b.hasRemaining()) {
                int n = ch.read(b, offset + b.position());
                if (n < 0) {
                    break;
                }
            }
            buf.put(0, b.array(), 0, b.position());
            return b.position();
        });
    }

    @Override
    public int write(String path, Pointer buf, long size, long offset, FuseFileInfo fi) {
        return guard(() -> {
            Handle h = handle(fi);
            byte[] bytes = new byte[(int) size];
            buf.get(0, bytes, 0, bytes.length);
            if ((fi.flags.get() & O_APPEND) != 0) {
                (h.appender() != null ? h.appender() : h.channel()).write(ByteBuffer.wrap(bytes));
            } else {
                h.channel().write(ByteBuffer.wrap(bytes), offset);
            }
            return bytes.length;
        });
    }

    @Override
    public int truncate(String path, long size) {
        // through the file system, not the fleet, so that its cache of attributes takes the new size in
        return guard(() -> {
            try (FileChannel ch = FileChannel.open(path(path), StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                resize(ch, size);
            }
            return 0;
        });
    }

    /**
     * ftruncate(2) of an open file: its own channel when it writes, without opening the file again
     * (the open and the close of {@link #truncate} are two calls of the fleet more); the file by its path
     * otherwise.
     */
    @Override
    public int ftruncate(String path, long size, FuseFileInfo fi) {
        Handle h = open.get(fi.fh.get());
        if (h == null || !h.writes()) {
            return truncate(path, size);
        }
        return guard(() -> {
            resize(h.channel(), size);
            return 0;
        });
    }

    /**
     * Gives a file the size asked: POSIX truncate also grows (with zeros), which FileChannel.truncate
     * does not: a zero written at size - 1 does, and what lies between reads as zeros (a hole).
     */
    private static void resize(FileChannel ch, long size) throws IOException {
        long now = ch.size();
        if (size < now) {
            ch.truncate(size);
        } else if (size > now) {
            ch.write(ByteBuffer.allocate(1), size - 1);
        }
    }

    @Override
    public int flush(String path, FuseFileInfo fi) {
        return 0;
    }

    @Override
    public int fsync(String path, int isdatasync, FuseFileInfo fi) {
        return guard(() -> {
            channel(fi).force(isdatasync == 0);
            return 0;
        });
    }

    @Override
    public int release(String path, FuseFileInfo fi) {
        return guard(() -> {
            Handle h = open.remove(fi.fh.get());
            if (h != null) {
                h.close();
            }
            return 0;
        });
    }
}
