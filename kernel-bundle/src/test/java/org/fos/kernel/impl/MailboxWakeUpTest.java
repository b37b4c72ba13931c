package org.fos.kernel.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.fos.kernel.api.KernelException;
import org.fos.kernel.api.Message;
import org.fos.kernel.api.Status;
import org.fos.kernel.spi.ParkedReader;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * No wake-up is lost and no message either, whichever way the receivers are made to wait: parked at
 * once because the node's cores are taken (detected), burning through every phase (spin, yield, then
 * park, with thresholds short enough that most waits cross them all), parked at once by zero
 * thresholds, or spinning without end (looking at the slot alone, ADR 0110). Every wait's timeout is an hour, so a lost wake-up leaves a receiver parked and its test
 * fails at its 2-minute hang guard (the runs take seconds); a message lost shows as a count that does
 * not add up.
 */
class MailboxWakeUpTest {

    private static final int ROUNDS = 20_000;
    private static final int PRODUCERS = 3;
    private static final int PER_PRODUCER = 50_000;
    /** Longer than any test runs: only a wake-up ends a wait. */
    private static final long WAIT_SECONDS = 3_600;

    /** How the receivers are made to wait. */
    enum Mode {
        /** One core, taken by a receiver that never comes back to wait: every waiter parks at once. */
        PARKED_BY_DETECTION,
        /** Cores to spare and thresholds of 1 us and 3 us: waits spin, yield and park. */
        BURNING_THROUGH_EVERY_PHASE,
        /** Thresholds of zero: every waiter parks at once, whatever the cores. */
        ZERO_THRESHOLDS,
        /** Cores to spare and thresholds without end: waits only spin, on the slot alone, and receivers keep their places. */
        SPINNING_WITHOUT_END,
        /**
         * Thresholds of zero and every message delivered as from another node, with a transport's parked
         * reader to wait in (ADR 0124), one receiver at a time: it waits there, the others park.
         */
        PARKED_IN_A_TRANSPORTS_READER
    }

    /**
     * A transport's parked reader that reads nothing: it waits for its wake-up (a permit) or its time,
     * as a selector does; a wake-up given before the wait ends the next wait at once.
     */
    private static final class QuietReader implements ParkedReader {
        private final AtomicReference<Thread> holder = new AtomicReference<>();
        private final Semaphore woken = new Semaphore(0);
        final AtomicLong awaits = new AtomicLong();

        ParkedReader take() {
            return holder.compareAndSet(null, Thread.currentThread()) ? this : null;
        }

        @Override
        public int await(long nanos) {
            awaits.incrementAndGet();
            try {
                woken.tryAcquire(nanos, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            woken.drainPermits(); // the waiter looks at its mailbox next: what these wake-ups were for is there
            return 0;
        }

        @Override
        public void wake() {
            woken.release();
        }

        @Override
        public void release() {
            assertThat(holder.getAndSet(null)).isSameAs(Thread.currentThread());
        }
    }

    private static final Map<MailboxTable, QuietReader> READERS = new ConcurrentHashMap<>();

    /**
     * Sends as the mode wants it: from this node, or as a transport delivers a message from another
     * node, offered again while the mailbox is full (as a link sends again what a gap dropped).
     */
    private static Status send(MailboxTable table, Mode mode, Message message, long timeoutNanos) {
        if (mode != Mode.PARKED_IN_A_TRANSPORTS_READER) {
            return table.send(message, timeoutNanos);
        }
        long start = System.nanoTime();
        Status s;
        while ((s = table.deliver(message, null)) == Status.FULL && System.nanoTime() - start < timeoutNanos) {
            Thread.yield();
        }
        return s;
    }

    /** In the reader's mode: a message from another node first, so that the mailbox's receiver waits in the reader. */
    private static void fedByLinks(MailboxTable table, Mode mode, MailboxHandle box) {
        if (mode == Mode.PARKED_IN_A_TRANSPORTS_READER) {
            assertThat(send(table, mode, Message.of(box.capability(), "first", -1), 0)).isEqualTo(Status.OK);
            assertThat(box.poll()).isNotNull();
        }
    }

    /** In the reader's mode: the receivers did wait in it. */
    private static void assertReaderUsed(MailboxTable table, Mode mode) {
        if (mode == Mode.PARKED_IN_A_TRANSPORTS_READER) {
            assertThat(READERS.remove(table).awaits.get()).as("waits in the transport's reader").isPositive();
        }
    }

    /** A message payload: who sent it and its sequence number for that producer. */
    private record Tag(int producer, long sequence) {
    }

    private static MailboxTable table(Mode mode) {
        IdleStrategy thresholds = switch (mode) {
            case PARKED_BY_DETECTION -> IdleStrategy.DEFAULT;
            case BURNING_THROUGH_EVERY_PHASE -> new IdleStrategy(1_000, 3_000);
            case ZERO_THRESHOLDS, PARKED_IN_A_TRANSPORTS_READER -> new IdleStrategy(0, 0);
            case SPINNING_WITHOUT_END -> new IdleStrategy(Long.MAX_VALUE, Long.MAX_VALUE);
        };
        KernelSettings settings = new KernelSettings(thresholds, 1 << 20, false);
        int cores = mode == Mode.PARKED_BY_DETECTION ? 1 : 64;
        MailboxTable table = new MailboxTable("n-wake", () -> settings, new WireCodec(() -> settings), new Registrations(), () -> cores);
        if (mode == Mode.PARKED_IN_A_TRANSPORTS_READER) {
            QuietReader reader = new QuietReader();
            READERS.put(table, reader);
            table.assistWith(() -> 0, reader::take);
        }
        if (mode == Mode.PARKED_BY_DETECTION) {
            table.coreBudget().running();
            assertThat(table.coreBudget().admit(true)).isEqualTo(CoreBudget.Admission.PARK);
        }
        return table;
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    @Timeout(120)
    void shouldWakeEveryReceiverOfAPingPong(Mode mode) throws Exception {
        MailboxTable table = table(mode);
        MailboxHandle ping = table.create(1, "ping", 2);
        MailboxHandle pong = table.create(1, "pong", 2);
        ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
        Thread echo = new Thread(() -> {
            try {
                for (int i = 0; i < ROUNDS; i++) {
                    Message m = ping.receive(WAIT_SECONDS, TimeUnit.SECONDS);
                    if (m == null) {
                        errors.add("echo: round " + i + " was never woken");
                        return;
                    }
                    Status s = send(table, mode, Message.of(pong.capability(), "pong", m.payload()), 0);
                    if (s != Status.OK) {
                        errors.add("echo: round " + i + " answered " + s);
                        return;
                    }
                }
            } catch (InterruptedException e) {
                errors.add("echo interrupted");
            }
        }, "echo-" + mode);
        echo.setDaemon(true);
        echo.start();
        for (int i = 0; i < ROUNDS && errors.isEmpty(); i++) {
            assertThat(send(table, mode, Message.of(ping.capability(), "ping", i), 0)).isEqualTo(Status.OK);
            Message reply = pong.receive(WAIT_SECONDS, TimeUnit.SECONDS);
            assertThat(reply).as("round %d: the caller was never woken", i).isNotNull();
            assertThat(reply.payload()).isEqualTo(i);
        }
        echo.join();
        assertThat(errors).isEmpty();
        assertReaderUsed(table, mode);
        CoreBudget budget = table.coreBudget();
        assertThat(budget.runningCount() + budget.spinningCount())
                .as("both receivers are back from their waits, running or holding the spinning place that caught a message")
                .isEqualTo(mode == Mode.PARKED_BY_DETECTION ? 3 : 2);
        if (mode != Mode.BURNING_THROUGH_EVERY_PHASE && mode != Mode.SPINNING_WITHOUT_END) {
            assertThat(budget.spinningCount()).as("no wait spun").isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    @Timeout(120)
    void shouldDeliverEveryMessageOfManyBlockedProducersToAWaitingConsumer(Mode mode) throws Exception {
        MailboxTable table = table(mode);
        MailboxHandle box = table.create(1, "flood", 64);
        ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
        List<Thread> producers = new ArrayList<>();
        for (int p = 0; p < PRODUCERS; p++) {
            int id = p;
            producers.add(new Thread(() -> {
                for (long seq = 0; seq < PER_PRODUCER; seq++) {
                    Status s = send(table, mode, Message.of(box.capability(), "t", new Tag(id, seq)), TimeUnit.SECONDS.toNanos(WAIT_SECONDS));
                    if (s != Status.OK) {
                        errors.add("producer " + id + ": message " + seq + " answered " + s);
                        return;
                    }
                }
            }, "producer-" + mode + "-" + p));
        }
        producers.forEach(t -> t.setDaemon(true));
        producers.forEach(Thread::start);
        long[] next = new long[PRODUCERS];
        AtomicLong received = new AtomicLong();
        long total = (long) PRODUCERS * PER_PRODUCER;
        while (received.get() < total && errors.isEmpty()) {
            // a drain may take nothing when a producer has claimed a slot and not yet filled it; a lost
            // wake-up leaves this drain waiting for the hour, into the hang guard
            box.drain(m -> {
                Tag t = (Tag) m.payload();
                if (t.sequence() != next[t.producer()]) {
                    errors.add("producer " + t.producer() + ": expected " + next[t.producer()] + ", got " + t.sequence());
                }
                next[t.producer()] = t.sequence() + 1;
                received.incrementAndGet();
            }, 16, WAIT_SECONDS, TimeUnit.SECONDS);
        }
        for (Thread t : producers) {
            t.join();
        }
        assertThat(errors).isEmpty();
        assertThat(received.get()).isEqualTo(total);
        assertReaderUsed(table, mode);
        assertThat(box.depth()).isZero();
        assertThat(table.coreBudget().spinningCount()).as("no producer still counts as spinning; the consumer may hold its place")
                .isLessThanOrEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    @Timeout(120)
    void shouldWakeAParkedReceiverWhenItsMailboxClosesAndNotCountItAsRunning(Mode mode) throws Exception {
        MailboxTable table = table(mode);
        MailboxHandle box = table.create(1, "closing", 2);
        fedByLinks(table, mode, box);
        int runningBefore = table.coreBudget().runningCount();
        ConcurrentLinkedQueue<Throwable> thrown = new ConcurrentLinkedQueue<>();
        Thread receiver = new Thread(() -> {
            try {
                box.receive(WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (Throwable e) {
                thrown.add(e);
            }
        }, "receiver-" + mode);
        receiver.setDaemon(true);
        receiver.start();
        if (mode == Mode.SPINNING_WITHOUT_END) {
            while (table.coreBudget().spinningCount() == 0) {
                Thread.onSpinWait();
            }
        } else {
            while (receiver.getState() != Thread.State.TIMED_WAITING) {
                Thread.onSpinWait();
            }
        }

        box.close();
        receiver.join();

        assertThat(thrown).hasSize(1);
        assertThat(thrown.peek()).isInstanceOfSatisfying(KernelException.class, e -> assertThat(e.status()).isEqualTo(Status.CLOSED));
        assertReaderUsed(table, mode);
        assertThat(table.coreBudget().runningCount()).isEqualTo(runningBefore);
        assertThat(table.coreBudget().spinningCount()).isZero();
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    @Timeout(120)
    void shouldEndAWaitNobodyAnswersAtItsTimeoutAndCountNothingAfterIt(Mode mode) throws Exception {
        MailboxTable table = table(mode);
        MailboxHandle box = table.create(1, "silent", 2);
        fedByLinks(table, mode, box);
        int runningBefore = table.coreBudget().runningCount();
        long start = System.nanoTime();

        assertThat(box.receive(20, TimeUnit.MILLISECONDS)).isNull();

        assertThat(System.nanoTime() - start).as("waited its timeout out").isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(20));
        assertThat(table.coreBudget().spinningCount()).isZero();
        assertThat(table.coreBudget().runningCount()).as("back from its wait, running").isEqualTo(runningBefore + 1);
        assertReaderUsed(table, mode);
    }
    @org.junit.jupiter.api.Test
    @Timeout(120)
    void shouldParkAsUsualWhenATransportsReaderThrows() throws Exception {
        MailboxTable table = table(Mode.ZERO_THRESHOLDS);
        AtomicLong awaits = new AtomicLong();
        table.assistWith(() -> 0, () -> new ParkedReader() {
            @Override
            public int await(long nanos) {
                awaits.incrementAndGet();
                throw new IllegalStateException("a broken transport");
            }

            @Override
            public void wake() {
                // never reached: the receiver does not wait in it
            }

            @Override
            public void release() {
                throw new IllegalStateException("a broken transport");
            }
        });
        MailboxHandle box = table.create(1, "beside-a-broken-reader", 2);
        assertThat(table.deliver(Message.of(box.capability(), "first", 0), null)).isEqualTo(Status.OK);
        assertThat(box.poll()).isNotNull();
        Thread sender = new Thread(() -> {
            while (awaits.get() == 0) {
                Thread.onSpinWait();
            }
            table.deliver(Message.of(box.capability(), "second", 1), null);
        }, "sender");
        sender.setDaemon(true);
        sender.start();

        Message m = box.receive(WAIT_SECONDS, TimeUnit.SECONDS);

        assertThat(m).isNotNull();
        assertThat(m.payload()).isEqualTo(1);
        assertThat(awaits).as("tried once, then parked as usual").hasValue(1);
    }
}
