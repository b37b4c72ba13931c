package org.fos.transport.tcp.embed;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

import org.fos.kernel.embed.EmbeddedKernel;
import org.fos.kernel.spi.PayloadCodec;
import org.fos.transport.tcp.impl.ConnectionInfo;
import org.fos.transport.tcp.impl.TcpTransport;
import org.fos.transport.tcp.impl.TcpTransportComponent;
import org.fos.transport.tcp.impl.TransportSettings;

/**
 * The TCP transport (ADR 0020) on an {@link EmbeddedKernel} (docs/embedding.md): it listens, dials
 * the peers it is given, and carries the kernel's messages to them. The settings not named here
 * are the transport's defaults (frames up to 1 MiB, 1 s heartbeats, 5 s heartbeat timeout, one I/O
 * thread). A client of a node dials it with the node's ticket:
 *
 * <pre>{@code
 * TcpTicket ticket = TcpTicket.read(Path.of("data/client.ticket"));
 * EmbeddedTcp tcp = EmbeddedTcp.builder().ticket(ticket).start(node, codec);
 * }</pre>
 *
 * Thread-safe.
 */
public final class EmbeddedTcp implements AutoCloseable {

    /** The membership attribute that holds a node's TCP endpoint, {@code host:port}. */
    public static final String ENDPOINT_KEY = TcpTransportComponent.ENDPOINT_KEY;

    private final EmbeddedKernel node;
    private final TcpTransport transport;

    private EmbeddedTcp(EmbeddedKernel node, TcpTransport transport) {
        this.node = node;
        this.transport = transport;
    }

    /**
     * Starts the settings of a transport.
     *
     * @return a builder with the defaults: listen on 127.0.0.1 at a free port, cluster {@code fos},
     *         no peers, 5 s connect timeout, no TLS
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads an endpoint as nodes publish it.
     *
     * @param text {@code host:port}
     * @return the address, unresolved
     * @throws IllegalArgumentException if it is not {@code host:port} with a port from 1 to 65535
     */
    public static InetSocketAddress parseEndpoint(String text) {
        return TransportSettings.parseEndpoint(text);
    }

    /** The settings of a transport. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port;
        private String cluster = "fos";
        private final Map<String, InetSocketAddress> peers = new HashMap<>();
        private long connectTimeoutMillis = 5_000;
        private TransportSettings.Tls tls;
        private TransportSettings.Client client;

        private Builder() {
        }

        /**
         * Sets where the transport listens.
         *
         * @param listenHost the address to bind, such as {@code 127.0.0.1}
         * @param listenPort the port, or 0 for a free one
         * @return this builder
         */
        public Builder listen(String listenHost, int listenPort) {
            this.host = Objects.requireNonNull(listenHost, "listenHost");
            this.port = listenPort;
            return this;
        }

        /**
         * Sets the cluster's name, which every HELLO carries and checks.
         *
         * @param name the name; {@code fos} by default
         * @return this builder
         */
        public Builder cluster(String name) {
            this.cluster = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * Adds peers to dial.
         *
         * @param endpoints the endpoints by node id
         * @return this builder
         */
        public Builder peers(Map<String, InetSocketAddress> endpoints) {
            endpoints.forEach((n, e) -> peers.put(Objects.requireNonNull(n, "node"), Objects.requireNonNull(e, "endpoint")));
            return this;
        }

        /**
         * Sets how long dialling a peer may take.
         *
         * @param timeout a positive duration; 5 s by default
         * @return this builder
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeoutMillis = timeout.toMillis();
            return this;
        }

        /**
         * Speaks mutual TLS: the key store holds a certificate from the cluster's CA naming the
         * kernel's node id (see {@code bin/fos-certs}).
         *
         * @param keyStore the PKCS12 key store with the node's key and certificate chain
         * @param keyStorePassword its password
         * @param trustStore the PKCS12 trust store with the cluster CA's certificate
         * @param trustStorePassword its password
         * @return this builder
         */
        public Builder tls(Path keyStore, char[] keyStorePassword, Path trustStore, char[] trustStorePassword) {
            this.tls = new TransportSettings.Tls(keyStore.toString(), keyStorePassword, "PKCS12", trustStore.toString(),
                    trustStorePassword, "PKCS12");
            return this;
        }

        /**
         * Dials a node as its client: the ticket's cluster name, its node as a peer, and at every
         * HELLO the claims and key the ticket carries.
         *
         * @param ticket the node's ticket
         * @return this builder
         */
        public Builder ticket(TcpTicket ticket) {
            cluster = ticket.cluster();
            peers.put(ticket.node(), TransportSettings.parseEndpoint(ticket.endpoint()));
            client = ticket.ticket().credentials();
            return this;
        }

        /**
         * Starts the transport and adds it to a kernel.
         *
         * @param node the kernel, whose node id the transport says at HELLO
         * @param codec the kernel's payload codec
         * @return the running transport
         * @throws IllegalArgumentException if a setting is not valid
         * @throws IllegalStateException if the transport cannot listen
         */
        public EmbeddedTcp start(EmbeddedKernel node, PayloadCodec codec) {
            Objects.requireNonNull(node, "node");
            TransportSettings settings = new TransportSettings(host, port, "", cluster, Map.copyOf(peers), 10, 1 << 20,
                    connectTimeoutMillis, 100, 10_000, 5_000, 1_000, 5_000, 1 << 20, 4 << 20, 1, tls);
            if (client != null) {
                settings = settings.withClient(client);
            }
            TcpTransport transport = new TcpTransport(settings, node.nodeId(), node.links(), Objects.requireNonNull(codec, "codec"));
            node.addTransport(transport);
            return new EmbeddedTcp(node, transport);
        }
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
     * Returns why a node refused this one's last connection, if it did.
     *
     * @param nodeId the node
     * @return the refusal the node gave (its reason, such as a wrong cluster name or ticket), or null
     */
    public String refusal(String nodeId) {
        return transport.refusal(nodeId);
    }

    /**
     * Sets the peers learnt from one source (links to nodes no longer listed by any source close).
     *
     * @param source the source's name, such as {@code cluster}
     * @param endpoints the endpoints by node id
     */
    public void peers(String source, Map<String, InetSocketAddress> endpoints) {
        transport.peers(source, endpoints);
    }

    /**
     * Returns the endpoint the transport listens at, as it publishes it.
     *
     * @return {@code host:port}
     */
    public String endpoint() {
        return transport.endpoint();
    }

    /**
     * Returns the port the transport listens at.
     *
     * @return the port
     */
    public int port() {
        return transport.port();
    }

    /**
     * Returns the bytes written to other nodes on the open connections so far: headers and bodies
     * of every frame.
     *
     * @return the bytes
     */
    public long bytesWritten() {
        long bytes = 0;
        for (ConnectionInfo c : transport.connections()) {
            bytes += c.bytesOut();
        }
        return bytes;
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

    /** Removes the transport from its kernel and closes its connections. */
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
