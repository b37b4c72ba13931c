package org.fos.fs.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

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
 * The member thread alone sends; the answers of the writes come back on whatever thread delivers
 * them (the proxy's replies are direct), which only counts them and keeps a failure.
 */
final class WriteBehind implements BlockDevice {
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

    /**
     * @param device the device's proxy, with direct replies
     * @param deviceName its name, for errors
     * @param timeoutMillis how long a flush waits for the answers of the writes before it
     */
    WriteBehind(BlockDevice device, String deviceName, long timeoutMillis) {
        this.device = device;
        this.deviceName = deviceName;
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    }

    @Override
    public Geometry geometry() {
        check();
        return device.geometry();
    }

    @Override
    public byte[] read(long block, int count) {
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

    @Override
    public CompletionStage<Void> writeAllAsync(List<BlockWrite> writes) {
        check();
        unanswered.incrementAndGet();
        CompletionStage<Void> sent;
        try {
            sent = device.writeAllAsync(writes);
        } catch (RuntimeException e) {
            answered(e);
            throw e;
        }
        CompletionStage<Void> done = sent.whenComplete((v, e) -> answered(e));
        check(); // a device that answers as it is called (one served on this thread) fails the call that sent the write
        return done;
    }

    private void answered(Throwable e) {
        if (e != null && failure == null) {
            Throwable cause = FsErrors.cause(e);
            failure = new UncheckedIOException(new IOException("a write to " + deviceName + " failed, so this member takes no more changes"
                    + " until it restarts and replays its journal: " + cause.getMessage(), cause));
            LOG.error("a write to {} failed: this member of the file system takes no more changes until it restarts", deviceName, cause);
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
        check();
        device.flush();
        awaitAnswers();
        check();
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
}
