package org.fos.benchmarks;

import java.util.concurrent.TimeUnit;

import org.fos.rpc.api.CallOptions;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * A fleet's throughput with one and with two members (row 11): {@value #CLIENTS} client threads
 * call {@link Adder#add} synchronously through a typed libfos proxy, spread over the members round
 * robin; every call spins {@value #WORK_NANOS} ns in the member before it answers. The same client
 * concurrency for both member counts. (Until the key-value fleet moved its state into Raft groups this
 * row measured its members; a put now waits for its group's log, which row 12 measures.)
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar MemberScalingBenchmark -f 1 -wi 3 -i 5 -w 1s -r 1s</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(MemberScalingBenchmark.CLIENTS)
public class MemberScalingBenchmark {

    /** Client threads. */
    static final int CLIENTS = 4;
    /** The work of one call in the member, in nanoseconds. */
    static final long WORK_NANOS = 10_000;
    /** Keys each client thread writes in turn. */
    private static final int KEYS_PER_CLIENT = 64;

    /** How many members the fleet has. */
    @Param({"1", "2"})
    public int members;

    /** How receivers wait: {@code default} (the kernel's default idle strategy) or {@code parked} (park at once). */
    @Param({"default", "parked"})
    public String idle;

    private LocalFleet fleet;
    private Adder adder;

    /** Creates the benchmark state; JMH calls it. */
    public MemberScalingBenchmark() {
    }

    /** Starts the fleet. */
    @Setup
    public void setUp() {
        fleet = "parked".equals(idle) ? new LocalFleet("/bench/busy", 0, 0) : new LocalFleet("/bench/busy");
        for (int i = 0; i < members; i++) {
            fleet.addMember(Adder.class, (Adder) (a, b) -> {
                long end = System.nanoTime() + WORK_NANOS;
                while (System.nanoTime() - end < 0) {
                    Thread.onSpinWait();
                }
                return a + b;
            });
        }
        adder = fleet.client(Adder.class, CallOptions.DEFAULT);
    }

    /** Stops the fleet. */
    @TearDown
    public void tearDown() {
        fleet.close();
    }

    /**
     * One call.
     *
     * @return the sum
     */
    @Benchmark
    public int call() {
        return adder.add(20, 22);
    }
}
