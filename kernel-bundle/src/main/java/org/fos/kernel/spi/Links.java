package org.fos.kernel.spi;

import org.fos.kernel.api.Message;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The kernel's side of the links to other nodes, for transports (an OSGi service registered by the
 * kernel). Thread-safe; no method blocks.
 */
@ProviderType
public interface Links {

    /**
     * Returns this kernel's incarnation: a random number chosen when the kernel started. A transport
     * tells it to its peers when it connects; a peer that sees it change knows that this node
     * restarted and starts its link numbering afresh.
     *
     * @return the epoch, never 0
     */
    long epoch();

    /**
     * Hands over a message that arrived from another node. The kernel delivers the messages of a
     * link exactly once and in order: a number already delivered is dropped (it was sent again), a
     * number beyond the next expected one is dropped until the missing ones arrive, and a message
     * whose mailbox is full is dropped without being delivered, to be sent again by the peer. The
     * capability of the message is checked here, by the owning kernel; a rejected message counts as
     * delivered (it is final) and is counted as a rejection.
     *
     * @param fromNode the sending node
     * @param peerEpoch the sending kernel's epoch
     * @param sequence the message's number on the link
     * @param message the message, decoded
     * @return the highest number of this link delivered so far: what the transport acknowledges
     */
    long deliver(String fromNode, long peerEpoch, long sequence, Message message);

    /**
     * Hands over a message that arrived from a client, as {@link #deliver(String, long, long, Message)}
     * does, after narrowing its capability to what the client's ticket allows: the server rights
     * outside {@code limits} are taken away, and every server right where the mailbox is not
     * registered under one of the names {@code limits} lists. The server that receives the message
     * then refuses the methods it may not call ({@link org.fos.kernel.api.Status#NO_RIGHT}).
     *
     * @param fromNode the sending client's node id
     * @param peerEpoch the sending kernel's epoch
     * @param sequence the message's number on the link
     * @param message the message, decoded
     * @param limits what the client's ticket allows
     * @return the highest number of this link delivered so far
     */
    long deliver(String fromNode, long peerEpoch, long sequence, Message message, ClientLimits limits);

    /**
     * The peer has delivered every message of the link up to {@code sequence}: the kernel forgets them.
     *
     * @param nodeId the peer
     * @param sequence the highest number it delivered
     */
    void acknowledged(String nodeId, long sequence);

    /**
     * A transport (re)connected to a node: the kernel transmits every message not yet acknowledged,
     * in order. If the peer's epoch changed, the peer restarted: what was waiting for its former
     * incarnation is dropped (its mailboxes are gone) and the link numbering starts afresh.
     *
     * @param nodeId the peer
     * @param peerEpoch the peer kernel's epoch, from its handshake
     */
    void connected(String nodeId, long peerEpoch);
}
