package org.fos.rpc.impl;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

import org.fos.kernel.impl.StandaloneKernel;
import org.fos.kernel.spi.PayloadCodec;
import org.fos.rpc.api.Libfos;

/**
 * libfos outside OSGi, for this module's tests (other modules and the benchmarks use
 * {@code org.fos.rpc.embed.EmbeddedLibfos}): the shared part once, and one {@link Libfos} for each bundle id asked for, over a
 * kernel from {@link StandaloneKernel}. Thread-safe.
 */
public final class TestLibfos {
    private final StandaloneKernel node;
    private final LibfosCore core = new LibfosCore();
    private final List<LibfosImpl> created = new CopyOnWriteArrayList<>();

    /**
     * Starts the shared part of libfos on a node.
     *
     * @param node the node's kernel
     */
    public TestLibfos(StandaloneKernel node) {
        this.node = Objects.requireNonNull(node, "node");
    }

    /**
     * Returns libfos as one bundle sees it: its reply mailboxes belong to that bundle.
     *
     * @param bundleId the bundle id
     * @param owner the bundle's name, shown in mailbox labels
     * @return a new libfos for that bundle
     */
    public Libfos libfos(long bundleId, String owner) {
        LibfosImpl libfos = new LibfosImpl(core, node.kernel(bundleId), bundleId, owner);
        created.add(libfos);
        return libfos;
    }

    /**
     * Sets the node's payload codec, as the codec service does inside OSGi: libfos keeps its wire
     * records and the types its protocols carry on the codec's allow-list, so that calls can cross
     * to another node. Give the node's kernel the same codec ({@link StandaloneKernel#codec}).
     *
     * @param codec the codec, or null for none
     */
    public void codec(PayloadCodec codec) {
        core.setCodec(codec);
    }

    /**
     * Stops every libfos this created, then the shared part (its timer). The kernel is left running.
     *
     * @throws InterruptedException if interrupted while the timer stops
     */
    public void shutdown() throws InterruptedException {
        for (LibfosImpl libfos : created) {
            libfos.deactivate();
        }
        created.clear();
        core.deactivate();
    }
}
