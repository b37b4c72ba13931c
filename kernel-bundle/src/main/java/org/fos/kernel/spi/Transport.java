package org.fos.kernel.spi;

import java.util.Map;

import org.fos.kernel.api.Message;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Carries messages between this node and other nodes. Transports are OSGi services (whiteboard):
 * for a message to another node the kernel picks the transport with the lowest {@link #cost(String)}
 * for that node.
 *
 * <p>Reliability is the kernel's, not the transport's: the kernel numbers the messages of each link
 * (this node to one other node), keeps every message until the peer acknowledges it, transmits
 * again what is not acknowledged (after a reconnect, a swap of the transport bundle, or a timeout),
 * and on the receiving side delivers each number exactly once, in order (see {@link Links}). A
 * transport only has to carry frames and acknowledgements; it may lose them when a connection
 * breaks. Implementations must be thread-safe and must not block.
 */
@ConsumerType
public interface Transport {

    /** Service property: the transport's short name, for example {@code tcp}; shown by the shell. */
    String NAME_PROPERTY = "fos.transport";

    /**
     * Says whether and how cheaply this transport reaches a node now.
     *
     * @param nodeId the id of another node
     * @return a cost, 0 or more (lower is better: shared memory on one host before TCP), or a
     *         negative number if it does not reach that node now
     */
    int cost(String nodeId);

    /**
     * Carries one message of the link to {@code nodeId}, without blocking. The receiving transport
     * hands it to its kernel with {@link Links#deliver}.
     *
     * @param nodeId the destination node
     * @param sequence the message's number on the link, from 1
     * @param message the message
     * @return true if the transport took it (it may still be lost if the connection breaks), false if
     *         it cannot take it now (not connected, or its buffer is full); the kernel transmits it
     *         again later either way until it is acknowledged
     */
    boolean transmit(String nodeId, long sequence, Message message);

    /**
     * Tells a peer that this node has delivered every message of its link up to {@code sequence}.
     *
     * @param nodeId the peer
     * @param sequence the highest number delivered
     */
    void acknowledge(String nodeId, long sequence);

    /**
     * Describes the transport for the shell ({@code fos:transport}): its endpoint, its peers, its
     * connections and counters. Called rarely, from any thread.
     *
     * @return named values in display order; empty by default
     * @since 1.2
     */
    default Map<String, Object> info() {
        return Map.of();
    }

    /**
     * Lends the transport a thread of this node that waits for a message: reads what has arrived for
     * this node, if the transport can do that on any thread, and hands it to the kernel with
     * {@link Links#deliver} as its own reader would. A receiver that spins or yields while it waits
     * (as far as the node's cores allow) calls it again and again, so that a message it waits for is
     * taken by the waiting thread itself instead of by a reader thread that must then wake it.
     *
     * <p>Must return at once: a transport whose reader is busy, or that reads only on its own
     * threads, returns 0. Must not block and must not throw.
     *
     * @return how many frames it read (0 if none, or if it lends nothing)
     * @since 1.6
     */
    default int assist() {
        return 0;
    }

    /**
     * Whether {@link #assist()} reads with system calls (a look at a socket) rather than by looking at
     * memory it shares with its peers. A receiver that reads its own messages itself spins longer while
     * it waits ({@code idleStretchNanos}) only while a transport that answers false read them: where
     * every turn of the spin is a system call, a stretched spin takes a core for hundreds of system
     * calls a wait, and the transport's {@link #parkedReader() parked reader} wakes a parked receiver
     * with its own message anyway (ADR 0136). The answer must not change while the transport is
     * registered.
     *
     * @return true if its {@link #assist()} makes system calls; false by default
     * @since 1.8
     */
    default boolean assistMakesSystemCalls() {
        return false;
    }

    /**
     * Hands a thread of this node that is about to park for a message from another node the
     * transport's {@link ParkedReader}, if it has one and no other thread holds it: the thread waits
     * in it, reads what arrives for this node itself and so is woken by the message it waits for,
     * not by a reader thread that took the message first (ADR 0124). Must return at once and must
     * not throw.
     *
     * @return the reader, now the calling thread's until it calls {@link ParkedReader#release()};
     *         null if the transport has none or another thread holds it
     * @since 1.7
     */
    default ParkedReader parkedReader() {
        return null;
    }
}
