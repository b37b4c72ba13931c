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
 * A local fleet call through a typed libfos proxy (issue 6, row 4) beside its peers in the same
 * run: gRPC-java in-process unary (default executors, and direct executors) and an Apache Pekko
 * typed ask. Sample mode: the report has p50 and p99.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar FleetCallBenchmark -f 1 -wi 3 -i 5 -w 1s -r 1s</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FleetCallBenchmark {

    /** The caller, one of the names {@code Callers.create} knows. */
    @Param({"fos", "grpc", "grpcDirect", "pekko"})
    public String peer;

    private Callers.Caller caller;
    private int next;

    /** Creates the benchmark state; JMH calls it. */
    public FleetCallBenchmark() {
    }

    /** Starts the server. */
    @Setup
    public void setUp() {
        caller = Callers.create(peer);
        if (caller.add(20, 22) != 42) {
            throw new IllegalStateException(peer + " adds wrongly");
        }
    }

    /** Stops the server. */
    @TearDown
    public void tearDown() {
        caller.close();
    }

    /**
     * One call.
     *
     * @return the sum
     */
    @Benchmark
    public int call() {
        return caller.add(next++, 1);
    }
}
