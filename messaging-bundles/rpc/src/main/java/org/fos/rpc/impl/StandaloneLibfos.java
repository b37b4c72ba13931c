package org.fos.rpc.impl;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

import org.fos.kernel.api.Kernel;
import org.fos.kernel.spi.PayloadCodec;
import org.fos.rpc.api.Libfos;

/**
 * libfos outside OSGi, over a kernel the embedder started (what {@code org.fos.rpc.embed.EmbeddedLibfos}
 * offers): the shared part once, and one {@link Libfos} for each owner asked for, which inside a
 * node are two components. Thread-safe.
 */
public final class StandaloneLibfos implements AutoCloseable {
    private final LibfosCore core = new LibfosCore();
    private final List<LibfosImpl> created = new CopyOnWriteArrayList<>();

    /**
     * Starts the shared part of libfos.
     *
     * @param codec the codec of the kernel, so that libfos's records may cross to other nodes; or null
     */
    public StandaloneLibfos(PayloadCodec codec) {
        core.setCodec(codec);
    }

    /**
     * Returns a new libfos for one owner: its reply mailboxes belong to that owner.
     *
     * @param kernel the kernel as the owner sees it
     * @param ownerId the owner's id, which its reply mailboxes belong to
     * @param owner the owner's name, shown in mailbox labels
     * @return the owner's libfos
     */
    public Libfos libfos(Kernel kernel, long ownerId, String owner) {
        LibfosImpl libfos = new LibfosImpl(core, Objects.requireNonNull(kernel, "kernel"), ownerId, Objects.requireNonNull(owner, "owner"));
        created.add(libfos);
        return libfos;
    }

    /**
     * Stops every libfos this made, then the shared part: calls still waiting fail, their reply
     * mailboxes close. An interrupt is kept for the caller.
     */
    @Override
    public void close() {
        try {
            for (LibfosImpl libfos : created) {
                libfos.deactivate();
            }
            created.clear();
            core.deactivate();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
