package org.fos.kernel.api;

import java.util.concurrent.TimeUnit;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The receiving end of a mailbox: a bounded queue of messages that many senders fill and one
 * receiver empties.
 *
 * <p>A handle is bound to the capability it was opened with ({@link Kernel#createMailbox},
 * {@link Kernel#open}); every operation checks that this capability is still valid, so revoking
 * it takes the handle's rights away. Receiving is single-consumer: only one thread at a time may
 * call the receive methods of all handles of one mailbox. The other methods are thread-safe.
 *
 * <p>Waiting receives follow the kernel's idle strategy: spin, then yield, then park, with the
 * thresholds from the kernel's configuration ({@code idleSpinNanos}, {@code idleYieldNanos}) as
 * ceilings. A receiver parks at once when the kernel finds the cores taken by running receivers and
 * other waiters, and skips spinning while its spins do not catch its messages; a waiting receiver is
 * woken by the next message whichever way it waited.
 */
@ProviderType
public interface Mailbox extends AutoCloseable {

    /**
     * Returns the mailbox's address.
     *
     * @return the address
     */
    Address address();

    /**
     * Returns the capability this handle was opened with.
     *
     * @return the capability; for a handle from {@link Kernel#createMailbox} it has every right
     */
    Capability capability();

    /**
     * Returns how many messages the mailbox holds at most: the capacity asked for at creation,
     * rounded up to a power of two.
     *
     * @return the capacity
     */
    int capacity();

    /**
     * Returns how many messages wait in the mailbox now.
     *
     * @return the depth, a snapshot
     */
    int depth();

    /**
     * Takes the next message if there is one, without waiting.
     *
     * @return the message, or null if the mailbox is empty
     * @throws KernelException {@link Status#CLOSED} if the mailbox is closed, {@link Status#REVOKED}
     *         if the handle's capability has been revoked
     */
    Message poll();

    /**
     * Takes the next message, waiting up to a timeout for one to arrive.
     *
     * @param timeout how long to wait at most; 0 does not wait
     * @param unit the unit of {@code timeout}
     * @return the message, or null if none arrived in time
     * @throws InterruptedException if the thread is interrupted while it waits
     * @throws KernelException {@link Status#CLOSED} or {@link Status#REVOKED}, as for {@link #poll()}
     */
    Message receive(long timeout, TimeUnit unit) throws InterruptedException;

    /**
     * Takes up to {@code limit} waiting messages and hands them to {@code handler}, without waiting.
     *
     * @param handler takes each message
     * @param limit the most messages to take, at least 1
     * @return how many messages were handled
     * @throws KernelException {@link Status#CLOSED} or {@link Status#REVOKED}, as for {@link #poll()}
     * @throws IllegalArgumentException if {@code limit} is below 1
     */
    int drain(MessageHandler handler, int limit);

    /**
     * Waits up to a timeout until at least one message waits, then drains up to {@code limit}.
     * This is the shape of a server loop: one call per batch.
     *
     * @param handler takes each message
     * @param limit the most messages to take, at least 1
     * @param timeout how long to wait for the first message
     * @param unit the unit of {@code timeout}
     * @return how many messages were handled; 0 if none arrived in time
     * @throws InterruptedException if the thread is interrupted while it waits
     * @throws KernelException {@link Status#CLOSED} or {@link Status#REVOKED}, as for {@link #poll()}
     */
    int drain(MessageHandler handler, int limit, long timeout, TimeUnit unit) throws InterruptedException;

    /**
     * Tells whether the mailbox has been closed.
     *
     * @return true once closed
     */
    boolean isClosed();

    /**
     * Closes the mailbox: later sends answer {@link Status#CLOSED}, its names are deregistered, every
     * capability for it becomes invalid, and messages still waiting are discarded. Needs
     * {@link Right#RECEIVE}. Closing twice does nothing.
     *
     * @throws KernelException {@link Status#REVOKED} if the handle's capability has been revoked
     */
    @Override
    void close();
}
