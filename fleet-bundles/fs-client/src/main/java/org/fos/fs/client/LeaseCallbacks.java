package org.fos.fs.client;

import java.util.EnumSet;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import org.fos.fs.api.LeaseHolder;
import org.fos.kernel.api.Capability;
import org.fos.kernel.api.Kernel;
import org.fos.kernel.api.KernelException;
import org.fos.kernel.api.Mailbox;
import org.fos.kernel.api.Right;
import org.fos.rpc.api.Dispatcher;
import org.fos.rpc.api.Libfos;

/**
 * A mailbox where a client serves {@link LeaseHolder} for the members that granted it leases, on a
 * thread of its own, and the capability that names it ({@code SEND} and {@code CALL}, nothing more).
 * A {@link FleetConnector} that can take calls back makes one for each file system
 * ({@link FleetConnector#callbacks}); a client's file system caches lookups only while it is open.
 * Thread-safe.
 */
public final class LeaseCallbacks implements AutoCloseable {
    private final Mailbox mailbox;
    private final Capability capability;
    private final Thread loop;
    private volatile boolean running = true;

    /**
     * Opens a mailbox in a kernel and serves a holder on it.
     *
     * @param kernel the kernel the client's messages come from (inside a node, the node's; in a plain
     *        JVM, the client's own, whose transport carries the members' calls back)
     * @param libfos the client's libfos, for the dispatcher
     * @param holder what serves the calls
     * @param label the mailbox's label, for {@code fos:mailboxes}
     */
    public LeaseCallbacks(Kernel kernel, Libfos libfos, LeaseHolder holder, String label) {
        Objects.requireNonNull(holder, "holder");
        this.mailbox = kernel.createMailbox(label, 1 << 12);
        this.capability = kernel.narrow(mailbox.capability(), EnumSet.of(Right.SEND, Right.CALL));
        Dispatcher dispatcher = libfos.dispatcher(LeaseHolder.class, holder);
        this.loop = new Thread(() -> serve(dispatcher), "fos-lease-holder " + label);
        loop.setDaemon(true);
        loop.start();
    }

    private void serve(Dispatcher dispatcher) {
        try {
            while (running) {
                mailbox.drain(dispatcher::dispatch, 256, 100, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (KernelException closed) {
            // the mailbox was closed: the cache is forgotten by its owner
        } finally {
            running = false;
        }
    }

    /**
     * The capability members call the holder through.
     *
     * @return a capability with the SEND and CALL rights for the mailbox
     */
    public Capability capability() {
        return capability;
    }

    /**
     * Says whether calls back are still served: once not, no revocation reaches the cache, which must
     * then answer nothing.
     *
     * @return true while the mailbox is served
     */
    public boolean serving() {
        return running;
    }

    /** Stops serving and closes the mailbox. */
    @Override
    public void close() {
        running = false;
        mailbox.close();
        try {
            loop.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
