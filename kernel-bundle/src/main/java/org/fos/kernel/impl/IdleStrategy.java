package org.fos.kernel.impl;

/**
 * How a receiver waits for work: spin for {@code spinNanos}, then yield until {@code yieldNanos} have
 * passed since it started waiting, then park until woken or timed out. Immutable; the kernel swaps in
 * a new one when its configuration changes.
 */
record IdleStrategy(long spinNanos, long yieldNanos) {

    static final IdleStrategy DEFAULT = new IdleStrategy(10_000, 50_000);

    IdleStrategy {
        if (spinNanos < 0 || yieldNanos < 0) {
            throw new IllegalArgumentException("idle thresholds must not be negative: spin " + spinNanos + " ns, yield " + yieldNanos + " ns");
        }
        if (yieldNanos < spinNanos) {
            yieldNanos = spinNanos;
        }
    }

    /** The phase of waiting that {@code waitedNanos} falls into. */
    int phase(long waitedNanos) {
        if (waitedNanos < spinNanos) {
            return 0;
        }
        return waitedNanos < yieldNanos ? 1 : 2;
    }
}
