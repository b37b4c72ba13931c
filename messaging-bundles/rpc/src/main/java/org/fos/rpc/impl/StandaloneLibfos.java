package org.fos.rpc.impl;

import java.util.Objects;

import org.fos.kernel.api.Kernel;
import org.fos.kernel.spi.PayloadCodec;
import org.fos.rpc.api.Libfos;

/**
 * libfos outside OSGi, over a kernel the embedder started (the plain-JVM client of ADR 0028): the
 * shared part and one owner's libfos, which inside a node are two components.
 */
public final class StandaloneLibfos implements AutoCloseable {
    private final LibfosCore core = new LibfosCore();
    private final LibfosImpl libfos;

    /**
     * Starts libfos for one owner.
     *
     * @param kernel the kernel as the owner sees it
     * @param ownerId the owner's id, which its reply mailboxes belong to
     * @param owner the owner's name, shown in mailbox labels
     * @param codec the codec of the kernel, so that libfos's records may cross to other nodes; or null
     */
    public StandaloneLibfos(Kernel kernel, long ownerId, String owner, PayloadCodec codec) {
        Objects.requireNonNull(kernel, "kernel");
        core.setCodec(codec);
        libfos = new LibfosImpl(core, kernel, ownerId, Objects.requireNonNull(owner, "owner"));
    }

    /**
     * Returns libfos.
     *
     * @return libfos
     */
    public Libfos libfos() {
        return libfos;
    }

    /** Stops libfos: calls still waiting fail, its reply mailboxes close. An interrupt is kept for the caller. */
    @Override
    public void close() {
        try {
            libfos.deactivate();
            core.deactivate();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
