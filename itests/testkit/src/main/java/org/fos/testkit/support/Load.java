package org.fos.testkit.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A load harness: client threads call an operation in a loop while the test does something else
 * (an upgrade, a restart), then report how many calls were made and failed and how long they took.
 *
 * <pre>
 * Load load = Load.start(2, (thread, seq) -&gt; kv.put("t" + thread + "-" + seq, value));
 * ... upgrade the fleet ...
 * Load.Report report = load.stop();
 * </pre>
 *
 * Each thread calls with its own sequence numbers 0, 1, 2, ...; a call that throws is counted as
 * failed and the thread goes on with the next number. {@link Report#succeeded(int)} lists the
 * numbers that succeeded, and {@link Report#verify(Effects)} or {@link Report#verifyLog(Logs)}
 * check that each of them left its effect exactly once: no loss, no duplicate.
 */
public final class Load {

    /**
     * One call of the operation under load.
     */
    @FunctionalInterface
    public interface Operation {
        /**
         * Makes one call.
         *
         * @param thread the client thread's number, from 0
         * @param sequence the call's number within that thread, from 0
         * @throws Exception if the call failed
         */
        void call(int thread, long sequence) throws Exception;
    }

    /** How often the effect of one successful call is present in the fleet: 0 lost, 1 right, more duplicated. */
    @FunctionalInterface
    public interface Effects {
        /**
         * Counts one call's effect.
         *
         * @param thread the client thread's number
         * @param sequence the call's number within that thread
         * @return how often its effect is present
         * @throws Exception if asking the fleet fails
         */
        long count(int thread, long sequence) throws Exception;
    }

    /** The sequence numbers a fleet recorded for one client thread. */
    @FunctionalInterface
    public interface Logs {
        /**
         * Reads one thread's log.
         *
         * @param thread the client thread's number
         * @return the sequence numbers recorded for it
         * @throws Exception if reading fails
         */
        Iterable<Long> read(int thread) throws Exception;
    }

    /**
     * The verdict on a load: how many successful calls were checked, and how many of them were
     * lost or applied more than once.
     *
     * @param checked the successful calls checked
     * @param lost those whose effect is missing
     * @param duplicated those whose effect is present more than once
     * @param examples a few of the bad ones, for the test's message
     */
    public record Verdict(long checked, long lost, long duplicated, List<String> examples) {
        /**
         * Tells whether nothing was lost or duplicated.
         *
         * @return true if every checked call left its effect once
         */
        public boolean exact() {
            return lost == 0 && duplicated == 0;
        }
    }

    /**
     * What the load did.
     *
     * @param threads how many client threads ran
     * @param calls how many calls were made
     * @param failed how many threw
     * @param failures the first failures (at most 20), for the test's message
     * @param latencyNanos the sorted latencies of all calls, in nanoseconds
     * @param succeededByThread the sequence numbers that succeeded, per thread, in order
     * @param duration how long the load ran
     */
    public record Report(int threads, long calls, long failed, List<Throwable> failures, long[] latencyNanos,
            List<long[]> succeededByThread, Duration duration) {

        /**
         * Returns a latency percentile.
         *
         * @param percent from 0 to 100
         * @return the latency, or zero if no call was made
         */
        public Duration percentile(double percent) {
            if (latencyNanos.length == 0) {
                return Duration.ZERO;
            }
            int i = (int) Math.min(latencyNanos.length - 1, Math.ceil(percent / 100.0 * latencyNanos.length) - 1);
            return Duration.ofNanos(latencyNanos[Math.max(0, i)]);
        }

        /**
         * Returns the longest call.
         *
         * @return the maximum latency
         */
        public Duration max() {
            return latencyNanos.length == 0 ? Duration.ZERO : Duration.ofNanos(latencyNanos[latencyNanos.length - 1]);
        }

        /**
         * Returns the sequence numbers that succeeded on one thread.
         *
         * @param thread the thread's number
         * @return the numbers, ascending
         */
        public long[] succeeded(int thread) {
            return succeededByThread.get(thread);
        }

        /**
         * Checks that every call that succeeded left its effect exactly once, asking the fleet how
         * often it holds each one (a key-value fleet: 1 if the key holds the value, else 0).
         *
         * @param effects how often the effect of one call is present
         * @return the checked, lost and duplicated counts
         * @throws Exception if asking the fleet fails
         */
        public Verdict verify(Effects effects) throws Exception {
            long checked = 0;
            long lost = 0;
            long duplicated = 0;
            List<String> examples = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                for (long seq : succeeded(t)) {
                    long n = effects.count(t, seq);
                    checked++;
                    if (n != 1) {
                        if (n == 0) {
                            lost++;
                        } else {
                            duplicated++;
                        }
                        if (examples.size() < 10) {
                            examples.add("thread " + t + " call " + seq + " present " + n + " times");
                        }
                    }
                }
            }
            return new Verdict(checked, lost, duplicated, List.copyOf(examples));
        }

        /**
         * Checks a fleet that records the sequence numbers of the calls it served, one log per
         * client thread (a journal, a queue): a successful call missing from its thread's log is
         * lost, one found more than once is duplicated.
         *
         * @param logs the sequence numbers the fleet holds for a thread, in any order
         * @return the checked, lost and duplicated counts
         * @throws Exception if reading a log fails
         */
        public Verdict verifyLog(Logs logs) throws Exception {
            List<Map<Long, Long>> seen = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Map<Long, Long> counts = new HashMap<>();
                for (long seq : logs.read(t)) {
                    counts.merge(seq, 1L, Long::sum);
                }
                seen.add(counts);
            }
            return verify((thread, seq) -> seen.get(thread).getOrDefault(seq, 0L));
        }

        /**
         * Asserts that no call failed and that every call left its effect exactly once, by
         * {@link #verify(Effects)}.
         *
         * @param effects how often the effect of one call is present
         * @return the verdict
         * @throws Exception if asking the fleet fails
         * @throws AssertionError if a call failed, or one was lost or duplicated, or none was made
         */
        public Verdict assertExactlyOnce(Effects effects) throws Exception {
            return assertExact(verify(effects));
        }

        /**
         * Asserts that no call failed and that every call left its effect exactly once, by
         * {@link #verifyLog(Logs)}.
         *
         * @param logs the sequence numbers the fleet holds for a thread
         * @return the verdict
         * @throws Exception if reading a log fails
         * @throws AssertionError if a call failed, or one was lost or duplicated, or none was made
         */
        public Verdict assertExactlyOnce(Logs logs) throws Exception {
            return assertExact(verifyLog(logs));
        }

        private Verdict assertExact(Verdict verdict) {
            if (failed > 0) {
                AssertionError e = new AssertionError(failed + " of " + calls + " calls failed (" + summary() + "), the first: "
                        + failures.get(0));
                e.initCause(failures.get(0));
                throw e;
            }
            if (verdict.checked() == 0) {
                throw new AssertionError("no call succeeded: " + summary());
            }
            if (!verdict.exact()) {
                throw new AssertionError(verdict.lost() + " calls lost and " + verdict.duplicated() + " duplicated of "
                        + verdict.checked() + ", for example " + verdict.examples());
            }
            return verdict;
        }

        /**
         * Returns a one-line summary: calls, failures, throughput, p50, p99 and max latency.
         *
         * @return the summary
         */
        public String summary() {
            double seconds = Math.max(1e-9, duration.toNanos() / 1e9);
            return String.format("%d threads, %d calls (%.0f/s), %d failed, latency p50 %.1f us, p99 %.1f us, max %.1f ms",
                    threads, calls, calls / seconds, failed, percentile(50).toNanos() / 1e3, percentile(99).toNanos() / 1e3,
                    max().toNanos() / 1e6);
        }
    }

    private final Thread[] threads;
    private final long[][] latencies;
    private final int[] counts;
    private final long[][] succeeded;
    private final int[] succeededCounts;
    private final AtomicLong failed = new AtomicLong();
    private final List<Throwable> failures = new ArrayList<>();
    private final CountDownLatch started;
    private final long startNanos;
    private volatile boolean running = true;

    private Load(int threadCount, Operation operation) {
        threads = new Thread[threadCount];
        latencies = new long[threadCount][1024];
        counts = new int[threadCount];
        succeeded = new long[threadCount][1024];
        succeededCounts = new int[threadCount];
        started = new CountDownLatch(threadCount);
        for (int t = 0; t < threadCount; t++) {
            int id = t;
            threads[t] = new Thread(() -> run(id, operation), "fos-load-" + t);
        }
        startNanos = System.nanoTime();
        for (Thread t : threads) {
            t.start();
        }
    }

    /**
     * Starts client threads that call {@code operation} until {@link #stop()}.
     *
     * @param threadCount how many threads, at least 1
     * @param operation the call
     * @return the running load
     * @throws InterruptedException if interrupted while the threads start
     */
    public static Load start(int threadCount, Operation operation) throws InterruptedException {
        if (threadCount < 1) {
            throw new IllegalArgumentException("thread count must be at least 1, was " + threadCount);
        }
        Load load = new Load(threadCount, operation);
        load.started.await();
        return load;
    }

    private void run(int id, Operation operation) {
        started.countDown();
        long seq = 0;
        while (running) {
            long t0 = System.nanoTime();
            boolean ok;
            try {
                operation.call(id, seq);
                ok = true;
            } catch (Throwable e) {
                ok = false;
                failed.incrementAndGet();
                synchronized (failures) {
                    if (failures.size() < 20) {
                        failures.add(e);
                    }
                }
            }
            long elapsed = System.nanoTime() - t0;
            if (counts[id] == latencies[id].length) {
                latencies[id] = Arrays.copyOf(latencies[id], counts[id] * 2);
            }
            latencies[id][counts[id]++] = elapsed;
            if (ok) {
                if (succeededCounts[id] == succeeded[id].length) {
                    succeeded[id] = Arrays.copyOf(succeeded[id], succeededCounts[id] * 2);
                }
                succeeded[id][succeededCounts[id]++] = seq;
            }
            seq++;
        }
    }

    /**
     * Waits up to a minute until every thread has made at least {@code calls} calls.
     *
     * @param calls the number of calls
     * @throws AssertionError if they have not in time
     */
    public void awaitCalls(long calls) {
        awaitCalls(calls, Duration.ofMinutes(5));
    }

    /**
     * Waits until every thread has made at least {@code calls} calls.
     *
     * @param calls the number of calls
     * @param timeout how long to wait at most
     * @throws AssertionError if they have not in time
     */
    public void awaitCalls(long calls, Duration timeout) {
        try {
            awaitEachThread(calls, timeout);
        } catch (RuntimeException | Error e) {
            // a test that fails here never reaches stop(): its threads must not go on filling memory
            running = false;
            throw e;
        }
    }

    private void awaitEachThread(long calls, Duration timeout) {
        FosTestSupport.waitFor("every load thread to make " + calls + " calls", timeout, () -> {
            for (Thread t : threads) {
                if (!t.isAlive()) {
                    return true;
                }
            }
            for (int c : counts) {
                if (c < calls) {
                    return false;
                }
            }
            return true;
        });
    }

    /**
     * Stops the threads after their current call and reports.
     *
     * @return the report
     * @throws InterruptedException if interrupted while the threads finish
     */
    public Report stop() throws InterruptedException {
        running = false;
        for (Thread t : threads) {
            t.join(TimeUnit.MINUTES.toMillis(2));
        }
        Duration duration = Duration.ofNanos(System.nanoTime() - startNanos);
        long total = 0;
        for (int c : counts) {
            total += c;
        }
        long[] all = new long[(int) total];
        int at = 0;
        List<long[]> ok = new ArrayList<>();
        for (int t = 0; t < threads.length; t++) {
            System.arraycopy(latencies[t], 0, all, at, counts[t]);
            at += counts[t];
            ok.add(Arrays.copyOf(succeeded[t], succeededCounts[t]));
        }
        Arrays.sort(all);
        List<Throwable> f;
        synchronized (failures) {
            f = List.copyOf(failures);
        }
        return new Report(threads.length, total, failed.get(), f, all, ok, duration);
    }
}
