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
 * concurrency for both member counts. The baseline without fos hands the same calls to plain JDK
 * threads ({@link JdkWorkers}): what a second worker brings on this machine at all. (Until the
 * key-value fleet moved its state into Raft groups this row measured its members; a put now waits for
 * its group's log, which row 13 measures.)
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

    /** How many members the fleet has. */
    @Param({"1", "2"})
    public int members;

    /** How long a plain JDK worker polls its empty queue before it blocks, in nanoseconds. */
    static final long JDK_SPIN_NANOS = 50_000;

    /**
     * How receivers wait: {@code default} (the kernel's default idle strategy) or {@code parked} (park
     * at once); or no fos at all, plain JDK threads whose workers block at once ({@code jdkParked}) or poll
     * for {@value #JDK_SPIN_NANOS} ns first ({@code jdkSpin}).
     */
    @Param({"default", "parked", "jdkParked", "jdkSpin"})
    public String idle;

    private AutoCloseable workers;
    private Adder adder;

    /** Creates the benchmark state; JMH calls it. */
    public MemberScalingBenchmark() {
    }

    /** Starts the fleet. */
    @Setup
    public void setUp() {
        if (idle.startsWith("jdk")) {
            JdkWorkers jdk = new JdkWorkers(members, "jdkSpin".equals(idle) ? JDK_SPIN_NANOS : 0, MemberScalingBenchmark::work);
            workers = jdk;
            adder = jdk;
            return;
        }
        LocalFleet fleet = switch (idle) {
            case "parked" -> new LocalFleet("/bench/busy", 0, 0);
            case "default" -> new LocalFleet("/bench/busy");
            default -> throw new IllegalArgumentException("idle must be default, parked, jdkParked or jdkSpin, was " + idle);
        };
        workers = fleet;
        for (int i = 0; i < members; i++) {
            fleet.addMember(Adder.class, (Adder) MemberScalingBenchmark::work);
        }
        adder = fleet.client(Adder.class, CallOptions.DEFAULT);
    }

    /** A member's work: spins {@value #WORK_NANOS} ns, then adds. */
    private static int work(int a, int b) {
        long end = System.nanoTime() + WORK_NANOS;
        while (System.nanoTime() - end < 0) {
            Thread.onSpinWait();
        }
        return a + b;
    }

    /**
     * Stops the fleet or the workers.
     *
     * @throws Exception if they do not stop
     */
    @TearDown
    public void tearDown() throws Exception {
        workers.close();
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
