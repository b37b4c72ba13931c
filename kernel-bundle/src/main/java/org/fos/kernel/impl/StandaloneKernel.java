package org.fos.kernel.impl;

import java.util.Map;
import java.util.Objects;

import org.fos.kernel.api.Capability;
import org.fos.kernel.api.Kernel;
import org.fos.kernel.api.NameEntry;
import org.fos.kernel.spi.Links;
import org.fos.kernel.spi.NameStore;
import org.fos.kernel.spi.PayloadCodec;
import org.fos.kernel.spi.Transport;

/**
 * A real kernel outside OSGi: the plain-JVM client's node (ADR 0028) and the unit tests of other
 * modules build one this way. What the kernel component does from services inside a node, the
 * embedder does through these methods. Every owner id is taken as a live owner; an owner's
 * mailboxes and names are released by {@link #release(long)}.
 */
public final class StandaloneKernel {
    private final KernelCore core;

    private StandaloneKernel(KernelCore core) {
        this.core = core;
    }

    /**
     * Starts a kernel with the default settings.
     *
     * @param nodeId the node id, unique in the cluster it joins
     * @param encodeAllMessages whether every local payload goes through the codec
     * @return the kernel
     * @throws IllegalArgumentException if the node id is not valid
     */
    public static StandaloneKernel start(String nodeId, boolean encodeAllMessages) {
        return start(nodeId, encodeAllMessages, IdleStrategy.DEFAULT.spinNanos(), IdleStrategy.DEFAULT.yieldNanos());
    }

    /**
     * Starts a kernel whose receivers wait as configured ({@code idleSpinNanos} and
     * {@code idleYieldNanos} of the kernel's configuration; {@code idleStretchNanos} keeps its default,
     * and stretches nothing when {@code idleYieldNanos} is 0).
     *
     * @param nodeId the node id, unique in the cluster it joins
     * @param encodeAllMessages whether every local payload goes through the codec
     * @param idleSpinNanos how long a waiting receiver spins before it yields
     * @param idleYieldNanos how long after it started waiting a receiver yields before it parks
     * @return the kernel
     * @throws IllegalArgumentException if a threshold is negative or the node id is not valid
     */
    public static StandaloneKernel start(String nodeId, boolean encodeAllMessages, long idleSpinNanos, long idleYieldNanos) {
        Objects.requireNonNull(nodeId, "nodeId");
        return new StandaloneKernel(new KernelCore(nodeId, new KernelSettings(new IdleStrategy(idleSpinNanos, idleYieldNanos,
                IdleStrategy.DEFAULT.stretchNanos()),
                1 << 20, encodeAllMessages), id -> true));
    }

    /**
     * Returns the kernel as one owner sees it: what it creates belongs to that owner.
     *
     * @param ownerId the owner's id (inside a node, a bundle id)
     * @return the kernel
     */
    public Kernel kernel(long ownerId) {
        return new BundleKernel(core, ownerId);
    }

    /**
     * Sets the payload codec that messages to other nodes go through.
     *
     * @param codec the codec or null
     */
    public void codec(PayloadCodec codec) {
        core.setCodec(codec);
    }

    /**
     * Adds a transport to other nodes.
     *
     * @param transport the transport
     */
    public void addTransport(Transport transport) {
        core.addTransport(transport);
    }

    /**
     * Removes a transport.
     *
     * @param transport the transport
     */
    public void removeTransport(Transport transport) {
        core.removeTransport(transport);
    }

    /**
     * Keeps the names (all but the bootstrap ones) in a store, or in the kernel's own when null.
     *
     * @param store the store or null
     */
    public void nameStore(NameStore store) {
        core.setNameStore(store);
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
        if (!KernelCore.isBootstrap(name)) {
            throw new IllegalArgumentException(name + " is no bootstrap name (" + NameStore.BOOTSTRAP + " and below)");
        }
        if (member.address().node().equals(core.nodeId())) {
            throw new IllegalArgumentException(member + " is on this node: register it through the kernel");
        }
        core.bootstrapMember(new NameEntry(name, member, 0, properties));
    }

    /**
     * Sets the node whose members of node-scoped fleets ({@link org.fos.kernel.api.Names#SCOPE_PROPERTY})
     * this kernel resolves to, having none of its own: a client's connected node.
     *
     * @param node the node id
     */
    public void homeNode(String node) {
        core.homeNode(Objects.requireNonNull(node, "node"));
    }

    /**
     * Returns the kernel's side of the links, for transports.
     *
     * @return the links
     */
    public Links links() {
        return core.linkTable();
    }

    /**
     * Releases what an owner holds, as when its bundle stops.
     *
     * @param ownerId the owner's id
     */
    public void release(long ownerId) {
        core.release(ownerId);
    }

    /** Stops the kernel: its mailboxes close. */
    public void shutdown() {
        core.shutdown();
    }
}
