package org.fos.kernel.impl;

import org.fos.kernel.api.Message;
import org.fos.kernel.api.Status;
import org.fos.kernel.spi.ClientLimits;

/**
 * Where the {@link LinkTable} puts a message that arrived from another node: this node's mailboxes.
 * The kernel gives it to the link table when it builds it, so that a message coming in goes one way,
 * from the transport through the link table into a mailbox, and never back up into the kernel's send;
 * the one thing that goes back is the {@link Message#UNDELIVERED} notice of a message refused for
 * good, which the link table hands to the kernel after it left its locks.
 */
interface Inbox {

    /**
     * Checks the capability of a message from another node and puts it into its mailbox, without
     * waiting for room.
     *
     * @param message the message, decoded
     * @param limits what the sending client's ticket allows, or null for a node
     * @return OK if it is in the mailbox; FULL if the mailbox has no room now (the link takes it again
     *         later); any other status is final (the message is refused and counted)
     */
    Status deliver(Message message, ClientLimits limits);
}
