package org.fos.itests.kvload;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.fos.kernel.api.Capability;
import org.fos.kernel.api.Kernel;
import org.fos.kernel.api.Message;
import org.fos.kernel.api.NameEntry;
import org.fos.kernel.api.Status;
import org.fos.kv.api.CasResult;
import org.fos.kv.api.Entry;
import org.fos.kv.api.KeyValue;
import org.fos.rpc.api.CallOptions;
import org.fos.rpc.api.FleetException;
import org.fos.rpc.api.Libfos;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * Load on the key-value fleet from inside a node, driven from the shell (scope {@code kvload}).
 * Each run numbers its threads' keys afresh, and each thread numbers its calls. In mode {@code counters} a call writes a key of its own and then
 * moves its thread's counter with compare-and-set, so a lost write leaves a key missing and a call
 * executed twice breaks the next compare-and-set; no call is retried. In mode {@code puts} a call
 * only writes its key, and a write whose member went away is written again (writing the same value
 * to the same key twice is harmless), as a client riding out a node's death would.
 *
 * <p>{@code kvload:forge} sends one message on a capability whose token is altered, to check that
 * the node owning the target mailbox refuses it.
 */
@Component(service = KvLoad.class, immediate = true, property = {"osgi.command.scope=kvload",
        "osgi.command.function=start", "osgi.command.function=stop", "osgi.command.function=status",
        "osgi.command.function=verify", "osgi.command.function=forge"})
public final class KvLoad {
    private final Libfos libfos;
    private final Kernel kernel;
    private final String node;
    private final AtomicInteger runs = new AtomicInteger();
    private volatile Run run;

    /**
     * Creates the load.
     *
     * @param libfos libfos
     * @param kernel the kernel, for the node id that prefixes the keys
     */
    @Activate
    public KvLoad(@Reference Libfos libfos, @Reference Kernel kernel) {
        this.libfos = libfos;
        this.kernel = kernel;
        this.node = kernel.nodeId();
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        Run r = run;
        if (r != null) {
            r.stop();
        }
    }

    /** One run of the load. */
    private final class Run {
        final boolean counters;
        final String prefix = node + ":r" + runs.incrementAndGet() + ":t";
        final KeyValue kv;
        final Thread[] threads;
        final long[][] acked;
        final int[] ackedCount;
        final long[] counterRevision;
        final AtomicLong calls = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final AtomicLong retried = new AtomicLong();
        final List<String> failures = new ArrayList<>();
        final long started = System.nanoTime();
        volatile long lastSuccess = System.nanoTime();
        volatile long maxGapNanos;
        volatile long maxLatencyNanos;
        volatile boolean running = true;

        Run(int threadCount, boolean counters, long timeoutMillis) {
            this.counters = counters;
            this.kv = libfos.proxy(KeyValue.class, KeyValue.NAME, CallOptions.DEFAULT.withTimeout(Duration.ofMillis(timeoutMillis)));
            this.threads = new Thread[threadCount];
            this.acked = new long[threadCount][1024];
            this.ackedCount = new int[threadCount];
            this.counterRevision = new long[threadCount];
            for (int t = 0; t < threadCount; t++) {
                int id = t;
                threads[t] = new Thread(() -> loop(id), "kvload-" + t);
                threads[t].start();
            }
        }

        String key(int thread, long seq) {
            return "load:" + prefix + thread + ":" + seq;
        }

        String counterKey(int thread) {
            return "counter:" + prefix + thread;
        }

        byte[] value(int thread, long seq) {
            return ("v" + thread + "#" + seq).getBytes(StandardCharsets.UTF_8);
        }

        void loop(int t) {
            for (long seq = 0; running; seq++) {
                long t0 = System.nanoTime();
                calls.incrementAndGet();
                try {
                    call(t, seq);
                    long now = System.nanoTime();
                    synchronized (this) {
                        maxGapNanos = Math.max(maxGapNanos, now - lastSuccess);
                        lastSuccess = now;
                        maxLatencyNanos = Math.max(maxLatencyNanos, now - t0);
                        if (ackedCount[t] == acked[t].length) {
                            acked[t] = java.util.Arrays.copyOf(acked[t], ackedCount[t] * 2);
                        }
                        acked[t][ackedCount[t]++] = seq;
                    }
                } catch (RuntimeException e) {
                    failed.incrementAndGet();
                    synchronized (failures) {
                        if (failures.size() < 10) {
                            failures.add(e.toString());
                        }
                    }
                    if (counters) {
                        return; // the counter's revision is unknown now: this thread stops
                    }
                }
            }
        }

        void call(int t, long seq) {
            if (!counters) {
                for (int attempt = 0;; attempt++) {
                    try {
                        kv.put(key(t, seq), value(t, seq));
                        return;
                    } catch (FleetException e) {
                        boolean retriable = e.status() == Status.CLOSED || e.status() == Status.TIMEOUT
                                || e.status() == Status.NO_ROUTE || e.status() == Status.FULL;
                        if (!retriable || attempt >= 20 || !running) {
                            throw e;
                        }
                        retried.incrementAndGet();
                    }
                }
            }
            kv.put(key(t, seq), value(t, seq));
            CasResult c = kv.compareAndSet(counterKey(t), counterRevision[t],
                    Long.toString(seq + 1).getBytes(StandardCharsets.UTF_8));
            if (!c.applied()) {
                throw new IllegalStateException("counter of thread " + t + " is at revision " + c.revision() + ", expected "
                        + counterRevision[t] + ": an increment was lost or applied twice");
            }
            counterRevision[t] = c.revision();
        }

        void stop() throws InterruptedException {
            running = false;
            for (Thread t : threads) {
                t.join(120_000);
            }
        }

        Map<String, Object> report() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("mode", counters ? "counters" : "puts");
            out.put("threads", threads.length);
            out.put("calls", calls.get());
            out.put("failed", failed.get());
            out.put("retried", retried.get());
            long acks = 0;
            synchronized (this) {
                for (int c : ackedCount) {
                    acks += c;
                }
            }
            out.put("acknowledged", acks);
            out.put("seconds", (System.nanoTime() - started) / 1_000_000_000L);
            out.put("maxGapMillis", maxGapNanos / 1_000_000);
            out.put("maxLatencyMillis", maxLatencyNanos / 1_000_000);
            synchronized (failures) {
                out.put("failures", List.copyOf(failures));
            }
            return out;
        }
    }

    /**
     * Starts the load.
     *
     * @param threads client threads
     * @param mode counters or puts
     * @param timeoutMillis the call timeout
     * @return the mode started
     */
    @Descriptor("start client threads calling /sys/kv")
    public String start(@Parameter(names = {"-t", "--threads"}, absentValue = "2") int threads,
            @Parameter(names = {"-m", "--mode"}, absentValue = "counters") String mode,
            @Parameter(names = {"-c", "--call-timeout"}, absentValue = "30000") long timeoutMillis) {
        if (run != null) {
            throw new IllegalStateException("a load runs already: kvload:stop first");
        }
        if (threads < 1 || threads > 64) {
            throw new IllegalArgumentException("threads must be from 1 to 64, was " + threads);
        }
        if (!mode.equals("counters") && !mode.equals("puts")) {
            throw new IllegalArgumentException("mode must be counters or puts, was " + mode);
        }
        run = new Run(threads, mode.equals("counters"), timeoutMillis);
        return "started " + threads + " threads in mode " + mode;
    }

    /**
     * Shows how the load goes.
     *
     * @return the counters
     */
    @Descriptor("show the running load's counters")
    public Map<String, Object> status() {
        Run r = run;
        if (r == null) {
            throw new IllegalStateException("no load runs: kvload:start first");
        }
        return r.report();
    }

    /**
     * Stops the load.
     *
     * @return what it did
     * @throws InterruptedException if interrupted while the threads finish
     */
    @Descriptor("stop the load and show what it did")
    public Map<String, Object> stop() throws InterruptedException {
        Run r = run;
        if (r == null) {
            throw new IllegalStateException("no load runs: kvload:start first");
        }
        r.stop();
        return r.report();
    }

    /**
     * Reads back every acknowledged write of the last load.
     *
     * @return how many were checked, lost, wrong, and how the counters stand
     */
    @Descriptor("read back every write the last load had acknowledged: lost and duplicated counts")
    public Map<String, Object> verify() {
        Run r = run;
        if (r == null) {
            throw new IllegalStateException("no load ran: kvload:start first");
        }
        if (r.running) {
            throw new IllegalStateException("the load still runs: kvload:stop first");
        }
        long checked = 0;
        long lost = 0;
        long wrong = 0;
        long counterMismatches = 0;
        for (int t = 0; t < r.threads.length; t++) {
            for (int i = 0; i < r.ackedCount[t]; i++) {
                long seq = r.acked[t][i];
                Entry e = r.kv.get(r.key(t, seq));
                checked++;
                if (e == null) {
                    lost++;
                } else if (!java.util.Arrays.equals(e.value(), r.value(t, seq))) {
                    wrong++;
                }
            }
            if (r.counters) {
                Entry c = r.kv.get(r.counterKey(t));
                long value = c == null ? 0 : Long.parseLong(new String(c.value(), StandardCharsets.UTF_8));
                if (value != r.ackedCount[t]) {
                    counterMismatches++;
                }
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("checked", checked);
        out.put("lost", lost);
        out.put("wrong", wrong);
        out.put("counterMismatches", counterMismatches);
        run = null;
        return out;
    }

    /**
     * Sends one message to a member of a name on a capability whose token has one bit flipped.
     *
     * @param name the name whose first member on {@code node} is the target
     * @param targetNode the node whose member to aim at
     * @return the status of the local send, by name (a remote node can only refuse it when it arrives)
     */
    @Descriptor("send one message on a forged capability to a name's member on a node")
    public String forge(@Descriptor("a name, such as /sys/kv") String name, @Descriptor("the member's node") String targetNode) {
        Capability real = kernel.names().find(name).stream().map(NameEntry::capability)
                .filter(c -> c.address().node().equals(targetNode)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(name + " has no member on " + targetNode));
        Capability forged = new Capability(real.address(), real.rights(), real.tokenHigh() ^ 1, real.tokenLow());
        return kernel.send(Message.of(forged, "forged", "from " + node)).name();
    }
}
