package org.fos.rpc.api;

import org.fos.kernel.api.Message;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The server side of a protocol for one implementation object; see {@link Libfos#dispatcher}.
 * A server loop hands it every message it takes from its mailbox.
 */
@ProviderType
public interface Dispatcher {

    /**
     * Handles one request: calls the implementation's method and sends the reply to the request's
     * reply capability, at once or, if the method returned a {@code CompletionStage}, when that
     * completes; the caller goes on with the next message meanwhile. A request that cannot be
     * handled (unknown method, wrong arguments, a failure of the implementation) is answered with
     * an error; this method does not throw for it.
     *
     * @param request the request message
     * @return true if the call completed now, false if its reply will be sent later
     */
    boolean dispatch(Message request);

    /**
     * Counts the calls whose reply is still to come: dispatched to a method that returned a
     * {@code CompletionStage} that has not completed yet. A server that is about to let its
     * implementation go (a fleet member before an upgrade) waits for this to reach zero, so that no
     * caller is left without its answer.
     *
     * @return the number of replies outstanding
     */
    int outstanding();

    /**
     * Counts the requests dropped unrun because their caller's deadline (its call timeout) had passed
     * when this dispatcher took them: they were answered {@code TIMEOUT} and never ran, so a call that
     * timed out while it waited in a mailbox is not applied later behind its caller's back.
     *
     * @return the number of requests dropped so
     * @since 1.3
     */
    default long expired() {
        return 0;
    }
}
