package org.fos.fuse;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.Struct;
import jnr.ffi.byref.IntByReference;
import jnr.ffi.byref.PointerByReference;
import ru.serce.jnrfuse.struct.FuseBuf;
import ru.serce.jnrfuse.struct.FuseOperations;

/**
 * libfuse's request loop run by Java threads: what {@code fuse_main} does with its own threads
 * ({@code fuse_setup}, then workers that each take a request from the kernel and process it, then
 * {@code fuse_teardown}), so that the file system's operations are called on threads the JVM knows.
 * <p>
 * Called on libfuse's threads, each operation attached its thread to the JVM and detached it again
 * (jffi does so for a native thread it finds unattached): every request made a new
 * {@code java.lang.Thread}, and whatever the client keeps per thread (Netty's buffer caches, the
 * kernel's per-thread state) was built again. fsx's 20,000 operations took 38 to 40 s on libfuse's
 * threads, 26 to 29 s on one attached thread (libfuse's {@code -s}), which gives up concurrency.
 * Here a worker is started whenever a request finds no other worker waiting, as libfuse's loop does,
 * up to {@value #MAX_WORKERS}; workers stay for the life of the mount.
 */
final class FuseLoop {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FuseLoop.class);
    /** At most this many requests are processed at once (libfuse's loop has no bound). */
    static final int MAX_WORKERS = 16;
    private static final int EINTR = 4;

    /** The part of libfuse 2.9 the loop needs. */
    public interface Lib {
        Pointer fuse_setup(int argc, String[] argv, FuseOperations op, long opSize, PointerByReference mountpoint,
                IntByReference multithreaded, Pointer userData);

        void fuse_teardown(Pointer fuse, Pointer mountpoint);

        Pointer fuse_get_session(Pointer fuse);

        Pointer fuse_session_next_chan(Pointer session, Pointer channel);

        long fuse_chan_bufsize(Pointer channel);

        int fuse_session_receive_buf(Pointer session, Pointer buf, PointerByReference channel);

        void fuse_session_process_buf(Pointer session, Pointer buf, Pointer channel);

        int fuse_session_exited(Pointer session);

        void fuse_session_exit(Pointer session);
    }

    private final Lib lib;
    private final Runtime runtime;
    private final Pointer session;
    private final Pointer channel;
    private final int bufferSize;
    private final Path mountPoint;
    private final AtomicInteger waiting = new AtomicInteger();
    private final List<Thread> workers = new ArrayList<>();
    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile int failed;

    private FuseLoop(Lib lib, Path mountPoint, Pointer session, Pointer channel, int bufferSize) {
        this.lib = lib;
        this.mountPoint = mountPoint;
        this.runtime = Runtime.getRuntime(lib);
        this.session = session;
        this.channel = channel;
        this.bufferSize = bufferSize;
    }

    /**
     * Mounts with libfuse's arguments (as {@code fuse_main} takes them) and serves requests until the
     * mount is undone.
     *
     * @param args the arguments: the program name, options, the mount point (the last)
     * @param mountPoint the mount point
     * @param operations the file system's operations
     * @return 0 once unmounted, else what failed: 1 if the mount could not be made, -1 if reading a request failed
     * @throws InterruptedException if interrupted while the workers run
     */
    static int serve(String[] args, Path mountPoint, FuseOperations operations) throws InterruptedException {
        Lib lib = LibraryLoader.create(Lib.class).failImmediately().load("fuse");
        PointerByReference mountpoint = new PointerByReference();
        Pointer fuse = lib.fuse_setup(args.length, args, operations, Struct.size(operations), mountpoint, new IntByReference(), null);
        if (fuse == null) {
            return 1;
        }
        try {
            Pointer session = lib.fuse_get_session(fuse);
            Pointer channel = lib.fuse_session_next_chan(session, null);
            FuseLoop loop = new FuseLoop(lib, mountPoint, session, channel, (int) lib.fuse_chan_bufsize(channel));
            return loop.run();
        } finally {
            lib.fuse_teardown(fuse, mountpoint.getValue());
        }
    }

    /**
     * Starts the first worker and waits for the session to end: the mount undone (every worker's read
     * of the next request ends; SIGTERM and Ctrl-C do it through the JVM's shutdown hook, whose handlers
     * {@code fuse_setup} leaves in place), the session ended by a handler libfuse did install, or a
     * failure (one worker ends). Then the mount is undone if it is not yet, so that the workers still waiting for a
     * request stop too, and they are waited for before the caller tears the session down.
     */
    private int run() throws InterruptedException {
        startWorker();
        // libfuse's own signal handler ends the session without waking the workers that wait for a request
        while (!ended.await(200, TimeUnit.MILLISECONDS) && lib.fuse_session_exited(session) == 0) {
            // serving
        }
        if (mounted(mountPoint)) {
            unmountLazily(mountPoint);
        }
        for (Thread t : snapshot()) {
            t.join(TimeUnit.SECONDS.toMillis(10));
            if (t.isAlive()) {
                LOG.warn("the FUSE worker {} did not end within 10 s of the unmount", t.getName());
            }
        }
        return failed;
    }

    /** Whether a file system is mounted at the path, by {@code /proc/mounts} (its paths escape white space octally). */
    private static boolean mounted(Path at) {
        String escaped = at.toString().replace("\\", "\\134").replace(" ", "\\040").replace("\t", "\\011").replace("\n", "\\012");
        try (var lines = java.nio.file.Files.lines(Path.of("/proc/mounts"))) {
            return lines.map(l -> l.split(" ")).anyMatch(f -> f.length > 1 && f[1].equals(escaped));
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            return false;
        }
    }

    /** {@code fusermount -u -z}: detaches the mount at once; its output goes nowhere. */
    private static void unmountLazily(Path at) throws InterruptedException {
        try {
            Process p = new ProcessBuilder("fusermount", "-u", "-z", at.toString()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                LOG.warn("fusermount -u -z {} did not end within 30 s", at);
            }
        } catch (java.io.IOException e) {
            LOG.warn("cannot run fusermount -u -z {}: {}", at, e.toString());
        }
    }

    private List<Thread> snapshot() {
        synchronized (workers) {
            return new ArrayList<>(workers);
        }
    }

    private void startWorker() {
        synchronized (workers) {
            if (workers.size() >= MAX_WORKERS || lib.fuse_session_exited(session) != 0) {
                return;
            }
            Thread t = new Thread(this::work, "fos-fuse-" + (workers.size() + 1));
            t.setDaemon(true);
            workers.add(t);
            waiting.incrementAndGet();
            t.start();
        }
    }

    /** Takes requests from the kernel and processes them until the session ends (the mount is undone). */
    private void work() {
        Pointer data = Memory.allocateDirect(runtime, bufferSize);
        // struct fuse_buf, which libfuse reads the request's size and memory from; FuseBuf.of only lays the struct over memory
        Pointer bufMemory = Memory.allocateDirect(runtime, Struct.size(FuseBuf.of(data)), true);
        FuseBuf buf = FuseBuf.of(bufMemory);
        try {
            while (lib.fuse_session_exited(session) == 0) {
                buf.size.set(bufferSize);
                buf.mem.set(data);
                buf.fd.set(-1);
                buf.pos.set(0);
                PointerByReference channelOut = new PointerByReference(channel);
                int n = lib.fuse_session_receive_buf(session, bufMemory, channelOut);
                if (n == -EINTR) {
                    continue;
                }
                if (n <= 0) {
                    if (n < 0) {
                        failed = -1;
                        LOG.warn("reading a FUSE request failed (errno {}): the mount ends", -n);
                    }
                    lib.fuse_session_exit(session);
                    break;
                }
                if (waiting.decrementAndGet() == 0) {
                    startWorker(); // nobody is left to take the next request while this one runs
                }
                try {
                    lib.fuse_session_process_buf(session, bufMemory, channelOut.getValue());
                } finally {
                    waiting.incrementAndGet();
                }
            }
        } catch (RuntimeException | Error e) {
            failed = -1;
            LOG.error("the FUSE worker {} failed: the mount ends", Thread.currentThread().getName(), e);
            lib.fuse_session_exit(session);
        } finally {
            ended.countDown();
        }
    }
}
