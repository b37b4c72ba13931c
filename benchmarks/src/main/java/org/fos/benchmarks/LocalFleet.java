package org.fos.benchmarks;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.fos.fleet.api.MemberAware;
import org.fos.fleet.api.MemberIdentity;
import org.fos.kernel.api.Capability;
import org.fos.kernel.api.Kernel;
import org.fos.kernel.api.Mailbox;
import org.fos.kernel.api.Right;
import org.fos.kernel.embed.EmbeddedKernel;
import org.fos.kernel.spi.PayloadCodec;
import org.fos.rpc.api.CallOptions;
import org.fos.rpc.api.Dispatcher;
import org.fos.rpc.api.Libfos;
import org.fos.rpc.embed.EmbeddedLibfos;

/**
 * A fleet on a real kernel outside OSGi, built as the fleet runtime builds one: each member is a
 * mailbox registered under the fleet's name and a member thread that drains it into the libfos
 * dispatcher of the member's implementation. Clients call through typed libfos proxies from another
 * bundle id. Local messages are not encoded (the kernel's default). The kernel may have other fleets
 * besides the one named at construction ({@link #addFleet}).
 */
final class LocalFleet implements AutoCloseable {
    private static final long SERVER_BUNDLE = 3;
    private static final long CLIENT_BUNDLE = 2;
    /** The most messages a member thread hands to its dispatcher per drain. */
    private static final int DRAIN_LIMIT = 16;
    private static final int MAILBOX_CAPACITY = 1024;

    private final String name;
    private final EmbeddedKernel node;
    private final boolean ownsNode;
    private final EmbeddedLibfos libfos;
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
        this(name, EmbeddedKernel.start("bench"), true, null);
    }

    /**
     * Starts a kernel whose receivers wait as given, and libfos, for a fleet without members.
     *
     * @param name the fleet's name
     * @param idleSpinNanos how long a waiting receiver spins
     * @param idleYieldNanos how long after it started waiting a receiver yields before it parks
     */
    LocalFleet(String name, long idleSpinNanos, long idleYieldNanos) {
        this(name, EmbeddedKernel.start("bench", false, idleSpinNanos, idleYieldNanos), true, null);
    }

    /**
     * Starts libfos, for a fleet without members, on a kernel that someone else started and stops:
     * one node of several, whose messages to other nodes the codec encodes.
     *
     * @param name the fleet's name
     * @param node the kernel, with the same codec set
     * @param codec the node's payload codec; libfos puts the types it sends on its allow-list
     */
    LocalFleet(String name, EmbeddedKernel node, PayloadCodec codec) {
        this(name, node, false, codec);
    }

    private LocalFleet(String name, EmbeddedKernel node, boolean ownsNode, PayloadCodec codec) {
        this.name = name;
        this.node = node;
        this.ownsNode = ownsNode;
        libfos = EmbeddedLibfos.start(node, codec);
        serverKernel = node.kernel(SERVER_BUNDLE);
        server = libfos.libfos(SERVER_BUNDLE, "bench-server");
        client = libfos.libfos(CLIENT_BUNDLE, "bench-client");
    }

    /**
     * Adds a member and starts its thread. Unlike {@link #addFleet}, the member is not told its
     * identity ({@link MemberAware} is not called).
     *
     * @param <T> the protocol type
     * @param protocol the protocol interface
     * @param implementation the member's implementation
     * @return a capability to send to the member's mailbox
     */
    <T> Capability addMember(Class<T> protocol, T implementation) {
        int index = members.size();
        Mailbox box = register(name, index);
        start(name, index, box, server.dispatcher(protocol, implementation));
        return serverKernel.narrow(box.capability(), EnumSet.of(Right.SEND, Right.CALL));
    }

    /**
     * Adds a fleet as the fleet runtime does: registers a mailbox a member under the name, tells
     * each {@link MemberAware} implementation its identity, then starts the member threads.
     *
     * @param <T> the protocol type
     * @param fleet the fleet's name
     * @param protocol the protocol interface
     * @param implementations one a member, in member order
     */
    <T> void addFleet(String fleet, Class<T> protocol, List<? extends T> implementations) {
        addFleet(fleet, implementations, implementation -> server.dispatcher(protocol, implementation));
    }

    /**
     * Adds a fleet whose members serve through dispatchers of their own making: members whose
     * fleet has a private member-to-member protocol ({@code @Fleet(peers = ...)}) serve it as well as
     * the public one, as the fleet runtime has them do.
     *
     * @param <T> the members' type
     * @param fleet the fleet's name
     * @param implementations one a member, in member order
     * @param dispatchers makes the dispatcher of a member
     */
    <T> void addFleet(String fleet, List<? extends T> implementations, Function<T, Dispatcher> dispatchers) {
        List<Mailbox> boxes = new ArrayList<>();
        for (int i = 0; i < implementations.size(); i++) {
            boxes.add(register(fleet, i));
        }
        for (int i = 0; i < implementations.size(); i++) {
            if (implementations.get(i) instanceof MemberAware aware) {
                aware.joined(new MemberIdentity(fleet, i, boxes.size(), boxes.get(i).address()));
            }
        }
        for (int i = 0; i < implementations.size(); i++) {
            start(fleet, i, boxes.get(i), dispatchers.apply(implementations.get(i)));
        }
    }

    private Mailbox register(String fleet, int index) {
        Mailbox box = serverKernel.createMailbox(fleet + " member " + index, MAILBOX_CAPACITY);
        serverKernel.names().register(fleet, box.capability(), Map.of());
        return box;
    }

    private void start(String fleet, int index, Mailbox box, Dispatcher dispatcher) {
        members.add(new EchoThread("member " + index + " of " + fleet,
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

    /**
     * Returns the kernel as the members' bundle sees it.
     *
     * @return the kernel
     */
    Kernel serverKernel() {
        return serverKernel;
    }

    /**
     * Returns the kernel as the clients' bundle sees it.
     *
     * @return the kernel
     */
    Kernel clientKernel() {
        return node.kernel(CLIENT_BUNDLE);
    }

    /**
     * Returns libfos of the clients' bundle.
     *
     * @return libfos
     */
    Libfos clientLibfos() {
        return client;
    }

    /** Stops the member threads, libfos and, if this started it, the kernel. */
    @Override
    public void close() {
        members.forEach(EchoThread::close);
        libfos.close();
        if (ownsNode) {
            node.close();
        }
    }
}
