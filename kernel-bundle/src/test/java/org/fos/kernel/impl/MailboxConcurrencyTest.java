package org.fos.kernel.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.fos.kernel.api.Mailbox;
import org.fos.kernel.api.Message;
import org.fos.kernel.api.Status;
import org.junit.jupiter.api.Test;

/**
 * Several producers flood one small mailbox with a million messages each, retrying what is refused,
 * while one consumer drains it: every accepted message arrives exactly once and in each producer's
 * order, and every refusal was an explicit FULL that the kernel counted.
 */
class MailboxConcurrencyTest {

    private static final int PRODUCERS = 4;
    private static final int PER_PRODUCER = 1_000_000;

    /** A message payload: who sent it and its sequence number for that producer. */
    private record Tag(int producer, long sequence) {
    }

    @Test
    void shouldDeliverEveryAcceptedMessageExactlyOnceInProducerOrder() throws Exception {
        KernelCore core = new KernelCore("n-test", new KernelSettings(new IdleStrategy(1_000, 5_000), 1 << 20, false), id -> true);
        Mailbox box = new BundleKernel(core, 1).createMailbox("flood", 256);
        long[] accepted = new long[PRODUCERS];
        long[] refused = new long[PRODUCERS];
        List<Thread> producers = new ArrayList<>();
        for (int p = 0; p < PRODUCERS; p++) {
            int id = p;
            producers.add(new Thread(() -> {
                long seq = 0;
                while (seq < PER_PRODUCER) {
                    Status s = core.send(Message.of(box.capability(), "t", new Tag(id, seq)));
                    if (s == Status.OK) {
                        accepted[id]++;
                        seq++;
                    } else {
                        if (s != Status.FULL) {
                            throw new AssertionError("unexpected " + s);
                        }
                        refused[id]++;
                        Thread.onSpinWait();
                    }
                }
            }, "producer-" + p));
        }
        long[] next = new long[PRODUCERS];
        AtomicLong received = new AtomicLong();
        List<String> errors = new ArrayList<>();
        Thread consumer = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted() || box.depth() > 0) {
                    box.drain(m -> {
                        Tag t = (Tag) m.payload();
                        if (t.sequence() != next[t.producer()]) {
                            errors.add("producer " + t.producer() + ": expected " + next[t.producer()] + " got " + t.sequence());
                        }
                        next[t.producer()] = t.sequence() + 1;
                        received.incrementAndGet();
                    }, 64, 10, TimeUnit.MILLISECONDS);
                }
            } catch (InterruptedException e) {
                while (box.drain(m -> {
                    Tag t = (Tag) m.payload();
                    next[t.producer()] = t.sequence() + 1;
                    received.incrementAndGet();
                }, 1024) > 0) {
                    // drain what is left
                }
            }
        }, "consumer");
        consumer.start();
        producers.forEach(Thread::start);
        for (Thread t : producers) {
            t.join();
        }
        consumer.interrupt();
        consumer.join();

        assertThat(errors).isEmpty();
        long totalAccepted = 0;
        long totalRefused = 0;
        for (int p = 0; p < PRODUCERS; p++) {
            assertThat(next[p]).as("producer %d received", p).isEqualTo(accepted[p]);
            assertThat(accepted[p]).isEqualTo(PER_PRODUCER);
            totalAccepted += accepted[p];
            totalRefused += refused[p];
        }
        System.out.printf("%d producers x %d messages: %d accepted, %d refused FULL%n", PRODUCERS, PER_PRODUCER, totalAccepted, totalRefused);
        assertThat(totalAccepted).isPositive();
        assertThat(received.get()).isEqualTo(totalAccepted);
        assertThat(core.stats().sent()).isEqualTo(totalAccepted);
        assertThat(core.stats().received()).isEqualTo(totalAccepted);
        assertThat(core.stats().rejected(Status.FULL)).isEqualTo(totalRefused);
        assertThat(box.depth()).isZero();
        core.shutdown();
    }
}
