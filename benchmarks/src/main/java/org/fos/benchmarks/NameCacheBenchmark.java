package org.fos.benchmarks;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.fos.kernel.api.Capability;
import org.fos.kernel.api.Kernel;
import org.fos.kernel.api.Mailbox;
import org.fos.kernel.api.Names;
import org.fos.kernel.api.Selection;
import org.fos.kernel.embed.EmbeddedKernel;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A name-cache hit (issue 6, row 8): {@link Names#resolve} of a name the cache already follows, a
 * fleet of two local members, by round robin and by key affinity, beside a
 * {@link ConcurrentHashMap#get} of the same name in a map holding as many names as the kernel does.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar NameCacheBenchmark -f 1 -wi 3 -i 5 -w 1s -r 1s</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class NameCacheBenchmark {

    private static final String NAME = "/bench/fleet";
    private static final String OTHER_NAMES = "/bench/other-";
    private static final int OTHER_COUNT = 15;

    private EmbeddedKernel node;
    private Names names;
    private final Map<String, Capability> map = new ConcurrentHashMap<>();
    /** Fields, not constants, so that the JIT cannot fold the lookups. */
    private String name = NAME;
    private String key = "user:42";

    /** Creates the benchmark state; JMH calls it. */
    public NameCacheBenchmark() {
    }

    /** Registers the fleet and other names, and makes the cache follow every name. */
    @Setup
    public void setUp() {
        node = EmbeddedKernel.start("bench", false);
        Kernel kernel = node.kernel(1);
        names = kernel.names();
        register(kernel, NAME);
        register(kernel, NAME);
        for (int i = 0; i < OTHER_COUNT; i++) {
            register(kernel, OTHER_NAMES + i);
        }
        for (int i = 0; i < OTHER_COUNT; i++) {
            map.put(OTHER_NAMES + i, names.resolve(OTHER_NAMES + i, Selection.ROUND_ROBIN));
        }
        map.put(NAME, names.resolve(NAME, Selection.ROUND_ROBIN));
        names.resolve(NAME, Selection.KEY_AFFINITY, key);
    }

    private static void register(Kernel kernel, String name) {
        Mailbox box = kernel.createMailbox(name, 16);
        kernel.names().register(name, box.capability(), Map.of());
    }

    /** Stops the kernel. */
    @TearDown
    public void tearDown() {
        node.close();
    }

    /**
     * Resolves the fleet's name, round robin.
     *
     * @return a member's capability
     */
    @Benchmark
    public Capability resolveRoundRobin() {
        return names.resolve(name, Selection.ROUND_ROBIN);
    }

    /**
     * Resolves the fleet's name for a key.
     *
     * @return the key's member's capability
     */
    @Benchmark
    public Capability resolveKeyAffinity() {
        return names.resolve(name, Selection.KEY_AFFINITY, key);
    }

    /**
     * The baseline: a map lookup of the name.
     *
     * @return the capability stored under the name
     */
    @Benchmark
    public Capability concurrentHashMapGet() {
        return map.get(name);
    }
}
