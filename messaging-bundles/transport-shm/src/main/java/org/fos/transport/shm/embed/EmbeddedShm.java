package org.fos.transport.shm.embed;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

import org.fos.kernel.embed.EmbeddedKernel;
import org.fos.kernel.spi.PayloadCodec;
import org.fos.transport.api.ClusterSecret;
import org.fos.transport.shm.impl.ShmEndpoint;
import org.fos.transport.shm.impl.ShmSettings;
import org.fos.transport.shm.impl.ShmTransport;

/**
 * The shared-memory transport (ADR 0060) on an {@link EmbeddedKernel} (docs/embedding.md): it
 * runs an Aeron media driver in a directory of its own and links the peers whose endpoints it is
 * given, on this host. Every other setting is the transport's default. Each side gives the other
 * its {@link #endpoint()}:
 *
 * <pre>{@code
 * EmbeddedShm shm = EmbeddedShm.start(node, codec, Path.of("/dev/shm/me/node-a"), "fos", secret);
 * shm.peers(Map.of("node-b", endpointOfNodeB));
 * }</pre>
 *
 * Thread-safe.
 */
public final class EmbeddedShm implements AutoCloseable {
    private final EmbeddedKernel node;
    private final ShmTransport transport;

    private EmbeddedShm(EmbeddedKernel node, ShmTransport transport) {
        this.node = node;
        this.transport = transport;
    }

    /**
     * Starts the transport and adds it to a kernel.
     *
     * @param node the kernel
     * @param codec the kernel's payload codec
     * @param directory the media driver's directory, this user's alone
     * @param cluster the cluster's name, which linked nodes must share
     * @param secret the cluster secret, by which linked nodes prove their membership
     * @return the running transport
     * @throws IllegalStateException if the directory is not this user's alone, or another driver runs in it
     */
    public static EmbeddedShm start(EmbeddedKernel node, PayloadCodec codec, Path directory, String cluster, ClusterSecret secret) {
        Objects.requireNonNull(node, "node");
        ShmTransport transport = new ShmTransport(ShmSettings.defaults(Objects.requireNonNull(directory, "directory"),
                Objects.requireNonNull(cluster, "cluster"), Objects.requireNonNull(secret, "secret")), node.nodeId(), node.links(),
                Objects.requireNonNull(codec, "codec"));
        node.addTransport(transport);
        return new EmbeddedShm(node, transport);
    }

    /**
     * Returns the endpoint this node gives its peers.
     *
     * @return the endpoint as text, or null when the transport is off
     */
    public String endpoint() {
        ShmEndpoint e = transport.endpoint();
        return e == null ? null : e.format();
    }

    /**
     * Sets the peers: the transport links those on this host; links to nodes no longer listed close.
     *
     * @param endpoints the endpoints by node id, as their {@link #endpoint()} gave them
     * @throws IllegalArgumentException if an endpoint is malformed; the peers are then unchanged
     */
    public void peers(Map<String, String> endpoints) {
        Map<String, ShmEndpoint> parsed = new HashMap<>();
        endpoints.forEach((n, e) -> parsed.put(Objects.requireNonNull(n, "node"), ShmEndpoint.parse(e)));
        transport.peers(parsed);
    }

    /**
     * Returns what it costs to send to a node through this transport.
     *
     * @param nodeId the node
     * @return the cost, or a negative number while no proven link to it is up
     */
    public int cost(String nodeId) {
        return transport.cost(nodeId);
    }

    /**
     * Describes the transport as {@code fos:transport} shows it: its endpoint, peers, connections
     * and counters (under {@code counters}, by name).
     *
     * @return named values in display order
     */
    public Map<String, Object> info() {
        return transport.info();
    }

    /** Removes the transport from its kernel, closes its links and stops its media driver. */
    @Override
    public void close() {
        node.removeTransport(transport);
        transport.close();
    }

    @Override
    public String toString() {
        return transport.toString();
    }
}
