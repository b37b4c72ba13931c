package org.fos.kernel.impl;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.fos.kernel.api.Address;
import org.fos.kernel.api.KernelException;
import org.fos.kernel.api.MailboxInfo;
import org.fos.kernel.api.Message;
import org.fos.kernel.api.MessageHandler;
import org.fos.kernel.api.Status;
import org.jctools.queues.MpscArrayQueue;

/**
 * A mailbox: a bounded lock-free multi-producer single-consumer queue with an address.
 *
 * <p>Sent and received counts are the queue's producer and consumer indexes, so the send path
 * counts nothing itself. A receiver that parks publishes itself in {@link #waiter} and checks the
 * queue again before parking; a producer reads {@link #waiter} after its offer. Both sides order a
 * volatile write before a volatile read of the other side's variable, so one of them always sees
 * the other: no wake-up is lost.
 */
final class MailboxImpl {
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

    MailboxImpl(MailboxTable table, Address address, String label, int capacity, long ownerBundleId) {
        this.table = table;
        this.address = address;
        this.label = label;
        this.queue = new MpscArrayQueue<>(capacity);
        this.capacity = queue.capacity();
        this.ownerBundleId = ownerBundleId;
    }

    /** Offers a message; wakes a parked receiver. False if full. */
    boolean offer(Message message) {
        if (!queue.offer(message)) {
            return false;
        }
        Thread w = waiter;
        if (w != null) {
            LockSupport.unpark(w);
        }
        return true;
    }

    /** Offers, waiting for room up to the deadline with the kernel's idle strategy. */
    Status offer(Message message, long timeoutNanos) {
        if (offer(message)) {
            return Status.OK;
        }
        long start = System.nanoTime();
        IdleStrategy idle = table.idleStrategy();
        while (true) {
            if (closed) {
                return Status.CLOSED;
            }
            long waited = System.nanoTime() - start;
            if (waited >= timeoutNanos) {
                return Status.TIMEOUT;
            }
            switch (idle.phase(waited)) {
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
    }

    Message poll() {
        return queue.poll();
    }

    int drain(MessageHandler handler, int limit) {
        return queue.drain(handler::onMessage, limit);
    }

    /**
     * Waits until a message is there, the timeout passes or the mailbox closes.
     *
     * @return true if a message waits
     */
    boolean await(long timeout, TimeUnit unit) throws InterruptedException {
        if (!queue.isEmpty()) {
            return true;
        }
        long timeoutNanos = unit.toNanos(timeout);
        long start = System.nanoTime();
        IdleStrategy idle = table.idleStrategy();
        while (queue.isEmpty()) {
            if (closed) {
                throw new KernelException(Status.CLOSED, "mailbox " + address + " was closed while waiting");
            }
            long waited = System.nanoTime() - start;
            if (waited >= timeoutNanos) {
                return false;
            }
            switch (idle.phase(waited)) {
                case 0 -> Thread.onSpinWait();
                case 1 -> Thread.yield();
                default -> {
                    waiter = Thread.currentThread();
                    if (queue.isEmpty() && !closed) {
                        LockSupport.parkNanos(this, timeoutNanos - waited);
                    }
                    waiter = null;
                }
            }
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted while waiting on mailbox " + address);
            }
        }
        return true;
    }

    /**
     * Marks the mailbox closed and wakes its receiver. What waits is left for the garbage collector
     * with the queue: only the receiver may take from the queue, and it may be running now.
     *
     * @return how many messages were waiting
     */
    int markClosed() {
        closed = true;
        Thread w = waiter;
        if (w != null) {
            LockSupport.unpark(w);
        }
        return queue.size();
    }

    int depth() {
        return queue.size();
    }

    long sent() {
        return queue.currentProducerIndex();
    }

    long received() {
        return queue.currentConsumerIndex();
    }

    MailboxInfo info() {
        return new MailboxInfo(address, label, ownerBundleId, capacity, depth(), sent(), received(),
                rejectedFull.get(), rejectedCapability.get());
    }
}
