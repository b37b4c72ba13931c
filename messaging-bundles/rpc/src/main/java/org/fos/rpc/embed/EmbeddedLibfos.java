package org.fos.rpc.embed;

import java.util.Objects;

import org.fos.kernel.embed.EmbeddedKernel;
import org.fos.kernel.spi.PayloadCodec;
import org.fos.rpc.api.Libfos;
import org.fos.rpc.impl.StandaloneLibfos;

/**
 * libfos outside OSGi, over an {@link EmbeddedKernel} (docs/embedding.md): the shared part (its
 * timer, the codec's allow-list of libfos's records) once, and one {@link Libfos} for each owner
 * asked for, as inside a node each bundle gets its own. Closing it stops every libfos it made;
 * the kernel is left running.
 *
 * <pre>{@code
 * try (EmbeddedLibfos libfos = EmbeddedLibfos.start(node, codec)) {
 *     KeyValue kv = libfos.libfos(1, "app").proxy(KeyValue.class, "/sys/kv", CallOptions.DEFAULT);
 *     ...
 * }
 * }</pre>
 *
 * Thread-safe.
 */
public final class EmbeddedLibfos implements AutoCloseable {
    private final EmbeddedKernel node;
    private final StandaloneLibfos libfos;

    private EmbeddedLibfos(EmbeddedKernel node, PayloadCodec codec) {
        this.node = node;
        this.libfos = new StandaloneLibfos(codec);
    }

    /**
     * Starts the shared part of libfos on a kernel.
     *
     * @param node the kernel
     * @param codec the kernel's payload codec (the one given to {@link EmbeddedKernel#codec}), so
     *        that libfos's records and the types its protocols carry may cross to other nodes; or
     *        null if the kernel talks to no other node
     * @return libfos
     */
    public static EmbeddedLibfos start(EmbeddedKernel node, PayloadCodec codec) {
        return new EmbeddedLibfos(Objects.requireNonNull(node, "node"), codec);
    }

    /**
     * Returns a new libfos as one owner sees it: its reply mailboxes belong to that owner
     * ({@link EmbeddedKernel#kernel(long)}), and its dispatchers serve with the owner's kernel.
     *
     * @param ownerId the owner's id (inside a node, a bundle id)
     * @param owner the owner's name, shown in mailbox labels
     * @return the owner's libfos
     */
    public Libfos libfos(long ownerId, String owner) {
        return libfos.libfos(node.kernel(ownerId), ownerId, owner);
    }

    /** Stops every libfos this made: calls still waiting fail. An interrupt is kept for the caller. */
    @Override
    public void close() {
        libfos.close();
    }
}
