package org.fos.naming.impl;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.fos.kernel.api.Capability;
import org.fos.kernel.api.Kernel;
import org.fos.kernel.api.KernelException;
import org.fos.kernel.api.Mailbox;
import org.fos.kernel.api.NameEntry;
import org.fos.kernel.api.NameEvent;
import org.fos.kernel.api.NameListener;
import org.fos.kernel.api.Right;
import org.fos.kernel.api.Subscription;
import org.fos.kernel.spi.NameStore;
import org.fos.naming.api.NameService;
import org.fos.naming.api.NameWatcher;
import org.fos.naming.api.WatchStart;
import org.fos.rpc.api.CallOptions;
import org.fos.rpc.api.Dispatcher;
import org.fos.rpc.api.Libfos;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the kernel's name cache a client of the naming fleet: a {@link NameStore} service that
 * keeps names in {@code /sys/names} through libfos, registered while that fleet has members. It
 * watches names with a mailbox of its own, served with the {@link NameWatcher} protocol: changes
 * come numbered, in order, and a change made through this client has reached the kernel's cache
 * before {@link #add} or {@link #remove} returns.
 */
@Component(immediate = true, service = {})
public final class NameStoreClient implements NameStore, NameWatcher {
    private static final Logger LOG = LoggerFactory.getLogger(NameStoreClient.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** A name this client watches, its members as last told, and the kernel's listeners. */
    private static final class Watched {
        final List<NameListener> listeners = new ArrayList<>();
        List<NameEntry> members;
        long since;

        Watched(List<NameEntry> members, long since) {
            this.members = members;
            this.since = since;
        }
    }

    private final Availability availability;
    private final NamePeers service;
    private final Mailbox mailbox;
    private final Capability watcher;
    private final Thread loop;
    private final ExecutorService registrar;
    private final Subscription fleetMembers;
    private final Object lock = new Object();
    private final Map<String, Watched> watched = new HashMap<>();
    private long received;
    private boolean offered;
    private volatile boolean running = true;

    /** What the client does when the naming fleet gets its first member or loses its last. */
    @FunctionalInterface
    public interface Availability {
        /**
         * The naming fleet has members now, or has none any more.
         *
         * @param store this client
         * @param available true when it has members: offer the store to the kernel; false: withdraw it
         */
        void changed(NameStore store, boolean available);
    }

    /**
     * Starts the client inside a node; it registers itself as the kernel's name store service while
     * {@code /sys/names} has members.
     *
     * @param context the naming bundle's context
     * @param kernel the kernel
     * @param libfos libfos
     */
    @Activate
    public NameStoreClient(BundleContext context, @Reference Kernel kernel, @Reference Libfos libfos) {
        this(kernel, libfos, registrar(context));
    }

    /**
     * Starts the client; it hands itself to {@code availability} once {@code /sys/names} has
     * members, and takes itself back when it has none: the plain-JVM client (ADR 0028) sets it as
     * its kernel's store this way.
     *
     * @param kernel the kernel
     * @param libfos libfos
     * @param availability what to do when the naming fleet comes and goes
     */
    public NameStoreClient(Kernel kernel, Libfos libfos, Availability availability) {
        this.availability = availability;
        this.service = libfos.proxy(NamePeers.class, NameService.NAME, CallOptions.DEFAULT.withTimeout(TIMEOUT));
        this.mailbox = kernel.createMailbox("name watcher", 1 << 16);
        this.watcher = kernel.narrow(mailbox.capability(), EnumSet.of(Right.SEND, Right.CALL));
        Dispatcher dispatcher = libfos.dispatcher(NameWatcher.class, this);
        this.loop = new Thread(() -> serve(dispatcher), "fos-name-watcher");
        loop.setDaemon(true);
        loop.start();
        this.registrar = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fos-name-store-registrar");
            t.setDaemon(true);
            return t;
        });
        this.fleetMembers = kernel.names().subscribe(NameService.NAME,
                event -> registrar.execute(() -> offer(!event.members().isEmpty())));
    }

    /** Registers the store as a service while the naming fleet has members. */
    private static Availability registrar(BundleContext context) {
        ServiceRegistration<?>[] registration = new ServiceRegistration<?>[1];
        return (store, available) -> {
            if (available) {
                Hashtable<String, Object> props = new Hashtable<>();
                props.put("fos.name.store", NameService.NAME);
                registration[0] = context.registerService(NameStore.class, store, props);
            } else {
                registration[0].unregister();
                registration[0] = null;
            }
        };
    }

    private void serve(Dispatcher dispatcher) {
        while (running) {
            try {
                mailbox.drain(dispatcher::dispatch, 256, 100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (KernelException closed) {
                return;
            }
        }
    }

    /** Offers this store while the naming fleet has members, and withdraws it when it has none. */
    private void offer(boolean available) {
        if (!running || available == offered) {
            return;
        }
        availability.changed(this, available);
        offered = available;
        if (available) {
            LOG.info("the kernel's names are kept by the naming fleet {}", NameService.NAME);
        }
    }

    /**
     * Stops the client: withdraws the store if it was offered, stops watching. It makes no call to the
     * fleet: the watches it closes are not told to the members (a member drops a watcher once a change
     * it sends finds the watcher's mailbox closed), so closing takes no longer when the fleet does not
     * answer (its node restarted, or cannot be reached) than when it does. A change still waiting to
     * reach the kernel's cache ({@link #add}, {@link #remove}) fails, saying the client closed.
     *
     * @throws InterruptedException if interrupted while its threads stop
     */
    @Deactivate
    public void close() throws InterruptedException {
        running = false; // from now on changes are refused, and a watch closed is not told to the fleet
        fleetMembers.close();
        registrar.submit(() -> {
            if (offered) {
                availability.changed(this, false);
                offered = false;
            }
        });
        registrar.shutdown();
        registrar.awaitTermination(30, TimeUnit.SECONDS);
        mailbox.close();
        loop.join(5_000);
        synchronized (lock) {
            lock.notifyAll();
        }
    }

    // ---------------------------------------------------------------- NameStore

    @Override
    public void add(NameEntry entry) {
        awaitChange(service().add(entry, watcher));
    }

    @Override
    public void remove(NameEntry entry) {
        awaitChange(service().remove(entry, watcher));
    }

    /** The naming fleet, while this client runs: once it is stopping, callers fail at once. */
    private NamePeers service() {
        if (!running) {
            throw new IllegalStateException("the naming fleet's client is stopping");
        }
        return service;
    }

    @Override
    public List<NameEntry> find(String name) {
        return service.find(name);
    }

    @Override
    public List<NameEntry> list(String prefix) {
        return service.list(prefix);
    }

    @Override
    public AutoCloseable watch(String name, NameListener listener) {
        synchronized (lock) {
            Watched w = watched.get(name);
            if (w == null) {
                WatchStart start = service.watch(name, watcher);
                w = new Watched(start.members(), start.number());
                watched.put(name, w);
            }
            w.listeners.add(listener);
            listener.onChange(new NameEvent(name, NameEvent.Kind.SNAPSHOT, null, w.members));
            Watched mine = w;
            return () -> {
                synchronized (lock) {
                    mine.listeners.remove(listener);
                    if (mine.listeners.isEmpty() && watched.remove(name) != null && running) {
                        service.unwatch(name, watcher);
                    }
                }
            };
        }
    }

    /** Waits until the change with this number (or a later one) has been taken. */
    private void awaitChange(long number) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        synchronized (lock) {
            while (received < number) {
                if (!running) {
                    throw new IllegalStateException("the naming fleet's client closed before change " + number
                            + " of the naming fleet reached this node (last taken: " + received + ")");
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IllegalStateException("change " + number + " of the naming fleet did not reach this node within "
                            + TIMEOUT.toMillis() + " ms (last taken: " + received + ")");
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for change " + number + " of the naming fleet", e);
                }
            }
        }
    }

    // ---------------------------------------------------------------- NameWatcher

    @Override
    public CompletionStage<Void> changed(long number, NameEvent event) {
        synchronized (lock) {
            if (number <= received) {
                return CompletableFuture.completedFuture(null); // told twice (a retried push): already taken
            }
            if (number != received + 1) {
                resync(number);
            }
            received = number;
            Watched w = watched.get(event.name());
            if (w != null && number > w.since) {
                w.members = event.members();
                for (NameListener l : List.copyOf(w.listeners)) {
                    try {
                        l.onChange(event);
                    } catch (RuntimeException e) {
                        LOG.warn("name listener {} failed on {}", l, event, e);
                    }
                }
            }
            lock.notifyAll();
        }
        return CompletableFuture.completedFuture(null);
    }

    /** A change was missed: take every watched name afresh and give the listeners a new snapshot. */
    private void resync(long number) {
        LOG.warn("missed changes {} to {} of the naming fleet: taking every watched name afresh", received + 1, number - 1);
        for (Map.Entry<String, Watched> e : watched.entrySet()) {
            WatchStart start = service.watch(e.getKey(), watcher);
            Watched w = e.getValue();
            w.members = start.members();
            w.since = start.number();
            NameEvent snapshot = new NameEvent(e.getKey(), NameEvent.Kind.SNAPSHOT, null, w.members);
            for (NameListener l : List.copyOf(w.listeners)) {
                l.onChange(snapshot);
            }
        }
    }

    @Override
    public String toString() {
        return "the naming fleet " + NameService.NAME;
    }
}
