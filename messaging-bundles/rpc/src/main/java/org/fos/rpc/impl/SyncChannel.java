package org.fos.rpc.impl;

import java.lang.ref.WeakReference;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.fos.kernel.api.Capability;
import org.fos.kernel.api.Mailbox;
import org.fos.kernel.api.Message;

/**
 * The reply mailbox of one calling thread, for synchronous calls: the caller sends and then takes
 * its reply itself, so a call costs one hand-off each way. A reply that arrives after its call
 * timed out carries an old correlation id and is dropped.
 */
final class SyncChannel {
    final Mailbox mailbox;
    final Capability replyTo;
    /** The thread that calls through this channel; once it has died the channel is closed. */
    private final WeakReference<Thread> owner;
    private long nextCorrelation = 1;
    long staleReplies;

    SyncChannel(Mailbox mailbox, Capability replyTo, Thread owner) {
        this.mailbox = mailbox;
        this.replyTo = replyTo;
        this.owner = new WeakReference<>(owner);
    }

    /** Whether the thread that used this channel has ended. */
    boolean isOrphaned() {
        Thread t = owner.get();
        return t == null || !t.isAlive();
    }

    long nextCorrelation() {
        return nextCorrelation++;
    }

    /** What {@link #await} answers when the member went away before it answered. */
    static final Message GONE = new Message(null, new org.fos.kernel.api.Capability(new org.fos.kernel.api.Address("gone", 1), 0, 0, 0),
            null, 0, "gone", null);
    /** How long a wait goes before it looks whether the member is still there. */
    private static final long CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /**
     * Waits for the reply with this correlation id.
     *
     * @param gone tells whether the member went away; asked every 100 ms without a reply
     * @return the reply, {@link #GONE}, or null if the deadline passes
     */
    Message await(long correlation, long deadlineNanos, BooleanSupplier gone) throws InterruptedException {
        while (true) {
            long remaining = deadlineNanos - System.nanoTime();
            if (remaining <= 0) {
                return null;
            }
            Message m = mailbox.receive(Math.min(remaining, CHECK_NANOS), TimeUnit.NANOSECONDS);
            if (m == null) {
                if (gone.getAsBoolean()) {
                    return GONE;
                }
                continue;
            }
            if (m.correlationId() == correlation) {
                return m;
            }
            staleReplies++;
        }
    }
}
