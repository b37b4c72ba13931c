package org.fos.kernel.spi;

import org.fos.kernel.api.Message;
import org.fos.kernel.api.Status;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Carries messages from this node to other nodes. Transports are OSGi services (whiteboard): the
 * kernel tracks every registered {@code Transport} and, for a message to another node, picks the one
 * with the lowest {@link #cost(String)} for that node. On the receiving node the transport hands the
 * message to that node's kernel with {@link org.fos.kernel.api.Kernel#send}, so the owning kernel
 * checks the capability.
 *
 * <p>Implementations must be thread-safe: many senders call {@link #transmit} at once.
 */
@ConsumerType
public interface Transport {

    /** Service property: the transport's short name, for example {@code tcp}; shown by the shell. */
    String NAME_PROPERTY = "fos.transport";

    /**
     * Says whether and how cheaply this transport reaches a node.
     *
     * @param nodeId the id of another node
     * @return a cost, 0 or more (lower is better: shared memory on one host before TCP), or a
     *         negative number if it does not reach that node now
     */
    int cost(String nodeId);

    /**
     * Takes one message for another node, without blocking.
     *
     * @param message the message; {@code message.to().address().node()} is the destination node
     * @return {@link Status#OK} if the transport took responsibility for it; {@link Status#FULL} if it
     *         cannot take more now (backpressure); {@link Status#NO_ROUTE} if it no longer reaches
     *         the node; {@link Status#CODEC_ERROR} if the payload cannot be encoded
     */
    Status transmit(Message message);
}
