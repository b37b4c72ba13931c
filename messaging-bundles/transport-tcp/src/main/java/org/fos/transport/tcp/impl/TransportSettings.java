package org.fos.transport.tcp.impl;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import org.fos.kernel.api.Address;
import org.fos.transport.api.ClusterSecret;

/**
 * The transport's settings, validated: each error names the attribute and the bad value. Immutable.
 *
 * @param host the address to listen on
 * @param port the port to listen on, 0 for an ephemeral one
 * @param advertisedHost the host published to other nodes; empty: {@code host}
 * @param cluster the cluster name peers must share
 * @param peers static peers by node id
 * @param cost the cost reported for a connected node
 * @param maxFrameBytes the largest frame, header included
 * @param connectTimeoutMillis how long a dial may take
 * @param reconnectMinMillis the first reconnect delay
 * @param reconnectMaxMillis the longest reconnect delay
 * @param handshakeTimeoutMillis how long a new connection may take to say HELLO
 * @param heartbeatIntervalMillis how long a connection may stay silent before a heartbeat is sent
 * @param heartbeatTimeoutMillis how long a connection may read nothing before it is closed
 * @param writeBufferLowWaterMarkBytes below this much queued output a connection takes messages again
 * @param writeBufferHighWaterMarkBytes above this much queued output a connection refuses messages
 * @param ioThreads the Netty event-loop threads
 * @param tls the TLS settings, or null for plain TCP
 * @param limits the limits on connections and on what they may hold
 * @param secret the cluster secret every node peer must prove (and, through its ticket's key, every
 *        client), or null: then, without TLS, any process that reaches the port may join as any node
 * @param client for a client's transport: the ticket it proves at HELLO, or null for a node
 */
public record TransportSettings(String host, int port, String advertisedHost, String cluster, Map<String, InetSocketAddress> peers,
        int cost, int maxFrameBytes, long connectTimeoutMillis, long reconnectMinMillis, long reconnectMaxMillis,
        long handshakeTimeoutMillis, long heartbeatIntervalMillis, long heartbeatTimeoutMillis, int writeBufferLowWaterMarkBytes,
        int writeBufferHighWaterMarkBytes, int ioThreads, Tls tls, Limits limits, ClusterSecret secret, Client client) {

    /**
     * How much a transport lets others hold: each limit is counted when it refuses something
     * ({@code fos:transport}, {@code fault.CONNECTION_LIMIT}, {@code fault.HANDSHAKE_LIMIT}).
     *
     * @param maxConnections the most open connections, dialled and accepted; an accepted one beyond is refused at once
     * @param maxUnauthenticatedConnections the most accepted connections that have not finished their
     *        handshake; one beyond is refused at once (dialled connections do not count, so a node can
     *        always reach its peers while strangers hold every slot)
     * @param refusalLogIntervalMillis at most one log line a fault reason within this time; the rest are counted
     */
    public record Limits(int maxConnections, int maxUnauthenticatedConnections, long refusalLogIntervalMillis) {

        /** The defaults of the configuration. */
        public static final Limits DEFAULTS = new Limits(1024, 64, 60_000);

        /**
         * Checks the limits.
         *
         * @param maxConnections the most open connections
         * @param maxUnauthenticatedConnections the most accepted connections in their handshake
         * @param refusalLogIntervalMillis the log interval per fault reason
         * @throws IllegalArgumentException naming the first bad limit
         */
        public Limits {
            require(maxConnections >= 1 && maxConnections <= 1_000_000, "maxConnections", maxConnections, "must be from 1 to 1000000");
            require(maxUnauthenticatedConnections >= 1 && maxUnauthenticatedConnections <= maxConnections,
                    "maxUnauthenticatedConnections", maxUnauthenticatedConnections, "must be from 1 to maxConnections (" + maxConnections + ")");
            require(refusalLogIntervalMillis >= 0, "refusalLogIntervalMillis", refusalLogIntervalMillis, "must not be negative");
        }
    }

    /**
     * What a client proves at HELLO: the claims of its ticket and the key derived from them
     * ({@link ClientTicket}).
     *
     * @param claims the ticket's claims, as the ticket holds them
     * @param key the ticket's key
     */
    public record Client(String claims, ClusterSecret key) {

        /**
         * Checks the parts.
         *
         * @param claims the claims
         * @param key the key, or null for a node without a cluster secret (its tickets carry none)
         */
        public Client {
            Objects.requireNonNull(claims, "claims");
        }
    }

    /**
     * Settings without a cluster secret and with the default limits, as before they existed.
     *
     * @param host the listen address
     * @param port the listen port
     * @param advertisedHost the published host or empty
     * @param cluster the cluster name
     * @param peers the static peers
     * @param cost the cost
     * @param maxFrameBytes the largest frame
     * @param connectTimeoutMillis the dial timeout
     * @param reconnectMinMillis the first reconnect delay
     * @param reconnectMaxMillis the longest reconnect delay
     * @param handshakeTimeoutMillis the HELLO timeout
     * @param heartbeatIntervalMillis the heartbeat interval
     * @param heartbeatTimeoutMillis the read timeout
     * @param writeBufferLowWaterMarkBytes the low water mark
     * @param writeBufferHighWaterMarkBytes the high water mark
     * @param ioThreads the event-loop threads
     * @param tls the TLS settings or null
     */
    public TransportSettings(String host, int port, String advertisedHost, String cluster, Map<String, InetSocketAddress> peers,
            int cost, int maxFrameBytes, long connectTimeoutMillis, long reconnectMinMillis, long reconnectMaxMillis,
            long handshakeTimeoutMillis, long heartbeatIntervalMillis, long heartbeatTimeoutMillis, int writeBufferLowWaterMarkBytes,
            int writeBufferHighWaterMarkBytes, int ioThreads, Tls tls) {
        this(host, port, advertisedHost, cluster, peers, cost, maxFrameBytes, connectTimeoutMillis, reconnectMinMillis,
                reconnectMaxMillis, handshakeTimeoutMillis, heartbeatIntervalMillis, heartbeatTimeoutMillis, writeBufferLowWaterMarkBytes,
                writeBufferHighWaterMarkBytes, ioThreads, tls, Limits.DEFAULTS, null, null);
    }

    /** The smallest {@code maxFrameBytes}: a header and a small envelope. */
    public static final int MIN_FRAME_BYTES = 4096;
    /** The largest {@code maxFrameBytes}: 64 MiB. */
    public static final int MAX_FRAME_BYTES = 64 << 20;

    /**
     * Mutual TLS settings.
     *
     * @param keyStore the key store file: this node's key and certificate chain
     * @param keyStorePassword its password
     * @param keyStoreType its type, for example PKCS12
     * @param trustStore the trust store file: the cluster's CA certificate
     * @param trustStorePassword its password
     * @param trustStoreType its type
     */
    public record Tls(String keyStore, char[] keyStorePassword, String keyStoreType, String trustStore, char[] trustStorePassword,
            String trustStoreType) {

        /**
         * Checks the parts.
         *
         * @param keyStore the key store file
         * @param keyStorePassword its password
         * @param keyStoreType its type
         * @param trustStore the trust store file
         * @param trustStorePassword its password
         * @param trustStoreType its type
         * @throws IllegalArgumentException if a file or type is missing
         */
        public Tls {
            require(!keyStore.isBlank(), "keyStore", keyStore, "is required when tls is true");
            require(!trustStore.isBlank(), "trustStore", trustStore, "is required when tls is true");
            require(!keyStoreType.isBlank(), "keyStoreType", keyStoreType, "must name a key store type such as PKCS12");
            require(!trustStoreType.isBlank(), "trustStoreType", trustStoreType, "must name a key store type such as PKCS12");
            keyStorePassword = keyStorePassword.clone();
            trustStorePassword = trustStorePassword.clone();
        }

        @Override
        public String toString() {
            return "Tls[keyStore=" + keyStore + ", trustStore=" + trustStore + "]";
        }
    }

    /**
     * Checks the settings.
     *
     * @param host the listen address
     * @param port the listen port
     * @param advertisedHost the published host or empty
     * @param cluster the cluster name
     * @param peers the static peers
     * @param cost the cost
     * @param maxFrameBytes the largest frame
     * @param connectTimeoutMillis the dial timeout
     * @param reconnectMinMillis the first reconnect delay
     * @param reconnectMaxMillis the longest reconnect delay
     * @param handshakeTimeoutMillis the HELLO timeout
     * @param heartbeatIntervalMillis the heartbeat interval
     * @param heartbeatTimeoutMillis the read timeout
     * @param writeBufferLowWaterMarkBytes the low water mark
     * @param writeBufferHighWaterMarkBytes the high water mark
     * @param ioThreads the event-loop threads
     * @param tls the TLS settings or null
     * @param limits the limits
     * @param secret the cluster secret or null
     * @param client the client's ticket or null
     * @throws IllegalArgumentException naming the first bad attribute and its value
     */
    public TransportSettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(advertisedHost, "advertisedHost");
        require(!host.isBlank(), "host", host, "must name an address to listen on, such as 127.0.0.1 or 0.0.0.0");
        require(port >= 0 && port <= 65535, "port", port, "must be from 0 (ephemeral) to 65535");
        require(Address.isValidNodeId(cluster), "clusterName", cluster,
                "must be 1 to 63 letters, digits, '.', '_' or '-', starting with a letter or digit");
        peers = Map.copyOf(peers);
        require(cost >= 0, "cost", cost, "must not be negative");
        require(maxFrameBytes >= MIN_FRAME_BYTES && maxFrameBytes <= MAX_FRAME_BYTES, "maxFrameBytes", maxFrameBytes,
                "must be from " + MIN_FRAME_BYTES + " to " + MAX_FRAME_BYTES);
        require(connectTimeoutMillis >= 1 && connectTimeoutMillis <= Integer.MAX_VALUE, "connectTimeoutMillis", connectTimeoutMillis,
                "must be from 1 to " + Integer.MAX_VALUE);
        require(reconnectMinMillis >= 1, "reconnectMinMillis", reconnectMinMillis, "must be at least 1");
        require(reconnectMaxMillis >= reconnectMinMillis, "reconnectMaxMillis", reconnectMaxMillis,
                "must not be below reconnectMinMillis (" + reconnectMinMillis + ")");
        require(handshakeTimeoutMillis >= 1, "handshakeTimeoutMillis", handshakeTimeoutMillis, "must be at least 1");
        require(heartbeatIntervalMillis >= 1, "heartbeatIntervalMillis", heartbeatIntervalMillis, "must be at least 1");
        require(heartbeatTimeoutMillis > heartbeatIntervalMillis, "heartbeatTimeoutMillis", heartbeatTimeoutMillis,
                "must be above heartbeatIntervalMillis (" + heartbeatIntervalMillis + ")");
        require(writeBufferLowWaterMarkBytes >= 1, "writeBufferLowWaterMarkBytes", writeBufferLowWaterMarkBytes, "must be at least 1");
        require(writeBufferHighWaterMarkBytes >= writeBufferLowWaterMarkBytes, "writeBufferHighWaterMarkBytes",
                writeBufferHighWaterMarkBytes, "must not be below writeBufferLowWaterMarkBytes (" + writeBufferLowWaterMarkBytes + ")");
        require(ioThreads >= 1 && ioThreads <= 64, "ioThreads", ioThreads, "must be from 1 to 64");
        Objects.requireNonNull(limits, "limits");
    }

    /**
     * Tells whether every peer proves who it is: by its certificate (TLS) or by the cluster secret.
     * Only then may a new connection replace a node's open link.
     *
     * @return true with TLS or a cluster secret
     */
    public boolean authenticatesPeers() {
        return tls != null || secret != null;
    }

    private static void require(boolean ok, String attribute, Object value, String rule) {
        if (!ok) {
            throw new IllegalArgumentException("transport setting " + attribute + " = '" + value + "' " + rule);
        }
    }

    /**
     * Settings for a transport on loopback with an ephemeral port and the defaults of the
     * configuration, for tests and benchmarks.
     *
     * @param peers the static peers
     * @return the settings
     */
    public static TransportSettings loopback(Map<String, InetSocketAddress> peers) {
        return new TransportSettings("127.0.0.1", 0, "", "fos", peers, 10, 1 << 20, 5_000, 100, 10_000, 5_000, 1_000, 5_000,
                1 << 20, 4 << 20, 1, null);
    }

    /**
     * Returns a copy with TLS settings.
     *
     * @param newTls the TLS settings or null
     * @return the copy
     */
    public TransportSettings withTls(Tls newTls) {
        return new TransportSettings(host, port, advertisedHost, cluster, peers, cost, maxFrameBytes, connectTimeoutMillis,
                reconnectMinMillis, reconnectMaxMillis, handshakeTimeoutMillis, heartbeatIntervalMillis, heartbeatTimeoutMillis,
                writeBufferLowWaterMarkBytes, writeBufferHighWaterMarkBytes, ioThreads, newTls, limits, secret, client);
    }

    /**
     * Returns a copy with a cluster secret.
     *
     * @param newSecret the secret or null
     * @return the copy
     */
    public TransportSettings withSecret(ClusterSecret newSecret) {
        return new TransportSettings(host, port, advertisedHost, cluster, peers, cost, maxFrameBytes, connectTimeoutMillis,
                reconnectMinMillis, reconnectMaxMillis, handshakeTimeoutMillis, heartbeatIntervalMillis, heartbeatTimeoutMillis,
                writeBufferLowWaterMarkBytes, writeBufferHighWaterMarkBytes, ioThreads, tls, limits, newSecret, client);
    }

    /**
     * Returns a copy with other limits.
     *
     * @param newLimits the limits
     * @return the copy
     */
    public TransportSettings withLimits(Limits newLimits) {
        return new TransportSettings(host, port, advertisedHost, cluster, peers, cost, maxFrameBytes, connectTimeoutMillis,
                reconnectMinMillis, reconnectMaxMillis, handshakeTimeoutMillis, heartbeatIntervalMillis, heartbeatTimeoutMillis,
                writeBufferLowWaterMarkBytes, writeBufferHighWaterMarkBytes, ioThreads, tls, newLimits, secret, client);
    }

    /**
     * Returns a copy for a client's transport that proves a ticket.
     *
     * @param newClient the ticket's claims and key, or null for a node
     * @return the copy
     */
    public TransportSettings withClient(Client newClient) {
        return new TransportSettings(host, port, advertisedHost, cluster, peers, cost, maxFrameBytes, connectTimeoutMillis,
                reconnectMinMillis, reconnectMaxMillis, handshakeTimeoutMillis, heartbeatIntervalMillis, heartbeatTimeoutMillis,
                writeBufferLowWaterMarkBytes, writeBufferHighWaterMarkBytes, ioThreads, tls, limits, secret, newClient);
    }

    /**
     * Returns a copy with another listen port.
     *
     * @param newPort the port
     * @return the copy
     */
    public TransportSettings withPort(int newPort) {
        return new TransportSettings(host, newPort, advertisedHost, cluster, peers, cost, maxFrameBytes, connectTimeoutMillis,
                reconnectMinMillis, reconnectMaxMillis, handshakeTimeoutMillis, heartbeatIntervalMillis, heartbeatTimeoutMillis,
                writeBufferLowWaterMarkBytes, writeBufferHighWaterMarkBytes, ioThreads, tls, limits, secret, client);
    }

    /**
     * Reads a list of endpoints such as {@code node-b=127.0.0.1:7102,node-c=[::1]:7103}.
     *
     * @param text the list; blank for none
     * @return the endpoints by node id, unresolved, in the order given
     * @throws IllegalArgumentException naming the first bad entry
     */
    public static Map<String, InetSocketAddress> parsePeers(String text) {
        Map<String, InetSocketAddress> out = new LinkedHashMap<>();
        if (text == null || text.isBlank()) {
            return out;
        }
        for (String entry : text.split(",")) {
            String e = entry.trim();
            if (e.isEmpty()) {
                continue;
            }
            int eq = e.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("transport setting peers: entry '" + e + "' is not node=host:port");
            }
            String node = e.substring(0, eq).trim();
            if (!Address.isValidNodeId(node)) {
                throw new IllegalArgumentException("transport setting peers: '" + node + "' in '" + e + "' is not a valid node id");
            }
            if (out.put(node, parseEndpoint(e.substring(eq + 1).trim())) != null) {
                throw new IllegalArgumentException("transport setting peers: node " + node + " is listed twice");
            }
        }
        return out;
    }

    /**
     * Reads one endpoint, {@code host:port} or {@code [ipv6]:port}.
     *
     * @param text the endpoint
     * @return the address, unresolved
     * @throws IllegalArgumentException if it is not host:port with a port from 1 to 65535
     */
    public static InetSocketAddress parseEndpoint(String text) {
        Objects.requireNonNull(text, "text");
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("endpoint '" + text + "' is not host:port");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("endpoint '" + text + "': port '" + text.substring(colon + 1) + "' is not a number", e);
        }
        if (port < 1 || port > 65535 || host.isBlank()) {
            throw new IllegalArgumentException("endpoint '" + text + "': needs a host and a port from 1 to 65535");
        }
        return InetSocketAddress.createUnresolved(host, port);
    }

    /**
     * Returns the host this node publishes to other nodes: {@code advertisedHost}, or {@code host},
     * or this machine's address where {@code host} is the wildcard address.
     *
     * @return a host name or address
     */
    public String publishedHost() {
        if (!advertisedHost.isBlank()) {
            return advertisedHost;
        }
        try {
            InetAddress a = InetAddress.getByName(host);
            return a.isAnyLocalAddress() ? InetAddress.getLocalHost().getHostAddress() : host;
        } catch (UnknownHostException e) {
            return host;
        }
    }
}
