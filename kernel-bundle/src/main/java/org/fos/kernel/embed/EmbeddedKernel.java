package org.fos.kernel.embed;

import java.util.Map;
import java.util.Objects;

import org.fos.kernel.api.Capability;
import org.fos.kernel.api.Kernel;
import org.fos.kernel.impl.StandaloneKernel;
import org.fos.kernel.spi.Links;
import org.fos.kernel.spi.NameStore;
import org.fos.kernel.spi.PayloadCodec;
import org.fos.kernel.spi.Transport;

/**
 * A real kernel outside OSGi (docs/embedding.md): the plain-JVM client's node (ADR 0028), the
 * benchmarks' nodes and the standalone tests' nodes start one this way. What the kernel component
 * does from services inside a node, the embedder does through these methods: it sets the codec,
 * adds transports and names the name store. Every owner id is taken as a live owner; an owner's
 * mailboxes and names are released by {@link #release(long)}.
 *
 * <pre>{@code
 * EmbeddedKernel node = EmbeddedKernel.start("client-1");
 * PayloadCodec codec = PayloadCodecs.create();
 * node.codec(codec);
 * Kernel kernel = node.kernel(1);
 * ...
 * node.close();
 * }</pre>
 *
 * Thread-safe.
 */
public final class EmbeddedKernel implements AutoCloseable {
    private final String nodeId;
    private final StandaloneKernel kernel;

    private EmbeddedKernel(String nodeId, StandaloneKernel kernel) {
        this.nodeId = nodeId;
        this.kernel = kernel;
    }

    /**
     * Starts a kernel with the default settings, whose local messages are not encoded.
     *
     * @param nodeId the node id, unique in the cluster it joins
     * @return the kernel
     * @throws IllegalArgumentException if the node id is not valid
     */
    public static EmbeddedKernel start(String nodeId) {
        return start(nodeId, false);
    }

    /**
     * Starts a kernel with the default settings.
     *
     * @param nodeId the node id, unique in the cluster it joins
     * @param encodeAllMessages whether every local payload goes through the codec too (as the
     *        kernel's {@code encodeAllMessages} setting), to test that everything sent is encodable
     * @return the kernel
     * @throws IllegalArgumentException if the node id is not valid
     */
    public static EmbeddedKernel start(String nodeId, boolean encodeAllMessages) {
        return new EmbeddedKernel(nodeId, StandaloneKernel.start(Objects.requireNonNull(nodeId, "nodeId"), encodeAllMessages));
    }

    /**
     * Starts a kernel whose receivers wait as configured ({@code idleSpinNanos} and
     * {@code idleYieldNanos} of the kernel's configuration).
     *
     * @param nodeId the node id, unique in the cluster it joins
     * @param encodeAllMessages whether every local payload goes through the codec too
     * @param idleSpinNanos how long a waiting receiver spins before it yields
     * @param idleYieldNanos how long after it started waiting a receiver yields before it parks
     * @return the kernel
     * @throws IllegalArgumentException if a threshold is negative or the node id is not valid
     */
    public static EmbeddedKernel start(String nodeId, boolean encodeAllMessages, long idleSpinNanos, long idleYieldNanos) {
        return new EmbeddedKernel(nodeId, StandaloneKernel.start(Objects.requireNonNull(nodeId, "nodeId"), encodeAllMessages, idleSpinNanos,
                idleYieldNanos));
    }

    /**
     * Returns the node id.
     *
     * @return the id the kernel started with
     */
    public String nodeId() {
        return nodeId;
    }

    /**
     * Returns the kernel as one owner sees it: what it creates belongs to that owner.
     *
     * @param ownerId the owner's id (inside a node, a bundle id)
     * @return the kernel
     */
    public Kernel kernel(long ownerId) {
        return kernel.kernel(ownerId);
    }

    /**
     * Sets the payload codec that messages to other nodes go through.
     *
     * @param codec the codec, or null for none (then nothing crosses to another node)
     */
    public void codec(PayloadCodec codec) {
        kernel.codec(codec);
    }

    /**
     * Adds a transport to other nodes; the kernel routes each message to the cheapest transport that
     * reaches its node.
     *
     * @param transport the transport
     */
    public void addTransport(Transport transport) {
        kernel.addTransport(Objects.requireNonNull(transport, "transport"));
    }

    /**
     * Removes a transport; it is not closed.
     *
     * @param transport the transport
     */
    public void removeTransport(Transport transport) {
        kernel.removeTransport(Objects.requireNonNull(transport, "transport"));
    }

    /**
     * Keeps the names (all but the bootstrap ones) in a store, or in the kernel's own when null.
     *
     * @param store the store or null
     */
    public void nameStore(NameStore store) {
        kernel.nameStore(store);
    }

    /**
     * Enters a member of a bootstrap name ({@value NameStore#BOOTSTRAP}) that lives on another
     * node, as its kernel handed it out: how a client that has no name store yet finds the naming
     * fleet of the node it connects to. The kernel that issued the capability checks it on use.
     *
     * @param name a bootstrap name, such as {@value NameStore#BOOTSTRAP}
     * @param member the member's capability, for a mailbox on another node
     * @param properties the member's properties
     * @throws IllegalArgumentException if the name is no bootstrap name or the member is on this node
     */
    public void bootstrapMember(String name, Capability member, Map<String, String> properties) {
        kernel.bootstrapMember(name, member, properties);
    }

    /**
     * Sets the node whose members of node-scoped fleets ({@link org.fos.kernel.api.Names#SCOPE_PROPERTY})
     * this kernel resolves to, having none of its own: a client's connected node.
     *
     * @param node the node id
     */
    public void homeNode(String node) {
        kernel.homeNode(node);
    }

    /**
     * Returns the kernel's side of the links, which a transport delivers what it receives to.
     *
     * @return the links
     */
    public Links links() {
        return kernel.links();
    }

    /**
     * Releases what an owner holds, as when its bundle stops.
     *
     * @param ownerId the owner's id
     */
    public void release(long ownerId) {
        kernel.release(ownerId);
    }

    /** Stops the kernel: its mailboxes close. The transports added are not closed: close them first. */
    @Override
    public void close() {
        kernel.shutdown();
    }

    @Override
    public String toString() {
        return "EmbeddedKernel[" + nodeId + "]";
    }
}
