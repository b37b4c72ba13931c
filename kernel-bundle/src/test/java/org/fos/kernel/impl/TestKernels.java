package org.fos.kernel.impl;

import org.fos.kernel.api.Kernel;
import org.fos.kernel.spi.Links;
import org.fos.kernel.spi.PayloadCodec;
import org.fos.kernel.spi.Transport;

/**
 * A real kernel outside OSGi, for the unit tests of other modules (published in the kernel's
 * test jar). Every bundle id is accepted as an existing bundle.
 */
public final class TestKernels {
    private final KernelCore core;

    private TestKernels(KernelCore core) {
        this.core = core;
    }

    /**
     * Starts a node's kernel.
     *
     * @param nodeId the node id
     * @param encodeAllMessages whether every local payload goes through the codec
     * @return the node
     */
    public static TestKernels start(String nodeId, boolean encodeAllMessages) {
        return new TestKernels(new KernelCore(nodeId, new KernelSettings(IdleStrategy.DEFAULT, 1 << 20, encodeAllMessages), id -> true));
    }

    /**
     * Starts a node's kernel whose receivers wait as configured ({@code idleSpinNanos},
     * {@code idleYieldNanos} of the kernel's configuration): a benchmark compares spinning and parked
     * receivers this way.
     *
     * @param nodeId the node id
     * @param encodeAllMessages whether every local payload goes through the codec
     * @param idleSpinNanos how long a waiting receiver spins before it yields
     * @param idleYieldNanos how long after it started waiting a receiver yields before it parks
     * @return the node
     * @throws IllegalArgumentException if a threshold is negative
     */
    public static TestKernels start(String nodeId, boolean encodeAllMessages, long idleSpinNanos, long idleYieldNanos) {
        return new TestKernels(new KernelCore(nodeId, new KernelSettings(new IdleStrategy(idleSpinNanos, idleYieldNanos), 1 << 20,
                encodeAllMessages), id -> true));
    }

    /**
     * Returns the kernel as a bundle sees it.
     *
     * @param bundleId the bundle id
     * @return the kernel
     */
    public Kernel kernel(long bundleId) {
        return new BundleKernel(core, bundleId);
    }

    /**
     * Sets the payload codec.
     *
     * @param codec the codec or null
     */
    public void codec(PayloadCodec codec) {
        core.setCodec(codec);
    }

    /**
     * Adds a transport.
     *
     * @param transport the transport
     */
    public void transport(Transport transport) {
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
     * Returns the kernel's side of the links, as transports see it.
     *
     * @return the links
     */
    public Links links() {
        return new Links() {
            @Override
            public long epoch() {
                return core.epoch();
            }

            @Override
            public long deliver(String fromNode, long peerEpoch, long sequence, org.fos.kernel.api.Message message) {
                return core.deliver(fromNode, peerEpoch, sequence, message);
            }

            @Override
            public void acknowledged(String nodeId, long sequence) {
                core.acknowledged(nodeId, sequence);
            }

            @Override
            public void connected(String nodeId, long peerEpoch) {
                core.connected(nodeId, peerEpoch);
            }
        };
    }

    /**
     * Releases what a bundle owns, as when it stops.
     *
     * @param bundleId the bundle id
     */
    public void stopBundle(long bundleId) {
        core.release(bundleId);
    }

    /** Stops the kernel. */
    public void shutdown() {
        core.shutdown();
    }
}
