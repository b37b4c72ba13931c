package org.fos.benchmarks;

import java.util.concurrent.TimeUnit;

import org.fos.kv.api.KeyValue;
import org.fos.kv.api.PutResult;
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
 * Key-value fleet throughput with one and with two members (issue 6, row 11): {@value #CLIENTS}
 * client threads call {@link KeyValue#put} synchronously through a typed libfos proxy, keys spread
 * over the members by key affinity; every put spins {@value #WORK_NANOS} ns in the member before it
 * writes. The same client concurrency for both member counts.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar KeyValueFleetBenchmark -f 1 -wi 3 -i 5 -w 1s -r 1s</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(KeyValueFleetBenchmark.CLIENTS)
public class KeyValueFleetBenchmark {

    /** Client threads. */
    static final int CLIENTS = 4;
    /** The work of one put in the member, in nanoseconds. */
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
    private KeyValue kv;
    private final byte[] value = new byte[16];

    /** Creates the benchmark state; JMH calls it. */
    public KeyValueFleetBenchmark() {
    }

    /** One client thread's keys. */
    @State(Scope.Thread)
    public static class Client {
        private static final java.util.concurrent.atomic.AtomicInteger NEXT = new java.util.concurrent.atomic.AtomicInteger();
        private final String[] keys = new String[KEYS_PER_CLIENT];
        private int next;

        /** Creates the thread's keys; JMH calls it. */
        public Client() {
            int id = NEXT.getAndIncrement();
            for (int i = 0; i < keys.length; i++) {
                keys[i] = "client-" + id + ":key-" + i;
            }
        }

        String nextKey() {
            String k = keys[next];
            next = (next + 1) % keys.length;
            return k;
        }
    }

    /** Starts the fleet. */
    @Setup
    public void setUp() {
        fleet = "parked".equals(idle) ? new LocalFleet(KeyValue.NAME, 0, 0) : new LocalFleet(KeyValue.NAME);
        for (int i = 0; i < members; i++) {
            fleet.addMember(KeyValue.class, new BusyKeyValueMember(fleet.serverLibfos(), WORK_NANOS));
        }
        kv = fleet.client(KeyValue.class, CallOptions.DEFAULT);
    }

    /** Stops the fleet. */
    @TearDown
    public void tearDown() {
        fleet.close();
    }

    /**
     * One write.
     *
     * @param client the calling thread's keys
     * @return the write's result
     */
    @Benchmark
    public PutResult put(Client client) {
        return kv.put(client.nextKey(), value);
    }
}
