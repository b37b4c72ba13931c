package org.fos.itests.pinger;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Sends numbered messages to a name through the kernel and collects the answers.
 */
@ProviderType
public interface Pinger {

    /**
     * Sends {@code count} messages to members of {@code name}, each asking for an answer, and waits
     * for the answers.
     *
     * @param name the name to resolve, round-robin, for each message
     * @param count how many messages
     * @param timeoutMillis how long to wait for all answers
     * @return the payloads of the answers, in the order they arrived
     * @throws InterruptedException if interrupted while waiting
     */
    List<String> ping(String name, int count, long timeoutMillis) throws InterruptedException;
}
