package org.fos.kernel.impl;

import org.fos.kernel.api.Kernel;
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
