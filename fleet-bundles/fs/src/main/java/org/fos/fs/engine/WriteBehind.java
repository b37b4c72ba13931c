package org.fos.fs.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.fos.block.api.BlockDevice;
import org.fos.block.api.BlockWrite;
import org.fos.block.api.DeviceStats;
import org.fos.block.api.Geometry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A member's device, written behind: a write is sent to the device without waiting for it to be
 * done, and a flush waits for the device and for every write sent before it (ADR 0106).
 * <p>
 * The device serves one caller's calls in the order they were sent, so a later read sees an
 * earlier write and a flush makes every earlier write durable, as if each write had been waited
 * for. What changes is when a failed write is known: not by the call that sent it but by the next
 * call after its answer came, and at the latest by the next flush. The first failure is kept:
 * from then on every call of this member's device fails with it, a flush included, and the file
 * system takes no more changes (as a Linux file system whose journal aborted), since what the member
 * holds in memory may no longer be what the device holds. Restarting the member reads the device
 * again and replays its journal.
 * <p>
 * A member that may keep its writes ({@code keepNanos} above zero) does not send each change's
 * writes at once: it keeps them and sends them together (a group commit, as a Linux journal's),
 * once they have waited {@code keepNanos}, once they reach {@value #MAX_KEPT_BYTES} bytes, before
 * any read or flush of the device (so the device still serves them in order before the read), when
 * the member hands on its state and when it stops (ADR 0117). The device's thread then wakes once
 * for many changes instead of once for each, and takes no core from the member and its callers in
 * between. The cost: a change that returned waits up to {@code keepNanos} in the member before it is
 * on its way, so a kill -9 of the node loses that much more of what was not fsynced.
 * <p>
 * The member thread writes, reads and flushes; a timer thread of this object sends kept writes
 * that have waited long enough, and a stop or an upgrade may send them from another thread: the
 * kept writes and their sending are guarded by one lock, so a call sent after a send of kept
 * writes reaches the device after them. The answers of the writes come back on whatever thread
 * delivers them (the proxy's replies are direct), which only counts them and keeps a failure.
 */
final class WriteBehind implements BlockDevice, AutoCloseable {
    /** The most bytes of writes a member keeps before it sends them, however long it may keep them. */
    static final int MAX_KEPT_BYTES = 1 << 20;
    /** How long the timer thread stays without kept writes to send before it ends (a new one starts when needed). */
    private static final long TIMER_IDLE_SECONDS = 10;
    private static final Logger LOG = LoggerFactory.getLogger(WriteBehind.class);

    private final BlockDevice device;
    private final String deviceName;
    private final long timeoutNanos;
    /** Writes sent and not answered yet. */
    private final AtomicLong unanswered = new AtomicLong();
    /** Where a flush waits for the last answer; the answers take it only while one waits. */
    private final Object lock = new Object();
    /** Whether a flush waits on {@link #lock}; set and cleared under it. */
    private volatile boolean waiting;
    /** The first write that failed, or null. */
    private volatile UncheckedIOException failure;

    /** How long a kept write may wait before it is sent; 0: every write is sent at once. */
    private final long keepNanos;
    /** Sends kept writes that waited {@link #keepNanos}; null if writes are not kept. */
    private final ScheduledThreadPoolExecutor timer;
    /** Guards the kept writes and every send of them. */
    private final Object sendLock = new Object();
    /** The writes kept and not sent yet, in the order written. */
    private List<BlockWrite> kept = new ArrayList<>();
    private long keptBytes;
    /** Completes with the answer of the send that will carry the kept writes; null while none are kept. */
    private CompletableFuture<Void> keptAnswer;
    /** Whether the timer will send the kept writes. */
    private boolean sendDue;
    /** Set by {@link #close()}: writes are sent at once from then on. */
    private volatile boolean closed;

    /**
     * A device to which every write is sent at once.
     *
     * @param device the device's proxy, with direct replies
     * @param deviceName its name, for errors
     * @param timeoutMillis how long a flush waits for the answers of the writes before it
     */
    WriteBehind(BlockDevice device, String deviceName, long timeoutMillis) {
        this(device, deviceName, timeoutMillis, 0);
    }

    /**
     * A device to which writes are kept up to {@code keepMicros} and sent together.
     *
     * @param device the device's proxy, with direct replies
     * @param deviceName its name, for errors
     * @param timeoutMillis how long a flush waits for the answers of the writes before it
     * @param keepMicros how long a write may be kept before it is sent; 0 sends every write at once
     * @throws IllegalArgumentException if {@code keepMicros} is negative
     */
    WriteBehind(BlockDevice device, String deviceName, long timeoutMillis, long keepMicros) {
        if (keepMicros < 0) {
            throw new IllegalArgumentException("keepMicros must not be negative, was " + keepMicros);
        }
        this.device = device;
        this.deviceName = deviceName;
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        this.keepNanos = TimeUnit.MICROSECONDS.toNanos(keepMicros);
        this.timer = keepNanos == 0 ? null : timer(deviceName);
    }

    private static ScheduledThreadPoolExecutor timer(String deviceName) {
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
            Thread thread = new Thread(r, "fos-fs-write-behind " + deviceName);
            thread.setDaemon(true);
            return thread;
        });
        t.setKeepAliveTime(TIMER_IDLE_SECONDS, TimeUnit.SECONDS);
        t.allowCoreThreadTimeOut(true);
        return t;
    }

    @Override
    public Geometry geometry() {
        check();
        return device.geometry();
    }

    @Override
    public byte[] read(long block, int count) {
        sendKept();
        check();
        return device.read(block, count);
    }

    @Override
    public void write(long block, byte[] data) {
        writeAll(List.of(new BlockWrite(block, data)));
    }

    /** Sends the write and returns; the arrays written must not change afterwards. */
    @Override
    public void writeAll(List<BlockWrite> writes) {
        writeAllAsync(writes);
    }

    /**
     * Sends the writes, or keeps them to send with others (see the class's description).
     *
     * @return completes once the device wrote them (with the others sent with them)
     */
    @Override
    public CompletionStage<Void> writeAllAsync(List<BlockWrite> writes) {
        if (timer == null || closed) {
            return send(writes);
        }
        synchronized (sendLock) {
            check();
            long bytes = 0;
            for (BlockWrite w : writes) {
                bytes += w.data().length;
            }
            if (closed || keptBytes + bytes > MAX_KEPT_BYTES) {
                // what was kept goes alone: one send never carries more than 1 MiB or a single change's writes
                sendKeptLocked(true);
                if (closed) {
                    return send(writes);
                }
            }
            CompletableFuture<Void> answer = keptAnswer;
            if (answer == null) {
                answer = new CompletableFuture<>();
                keptAnswer = answer;
            }
            kept.addAll(writes);
            keptBytes += bytes;
            if (keptBytes >= MAX_KEPT_BYTES) {
                sendKeptLocked(true);
            } else if (!sendDue) {
                sendDue = true;
                timer.schedule(this::sendDue, keepNanos, TimeUnit.NANOSECONDS);
            }
            return answer;
        }
    }

    /**
     * Sends the writes kept so far, if any: what the device is sent after this reaches it after
     * them. Throws if they could not be sent (the member then takes no more changes).
     */
    void sendKept() {
        if (timer != null) {
            synchronized (sendLock) {
                sendKeptLocked(true);
            }
        }
    }

    /** The timer's task: sends the kept writes, which have waited long enough. */
    private void sendDue() {
        synchronized (sendLock) {
            sendDue = false;
            sendKeptLocked(false);
        }
    }

    /** Sends the kept writes; a send that fails is the member's failure, thrown only if {@code rethrow}. */
    private void sendKeptLocked(boolean rethrow) {
        if (kept.isEmpty()) {
            return;
        }
        List<BlockWrite> batch = kept;
        CompletableFuture<Void> answer = keptAnswer;
        kept = new ArrayList<>();
        keptBytes = 0;
        keptAnswer = null;
        try {
            send(batch).whenComplete((v, e) -> {
                if (e == null) {
                    answer.complete(null);
                } else {
                    answer.completeExceptionally(e);
                }
            });
        } catch (RuntimeException e) {
            answer.completeExceptionally(e);
            if (rethrow) {
                throw e;
            }
        }
    }

    private CompletionStage<Void> send(List<BlockWrite> writes) {
        return send(() -> device.writeAllAsync(writes), "a write to");
    }

    /**
     * Sends a call whose answer is counted as a write's: its failure is the member's.
     *
     * @param what the call, for the error: "a write to", "a flush of"
     */
    private CompletionStage<Void> send(Supplier<CompletionStage<Void>> call, String what) {
        check();
        unanswered.incrementAndGet();
        CompletionStage<Void> sent;
        try {
            sent = call.get();
        } catch (RuntimeException e) {
            answered(e, what);
            throw e;
        }
        CompletionStage<Void> done = sent.whenComplete((v, e) -> answered(e, what));
        check(); // a device that answers as it is called (one served on this thread) fails the call that sent it
        return done;
    }

    private void answered(Throwable e, String what) {
        if (e != null && failure == null) {
            Throwable cause = FsErrors.cause(e);
            failure = new UncheckedIOException(new IOException(what + " " + deviceName + " failed, so this member takes no more"
                    + " changes until it restarts and replays its journal: " + cause.getMessage(), cause));
            LOG.error("{} {} failed: this member of the file system takes no more changes until it restarts", what, deviceName, cause);
        }
        if (unanswered.decrementAndGet() == 0 && waiting) {
            synchronized (lock) { // the waiter is in wait() or has not yet read the count: either way it sees zero
                lock.notifyAll();
            }
        }
    }

    /** Flushes the device, then waits for the answers of the writes sent before; throws if one failed. */
    @Override
    public void flush() {
        sendKept();
        check();
        device.flush();
        awaitAnswers();
        check();
    }

    /**
     * Sends the kept writes and a flush behind them, and returns without waiting: a write barrier.
     * The device serves the flush after every write sent before it and before anything sent after
     * it, so what reaches the storage reaches it in the order a waited flush would give. A flush
     * that fails is the member's failure, as a write's: the next call after its answer throws, at
     * the latest the next {@link #flush()}.
     *
     * @return completes once the device flushed
     */
    @Override
    public CompletionStage<Void> flushAsync() {
        synchronized (sendLock) {
            if (timer != null) {
                sendKeptLocked(true);
            }
            // a write answered with a failure before the flush's answer fails the flush too: nothing sent behind it may count on it
            return send(device::flushAsync, "a flush of").thenRun(this::check);
        }
    }

    @Override
    public DeviceStats stats() {
        return device.stats();
    }

    /** Waits until every write sent has its answer: the device answered them before the flush that precedes this. */
    private void awaitAnswers() {
        long deadline = System.nanoTime() + timeoutNanos;
        if (unanswered.get() == 0) {
            return;
        }
        synchronized (lock) {
            waiting = true;
            try {
                long left;
                while ((left = unanswered.get()) > 0) {
                    long wait = deadline - System.nanoTime();
                    if (wait <= 0) {
                        throw new UncheckedIOException(new IOException(left + " writes to " + deviceName + " were not answered within "
                                + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms of a flush"));
                    }
                    TimeUnit.NANOSECONDS.timedWait(lock, wait);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UncheckedIOException(new IOException("interrupted while waiting for the writes to " + deviceName));
            } finally {
                waiting = false;
            }
        }
    }

    /** Throws the first failed write's error, if there was one. */
    private void check() {
        UncheckedIOException f = failure;
        if (f != null) {
            throw new UncheckedIOException(f.getMessage(), f.getCause());
        }
    }

    /** Whether a write failed: the member takes no more changes. */
    boolean failed() {
        return failure != null;
    }

    /**
     * Sends the kept writes (a failure to send them is logged, as any failed write) and stops the
     * timer; writes after this are sent at once.
     */
    @Override
    public void close() {
        closed = true;
        if (timer == null) {
            return;
        }
        synchronized (sendLock) { // a write that found the device open and waits here sees it closed and sends at once
            sendKeptLocked(false);
            timer.shutdownNow();
        }
    }
}
