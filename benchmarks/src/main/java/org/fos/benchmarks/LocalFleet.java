package org.fos.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.fos.kernel.api.Kernel;
import org.fos.kernel.api.Mailbox;
import org.fos.kernel.impl.TestKernels;
import org.fos.rpc.api.CallOptions;
import org.fos.rpc.api.Dispatcher;
import org.fos.rpc.api.Libfos;
import org.fos.rpc.impl.TestLibfos;

/**
 * A fleet on a real kernel outside OSGi, built as the fleet runtime builds one: each member is a
 * mailbox registered under the fleet's name and a member thread that drains it into the libfos
 * dispatcher of the member's implementation. Clients call through typed libfos proxies from another
 * bundle id. Local messages are not encoded (the kernel's default).
 */
final class LocalFleet implements AutoCloseable {
    private static final long SERVER_BUNDLE = 3;
    private static final long CLIENT_BUNDLE = 2;
    /** The most messages a member thread hands to its dispatcher per drain. */
    private static final int DRAIN_LIMIT = 16;
    private static final int MAILBOX_CAPACITY = 1024;

    private final String name;
    private final TestKernels node;
    private final TestLibfos libfos;
    private final Kernel serverKernel;
    private final Libfos server;
    private final Libfos client;
    private final List<EchoThread> members = new ArrayList<>();

    /**
     * Starts a kernel with its default settings and libfos, for a fleet without members.
     *
     * @param name the fleet's name
     */
    LocalFleet(String name) {
        this(name, TestKernels.start("bench", false));
    }

    /**
     * Starts a kernel whose receivers wait as given, and libfos, for a fleet without members.
     *
     * @param name the fleet's name
     * @param idleSpinNanos how long a waiting receiver spins
     * @param idleYieldNanos how long after it started waiting a receiver yields before it parks
     */
    LocalFleet(String name, long idleSpinNanos, long idleYieldNanos) {
        this(name, TestKernels.start("bench", false, idleSpinNanos, idleYieldNanos));
    }

    private LocalFleet(String name, TestKernels node) {
        this.name = name;
        this.node = node;
        libfos = new TestLibfos(node);
        serverKernel = node.kernel(SERVER_BUNDLE);
        server = libfos.libfos(SERVER_BUNDLE, "bench-server");
        client = libfos.libfos(CLIENT_BUNDLE, "bench-client");
    }

    /**
     * Adds a member and starts its thread.
     *
     * @param <T> the protocol type
     * @param protocol the protocol interface
     * @param implementation the member's implementation
     */
    <T> void addMember(Class<T> protocol, T implementation) {
        Mailbox box = serverKernel.createMailbox(name + " member " + members.size(), MAILBOX_CAPACITY);
        serverKernel.names().register(name, box.capability(), Map.of());
        Dispatcher dispatcher = server.dispatcher(protocol, implementation);
        members.add(new EchoThread("member " + members.size() + " of " + name,
                () -> box.drain(dispatcher::dispatch, DRAIN_LIMIT, 100, TimeUnit.MILLISECONDS)));
    }

    /**
     * Returns a proxy that calls the fleet.
     *
     * @param <T> the protocol type
     * @param protocol the protocol interface
     * @param options the timeout and member selection
     * @return the proxy, thread-safe
     */
    <T> T client(Class<T> protocol, CallOptions options) {
        return client.proxy(protocol, name, options);
    }

    /**
     * Returns libfos of the members' bundle, for implementations that call other fleets.
     *
     * @return libfos
     */
    Libfos serverLibfos() {
        return server;
    }

    /** Stops the member threads, libfos and the kernel. */
    @Override
    public void close() {
        members.forEach(EchoThread::close);
        try {
            libfos.shutdown();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        node.shutdown();
    }
}
