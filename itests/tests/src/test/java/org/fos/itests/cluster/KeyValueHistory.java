package org.fos.itests.cluster;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import org.awaitility.Awaitility;
import org.fos.kv.api.Entry;
import org.fos.kv.api.KeyValue;
import org.fos.rpc.api.FleetException;
import org.fos.testkit.history.History;

/**
 * Client threads on the key-value fleet that record every call into a {@link History}: half reads,
 * half writes of values of their own ({@code thread:seq}), over a set of keys. A call that throws
 * is recorded as unknown (the client cannot tell whether a write was applied), which never makes a
 * correct history look wrong.
 */
final class KeyValueHistory implements AutoCloseable {
    private static final long BACK_OFF_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private final KeyValue kv;
    private final History history = new History();
    private final String prefix;
    private final int keys;
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong unknown = new AtomicLong();
    private final AtomicLong succeeded = new AtomicLong();
    private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
    private volatile boolean running = true;

    /**
     * Starts the threads.
     *
     * @param kv the fleet
     * @param threadCount client threads (processes 0 .. threadCount-1)
     * @param keys how many keys
     * @param prefix the keys' prefix
     */
    KeyValueHistory(KeyValue kv, int threadCount, int keys, String prefix) {
        this.kv = kv;
        this.keys = keys;
        this.prefix = prefix;
        for (int t = 0; t < threadCount; t++) {
            int process = t;
            Thread thread = new Thread(() -> loop(process), "kv-history-" + t);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
    }

    String key(int i) {
        return prefix + i;
    }

    private void loop(int process) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (long seq = 0; running; seq++) {
            String key = key(random.nextInt(keys));
            if (random.nextBoolean()) {
                read(process, key);
            } else {
                String value = process + ":" + seq;
                History.Call call = history.write(process, key, value);
                try {
                    kv.put(key, value.getBytes(StandardCharsets.UTF_8));
                    call.ok();
                    succeeded.incrementAndGet();
                } catch (RuntimeException e) {
                    failed(call, e);
                }
            }
            completed.incrementAndGet();
        }
    }

    private void read(int process, String key) {
        History.Call call = history.read(process, key);
        try {
            Entry e = kv.get(key);
            call.okRead(e == null ? null : new String(e.value(), StandardCharsets.UTF_8));
            succeeded.incrementAndGet();
        } catch (RuntimeException e) {
            failed(call, e);
        }
    }

    /** A call that threw is unknown to the history (a write may still be applied) and counted by its status. */
    private void failed(History.Call call, RuntimeException e) {
        call.unknown(e.toString());
        unknown.incrementAndGet();
        String kind = e instanceof FleetException fe ? fe.status().name() : e.getClass().getSimpleName();
        failures.computeIfAbsent(kind, k -> new LongAdder()).increment();
        // a client backs off after a refusal rather than spin: a fleet with no member refuses at once
        LockSupport.parkNanos(BACK_OFF_NANOS);
    }

    /** Calls that failed so far, by status (or exception class for a failure that is not a FleetException). */
    Map<String, Long> failures() {
        Map<String, Long> out = new TreeMap<>();
        failures.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    /** Calls that succeeded so far. */
    long succeeded() {
        return succeeded.get();
    }

    /** Waits until the threads completed {@code more} more calls than now. */
    void awaitProgress(long more, Duration timeout) {
        long target = completed.get() + more;
        Awaitility.await(more + " more calls on /sys/kv").atMost(timeout).pollInterval(Duration.ofMillis(200))
                .until(() -> completed.get() >= target);
    }

    /** Stops the threads, then reads every key once more, as many clients as there were threads (processes from the thread count on). */
    History stopAndReadAll() throws InterruptedException {
        close();
        int clients = threads.size();
        List<Thread> readers = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            Thread t = new Thread(() -> {
                for (int i = client; i < keys; i += clients) {
                    read(clients + client, key(i));
                }
            }, "kv-history-final-" + c);
            t.start();
            readers.add(t);
        }
        for (Thread t : readers) {
            t.join(600_000);
        }
        return history;
    }

    long completed() {
        return completed.get();
    }

    long unknown() {
        return unknown.get();
    }

    /** Stops the threads without the final reads (a test that failed half-way). */
    @Override
    public void close() {
        running = false;
        try {
            for (Thread t : threads) {
                t.join(120_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
