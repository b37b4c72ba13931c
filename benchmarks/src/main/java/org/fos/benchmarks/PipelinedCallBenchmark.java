package org.fos.benchmarks;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Pipelined cross-node calls (issue 6, row 6): one caller thread keeps up to {@code window}
 * asynchronous calls of {@code add} in flight to a server on another node over loopback TCP (a new
 * call starts as soon as one completes), through a typed libfos proxy and through gRPC-java over
 * Netty with the same window (see {@link RemoteCallers}). The score is calls started per second;
 * every iteration waits for its calls to complete before it ends, so in steady state it is the rate
 * of completed calls.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar PipelinedCallBenchmark -f 1 -wi 2 -i 3 -w 1s -r 1s</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PipelinedCallBenchmark {

    /** The caller, one of the names {@code RemoteCallers.createAsync} knows. */
    @Param({"fos", "fosDirect", "grpc", "grpcDirect"})
    public String peer;

    /** The most calls in flight at once. */
    @Param({"64"})
    public int window;

    private RemoteCallers.AsyncCaller caller;
    private Semaphore inFlight;
    private volatile Throwable failure;
    private final BiConsumer<Integer, Throwable> done = (sum, error) -> {
        if (error != null && failure == null) {
            failure = error;
        }
        inFlight.release();
    };
    private int next;

    /** Creates the benchmark state; JMH calls it. */
    public PipelinedCallBenchmark() {
    }

    /**
     * Starts the server, connects and checks one call.
     *
     * @throws Exception if the check call fails
     */
    @Setup
    public void setUp() throws Exception {
        caller = RemoteCallers.createAsync(peer);
        inFlight = new Semaphore(window);
        CompletableFuture<Integer> first = new CompletableFuture<>();
        caller.add(20, 22, (sum, error) -> {
            if (error != null) {
                first.completeExceptionally(error);
            } else {
                first.complete(sum);
            }
        });
        if (first.get(Callers.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) != 42) {
            throw new IllegalStateException(peer + " adds wrongly");
        }
    }

    /**
     * Waits until every call of the iteration has completed.
     *
     * @throws InterruptedException if interrupted
     */
    @TearDown(Level.Iteration)
    public void awaitCalls() throws InterruptedException {
        if (!inFlight.tryAcquire(window, Callers.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException(peer + ": " + (window - inFlight.availablePermits()) + " calls did not complete");
        }
        inFlight.release(window);
        if (failure != null) {
            throw new IllegalStateException(peer + ": a call failed", failure);
        }
    }

    /** Stops the server. */
    @TearDown
    public void tearDown() {
        caller.close();
    }

    /**
     * Starts one call once fewer than {@code window} are in flight.
     *
     * @throws InterruptedException if interrupted while waiting for room in the window
     */
    @Benchmark
    public void call() throws InterruptedException {
        inFlight.acquire();
        caller.add(next++, 1, done);
    }
}
