package org.fos.testkit.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.fos.testkit.history.History.Call;
import org.fos.testkit.history.Linearizability.Verdict;
import org.fos.testkit.history.Operation.Kind;
import org.fos.testkit.history.Operation.Outcome;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A history of the size a fault test records: 8 client threads, 5,000 operations each, over 100
 * keys and one hot key, against a store that is linearizable (a ConcurrentHashMap), with timeouts
 * (some applied, some not) and refusals. The checker must accept it, and find one altered read in it.
 * The time limits only catch a search that explodes; the times are printed.
 */
class RealisticHistoryTest {
    private static final int THREADS = 8;
    private static final int OPS = 5_000;
    private static List<Operation> history;

    /** One client thread's calls. */
    private interface Client {
        void run(int process, History history, Map<String, String> store);
    }

    @BeforeAll
    static void record() throws Exception {
        history = record(RealisticHistoryTest::client);
    }

    private static List<Operation> record(Client client) throws Exception {
        History h = new History();
        Map<String, String> store = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int p = t;
                done.add(pool.submit(() -> {
                    go.await();
                    client.run(p, h, store);
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get(2, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        return h.operations();
    }

    /** Reads, writes (some refused, some timing out applied or not), compare-and-sets on some keys, deletes. */
    private static void client(int p, History h, Map<String, String> store) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < OPS; i++) {
            String key = random.nextInt(5) == 0 ? "hot" : (random.nextInt(10) == 0 ? "cas-" : "k-") + random.nextInt(100);
            int roll = random.nextInt(100);
            if (roll < 50) {
                Call c = h.read(p, key);
                String v = store.get(key);
                if (random.nextInt(50) == 0) {
                    c.unknown("timeout");
                } else {
                    c.okRead(v);
                }
            } else if (key.startsWith("cas-") && roll < 80) {
                String expected = store.get(key); // what this client believes, perhaps stale by now
                String value = p + ":" + i;
                Call c = h.compareAndSet(p, key, expected, value);
                boolean applied = expected == null ? store.putIfAbsent(key, value) == null : store.replace(key, expected, value);
                c.okApplied(applied);
            } else if (roll < 95) {
                String value = p + ":" + i;
                Call c = h.write(p, key, value);
                int fate = random.nextInt(100);
                if (fate < 2) {
                    c.fail("refused"); // not applied
                } else if (fate < 4) {
                    c.unknown("timeout"); // never applied
                } else {
                    store.put(key, value);
                    if (fate < 6) {
                        c.unknown("timeout"); // applied, but the answer was lost
                    } else {
                        c.ok();
                    }
                }
            } else {
                Call c = h.delete(p, key);
                store.remove(key);
                c.ok();
            }
        }
    }

    @Test
    void shouldAcceptTheHistoryOfALinearizableStore() {
        assertEquals(THREADS * OPS, history.size());
        HistoryCheck check = assertTimeoutPreemptively(Duration.ofMinutes(3), () -> HistoryCheck.of(history));
        System.out.println("RealisticHistoryTest: " + check.summary());
        assertEquals(Verdict.LINEARIZABLE, check.linearizability().verdict(), () -> String.valueOf(check.linearizability().first()));
        assertTrue(check.anomalies().none(), check.anomalies().summary());
        assertTrue(check.outcomes().get(Outcome.UNKNOWN) > 500 && check.outcomes().get(Outcome.FAIL) > 100, check.summary());
        assertTrue(check.linearizability().keys() > 150, check.summary());
    }

    @Test
    void shouldFindOneStaleReadAmongThem() {
        List<Operation> altered = new ArrayList<>(history);
        Operation stale = makeStale(altered, "hot");
        HistoryCheck check = assertTimeoutPreemptively(Duration.ofMinutes(3), () -> HistoryCheck.of(altered));
        System.out.println("RealisticHistoryTest, one read altered: " + check.summary());
        assertEquals(Verdict.NOT_LINEARIZABLE, check.linearizability().verdict());
        assertEquals(1, check.linearizability().failures().size());
        assertEquals("hot", check.linearizability().first().key());
        assertEquals(1, check.anomalies().staleReads(), check.anomalies().summary());
        assertTrue(check.anomalies().examples().get(0).startsWith("stale read: #" + stale.id()), check.anomalies().examples().toString());
    }

    /**
     * Reads (50%), compare-and-sets with the value the client last saw (15%) and writes (35%, one in
     * ten timing out, applied or not) on the key "hot", by {@code clients} clients interleaved at
     * random: each step, a random client invokes its next call, applies its open call to the store,
     * or completes it with what applying returned.
     */
    private static List<Operation> interleave(Random random, int clients, int calls) {
        History h = new History();
        Map<String, String> store = new HashMap<>();
        List<Supplier<Runnable>> toApply = new ArrayList<>(Collections.nCopies(clients, (Supplier<Runnable>) null));
        Runnable[] toComplete = new Runnable[clients];
        int invoked = 0;
        int open = 0;
        while (invoked < calls || open > 0) {
            int p = random.nextInt(clients);
            if (toApply.get(p) != null) {
                toComplete[p] = toApply.get(p).get();
                toApply.set(p, null);
            } else if (toComplete[p] != null) {
                toComplete[p].run();
                toComplete[p] = null;
                open--;
            } else if (invoked < calls) {
                toApply.set(p, invoke(random, h, store, p, invoked++));
                open++;
            }
        }
        return h.operations();
    }

    /** Invokes call {@code i} of client {@code p}; applying the result changes the store and returns the completion. */
    private static Supplier<Runnable> invoke(Random random, History h, Map<String, String> store, int p, int i) {
        int roll = random.nextInt(100);
        String value = p + ":" + i;
        if (roll < 50) {
            Call c = h.read(p, "hot");
            return () -> {
                String read = store.get("hot");
                return () -> c.okRead(read);
            };
        }
        if (roll < 65) {
            String expected = store.get("hot"); // what the client believes, perhaps stale when it applies
            Call c = h.compareAndSet(p, "hot", expected, value);
            return () -> {
                boolean applied = expected == null ? store.putIfAbsent("hot", value) == null : store.replace("hot", expected, value);
                return () -> c.okApplied(applied);
            };
        }
        Call c = h.write(p, "hot", value);
        boolean timesOut = random.nextInt(10) == 0;
        boolean lands = !timesOut || random.nextBoolean();
        return () -> {
            if (lands) {
                store.put("hot", value);
            }
            return timesOut ? () -> c.unknown("timeout") : c::ok;
        };
    }

    /**
     * Makes the last read of a key return a value overwritten for sure before it began: written by a
     * write that completed before an acknowledged write w, which completed before the read.
     */
    private static Operation makeStale(List<Operation> altered, String key) {
        List<Operation> hot = altered.stream().filter(op -> op.key().equals(key)).toList();
        Operation last = hot.stream().filter(op -> op.kind() == Kind.READ && op.outcome() == Outcome.OK).reduce((a, b) -> b).orElseThrow();
        Operation w = hot.stream().filter(op -> op.kind() == Kind.WRITE && op.outcome() == Outcome.OK && op.complete() < last.invoke())
                .reduce((a, b) -> a.invoke() > b.invoke() ? a : b).orElseThrow();
        Operation old = hot.stream().filter(op -> op.kind() == Kind.WRITE && op.outcome() == Outcome.OK && op.complete() < w.invoke())
                .reduce((a, b) -> b).orElseThrow();
        Operation stale = new Operation(last.id(), last.process(), last.key(), last.kind(), old.value(), null, null, last.outcome(),
                last.invoke(), last.complete(), last.invokeNanos(), last.completeNanos(), "altered by the test");
        altered.set(altered.indexOf(last), stale);
        return stale;
    }

    /**
     * One hot key, recorded by one thread that plays 8 clients in an order drawn from a seeded random:
     * each client has one call open at a time, its effect lands on the store at a step between the
     * call's invocation and its completion. The overlap of calls is then the same on every run. With
     * threads (as above) it is not: on a loaded machine a thread descheduled inside a call of a
     * microsecond leaves that call open across thousands of others, which no client over a network
     * sees and which can exhaust the search's budget on a key with compare-and-sets.
     */
    @Test
    void shouldDecideQuicklyOnOneHotKeyWithCompareAndSetAndTimeouts() throws Exception {
        List<Operation> hot = interleave(new Random(20261202L), THREADS, OPS / 2 * THREADS);
        HistoryCheck fine = assertTimeoutPreemptively(Duration.ofMinutes(3), () -> HistoryCheck.of(hot));
        System.out.println("RealisticHistoryTest, one hot key: " + fine.summary());
        assertEquals(Verdict.LINEARIZABLE, fine.linearizability().verdict(), () -> String.valueOf(fine.linearizability().first()));
        List<Operation> altered = new ArrayList<>(hot);
        makeStale(altered, "hot");
        HistoryCheck bad = assertTimeoutPreemptively(Duration.ofMinutes(3), () -> HistoryCheck.of(altered));
        System.out.println("RealisticHistoryTest, one hot key, one read altered: " + bad.summary());
        assertEquals(Verdict.NOT_LINEARIZABLE, bad.linearizability().verdict(), bad.summary());
    }
}
