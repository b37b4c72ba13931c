package org.fos.naming.embed;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.fos.kernel.api.Kernel;
import org.fos.kernel.embed.EmbeddedKernel;
import org.fos.naming.impl.NameStoreClient;
import org.fos.rpc.api.Libfos;

/**
 * Makes an {@link EmbeddedKernel}'s names those of the naming fleet ({@code /sys/names}) it
 * reaches (docs/embedding.md): while that fleet has members the kernel keeps its names there, so
 * fleet names resolve as on the nodes of the cluster and follow their changes; when it has none
 * the kernel falls back to its own names. A plain JVM that reaches a node's naming fleet (through
 * {@code EmbeddedKernel.bootstrapMember}) starts one after its transport. Thread-safe.
 */
public final class NamingClient implements AutoCloseable {
    private final NameStoreClient client;
    private final CountDownLatch offered;

    private NamingClient(NameStoreClient client, CountDownLatch offered) {
        this.client = client;
        this.offered = offered;
    }

    /**
     * Starts following the naming fleet.
     *
     * @param node the kernel whose names to keep in the fleet
     * @param kernel the kernel as the client's owner sees it: its watcher mailbox belongs to that owner
     * @param libfos libfos of the same owner, through which it calls the fleet
     * @return the client
     */
    public static NamingClient start(EmbeddedKernel node, Kernel kernel, Libfos libfos) {
        Objects.requireNonNull(node, "node");
        CountDownLatch offered = new CountDownLatch(1);
        NameStoreClient client = new NameStoreClient(Objects.requireNonNull(kernel, "kernel"), Objects.requireNonNull(libfos, "libfos"),
                (store, available) -> {
                    node.nameStore(available ? store : null);
                    if (available) {
                        offered.countDown();
                    }
                });
        return new NamingClient(client, offered);
    }

    /**
     * Waits until the kernel keeps its names in the naming fleet (the fleet had a member once).
     *
     * @param timeout how long to wait
     * @return true if it does, false if the time ran out first
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean awaitStore(Duration timeout) throws InterruptedException {
        return offered.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Stops following the fleet: the kernel gets its own names back. An interrupt while the client
     * stops is kept for the caller.
     */
    @Override
    public void close() {
        try {
            client.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
