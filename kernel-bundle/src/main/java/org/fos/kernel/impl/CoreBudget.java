package org.fos.kernel.impl;

import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * A node's count of the cores its waiting threads may take: whether cores are oversubscribed is
 * detected here, not configured. Two counts: the receivers that are <em>running</em> (they left their
 * last wait and have not come back to wait) and the waiters that are <em>spinning</em> (holding a core
 * while they wait). A new waiter may
 * <ul>
 * <li>spin if the running receivers, the spinning waiters and itself fit in the cores the JVM may use;
 * <li>else yield if the running receivers leave a core free: a yielding thread gives its core to any
 *     thread that has work at once, so yielders share the free cores among themselves and cost the
 *     running receivers little, and they take their message without being woken;
 * <li>else park at once, leaving the cores to the threads that have work.
 * </ul>
 *
 * <p>The counts change at most once a wait (when it starts, when it stops spinning, when it ends),
 * never once a poll; not at all while a receiver's spinning keeps catching its messages (it keeps its
 * spinning place between waits, see {@link ReceiverIdle}), so that a ping-pong's two threads do not
 * move these counts' cache lines between their cores with every message. The core count is re-read
 * at most once a second: a container's CPU limit can change while the node runs. A receiver that has not come back to wait for {@value #STALE_MILLIS} ms may have gone
 * to do something else altogether (a thread that made one call and went on); it stops counting as
 * running (or holding a spinning place, see {@link ReceiverIdle}) at the next audit, which runs at most
 * every {@value #STALE_MILLIS} ms and only when the counts refuse a waiter the wait it asked for (a
 * core to spin on, or a free core to yield on).
 *
 * <p>The counts decide only how a thread waits, never whether it is woken: a producer wakes a parked
 * receiver whatever they say, so a wrong count costs time, never a message. Thread-safe, lock-free.
 */
final class CoreBudget {
    /** How long a receiver may stay away from its mailbox and still count as running. */
    static final long STALE_MILLIS = 10;
    private static final long STALE_NANOS = TimeUnit.MILLISECONDS.toNanos(STALE_MILLIS);
    /** How often the core count is read again. */
    private static final long CORES_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** How a waiter may wait, as the cores allow. */
    enum Admission {
        /** Spin, then yield, then park, as the idle strategy's thresholds say; counted as spinning until {@link #stopSpinning()}. */
        SPIN,
        /** Yield until the idle strategy's yield threshold, then park. */
        YIELD,
        /** Park at once: the cores are taken. */
        PARK
    }

    /** What the audit looks at: every receiver that may count as running. */
    interface Receivers {
        /**
         * Calls {@code audit} with each receiver's idle state.
         *
         * @param audit takes each state
         */
        void forEach(Consumer<ReceiverIdle> audit);
    }

    private final IntSupplier cores;
    private final LongSupplier clock;
    private final Receivers receivers;
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger spinning = new AtomicInteger();
    private final AtomicLong nextAudit = new AtomicLong();
    private volatile int coreCount;
    private volatile long coresReadAt;

    /**
     * @param cores the cores the JVM may use; {@code Runtime.getRuntime()::availableProcessors} but for tests
     * @param clock nanoseconds, {@code System::nanoTime} but for tests
     * @param receivers the receivers to audit for ones gone away
     */
    CoreBudget(IntSupplier cores, LongSupplier clock, Receivers receivers) {
        this.cores = Objects.requireNonNull(cores, "cores");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.receivers = Objects.requireNonNull(receivers, "receivers");
        long now = clock.getAsLong();
        this.coreCount = readCores();
        this.coresReadAt = now;
        this.nextAudit.set(now + STALE_NANOS);
    }

    /** A budget of the cores this JVM may use, read from the runtime. */
    static CoreBudget ofRuntime(Receivers receivers) {
        Runtime runtime = Runtime.getRuntime();
        return new CoreBudget(runtime::availableProcessors, System::nanoTime, receivers);
    }

    private int readCores() {
        int n = cores.getAsInt();
        return Math.max(1, n);
    }

    /** The cores the JVM may use, as last read. */
    int cores() {
        long now = clock.getAsLong();
        if (now - coresReadAt >= CORES_EVERY_NANOS) {
            coresReadAt = now;
            coreCount = readCores();
        }
        return coreCount;
    }

    /**
     * Admits a waiter.
     *
     * @param spin whether the waiter would spin first (false: it asks only to yield)
     * @return {@link Admission#SPIN} (counted as spinning), {@link Admission#YIELD} or {@link Admission#PARK}
     */
    Admission admit(boolean spin) {
        int limit = cores();
        Admission a = tryAdmit(limit, spin);
        if (a == Admission.SPIN || a == Admission.YIELD && !spin) {
            return a;
        }
        long now = clock.getAsLong();
        long due = nextAudit.get();
        if (now - due >= 0 && nextAudit.compareAndSet(due, now + STALE_NANOS)) {
            long staleBefore = now - STALE_NANOS;
            receivers.forEach(r -> r.uncountIfAwaySince(staleBefore));
            return tryAdmit(limit, spin);
        }
        return a;
    }

    private Admission tryAdmit(int limit, boolean spin) {
        int r = running.get();
        if (r >= limit) {
            return Admission.PARK;
        }
        while (spin) {
            int s = spinning.get();
            if (r + s + 1 > limit) {
                break;
            }
            if (spinning.compareAndSet(s, s + 1)) {
                return Admission.SPIN;
            }
        }
        return Admission.YIELD;
    }

    /**
     * Whether the running receivers and the spinning waiters fit in the cores: a waiter that already
     * holds a spinning place may spin on it. Reads the counts only.
     *
     * @return true if they fit
     */
    boolean fits() {
        return running.get() + spinning.get() <= cores();
    }

    /** A waiter admitted to spin stops spinning (it yields, parks, or its wait ends). */
    void stopSpinning() {
        spinning.decrementAndGet();
    }

    /** A receiver starts running (its wait ended). */
    void running() {
        running.incrementAndGet();
    }

    /** A receiver stops running (it waits again, its mailbox closed, or it stayed away too long). */
    void notRunning() {
        running.decrementAndGet();
    }

    /** Receivers counted as running, a snapshot. */
    int runningCount() {
        return running.get();
    }

    /** Waiters counted as spinning, a snapshot. */
    int spinningCount() {
        return spinning.get();
    }
}
