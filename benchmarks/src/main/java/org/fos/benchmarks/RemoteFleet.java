package org.fos.benchmarks;

import java.util.ArrayList;
import java.util.List;

import org.fos.kernel.api.Capability;
import org.fos.rpc.api.CallOptions;
import org.fos.rpc.api.Libfos;

/**
 * A fleet on another node: its members on node {@value TcpPair#B}, built as {@link LocalFleet}
 * builds them, and clients on node {@value TcpPair#A}, the two joined by the real TCP transport
 * over loopback ({@link TcpPair}). Every request and reply crosses the wire: encoded by the shipped
 * codec, framed by the transport, acknowledged by the kernels' links.
 *
 * <p>Clients hold proxies bound to a member's capability ({@link Libfos#proxy(Class, Capability,
 * CallOptions)}), as a name resolution would hand it to them: the two nodes have no name service in
 * common here (in a cluster ZooKeeper is that), and the resolution itself is a hit in the kernel's
 * name cache on the caller's node, which row 8 measures on its own.
 */
final class RemoteFleet implements AutoCloseable {
    private final TcpPair nodes;
    private final LocalFleet fleet;
    private final LocalFleet clientNode;
    private final Libfos client;
    private final List<Capability> members = new ArrayList<>();

    /**
     * Starts both nodes and libfos on each, for a fleet without members.
     *
     * @param name the fleet's name on node {@value TcpPair#B}
     */
    RemoteFleet(String name) {
        this(name, false);
    }

    /**
     * Starts both nodes and libfos on each, for a fleet without members.
     *
     * @param name the fleet's name on node {@value TcpPair#B}
     * @param parked whether the nodes' receivers (the member, the waiting caller) park at once
     */
    RemoteFleet(String name, boolean parked) {
        nodes = new TcpPair(parked);
        fleet = new LocalFleet(name, nodes.b(), nodes.codecB());
        clientNode = new LocalFleet(name, nodes.a(), nodes.codecA());
        client = clientNode.clientLibfos();
    }

    /**
     * Adds a member on node {@value TcpPair#B} and starts its thread.
     *
     * @param <T> the protocol type
     * @param protocol the protocol interface
     * @param implementation the member's implementation
     */
    <T> void addMember(Class<T> protocol, T implementation) {
        members.add(fleet.addMember(protocol, implementation));
    }

    /**
     * Returns a proxy on node {@value TcpPair#A} that calls the first member.
     *
     * @param <T> the protocol type
     * @param protocol the protocol interface
     * @param options the timeout
     * @return the proxy, thread-safe
     */
    <T> T client(Class<T> protocol, CallOptions options) {
        if (members.isEmpty()) {
            throw new IllegalStateException("the fleet has no member yet");
        }
        return client.proxy(protocol, members.get(0), options);
    }

    /**
     * Returns the bytes one node's transport has written to the other so far.
     *
     * @param node {@value TcpPair#A} or {@value TcpPair#B}
     * @return the bytes
     */
    long bytesWritten(String node) {
        return nodes.bytesWritten(node);
    }

    /** Stops the members, libfos on both nodes, the transports and the kernels. */
    @Override
    public void close() {
        fleet.close();
        clientNode.close();
        nodes.close();
    }
}
