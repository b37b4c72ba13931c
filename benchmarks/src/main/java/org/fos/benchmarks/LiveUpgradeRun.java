package org.fos.benchmarks;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import org.fos.testkit.support.Load;

/**
 * Live upgrade of the key-value fleet under load (issue 6, row 10), in a real node: Felix boots the
 * distribution's bundles in this JVM ({@link EmbeddedNode}), two client threads call {@code /sys/kv}
 * through a typed libfos proxy, and the fleet runtime replaces the implementation (version 1 by the
 * integration tests' version 2) while they call. As in the integration tests, each call writes a key
 * of its own and then moves its thread's counter by compare-and-set, so that a lost or repeated call
 * shows. The load runs first unmeasured (warm-up), then measured around the upgrade; afterwards
 * every acknowledged write is read back. The result goes to a JSON file for the report.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar org.fos.benchmarks.LiveUpgradeRun \
 *     distribution/target/fos benchmarks/target/upgrade/fos-itest-kv-v2.jar target/live-upgrade.json</pre>
 */
public final class LiveUpgradeRun {
    private static final String KV = "/sys/kv";
    private static final int THREADS = 2;
    private static final Duration WARMUP = Duration.ofSeconds(5);
    private static final Duration BEFORE = Duration.ofSeconds(2);
    private static final Duration AFTER = Duration.ofSeconds(2);
    private static final Duration UPGRADE_TIMEOUT = Duration.ofMinutes(1);

    private final Object kv;
    private final Method put;
    private final Method compareAndSet;
    private final Method get;
    private final long[] counterRevision = new long[THREADS];
    private final String[] lastServedBy = new String[THREADS];
    private final String prefix;
    /** Keys this load has written: the state the fleet hands over grows with them. */
    private final LongAdder keysWritten = new LongAdder();

    private LiveUpgradeRun(Object kv, Class<?> protocol, String prefix) throws NoSuchMethodException {
        this.kv = kv;
        this.put = protocol.getMethod("put", String.class, byte[].class);
        this.compareAndSet = protocol.getMethod("compareAndSet", String.class, long.class, byte[].class);
        this.get = protocol.getMethod("get", String.class);
        this.prefix = prefix;
    }

    /**
     * Runs the upgrade under load and writes the result.
     *
     * @param args the distribution folder, the new bundle, the JSON file to write
     * @throws Exception if the node does not start or the run fails
     */
    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: LiveUpgradeRun <distribution folder> <kv version 2 bundle> <result.json>");
            System.exit(2);
        }
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        Path base = Files.createTempDirectory("fos-live-upgrade");
        LiveUpgradeResult result;
        try (EmbeddedNode node = new EmbeddedNode(Path.of(args[0]), base)) {
            result = run(node, Path.of(args[1]));
        }
        Path out = Path.of(args[2]).toAbsolutePath();
        Files.createDirectories(out.getParent());
        write(result, out);
        System.out.println("live upgrade: " + result);
        System.exit(0);
    }

    private static LiveUpgradeResult run(EmbeddedNode node, Path newBundle) throws Exception {
        Object runtime = node.service("org.fos.fleet.api.FleetRuntime");
        awaitServing(runtime);
        Class<?> protocol = node.loadClass("org.fos.kv.api", "org.fos.kv.api.KeyValue");
        Object kv = EmbeddedNode.call(node.service("org.fos.rpc.api.Libfos"), "proxy", protocol, KV);

        LiveUpgradeRun warmup = new LiveUpgradeRun(kv, protocol, "warmup");
        Load.Report warm = warmup.load(WARMUP);
        if (warm.failed() > 0) {
            throw new IllegalStateException("calls failed before the upgrade: " + warm.failures());
        }

        LiveUpgradeRun measured = new LiveUpgradeRun(kv, protocol, "load");
        Load load = measured.start();
        Thread.sleep(BEFORE.toMillis());
        // both loads' keys plus the two counters; calls in flight may add one key a thread
        long keys = warmup.keysWritten.sum() + measured.keysWritten.sum() + THREADS;
        Object upgrade = EmbeddedNode.call(runtime, "upgrade", KV, newBundle.toUri().toString(), UPGRADE_TIMEOUT);
        String to = String.valueOf(EmbeddedNode.call(upgrade, "to"));
        measured.awaitServedBy("/" + to);
        Thread.sleep(AFTER.toMillis());
        Load.Report report = load.stop();
        long lost = measured.lost(report);
        return new LiveUpgradeResult(String.valueOf(EmbeddedNode.call(upgrade, "outcome")),
                String.valueOf(EmbeddedNode.call(upgrade, "from")), to,
                ((Duration) EmbeddedNode.call(upgrade, "pause")).toNanos(), (Integer) EmbeddedNode.call(upgrade, "queued"),
                keys, THREADS, report.calls(), report.failed(), lost, report.percentile(50).toNanos(),
                report.percentile(99).toNanos(), report.max().toNanos(), report.duration().toNanos(), warm.duration().toNanos());
    }

    /** Waits until the key-value fleet serves with all its members. */
    private static void awaitServing(Object runtime) {
        long deadline = System.nanoTime() + UPGRADE_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            Object fleet = EmbeddedNode.call(runtime, "fleet", KV);
            if (fleet != null && "SERVING".equals(String.valueOf(EmbeddedNode.call(fleet, "status")))
                    && !((List<?>) EmbeddedNode.call(fleet, "members")).isEmpty()) {
                return;
            }
            EmbeddedNode.pause();
        }
        throw new IllegalStateException("the key-value fleet did not serve within " + UPGRADE_TIMEOUT);
    }

    private byte[] value(int thread, long seq) {
        return (prefix + " value of t" + thread + " #" + seq).getBytes(StandardCharsets.UTF_8);
    }

    private String key(int thread, long seq) {
        return prefix + ":t" + thread + ":" + seq;
    }

    private String counter(int thread) {
        return prefix + ":counter:t" + thread;
    }

    private Load start() throws InterruptedException {
        return Load.start(THREADS, (t, seq) -> {
            Object written = put.invoke(kv, key(t, seq), value(t, seq));
            keysWritten.increment();
            lastServedBy[t] = String.valueOf(EmbeddedNode.call(written, "servedBy"));
            Object cas = compareAndSet.invoke(kv, counter(t), counterRevision[t],
                    Long.toString(seq + 1).getBytes(StandardCharsets.UTF_8));
            if (!(Boolean) EmbeddedNode.call(cas, "applied")) {
                throw new IllegalStateException("counter of thread " + t + " is at revision " + EmbeddedNode.call(cas, "revision")
                        + ", expected " + counterRevision[t] + ": an increment was lost or applied twice");
            }
            counterRevision[t] = (Long) EmbeddedNode.call(cas, "revision");
        });
    }

    private Load.Report load(Duration duration) throws InterruptedException {
        Load load = start();
        Thread.sleep(duration.toMillis());
        return load.stop();
    }

    private void awaitServedBy(String version) {
        long deadline = System.nanoTime() + UPGRADE_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (Arrays.stream(lastServedBy).allMatch(s -> s != null && s.contains(version))) {
                return;
            }
            EmbeddedNode.pause();
        }
        throw new IllegalStateException("the load was not served by " + version + " within " + UPGRADE_TIMEOUT);
    }

    /** Reads every acknowledged write back: counts writes missing or changed, and counters that are off. */
    private long lost(Load.Report report) throws ReflectiveOperationException {
        long lost = 0;
        for (int t = 0; t < THREADS; t++) {
            long[] ok = report.succeeded(t);
            for (long seq : ok) {
                Object entry = get.invoke(kv, key(t, seq));
                if (entry == null || !Arrays.equals(value(t, seq), (byte[]) EmbeddedNode.call(entry, "value"))) {
                    lost++;
                }
            }
            Object entry = get.invoke(kv, counter(t));
            long counted = entry == null ? 0 : Long.parseLong(new String((byte[]) EmbeddedNode.call(entry, "value"),
                    StandardCharsets.UTF_8));
            lost += Math.abs(ok.length - counted);
        }
        return lost;
    }

    private static void write(LiveUpgradeResult result, Path file) throws IOException {
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), result);
    }
}
