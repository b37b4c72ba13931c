package org.fos.transport.shm.impl;

import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

/**
 * How the transport's agent waits when its duty cycle found nothing to do. While kernel threads that
 * wait for messages read the stream themselves ({@link ShmTransport#assist()}, which read something
 * within the last {@value #ASSISTED_WITHIN_MILLIS} ms), the agent parks at once, backing off up to the
 * settings' longest park: those threads take the replies and requests they wait for, and an agent
 * spinning and yielding beside them only takes the cores they and the peer need (on 2 cores, the two
 * processes of a call and their media drivers). Otherwise it spins, yields and parks as the settings
 * say, so that a message for a receiver that parks is read soon.
 *
 * <p>Used by the agent thread only, as Agrona's idle strategies are.
 */
final class AgentIdle implements IdleStrategy {
    /** How recently a waiting thread must have read the stream for the agent to stand back. */
    static final long ASSISTED_WITHIN_MILLIS = 10;
    private static final long ASSISTED_WITHIN_NANOS = TimeUnit.MILLISECONDS.toNanos(ASSISTED_WITHIN_MILLIS);
    private static final long MIN_PARK_NANOS = 1_000;

    private final IdleStrategy eager;
    private final IdleStrategy standingBack;
    private final LongSupplier lastAssisted;
    private final LongSupplier clock;

    /**
     * @param settings the spins, yields and longest park of an idle agent
     * @param lastAssisted when a waiting thread last read something from the stream ({@link System#nanoTime()}),
     *        or {@link Long#MIN_VALUE} if none ever did
     * @param clock {@code System::nanoTime} but for tests
     */
    AgentIdle(ShmSettings settings, LongSupplier lastAssisted, LongSupplier clock) {
        this.eager = new BackoffIdleStrategy(settings.idleSpins(), settings.idleYields(), MIN_PARK_NANOS, settings.idleParkMaxNanos());
        this.standingBack = new BackoffIdleStrategy(0, 0, MIN_PARK_NANOS, settings.idleParkMaxNanos());
        this.lastAssisted = Objects.requireNonNull(lastAssisted, "lastAssisted");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Whether waiting threads read the stream now, so that the agent stands back. */
    boolean standsBack() {
        long last = lastAssisted.getAsLong();
        return last != Long.MIN_VALUE && clock.getAsLong() - last < ASSISTED_WITHIN_NANOS;
    }

    @Override
    public void idle(int workCount) {
        if (workCount > 0) {
            reset();
        } else {
            idle();
        }
    }

    @Override
    public void idle() {
        if (standsBack()) {
            standingBack.idle();
        } else {
            eager.idle();
        }
    }

    @Override
    public void reset() {
        eager.reset();
        standingBack.reset();
    }

    @Override
    public String alias() {
        return "fos-shm-agent";
    }
}
