package org.fos.benchmarks;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

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
 * Row 13: a put and a linearizable get of the replicated key-value fleet {@code /sys/kv} on a 3-node
 * loopback cluster of the shipped distribution, called from a plain JVM through {@code FosClient}
 * ({@code side=fos}), beside a bare Ratis state machine on three servers of its own doing the same
 * work with fos's Raft settings ({@code side=ratis}); see {@link KvClusters}. Keys are {@value #KEYS}
 * names of 9 characters, written once before the measurement, values {@value #VALUE_BYTES} bytes.
 * Sample mode by default (p50, p99 at one thread); {@code benchmarks/run} also runs it in throughput
 * mode with 1, 2 and 4 threads.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar KvRaftBenchmark -f 1 -wi 3 -w 2s -i 3 -r 3s</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class KvRaftBenchmark {

    /** Keys written and read. */
    static final int KEYS = 1024;
    /** Bytes of every value. */
    static final int VALUE_BYTES = 100;

    /** The cluster: {@code fos} or {@code ratis}. */
    @Param({"fos", "ratis"})
    public String side;

    /** A side's running cluster that {@link KvRaftRun} started for every trial of this JVM, by side. */
    private static final java.util.Map<String, KvClusters.Store> SHARED = new java.util.concurrent.ConcurrentHashMap<>();

    private KvClusters.Store store;
    private boolean own;
    private final byte[] value = new byte[VALUE_BYTES];

    /** Creates the benchmark state; JMH calls it. */
    public KvRaftBenchmark() {
        Arrays.fill(value, (byte) 'v');
    }

    /** Each thread's place in the key space. */
    @State(Scope.Thread)
    public static class Cursor {
        private int next = ThreadLocalRandom.current().nextInt(KEYS);

        /** Creates a cursor at a random key; JMH calls it. */
        public Cursor() {
        }

        String key() {
            return KvRaftBenchmark.key(next++ & (KEYS - 1));
        }
    }

    static String key(int i) {
        return String.format("key:%05d", i);
    }

    /**
     * Starts a side's cluster, writes every key once and checks that one reads back.
     *
     * @param side {@code fos} or {@code ratis}
     * @return the running store
     */
    static KvClusters.Store open(String side) {
        KvClusters.Store store = switch (side) {
            case "fos" -> KvClusters.fos();
            case "ratis" -> KvClusters.ratis();
            default -> throw new IllegalArgumentException("no cluster named '" + side + "': fos or ratis");
        };
        byte[] value = new byte[VALUE_BYTES];
        Arrays.fill(value, (byte) 'v');
        try {
            for (int i = 0; i < KEYS; i++) {
                store.put(key(i), value);
            }
            byte[] back = store.get(key(KEYS - 1));
            if (!Arrays.equals(back, value)) {
                throw new IllegalStateException(side + " read back " + (back == null ? "nothing"
                        : new String(back, StandardCharsets.UTF_8)) + " for a key it acknowledged");
            }
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        return store;
    }

    /**
     * Lends a running cluster to the trials of this JVM (forks 0), or takes it back.
     *
     * @param side its side
     * @param store the store, or null to take it back
     */
    static void share(String side, KvClusters.Store store) {
        if (store == null) {
            SHARED.remove(side);
        } else {
            SHARED.put(side, store);
        }
    }

    /** Uses the side's cluster that {@link KvRaftRun} lent, else starts one of the trial's own. */
    @Setup(Level.Trial)
    public void setUp() {
        store = SHARED.get(side);
        own = store == null;
        if (own) {
            store = open(side);
        }
    }

    /** Stops the cluster and its processes if the trial started it. */
    @TearDown(Level.Trial)
    public void tearDown() {
        if (own) {
            store.close();
        }
    }

    /**
     * A put, acknowledged once committed and applied.
     *
     * @param cursor the thread's key
     * @return the revision
     */
    @Benchmark
    public long put(Cursor cursor) {
        return store.put(cursor.key(), value);
    }

    /**
     * A linearizable get of a key that exists.
     *
     * @param cursor the thread's key
     * @return the value
     */
    @Benchmark
    public byte[] get(Cursor cursor) {
        byte[] v = store.get(cursor.key());
        if (v == null) {
            throw new IllegalStateException("a written key read back empty");
        }
        return v;
    }
}
