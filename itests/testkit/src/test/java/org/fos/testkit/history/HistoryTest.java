package org.fos.testkit.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.fos.testkit.history.History.Call;
import org.fos.testkit.history.Operation.Kind;
import org.fos.testkit.history.Operation.Outcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryTest {
    @TempDir
    Path dir;

    @Test
    void shouldRecordInvocationAndCompletionInEventOrder() {
        History h = new History();
        Call w = h.write(3, "k", "v1");
        Call r = h.read(4, "k");
        w.ok();
        r.okRead("v1");
        List<Operation> ops = h.operations();
        assertEquals(2, ops.size());
        Operation write = ops.get(0);
        Operation read = ops.get(1);
        assertEquals(1, write.invoke());
        assertEquals(2, read.invoke());
        assertEquals(3, write.complete());
        assertEquals(4, read.complete());
        assertEquals(3, write.process());
        assertEquals(Kind.WRITE, write.kind());
        assertEquals("v1", read.value());
        assertTrue(write.completeNanos() >= write.invokeNanos());
    }

    @Test
    void shouldRefuseASecondCompletionAndAResultOfTheWrongKind() {
        History h = new History();
        Call w = h.write(0, "k", "v");
        w.ok();
        IllegalStateException twice = assertThrows(IllegalStateException.class, () -> w.fail("late"));
        assertTrue(twice.getMessage().contains("completed already"), twice.getMessage());
        Call w2 = h.write(0, "k", "v2");
        assertThrows(IllegalStateException.class, () -> w2.okRead("v2"));
        assertThrows(IllegalStateException.class, () -> w2.okApplied(true));
        Call r = h.read(0, "k");
        assertThrows(IllegalStateException.class, r::ok);
        Call c = h.compareAndSet(0, "k", null, "v");
        assertThrows(IllegalStateException.class, c::ok);
        assertThrows(NullPointerException.class, () -> h.write(0, "k", null));
        assertThrows(NullPointerException.class, () -> h.read(0, null));
    }

    @Test
    void shouldRefuseInconsistentOperations() {
        assertThrows(IllegalArgumentException.class,
                () -> new Operation(1, 0, "k", Kind.WRITE, "v", null, null, Outcome.OK, 5, 5, 0, 0, null));
        assertThrows(IllegalArgumentException.class,
                () -> new Operation(1, 0, "k", Kind.WRITE, "v", null, null, Outcome.OK, 5, -1, 0, 0, null));
        assertThrows(IllegalArgumentException.class,
                () -> new Operation(1, 0, "k", Kind.CAS, "v", "w", null, Outcome.OK, 5, 6, 0, 0, null));
        assertThrows(IllegalArgumentException.class,
                () -> new Operation(1, 0, "k", Kind.READ, "v", null, null, Outcome.FAIL, 5, 6, 0, 0, null));
        assertThrows(IllegalArgumentException.class,
                () -> new Operation(0, 0, "k", Kind.READ, null, null, null, Outcome.OK, 5, 6, 0, 0, null));
        assertThrows(IllegalArgumentException.class,
                () -> new Operation(1, 0, "k", Kind.WRITE, null, null, null, Outcome.OK, 5, 6, 0, 0, null));
    }

    @Test
    void shouldRecordFromManyThreadsWithoutLosingOrReorderingAnything() throws Exception {
        History h = new History();
        int threads = 8;
        int each = 2_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<?>> done = new java.util.ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int p = t;
                done.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < each; i++) {
                        h.write(p, "k" + (i % 7), p + ":" + i).ok();
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get(1, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        List<Operation> ops = h.operations();
        assertEquals(threads * each, ops.size());
        java.util.Set<Long> events = new java.util.HashSet<>();
        for (Operation op : ops) {
            assertTrue(events.add(op.invoke()) && events.add(op.complete()), "event indices are unique");
        }
        for (int p = 0; p < threads; p++) {
            int process = p;
            List<Operation> mine = ops.stream().filter(o -> o.process() == process).toList();
            for (int i = 1; i < mine.size(); i++) {
                assertTrue(mine.get(i).invoke() > mine.get(i - 1).complete(), "thread " + p + "'s calls in order");
            }
        }
        assertEquals(2L * threads * each, events.size());
    }

    @Test
    void shouldWriteAndReadBackJsonLines() throws IOException {
        History h = new History();
        h.write(1, "k", "v\"with \\ quotes\n and a newline").ok();
        h.read(2, "k").okRead(null);
        h.compareAndSet(3, "k", null, "w").okApplied(false);
        h.delete(4, "k").okApplied(true);
        h.delete(4, "k").ok();
        h.write(5, "k", "z").fail("refused");
        h.write(6, "k", "u").unknown("timeout after 5 s");
        h.read(7, "k");
        List<Operation> ops = h.operations();
        Path file = HistoryFile.write(dir.resolve("sub/h.jsonl"), ops);
        List<String> lines = Files.readAllLines(file);
        assertEquals(ops.size(), lines.size());
        assertTrue(lines.get(0).startsWith("{\"id\":1,\"process\":1,\"key\":\"k\",\"kind\":\"WRITE\""), lines.get(0));
        assertEquals(ops, HistoryFile.read(file));
    }

    @Test
    void shouldNameTheLineOfABadFile() throws IOException {
        Path file = dir.resolve("bad.jsonl");
        String good = "{\"id\":1,\"process\":0,\"key\":\"k\",\"kind\":\"WRITE\",\"value\":\"v\",\"expected\":null,\"applied\":null,"
                + "\"outcome\":\"OK\",\"invoke\":1,\"complete\":2,\"invokeNanos\":0,\"completeNanos\":5,\"note\":null}";
        Files.writeString(file, good + "\n\n{\"id\":2,\"kind\":\"SWAP\"}\n", StandardCharsets.UTF_8);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HistoryFile.read(file));
        assertTrue(e.getMessage().contains("line 3"), e.getMessage());
        Files.writeString(file, good + "\n" + good.replace("\"id\":1", "\"id\":2") + "\n", StandardCharsets.UTF_8);
        e = assertThrows(IllegalArgumentException.class, () -> HistoryFile.read(file));
        assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("event index"), e.getMessage());
        Files.writeString(file, good.replace("\"complete\":2", "\"complete\":1"), StandardCharsets.UTF_8);
        e = assertThrows(IllegalArgumentException.class, () -> HistoryFile.read(file));
        assertTrue(e.getMessage().contains("line 1") && e.getMessage().contains("must follow invoke"), e.getMessage());
        Files.writeString(file, good.replace("\"key\":\"k\",", ""), StandardCharsets.UTF_8);
        e = assertThrows(IllegalArgumentException.class, () -> HistoryFile.read(file));
        assertTrue(e.getMessage().contains("line 1"), e.getMessage());
    }

    @Test
    void shouldWriteTheHistoryAndExplainWhenACheckFails() throws IOException {
        History h = new History();
        h.write(0, "good", "1").ok();
        h.read(1, "good").okRead("1");
        h.write(0, "bad", "1").ok();
        h.write(0, "bad", "2").ok();
        h.read(1, "bad").okRead("1");
        HistoryCheck check = HistoryCheck.of(h.operations());
        assertFalse(check.valid());
        Path out = dir.resolve("failed-run");
        AssertionError e = assertThrows(AssertionError.class, () -> check.assertValid(out));
        assertTrue(e.getMessage().contains("key \"bad\" is not linearizable"), e.getMessage());
        assertTrue(e.getMessage().contains("1 stale reads"), e.getMessage());
        assertTrue(e.getMessage().contains(out.resolve("history.jsonl").toAbsolutePath().toString()), e.getMessage());
        assertEquals(5, HistoryFile.read(out.resolve("history.jsonl")).size());
        List<Operation> bad = HistoryFile.read(out.resolve("first-failing-key.jsonl"));
        assertEquals(3, bad.size());
        assertFalse(HistoryCheck.of(bad).valid(), "the file alone fails again");
        HistoryCheck fine = HistoryCheck.of(HistoryFile.read(out.resolve("history.jsonl")).stream().filter(o -> o.key().equals("good")).toList());
        assertTrue(fine.valid(), fine.summary());
        assertEquals(fine, fine.assertValid(dir.resolve("never-written")));
        assertFalse(Files.exists(dir.resolve("never-written")));
    }
}
