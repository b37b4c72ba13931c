package org.fos.benchmarks;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.fos.benchmarks.burn.Burn;
import org.fos.fleet.api.Fleet;
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
 * A fleet's throughput at 1, 2 and 3 members, its members pinned to cores and not (row 14, issue 15),
 * in the shipped runtime: each trial starts a node of the distribution in this JVM ({@link BurnNode})
 * whose fleet runtime runs the workload fleet {@value Burn#FIXED} with {@code members} members (its
 * component's configuration {@code fos.fleet.members}) and, when {@code pinned}, names it in
 * {@code pinnedFleets} (PID {@code org.fos.fleet}; {@code clientCores} as the runtime ships it,
 * unless the parameter says otherwise). {@value #CLIENTS} client threads call {@link Burn#burn}
 * synchronously through a typed libfos proxy (round robin over the members), each call
 * {@value #ROUNDS} xorshift rounds of CPU work in the member: enough callers that one member always
 * has calls queued.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar FleetScalingBenchmark -f 1 -wi 2 -i 3 -w 1s -r 1s</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(FleetScalingBenchmark.CLIENTS)
public class FleetScalingBenchmark {

    /** Client threads: two for each member of the largest fleet. */
    static final int CLIENTS = 6;
    /** The CPU work of one call in the member: xorshift rounds ({@link Burn#work}). */
    static final int ROUNDS = 20_000;

    /** How many members the fleet has. */
    @Param({"1", "2", "3"})
    public int members;

    /** Whether the fleet is named in the runtime's {@code pinnedFleets}. */
    @Param({"true", "false"})
    public boolean pinned;

    /** The runtime's {@code clientCores}: the first cores kept off pinned members ({@code 1}, the shipped default). */
    @Param({"1"})
    public int clientCores;

    private BurnNode node;
    private Object proxy;
    private Method burn;

    /** Creates the benchmark state; JMH calls it. */
    public FleetScalingBenchmark() {
    }

    /** A client thread's seeds. */
    @State(Scope.Thread)
    public static class Seed {
        private long next = ThreadLocalRandom.current().nextLong();

        /** Creates a thread's seeds; JMH calls it. */
        public Seed() {
        }
    }

    /**
     * Starts the node and waits until the fleet serves with its members, pinned if asked.
     *
     * @throws Exception if the node does not start or the fleet does not serve as configured
     */
    @Setup
    public void setUp() throws Exception {
        node = new BurnNode(Map.of("pinnedFleets", pinned ? new String[] {Burn.FIXED} : new String[0], "clientCores", clientCores),
                Map.of(Fleet.MEMBERS, members));
        node.awaitServing(Burn.FIXED, members);
        if (pinned) {
            node.awaitPinned(Burn.FIXED, members);
        } else if (!node.cores(Burn.FIXED).isEmpty()) {
            throw new IllegalStateException(Burn.FIXED + " is pinned although not configured so: " + node.cores(Burn.FIXED));
        }
        proxy = node.proxy(Burn.FIXED);
        burn = node.method("burn");
        call(new Seed()); // the path works before JMH measures it
    }

    /** Stops the node. */
    @TearDown
    public void tearDown() {
        node.close();
    }

    /**
     * One call.
     *
     * @param seed the calling thread's seeds
     * @return where the member's work ended
     */
    @Benchmark
    public long call(Seed seed) {
        try {
            return (Long) burn.invoke(proxy, seed.next++, ROUNDS);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the call failed", e);
        }
    }
}
