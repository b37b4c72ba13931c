package org.fos.testkit.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

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

    @Test
    void shouldDecideQuicklyOnOneHotKeyWithCompareAndSetAndTimeouts() throws Exception {
        // every unknown write may have taken effect anywhere after it: the deadlines keep this small
        List<Operation> hot = record((p, h, store) -> {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            for (int i = 0; i < OPS / 2; i++) {
                int roll = random.nextInt(100);
                String value = p + ":" + i;
                if (roll < 50) {
                    Call c = h.read(p, "hot");
                    c.okRead(store.get("hot"));
                } else if (roll < 65) {
                    String expected = store.get("hot");
                    Call c = h.compareAndSet(p, "hot", expected, value);
                    c.okApplied(expected == null ? store.putIfAbsent("hot", value) == null : store.replace("hot", expected, value));
                } else {
                    Call c = h.write(p, "hot", value);
                    if (random.nextInt(10) == 0) {
                        if (random.nextBoolean()) {
                            store.put("hot", value);
                        }
                        c.unknown("timeout");
                    } else {
                        store.put("hot", value);
                        c.ok();
                    }
                }
            }
        });
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
