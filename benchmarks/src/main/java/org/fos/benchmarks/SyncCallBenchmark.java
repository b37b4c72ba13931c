package org.fos.benchmarks;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A synchronous call of {@code add} (two ints in, one int out) and its reply, from the benchmark
 * thread to a server on another thread, by whichever caller a subclass creates. Sample mode: the
 * report has p50 and p99.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public abstract class SyncCallBenchmark {

    private Callers.Caller caller;
    private int next;

    /** Creates the benchmark state; JMH calls a subclass's constructor. */
    protected SyncCallBenchmark() {
    }

    /**
     * Creates the caller the subclass's parameters name, and starts its server.
     *
     * @return the caller
     */
    protected abstract Callers.Caller create();

    /** Starts the server and checks one call. */
    @Setup
    public void setUp() {
        caller = create();
        if (caller.add(20, 22) != 42) {
            throw new IllegalStateException(caller + " adds wrongly");
        }
    }

    /** Stops the server. */
    @TearDown
    public void tearDown() {
        caller.close();
    }

    /**
     * One call and its reply.
     *
     * @return the sum
     */
    @Benchmark
    public int call() {
        return caller.add(next++, 1);
    }
}
