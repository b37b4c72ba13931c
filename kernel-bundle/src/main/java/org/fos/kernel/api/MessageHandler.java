package org.fos.kernel.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Takes the messages of a batch drained from a mailbox ({@link Mailbox#drain}).
 */
@ConsumerType
@FunctionalInterface
public interface MessageHandler {

    /**
     * Handles one message. Called on the draining thread, one message after the other, in the
     * order the mailbox accepted them.
     *
     * @param message the message, never null
     */
    void onMessage(Message message);
}
