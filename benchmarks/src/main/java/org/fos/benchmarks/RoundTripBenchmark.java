package org.fos.benchmarks;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * In-node round trip between two threads (issue 6, rows 1 and 3): a fos mailbox round trip with
 * spinning receivers beside a JCTools SPSC queue ping-pong, and with parked receivers beside an
 * {@code ArrayBlockingQueue} ping-pong. {@code jctoolsMpsc}, the queue type of fos mailboxes raw, is a
 * diagnostic between the two spinning paths. Sample mode, so the report has p50 and p99.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar RoundTripBenchmark -f 1 -wi 3 -i 5 -w 1s -r 1s</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RoundTripBenchmark {

    /** The path, one of the names {@code PingPongs.create} knows. */
    @Param({"fosSpinning", "jctoolsSpsc", "jctoolsMpsc", "fosParked", "arrayBlockingQueue"})
    public String path;

    private PingPong pingPong;

    /** Creates the benchmark state; JMH calls it. */
    public RoundTripBenchmark() {
    }

    /** Starts the echo thread. */
    @Setup
    public void setUp() {
        pingPong = PingPongs.create(path);
    }

    /** Stops the echo thread. */
    @TearDown
    public void tearDown() {
        pingPong.close();
    }

    /**
     * One round trip.
     *
     * @return the echo
     */
    @Benchmark
    public Object roundTrip() {
        return pingPong.roundTrip();
    }
}
