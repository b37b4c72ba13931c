package org.fos.kernel.impl;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import org.fos.kernel.api.Address;
import org.fos.kernel.api.DirectDelivery;
import org.fos.kernel.api.KernelException;
import org.fos.kernel.api.MailboxInfo;
import org.fos.kernel.api.Message;
import org.fos.kernel.api.MessageHandler;
import org.fos.kernel.api.Status;
import org.fos.kernel.spi.ParkedReader;
import org.jctools.queues.MpscArrayQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A mailbox: a bounded lock-free multi-producer single-consumer queue with an address.
 *
 * <p>Sent and received counts are the queue's producer and consumer indexes, so the send path
 * counts nothing itself. A receiver that parks publishes itself in {@link #waiter} and checks the
 * queue again before parking; a producer reads {@link #waiter} after its offer. Both sides order a
 * volatile write before a volatile read of the other side's variable, so one of them always sees
 * the other: no wake-up is lost.
 *
 * <p>How the receiver waits before it parks is its {@link ReceiverIdle}'s choice, from the node's
 * {@link CoreBudget} and its own history. That choice never decides whether a producer wakes it: a
 * producer wakes whatever thread {@link #waiter} names (unparks it, or wakes the transport's reader it
 * parks in, ADR 0124), so a receiver told to park at once is woken exactly as one that spun first.
 *
 * <p>A mailbox made with a {@link DirectDelivery} offers each message to it first, on the delivering
 * thread; what it takes is counted in {@link #taken} (part of both counts) and never queued.
 */
final class MailboxImpl {
    private static final Logger LOG = LoggerFactory.getLogger(MailboxImpl.class);
    /**
     * How often a spinning receiver looks at the clock, the close flag and its interrupt: once in so
     * many turns (a power of two). Reading the clock costs 20 to 60 ns, a look at the slot a few: a
     * receiver that read the clock every turn found its message later. A spin phase may so last up
     * to this many turns longer than its threshold.
     */
    private static final int SPIN_TURNS_PER_CHECK = 16;
    final Address address;
    final String label;
    final int capacity;
    private final MpscArrayQueue<Message> queue;
    private final MailboxTable table;
    final AtomicLong rejectedFull = new AtomicLong();
    final AtomicLong rejectedCapability = new AtomicLong();
    volatile long ownerBundleId;
    volatile boolean closed;
    volatile CapEntry root;
    private volatile Thread waiter;
    /** The transport's reader {@link #waiter} parks in, or null: a producer wakes it there (ADR 0124). */
    private volatile ParkedReader parkedIn;
    /**
     * Whether the last message offered came from another node: a receiver that parks may then wait in a
     * transport's {@link ParkedReader}, to read its next message itself. Written only when it changes.
     */
    private volatile boolean fedByLinks;
    private final ReceiverIdle idle;
    /** What takes messages as they are delivered, or null. */
    private final DirectDelivery direct;
    /** Messages {@link #direct} took. */
    private final LongAdder taken = new LongAdder();
    /** Messages on which {@link #direct} threw (queued instead); the first is logged. */
    private final AtomicLong directFailures = new AtomicLong();

    MailboxImpl(MailboxTable table, Address address, String label, int capacity, long ownerBundleId) {
        this(table, address, label, capacity, ownerBundleId, null);
    }

    MailboxImpl(MailboxTable table, Address address, String label, int capacity, long ownerBundleId, DirectDelivery direct) {
        this.table = table;
        this.direct = direct;
        this.idle = new ReceiverIdle(table.coreBudget());
        this.address = address;
        this.label = label;
        this.queue = new MpscArrayQueue<>(capacity);
        this.capacity = queue.capacity();
        this.ownerBundleId = ownerBundleId;
    }

    /** Offers a message from this node; wakes a parked receiver. False if full. */
    boolean offer(Message message) {
        return offer(message, false);
    }

    /**
     * Offers a message; wakes a parked receiver, in the transport's reader if it parks in one. False if
     * full.
     *
     * @param fromLink whether the message came from another node (a transport delivered it)
     */
    boolean offer(Message message, boolean fromLink) {
        if (fedByLinks != fromLink) {
            fedByLinks = fromLink;
        }
        if (direct != null && !closed && takenDirectly(message)) {
            return true;
        }
        if (!queue.offer(message)) {
            return false;
        }
        wakeWaiter();
        return true;
    }

    /**
     * Wakes the receiver if it parks: in the transport's reader if it waits there ({@link #parkedIn}
     * is written before {@link #waiter}, so a producer that sees the waiter sees where it waits), else
     * with {@code unpark}.
     */
    private void wakeWaiter() {
        Thread w = waiter;
        if (w != null) {
            ParkedReader r = parkedIn;
            if (r != null) {
                r.wake();
            } else {
                LockSupport.unpark(w);
            }
        }
    }

    /** Offers a message to {@link #direct}: whether it took it. One that throws has the message queued. */
    private boolean takenDirectly(Message message) {
        try {
            if (direct.take(message)) {
                taken.increment();
                return true;
            }
        } catch (RuntimeException e) {
            if (directFailures.getAndIncrement() == 0) {
                LOG.warn("mailbox {} ({}): its direct delivery threw on a message of type '{}', which is queued instead; later"
                        + " failures are counted, not logged", address, label, message.type(), e);
            }
        }
        return false;
    }

    /**
     * Offers, waiting for room up to the deadline with the kernel's idle strategy as far as the node's
     * {@link CoreBudget} admits it (spin, yield, or park at once, in slices of at most 50 us).
     */
    Status offer(Message message, long timeoutNanos) {
        if (offer(message)) {
            return Status.OK;
        }
        long start = System.nanoTime();
        IdleStrategy thresholds = table.idleStrategy();
        CoreBudget budget = table.coreBudget();
        CoreBudget.Admission admission = thresholds.yieldNanos() > 0 ? budget.admit(thresholds.spinNanos() > 0)
                : CoreBudget.Admission.PARK;
        boolean spinning = admission == CoreBudget.Admission.SPIN;
        try {
            while (true) {
                if (closed) {
                    return Status.CLOSED;
                }
                long waited = System.nanoTime() - start;
                if (waited >= timeoutNanos) {
                    return Status.TIMEOUT;
                }
                int phase = admission == CoreBudget.Admission.PARK ? 2 : Math.max(thresholds.phase(waited), spinning ? 0 : 1);
                if (phase > 0 && spinning) {
                    spinning = false;
                    budget.stopSpinning();
                }
                switch (phase) {
                    case 0 -> Thread.onSpinWait();
                    case 1 -> Thread.yield();
                    default -> LockSupport.parkNanos(this, Math.min(timeoutNanos - waited, 50_000));
                }
                if (Thread.currentThread().isInterrupted()) {
                    return Status.INTERRUPTED;
                }
                if (offer(message)) {
                    return Status.OK;
                }
            }
        } finally {
            if (spinning) {
                budget.stopSpinning();
            }
        }
    }

    Message poll() {
        return queue.poll();
    }

    /**
     * Takes the next message if its slot is filled, looking at the slot alone (see {@link #await}): null
     * also while a producer that has taken the slot's index has not yet filled it.
     */
    Message relaxedPoll() {
        return queue.relaxedPoll();
    }

    int drain(MessageHandler handler, int limit) {
        return queue.drain(handler::onMessage, limit);
    }

    /**
     * Waits until a message is there, the timeout passes or the mailbox closes. While it spins or
     * yields it lends its thread to the transports ({@link MailboxTable#assist()}), so that a message
     * from another node may be read by the thread waiting for it; when it parks, the transports'
     * readers wake it, or, if its last message came from another node, it may wait in a transport's
     * parked reader and read its message itself (ADR 0124).
     *
     * @return true if a message waits
     */
    boolean await(long timeout, TimeUnit unit) throws InterruptedException {
        return queue.relaxedPeek() != null || awaitEmpty(timeout, unit);
    }

    /**
     * {@link #await}'s wait. While it spins or yields it looks at the slot the next message will take
     * ({@link MpscArrayQueue#relaxedPeek()}), not at the producers' index as {@code isEmpty()} does: the
     * producers write that index's cache line with every offer, the slot only with the receiver's own
     * message. A message whose producer has taken its index but not yet filled the slot is seen a few
     * turns later. Before it parks it looks at the index, which the wake-up protocol needs. While it
     * spins it reads the clock once in {@value #SPIN_TURNS_PER_CHECK} turns, and a message it finds
     * so ends the wait at the clock's last reading (its idle statistics run short by at most those
     * turns).
     */
    private boolean awaitEmpty(long timeout, TimeUnit unit) throws InterruptedException {
        long timeoutNanos = unit.toNanos(timeout);
        long start = System.nanoTime();
        long now = start;
        int phase = 0;
        int turn = -1;
        boolean found = false;
        boolean readItself = false;
        boolean readerRefused = false;
        int read;
        idle.begin(table.idleStrategy());
        try {
            while (queue.relaxedPeek() == null) {
                if (phase == 0 && (++turn & SPIN_TURNS_PER_CHECK - 1) != 0) {
                    // a spinning turn between checks: the clock costs more than a look at the slot
                    read = table.assist();
                    if (read != 0) {
                        readItself = read > 0 && !queue.isEmpty();
                    } else {
                        Thread.onSpinWait();
                    }
                    continue;
                }
                if (closed) {
                    throw new KernelException(Status.CLOSED, "mailbox " + address + " was closed while waiting");
                }
                now = System.nanoTime();
                long waited = now - start;
                if (waited >= timeoutNanos) {
                    return false;
                }
                phase = idle.phase(waited);
                if (phase == 2) {
                    ParkedReader reader = readerRefused || !fedByLinks ? null : table.parkedReader();
                    if (reader == null) {
                        waiter = Thread.currentThread();
                        if (queue.isEmpty() && !closed) {
                            LockSupport.parkNanos(this, timeoutNanos - waited);
                        }
                        waiter = null;
                    } else {
                        if (awaitIn(reader, timeoutNanos - waited) < 0) {
                            readerRefused = true; // what came is the transport's reader's: park as usual
                        }
                        // a message a parked reader read (with system calls) is no reason to stretch the spin
                        readItself = false;
                    }
                } else if ((read = table.assist()) != 0) {
                    // a transport read on this thread: perhaps this receiver's own message, which stretches
                    // the spin if the transport read it from memory (LinkTable.assist)
                    readItself = read > 0 && !queue.isEmpty();
                } else if (phase == 0) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield();
                }
                if (Thread.interrupted()) {
                    throw new InterruptedException("interrupted while waiting on mailbox " + address);
                }
            }
            found = true;
            return true;
        } finally {
            if (!found || phase != 0) {
                now = System.nanoTime();
            }
            idle.end(found, now - start, now, closed, found && readItself);
            if (closed) {
                // closed after end() read the flag: markClosed's uncount may have run while this receiver
                // was not counted, and end() has counted it since; the two getAndSets take it off once
                idle.uncount();
            }
        }
    }

    /**
     * Parks in a transport's reader (ADR 0124) until something arrives from another node, a producer
     * of this mailbox wakes it, or the time passes; then gives the reader back.
     *
     * @return what {@link ParkedReader#await} returned, 0 if it did not wait
     */
    private int awaitIn(ParkedReader reader, long nanos) {
        parkedIn = reader;
        waiter = Thread.currentThread();
        try {
            return queue.isEmpty() && !closed ? reader.await(nanos) : 0;
        } catch (RuntimeException e) {
            LOG.debug("mailbox {}: the transport's parked reader {} threw; its receiver parks as usual", address, reader, e);
            return -1;
        } finally {
            waiter = null;
            parkedIn = null;
            try {
                reader.release();
            } catch (RuntimeException e) {
                LOG.debug("mailbox {}: the transport's parked reader {} threw on release", address, reader, e);
            }
        }
    }

    /**
     * Marks the mailbox closed and wakes its receiver. What waits is left for the garbage collector
     * with the queue: only the receiver may take from the queue, and it may be running now.
     *
     * @return how many messages were waiting
     */
    int markClosed() {
        closed = true;
        idle.uncount();
        wakeWaiter();
        return queue.size();
    }

    /** This mailbox's receiver's waiting, for the core budget's audit. */
    ReceiverIdle idle() {
        return idle;
    }

    int depth() {
        return queue.size();
    }

    long sent() {
        return queue.currentProducerIndex() + taken.sum();
    }

    long received() {
        return queue.currentConsumerIndex() + taken.sum();
    }

    MailboxInfo info() {
        return new MailboxInfo(address, label, ownerBundleId, capacity, depth(), sent(), received(),
                rejectedFull.get(), rejectedCapability.get());
    }
}
