package org.fos.benchmarks;

/**
 * What the live-upgrade run measured (issue 6, row 10), as {@link LiveUpgradeRun} writes it to JSON
 * and the report reads it back. Times are in nanoseconds.
 *
 * @param outcome how the upgrade ended: {@code UPGRADED}, {@code ROLLED_BACK} or {@code FAILED}
 * @param from the version that served before
 * @param to the version that serves after
 * @param pauseNanos how long the members did not dispatch, as the fleet runtime measured it
 * @param queued how many requests waited in the members' mailboxes when dispatch resumed
 * @param keys keys the fleet held when the upgrade began (to within one a client thread): the state its
 *        members exported and the new version imported
 * @param threads client threads of the load
 * @param calls calls the load made while it was measured (before, during and after the upgrade)
 * @param failed calls that threw
 * @param lost acknowledged writes missing afterwards, plus counter increments lost or applied twice
 * @param p50Nanos the median call latency
 * @param p99Nanos the 99th percentile call latency
 * @param maxNanos the worst call latency
 * @param loadNanos how long the measured load ran
 * @param warmupNanos how long the load ran before it was measured, to warm the JIT up
 */
public record LiveUpgradeResult(String outcome, String from, String to, long pauseNanos, int queued, long keys, int threads, long calls,
        long failed, long lost, long p50Nanos, long p99Nanos, long maxNanos, long loadNanos, long warmupNanos) {
}
