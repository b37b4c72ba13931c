package org.fos.fleet.impl;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

import org.fos.fleet.api.Elastic;
import org.osgi.framework.ServiceReference;

/**
 * Decides when an {@link Elastic} fleet grows or shrinks, from samples of its members' queues and
 * busy time. It holds no lock and does nothing itself: {@link FleetController} samples it on the
 * runtime's scaling thread and carries out what it says.
 *
 * <p>The fleet grows when the queued calls a serving member were above the target depth for at
 * least {@value #ABOVE_SHARE_PERCENT}% of the last period (by time, over a whole period of samples:
 * a sample that dips under the target does not start the period again, a short spike does not
 * grow the fleet); it shrinks when, for the idle time, nothing queued at any sample and the members'
 * busy time stayed under half of what one member fewer could give. After any change both clocks
 * start again and no change comes within a period: a rise that one more member absorbs does not
 * add a second, and a load that needs the members it has never lets them look idle (the band
 * between "busy half the time with one fewer" and "above target depth" is the hysteresis).
 */
final class ElasticPolicy {

    /** What to do after a sample. */
    enum Step {
        GROW, SHRINK, STAY
    }

    /**
     * An elastic fleet's settings, from its service properties ({@link Elastic}).
     *
     * @param min the fewest members
     * @param max the most members
     * @param depth the target queue depth a member
     * @param periodMillis the time above target before growing, and the least time between changes
     * @param idleMillis the time idle before shrinking
     * @param enabled false: members stay as they are
     */
    record Settings(int min, int max, int depth, long periodMillis, long idleMillis, boolean enabled) {

        private static final long MAX_MILLIS = 3_600_000;

        Settings {
            if (min < 1 || min > 64) {
                throw new IllegalArgumentException(Elastic.MIN + " must be from 1 to 64, was " + min);
            }
            if (max < min || max > 64) {
                throw new IllegalArgumentException(Elastic.MAX + " must be from " + Elastic.MIN + " (" + min + ") to 64, was " + max);
            }
            if (depth < 1) {
                throw new IllegalArgumentException(Elastic.DEPTH + " must be at least 1, was " + depth);
            }
            if (periodMillis < 100 || periodMillis > MAX_MILLIS) {
                throw new IllegalArgumentException(Elastic.PERIOD + " must be from 100 to " + MAX_MILLIS + " ms, was " + periodMillis);
            }
            if (idleMillis < 100 || idleMillis > MAX_MILLIS) {
                throw new IllegalArgumentException(Elastic.IDLE + " must be from 100 to " + MAX_MILLIS + " ms, was " + idleMillis);
            }
        }

        /**
         * The settings a fleet service declares, or null if it is not elastic (no {@link Elastic#MAX}).
         *
         * @throws IllegalArgumentException if a property is not valid
         */
        static Settings of(ServiceReference<?> ref) {
            if (ref.getProperty(Elastic.MAX) == null) {
                return null;
            }
            int max = FleetServices.intProperty(ref, Elastic.MAX, 1, 1, 64);
            Object enabled = ref.getProperty(Elastic.ENABLED);
            if (enabled != null && !"true".equalsIgnoreCase(enabled.toString().trim()) && !"false".equalsIgnoreCase(enabled.toString().trim())) {
                throw new IllegalArgumentException(Elastic.ENABLED + " must be true or false, was '" + enabled + "'");
            }
            return new Settings(FleetServices.intProperty(ref, Elastic.MIN, 1, 1, 64), max,
                    FleetServices.intProperty(ref, Elastic.DEPTH, 4, 1, Integer.MAX_VALUE),
                    longProperty(ref, Elastic.PERIOD, 1000), longProperty(ref, Elastic.IDLE, 5000),
                    enabled == null || Boolean.parseBoolean(enabled.toString().trim()));
        }

        private static long longProperty(ServiceReference<?> ref, String key, long fallback) {
            Object v = ref.getProperty(key);
            if (v == null) {
                return fallback;
            }
            try {
                return v instanceof Number n ? n.longValue() : Long.parseLong(v.toString().trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + " must be a number of milliseconds, was '" + v + "'", e);
            }
        }

        /** The member count a fleet starts with: its declared count, within the bounds. */
        int initial(int declared) {
            return Math.max(min, Math.min(max, declared));
        }
    }

    /** The share of the last period the queues must have been above target for the fleet to grow. */
    static final int ABOVE_SHARE_PERCENT = 80;

    /** A sample of the last period: when it was taken, the interval it stands for, and whether the queues were above target. */
    private record Sampled(long at, long intervalNanos, boolean above) {
    }

    private volatile Settings settings;
    /** The samples of the last period since the last change, oldest first. */
    private final ArrayDeque<Sampled> window = new ArrayDeque<>();
    /** Since when the members are idle (nanoTime); NONE: not now. */
    private long idleSince = NONE;
    private long lastChange;
    private static final long NONE = Long.MIN_VALUE;
    /** What the last decision saw, for its event. */
    private String reason = "";

    ElasticPolicy(Settings settings, long now) {
        this.settings = settings;
        this.lastChange = now - TimeUnit.MILLISECONDS.toNanos(settings.periodMillis());
    }

    Settings settings() {
        return settings;
    }

    void settings(Settings s) {
        this.settings = s;
    }

    /** Why the last {@link Step#GROW} or {@link Step#SHRINK} was decided. */
    String reason() {
        return reason;
    }

    /**
     * Takes one sample.
     *
     * @param now the time (nanoTime)
     * @param serving members serving (not leaving)
     * @param queued calls waiting in the serving members' mailboxes
     * @param busyNanos time the members spent dispatching since the last sample
     * @param intervalNanos time since the last sample
     * @return what to do; {@link Step#GROW} and {@link Step#SHRINK} start the clocks again
     */
    Step sample(long now, int serving, int queued, long busyNanos, long intervalNanos) {
        Settings s = settings;
        if (serving < s.min()) {
            return changed(now, Step.GROW, serving + " members serve, fewer than the minimum " + s.min());
        }
        if (serving > s.max()) {
            return changed(now, Step.SHRINK, serving + " members serve, more than the maximum " + s.max());
        }
        long period = TimeUnit.MILLISECONDS.toNanos(s.periodMillis());
        boolean settled = now - lastChange >= period;
        boolean above = queued > (long) s.depth() * serving;
        window.addLast(new Sampled(now, Math.max(0, intervalNanos), above));
        // a sample stands for the interval before it: keep those that reach into the last period
        while (!window.isEmpty() && window.peekFirst().at() <= now - period) {
            window.removeFirst();
        }
        if (above) {
            idleSince = NONE;
            long aboveNanos = 0;
            for (Sampled x : window) {
                aboveNanos += x.above() ? x.intervalNanos() : 0;
            }
            Sampled first = window.peekFirst();
            boolean wholePeriod = first.at() - first.intervalNanos() <= now - period;
            if (serving < s.max() && settled && wholePeriod && aboveNanos * 100 >= period * ABOVE_SHARE_PERCENT) {
                return changed(now, Step.GROW, queued + " calls queued at " + serving + " members, above the target of " + s.depth()
                        + " a member for " + aboveNanos / 1_000_000 + " ms of the last " + s.periodMillis() + " ms");
            }
            return Step.STAY;
        }
        double busy = intervalNanos <= 0 ? 0 : (double) busyNanos / intervalNanos;
        if (queued == 0 && busy < 0.5 * (serving - 1)) {
            if (idleSince == NONE) {
                idleSince = now - intervalNanos;
            }
            if (serving > s.min() && settled && now - idleSince >= TimeUnit.MILLISECONDS.toNanos(s.idleMillis())) {
                return changed(now, Step.SHRINK, "nothing queued and the members busy under half of what " + (serving - 1)
                        + " could give, for " + s.idleMillis() + " ms");
            }
            return Step.STAY;
        }
        idleSince = NONE;
        return Step.STAY;
    }

    private Step changed(long now, Step step, String why) {
        lastChange = now;
        window.clear();
        idleSince = NONE;
        reason = why;
        return step;
    }
}
