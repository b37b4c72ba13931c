package org.fos.transport.tcp.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.fos.kernel.spi.ParkedReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The parked reader without connections: who may hold it, how it is woken, what a long holding leaves behind, and when
 * it watches the sockets.
 */
class ParkedReadsTest {
    private final AtomicInteger readsGivenBack = new AtomicInteger();
    private final ParkedReads reads = new ParkedReads(new Counters("node-t", 60_000), readsGivenBack::incrementAndGet);

    @AfterEach
    void close() {
        reads.close();
    }

    @Test
    void shouldHandTheReaderToOneThreadAtATime() throws Exception {
        ParkedReader r = reads.take();
        assertThat(r).isNotNull();
        assertThat(reads.held()).isTrue();
        assertThat(reads.take()).as("held by this thread").isNull();
        assertThat(CompletableFuture.supplyAsync(reads::take).get(1, TimeUnit.MINUTES)).as("held by another thread").isNull();
        assertThatThrownBy(() -> CompletableFuture.runAsync(r::release).join()).hasCauseInstanceOf(IllegalStateException.class);

        r.release();

        assertThat(reads.held()).isFalse();
        ParkedReader again = CompletableFuture.supplyAsync(() -> {
            ParkedReader other = reads.take();
            other.release();
            return other;
        }).get(1, TimeUnit.MINUTES);
        assertThat(again).isSameAs(r);
    }

    @Test
    @Timeout(60)
    void shouldEndAWaitWokenBeforeItBegan() {
        ParkedReader r = reads.take();
        r.wake();

        // woken before: the wait ends at once, not after its hour; the test's guard fails it otherwise
        assertThat(r.await(TimeUnit.HOURS.toNanos(1))).isZero();
        r.release();
    }

    @Test
    void shouldGiveTheLentReadsBackWhenAThreadThatHeldTheReaderLongLeaves() {
        ParkedReader r = reads.take();
        while (!reads.heldLong(System.nanoTime())) {
            assertThat(r.await(TimeUnit.MILLISECONDS.toNanos(1))).isZero();
        }
        assertThat(readsGivenBack).hasValue(0);

        r.release();

        assertThat(readsGivenBack).as("the event loops may have stopped looking: the holder gives the reads back").hasValue(1);
    }

    @Test
    void shouldWatchTheSocketsFromAWaitUntilARareHoldingEnds() {
        ParkedReads keeping = new ParkedReads(new Counters("node-k", 60_000), () -> { }, TimeUnit.HOURS.toNanos(1));
        try {
            assertThat(keeping.watching()).as("before any wait").isFalse();
            ParkedReader r = keeping.take();
            r.wake();
            assertThat(r.await(TimeUnit.SECONDS.toNanos(1))).isZero();
            assertThat(keeping.watching()).as("while a thread waits").isTrue();
            r.release();
            assertThat(keeping.watching()).as("after the first holding, which followed none").isFalse();

            r = keeping.take();
            r.wake();
            r.await(TimeUnit.SECONDS.toNanos(1));
            r.release();
            assertThat(keeping.watching()).as("after a holding within the hour of the last").isTrue();
        } finally {
            keeping.close();
        }

        ParkedReads rare = new ParkedReads(new Counters("node-r", 60_000), () -> { }, 0);
        try {
            for (int i = 0; i < 3; i++) {
                ParkedReader r = rare.take();
                r.wake();
                r.await(TimeUnit.SECONDS.toNanos(1));
                assertThat(rare.watching()).isTrue();
                r.release();
                assertThat(rare.watching()).as("every holding is rare").isFalse();
            }
        } finally {
            rare.close();
        }
    }

    @Test
    void shouldRefuseEveryThreadOnceClosed() {
        reads.close();

        assertThat(reads.take()).isNull();
    }
}
