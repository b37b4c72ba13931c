package org.fos.fs.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.fos.fs.engine.GroupStoreTest.ROOT;

import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.fos.block.api.BlockDevice;
import org.fos.block.api.BlockWrite;
import org.fos.block.api.DeviceStats;
import org.fos.block.api.Geometry;
import org.fos.fs.api.DirEntry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WriteBehindTest {
    private final HeldDevice held = new HeldDevice();
    private final ExecutorService flusher = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() {
        flusher.shutdownNow();
    }

    @Test
    void shouldSendAWriteWithoutWaitingForIt() {
        WriteBehind device = new WriteBehind(held, "/dev/block/held", 10_000);

        device.write(3, new byte[4096]);
        device.writeAll(List.of(new BlockWrite(4, new byte[4096]), new BlockWrite(5, new byte[4096])));

        assertThat(held.sent).as("both writes sent, neither answered").hasSize(2);
        assertThat(held.sent.get(0).writes().get(0).block()).isEqualTo(3);
        assertThat(held.sent.get(1).writes()).hasSize(2);
        assertThat(device.read(3, 1)).as("a read goes on while writes are unanswered: the device serves it after them").hasSize(4096);
    }

    @Test
    void shouldFlushOnlyOnceEveryWriteBeforeItIsAnswered() throws Exception {
        Future<?> flush = flushAfterAWrite();
        assertThat(flush).as("the device flushed, but the write before is not answered yet").isNotDone();

        held.sent.get(0).answer().complete(null);
        flush.get(10, TimeUnit.SECONDS);
    }

    @Test
    void shouldFailEveryCallAfterAWriteFailed() throws Exception {
        WriteBehind device = new WriteBehind(held, "/dev/block/held", 10_000);
        device.write(3, new byte[4096]);
        device.write(4, new byte[4096]);
        held.sent.get(0).answer().completeExceptionally(new UncheckedIOException(new java.io.IOException("disk on fire")));
        held.sent.get(1).answer().complete(null);

        assertThat(device.failed()).isTrue();
        for (Runnable call : List.<Runnable>of(() -> device.write(5, new byte[4096]), () -> device.read(3, 1), device::flush,
                device::geometry)) {
            assertThatThrownBy(call::run).isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining("a write to /dev/block/held failed").hasMessageContaining("disk on fire")
                    .hasMessageContaining("takes no more changes until it restarts");
        }
        assertThat(held.sent).as("nothing more is sent to the device").hasSize(2);
        assertThat(held.flushes).isZero();
    }

    @Test
    void shouldFailTheFlushThatFindsAFailedWrite() throws Exception {
        Future<?> flush = flushAfterAWrite();
        held.sent.get(0).answer().completeExceptionally(new IllegalArgumentException("block 3 is out of range"));

        assertThatThrownBy(() -> flush.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("block 3 is out of range");
    }

    @Test
    void shouldFailAFlushWhoseWritesAreNeverAnswered() {
        WriteBehind device = new WriteBehind(held, "/dev/block/held", 50);
        device.write(3, new byte[4096]);

        assertThatThrownBy(device::flush).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("1 writes to /dev/block/held were not answered within 50 ms of a flush");
    }

    @Test
    void shouldFailAfterAWriteCouldNotBeSent() {
        held.refuseSends = true;
        WriteBehind device = new WriteBehind(held, "/dev/block/held", 10_000);

        assertThatThrownBy(() -> device.write(3, new byte[4096])).hasMessageContaining("no member serves");
        assertThat(device.failed()).isTrue();
        assertThatThrownBy(device::flush).hasMessageContaining("no member serves");
    }

    @Test
    void shouldKeepWhatWasWrittenBeforeAFailedWriteAndNothingAfter() throws Exception {
        MemDevice mem = new MemDevice(4096, 8192);
        Layout layout = Volume.mkfs(mem, 2);
        Volume.recover(mem, layout);
        WriteBehind device = new WriteBehind(mem, "/dev/block/mem", 10_000);
        GroupStore g0 = GroupStore.open(layout, 0, device, inode -> false, new ArrayDeque<>(), new DataCache(4096, 16));
        DirEntry a = Ops.create(g0, ROOT, "a", true, 1);
        byte[] content = GroupStoreTest.random(3 * 4096 + 100, 41);
        g0.contents.write(a.inode(), -1, 0, content, false, 2);

        mem.failWrites = true;
        assertThatThrownBy(() -> Ops.create(g0, ROOT, "b", true, 3)).hasMessageContaining("a write to /dev/block/mem failed")
                .hasMessageContaining("the device failed a write");
        mem.failWrites = false;
        assertThatThrownBy(() -> Ops.create(g0, ROOT, "c", true, 4)).as("no more changes, though the device works again")
                .hasMessageContaining("takes no more changes");
        assertThatThrownBy(device::flush).hasMessageContaining("the device failed a write");

        // the member restarts: it reads the device again and replays the journal
        Volume.recover(mem, layout);
        GroupStore again = GroupStore.open(layout, 0, mem, inode -> false, new ArrayDeque<>(), new DataCache(4096, 16));
        assertThat(again.lookup(ROOT, "a").inode()).isEqualTo(a.inode());
        assertThat(again.contents.read(a.inode(), -1, 0, content.length)).isEqualTo(content);
        assertThatThrownBy(() -> again.lookup(ROOT, "b")).isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> again.lookup(ROOT, "c")).isInstanceOf(NoSuchFileException.class);
        assertThat(Fsck.check(mem).clean()).as("the device checks clean").isTrue();
    }

    @Test
    void shouldSendKeptWritesOnceTheyHaveWaited() throws Exception {
        WriteBehind device = new WriteBehind(held, "/dev/block/held", 10_000, 1_000);
        try {
            CompletionStage<Void> first = device.writeAllAsync(List.of(new BlockWrite(3, new byte[4096])));
            CompletionStage<Void> second = device.writeAllAsync(List.of(new BlockWrite(4, new byte[4096]), new BlockWrite(5, new byte[4096])));

            // the timer sends them, in one send or (should this thread stall past the keep) in two, in the order written
            held.awaitSentBlocks(3);
            assertThat(held.sentBlocks()).containsExactly(3L, 4L, 5L);
            assertThat(held.calls).as("sent by the timer: no read or flush asked for them").allMatch(c -> c.startsWith("write "));
            assertThat(first.toCompletableFuture()).as("not answered yet").isNotDone();
            held.sent.forEach(s -> s.answer().complete(null));
            first.toCompletableFuture().get(10, TimeUnit.SECONDS);
            second.toCompletableFuture().get(10, TimeUnit.SECONDS);

            device.write(6, new byte[4096]);
            held.awaitSentBlocks(4);
            assertThat(held.sentBlocks()).containsExactly(3L, 4L, 5L, 6L);
        } finally {
            device.close();
        }
    }

    @Test
    void shouldSendKeptWritesBeforeAReadOrAFlush() throws Exception {
        WriteBehind device = keepingForAnHour();
        device.write(3, new byte[4096]);
        device.write(4, new byte[4096]);
        assertThat(held.calls).as("kept").isEmpty();

        device.read(3, 1);
        assertThat(held.calls).as("the device serves the read after the writes before it").containsExactly("write 3", "read 3");
        assertThat(held.sent.get(0).writes()).hasSize(2);

        device.write(5, new byte[4096]);
        Future<?> flush = flusher.submit(device::flush);
        held.awaitFlushes(1);
        assertThat(held.calls).containsExactly("write 3", "read 3", "write 5", "flush");
        assertThat(flush).as("the flush waits for the answers of the writes it sent").isNotDone();
        held.sent.forEach(s -> s.answer().complete(null));
        flush.get(10, TimeUnit.SECONDS);
        device.close();
    }

    @Test
    void shouldSendKeptWritesOnceTheyReachAMebibyte() {
        WriteBehind device = keepingForAnHour();
        int blocks = WriteBehind.MAX_KEPT_BYTES / 4096;
        for (int i = 0; i < blocks - 1; i++) {
            device.write(i, new byte[4096]);
        }
        assertThat(held.sent).as("1 MiB less one block is kept").isEmpty();

        device.write(blocks - 1, new byte[4096]);
        assertThat(held.sent).hasSize(1);
        assertThat(held.sent.get(0).writes()).hasSize(blocks);

        device.write(0, new byte[4096]);
        device.writeAll(List.of(new BlockWrite(1, new byte[WriteBehind.MAX_KEPT_BYTES])));
        assertThat(held.sent).as("a change that would take the kept writes past 1 MiB sends them alone first, then itself")
                .hasSize(3);
        assertThat(held.sent.get(1).writes()).extracting(BlockWrite::block).containsExactly(0L);
        assertThat(held.sent.get(2).writes()).extracting(BlockWrite::block).containsExactly(1L);
        device.close();
    }

    @Test
    void shouldSendKeptWritesWhenClosedAndEveryWriteAtOnceAfter() {
        WriteBehind device = keepingForAnHour();
        device.write(3, new byte[4096]);

        device.close();
        assertThat(held.calls).containsExactly("write 3");
        device.write(4, new byte[4096]);
        assertThat(held.calls).containsExactly("write 3", "write 4");
    }

    @Test
    void shouldFailTheNextCallAfterKeptWritesCouldNotBeSent() throws Exception {
        held.refuseSends = true;
        WriteBehind device = new WriteBehind(held, "/dev/block/held", 10_000, 1_000);
        try {
            CompletionStage<Void> kept = device.writeAllAsync(List.of(new BlockWrite(3, new byte[4096])));

            assertThatThrownBy(() -> kept.toCompletableFuture().get(10, TimeUnit.SECONDS)).hasMessageContaining("no member serves");
            assertThat(device.failed()).isTrue();
            assertThatThrownBy(() -> device.write(4, new byte[4096])).hasMessageContaining("a write to /dev/block/held failed")
                    .hasMessageContaining("no member serves");
        } finally {
            device.close();
        }
    }

    @Test
    void shouldSendAFlushBehindTheKeptWritesWithoutWaitingAndWaitForItInTheNextFlush() throws Exception {
        WriteBehind device = keepingForAnHour();
        device.write(3, new byte[4096]);
        device.write(4, new byte[4096]);

        CompletionStage<Void> barrier = device.flushAsync();
        assertThat(held.calls).as("the kept writes go first, the flush behind them").containsExactly("write 3", "flush behind");
        assertThat(barrier.toCompletableFuture()).as("returned without waiting for the device").isNotDone();

        device.write(5, new byte[4096]);
        Future<?> flush = flusher.submit(device::flush);
        held.awaitFlushes(2);
        assertThat(held.calls).containsExactly("write 3", "flush behind", "write 5", "flush");
        held.sent.get(0).answer().complete(null);
        held.sent.get(2).answer().complete(null);
        assertThat(flush).as("a flush waits for the answer of the flush sent behind before it too").isNotDone();
        held.sent.get(1).answer().complete(null);
        flush.get(10, TimeUnit.SECONDS);
        barrier.toCompletableFuture().get(10, TimeUnit.SECONDS);
        device.close();
    }

    @Test
    void shouldFailEveryCallAfterAFlushBehindFailed() {
        WriteBehind device = new WriteBehind(held, "/dev/block/held", 10_000);
        CompletionStage<Void> barrier = device.flushAsync();
        assertThat(device.failed()).isFalse();

        held.sent.get(0).answer().completeExceptionally(new UncheckedIOException(new java.io.IOException("fsync: input/output error")));

        assertThat(device.failed()).isTrue();
        assertThatThrownBy(() -> barrier.toCompletableFuture().join()).hasMessageContaining("input/output error");
        assertThatThrownBy(() -> device.write(5, new byte[4096])).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("a flush of /dev/block/held failed").hasMessageContaining("takes no more changes until it restarts")
                .hasMessageContaining("input/output error");
        assertThatThrownBy(device::flushAsync).isInstanceOf(UncheckedIOException.class).hasMessageContaining("a flush of /dev/block/held failed");
    }

    @Test
    void shouldRefuseANegativeKeep() {
        assertThatThrownBy(() -> new WriteBehind(held, "/dev/block/held", 10_000, -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("keepMicros must not be negative, was -1");
    }

    /** A device that keeps writes far longer than a test runs: only a read, a flush, 1 MiB or a close sends them. */
    private WriteBehind keepingForAnHour() {
        return new WriteBehind(held, "/dev/block/held", 10_000, TimeUnit.HOURS.toMicros(1));
    }

    /** Writes block 3, then flushes on another thread; returns once the device flushed, the write not answered. */
    private Future<?> flushAfterAWrite() throws InterruptedException {
        WriteBehind device = new WriteBehind(held, "/dev/block/held", 10_000);
        device.write(3, new byte[4096]);
        Future<?> flush = flusher.submit(device::flush);
        held.awaitFlushes(1);
        return flush;
    }

    /** A device whose writes are answered when the test says so. */
    private static final class HeldDevice implements BlockDevice {
        record Sent(List<BlockWrite> writes, CompletableFuture<Void> answer) {
        }

        final List<Sent> sent = Collections.synchronizedList(new ArrayList<>());
        /** What the device was asked, in order: "write <first block>", "read <block>", "flush". */
        final List<String> calls = Collections.synchronizedList(new ArrayList<>());
        volatile int flushes;
        volatile boolean refuseSends;

        @Override
        public Geometry geometry() {
            return new Geometry("held", 4096, 16, false);
        }

        @Override
        public byte[] read(long block, int count) {
            calls.add("read " + block);
            return new byte[count * 4096];
        }

        @Override
        public void write(long block, byte[] data) {
            throw new AssertionError("written behind: never a waited write");
        }

        @Override
        public void writeAll(List<BlockWrite> writes) {
            throw new AssertionError("written behind: never a waited write");
        }

        @Override
        public CompletionStage<Void> writeAllAsync(List<BlockWrite> writes) {
            if (refuseSends) {
                throw new IllegalStateException("no member serves /dev/block/held");
            }
            CompletableFuture<Void> answer = new CompletableFuture<>();
            synchronized (this) {
                calls.add("write " + writes.get(0).block());
                sent.add(new Sent(writes, answer));
                notifyAll();
            }
            return answer;
        }

        @Override
        public synchronized void flush() {
            calls.add("flush");
            flushes++;
            notifyAll();
        }

        /** Asked, not answered: the answer is the last of {@link #sent}, with no writes. */
        @Override
        public synchronized CompletionStage<Void> flushAsync() {
            CompletableFuture<Void> answer = new CompletableFuture<>();
            calls.add("flush behind");
            sent.add(new Sent(List.of(), answer));
            flushes++;
            notifyAll();
            return answer;
        }

        /** The first blocks of the runs sent, in the order sent. */
        synchronized List<Long> sentBlocks() {
            List<Long> blocks = new ArrayList<>();
            sent.forEach(s -> s.writes().forEach(w -> blocks.add(w.block())));
            return blocks;
        }

        synchronized void awaitSentBlocks(int n) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (sentBlocks().size() < n) {
                long left = deadline - System.nanoTime();
                assertThat(left).as(n + " runs sent within 10 s").isPositive();
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }

        synchronized void awaitFlushes(int n) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (flushes < n) {
                long left = deadline - System.nanoTime();
                assertThat(left).as("a flush within 10 s").isPositive();
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }

        @Override
        public DeviceStats stats() {
            return new DeviceStats(0, 0, 0, 0, 0, 0);
        }
    }
}
