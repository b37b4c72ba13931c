package org.fos.kernel.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Takes messages as they are delivered to a mailbox, on the delivering thread, before they are
 * queued ({@link Kernel#createMailbox(String, int, DirectDelivery)}): a transport's reading thread
 * for a message from another node, the sending thread for one from this node. What it takes is not
 * queued; what it declines is queued for the mailbox's receiver as usual.
 *
 * <p>For a mailbox whose messages complete work another thread waits for, such as the replies of
 * asynchronous calls, where handing each message to a receiving thread first would wake a thread for
 * nothing. It runs on threads that serve others (a transport's event loop, a fleet member), so it must
 * not block, and it is called from several threads at once.
 *
 * @since 1.6
 */
@ConsumerType
@FunctionalInterface
public interface DirectDelivery {

    /**
     * Offers a message delivered to the mailbox.
     *
     * @param message the message, never null
     * @return true if it took the message (it is not queued), false to have it queued
     */
    boolean take(Message message);
}
