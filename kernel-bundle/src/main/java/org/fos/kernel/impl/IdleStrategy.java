package org.fos.kernel.impl;

/**
 * How a receiver waits for work: spin for {@code spinNanos}, then yield until {@code yieldNanos} have
 * passed since it started waiting, then park until woken or timed out. A receiver that reads its own
 * messages from a transport and whose messages typically come soon spins for {@code stretchNanos}
 * (see {@link ReceiverIdle}); 0 turns that off. Immutable;
 * the kernel swaps in a new one when its configuration changes.
 *
 * @param spinNanos how long a wait spins at least (when the cores allow)
 * @param yieldNanos when a wait parks at the latest, from its start, unless stretched
 * @param stretchNanos the longest a receiver whose messages come soon spins; 0: never longer than spinNanos
 */
record IdleStrategy(long spinNanos, long yieldNanos, long stretchNanos) {

    /** The longest stretch the configuration takes. */
    static final long MAX_STRETCH_NANOS = 10_000_000;

    static final IdleStrategy DEFAULT = new IdleStrategy(10_000, 50_000, 250_000);

    IdleStrategy {
        if (spinNanos < 0 || yieldNanos < 0) {
            throw new IllegalArgumentException("idle thresholds must not be negative: spin " + spinNanos + " ns, yield " + yieldNanos + " ns");
        }
        if (stretchNanos < 0 || stretchNanos > MAX_STRETCH_NANOS) {
            throw new IllegalArgumentException("idleStretchNanos must be from 0 to " + MAX_STRETCH_NANOS + ", was " + stretchNanos);
        }
        if (yieldNanos < spinNanos) {
            yieldNanos = spinNanos;
        }
    }

    /**
     * Thresholds that never stretch.
     *
     * @param spinNanos how long a wait spins
     * @param yieldNanos when it parks
     */
    IdleStrategy(long spinNanos, long yieldNanos) {
        this(spinNanos, yieldNanos, 0);
    }

    /** The phase of waiting that {@code waitedNanos} falls into. */
    int phase(long waitedNanos) {
        if (waitedNanos < spinNanos) {
            return 0;
        }
        return waitedNanos < yieldNanos ? 1 : 2;
    }
}
