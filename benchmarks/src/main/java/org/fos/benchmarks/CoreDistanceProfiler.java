package org.fos.benchmarks;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * A JMH profiler that measures, before and after each iteration, how far apart the host keeps the cores
 * the benchmark's threads run on: the round trip of a cache line between two threads that spin on it
 * (ADR 0118). On a virtual machine the hypervisor may place the two virtual cores of this 2-core machine
 * close (sharing a cache: 40 to 100 ns a round trip) or far apart (400 to 650 ns), and move them while
 * a fork runs (seen on 2026-12-06: 98 ns for 9 s, then 545 ns for the rest of a run, no other process
 * busy). Every figure whose threads hand work to each other moves with it: FileBenchmark's open+read
 * ran at 1.5 us p50 with the cores close (probes of 65 to 87 ns) and 4.7 us with them apart (387 to
 * 410 ns). The report reads the figures of each iteration and says where a side ran with the cores
 * apart.
 *
 * <p>Two figures an iteration, {@value #BEFORE} and {@value #AFTER}, each the fastest of the samples of
 * {@value #ROUND_TRIPS} round trips its probe made in {@value #PROBE_MILLIS} ms: the fastest, so that a
 * thread of the benchmark preempting the probe does not count as distance. Where no sample ended in time
 * (a thread of the benchmark held a core, as row 1's receivers that spin without end do, and the two
 * threads of the probe shared the other), the probe starts again with new threads, up to
 * {@value #PATIENCE} times; a figure none of whose probes ended a sample counts 0, which the report reads
 * as no figure.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar FileBenchmark -prof org.fos.benchmarks.CoreDistanceProfiler</pre>
 */
public final class CoreDistanceProfiler implements InternalProfiler {

    /** The secondary metric of the probe before an iteration: nanoseconds of a round trip between two cores. */
    public static final String BEFORE = "cores.roundtrip.before";

    /** The secondary metric of the probe after an iteration. */
    public static final String AFTER = "cores.roundtrip.after";

    /** Round trips in one timed sample. */
    static final int ROUND_TRIPS = 32;

    /** How long one probe samples. */
    static final int PROBE_MILLIS = 20;

    /** How many probes a figure gets at most, one after another while none ended a sample. */
    static final int PATIENCE = 5;

    /** The slots the two threads write, 128 bytes apart so that each is alone on its cache line (and its neighbour). */
    private static final int PING = 0;
    private static final int PONG = 16;
    private static final int STOP = 32;

    private double before = Double.NaN;

    /** Creates the profiler; JMH calls it. */
    public CoreDistanceProfiler() {
    }

    @Override
    public String getDescription() {
        return "round trip of a cache line between two spinning threads before and after each iteration (ns)";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        before = probeUntilAFigure();
    }

    @Override
    public Collection<? extends Result<?>> afterIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams,
            IterationResult result) {
        double after = probeUntilAFigure();
        // a probe whose threads never ran at once (other threads held both cores) counts 0: no figure, and every
        // iteration keeps its place in the raw data
        return List.of(new ScalarResult(BEFORE, Double.isNaN(before) ? 0 : before, "ns", AggregationPolicy.MAX),
                new ScalarResult(AFTER, Double.isNaN(after) ? 0 : after, "ns", AggregationPolicy.MAX));
    }

    /**
     * Probes for {@value #PROBE_MILLIS} ms, and again with new threads up to {@value #PATIENCE} times while no sample
     * ended: where a thread of the benchmark spins without end (row 1's receivers), the scheduler may have put both
     * threads of a probe on one core, and a probe's new threads may land elsewhere.
     */
    private static double probeUntilAFigure() {
        double figure = Double.NaN;
        for (int i = 0; i < PATIENCE && Double.isNaN(figure); i++) {
            figure = probe(PROBE_MILLIS);
        }
        return figure;
    }

    /**
     * Measures the round trip of a cache line between this thread and a new one.
     *
     * @param millis how long to sample
     * @return nanoseconds a round trip in the fastest sample; NaN if no sample ended in time (the two threads never ran
     *         at once)
     */
    public static double probe(long millis) {
        AtomicLongArray slots = new AtomicLongArray(STOP + 16);
        Thread echo = new Thread(() -> echo(slots), "fos-core-probe");
        echo.setDaemon(true);
        echo.start();
        double fastest = Double.NaN;
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        long value = 0;
        try {
            sampling:
            while (System.nanoTime() - end < 0) {
                long start = System.nanoTime();
                for (int i = 0; i < ROUND_TRIPS; i++) {
                    value++;
                    slots.lazySet(PING, value);
                    for (int spins = 1; slots.get(PONG) != value; spins++) {
                        if ((spins & 255) == 0 && System.nanoTime() - end > 0) {
                            break sampling;
                        }
                        Thread.onSpinWait();
                    }
                }
                double perTrip = (double) (System.nanoTime() - start) / ROUND_TRIPS;
                fastest = Double.isNaN(fastest) ? perTrip : Math.min(fastest, perTrip);
            }
        } finally {
            slots.set(STOP, 1);
            try {
                echo.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return fastest;
    }

    private static void echo(AtomicLongArray slots) {
        long seen = 0;
        int turns = 0;
        while (true) {
            long v = slots.get(PING);
            if (v != seen) {
                seen = v;
                slots.lazySet(PONG, v);
            } else if ((++turns & 1023) == 0 && slots.get(STOP) != 0) {
                return;
            } else {
                Thread.onSpinWait();
            }
        }
    }
}
