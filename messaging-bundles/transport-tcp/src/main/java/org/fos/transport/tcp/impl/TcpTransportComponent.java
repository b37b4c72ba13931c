package org.fos.transport.tcp.impl;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.fos.kernel.api.Capability;
import org.fos.kernel.api.Kernel;
import org.fos.kernel.api.Message;
import org.fos.kernel.api.NameEntry;
import org.fos.kernel.api.Subscription;
import org.fos.kernel.spi.Links;
import org.fos.kernel.spi.NameStore;
import org.fos.kernel.spi.NodeDirectory;
import org.fos.kernel.spi.PayloadCodec;
import org.fos.kernel.spi.Transport;
import org.fos.kernel.spi.TransportStats;
import org.fos.transport.api.ClusterSecret;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's TCP transport as a DS component (PID {@value #PID}): a {@link Transport} service for the
 * kernel, the endpoint published through the cluster membership (attribute {@value #ENDPOINT_KEY}),
 * and the peers dialled from the membership and the static {@code peers} setting. A configuration
 * change restarts the transport; the kernel keeps the unacknowledged messages meanwhile.
 */
@Component(service = {Transport.class, TransportStats.class, TcpTransportComponent.class}, configurationPid = TcpTransportComponent.PID,
        property = Transport.NAME_PROPERTY + "=tcp")
@Designate(ocd = TcpTransportComponent.Config.class)
public final class TcpTransportComponent implements Transport, TransportStats {
    private static final Logger LOG = LoggerFactory.getLogger(TcpTransportComponent.class);

    /** The configuration PID. */
    public static final String PID = "org.fos.transport.tcp";
    /** The membership attribute that holds a node's TCP endpoint, {@code host:port}. */
    public static final String ENDPOINT_KEY = "tcp";
    private static final String MEMBERSHIP = "membership";
    /** Where the membership keeps revoked tickets: a claim a ticket id, whose value says why and when. */
    static final String REVOKED = "tickets/revoked/";

    /** The transport's configuration; every duration and size says its unit. */
    @ObjectClassDefinition(name = "fos TCP transport", description = "Carries messages between nodes over TCP (Netty),"
            + " optionally with mutual TLS.")
    public @interface Config {
        /**
         * The listen address.
         *
         * @return an address or host name
         */
        @AttributeDefinition(description = "The address to listen on: 127.0.0.1 (this host only) or 0.0.0.0 (every interface).")
        String host() default "127.0.0.1";

        /**
         * The listen port.
         *
         * @return the port, 0 for an ephemeral one
         */
        @AttributeDefinition(description = "The port to listen on; 0 picks a free one (published through the membership).")
        int port() default 0;

        /**
         * The host other nodes dial.
         *
         * @return a host name or address, or empty
         */
        @AttributeDefinition(description = "The host published to other nodes; empty: host (or this machine's address if host is 0.0.0.0).")
        String advertisedHost() default "";

        /**
         * The cluster name.
         *
         * @return the name
         */
        @AttributeDefinition(description = "The cluster's name; a peer that says another one in its HELLO is refused.")
        String clusterName() default "fos";

        /**
         * Static peers.
         *
         * @return a list such as {@code node-b=127.0.0.1:7102,node-c=10.0.0.3:7101}
         */
        @AttributeDefinition(description = "Peers to dial without a membership service: node=host:port, comma-separated.")
        String peers() default "";

        /**
         * The route cost.
         *
         * @return the cost of a connected node
         */
        @AttributeDefinition(description = "The cost reported to the kernel for a connected node (lower wins; shared memory uses less).")
        int cost() default 10;

        /**
         * The largest frame.
         *
         * @return bytes
         */
        @AttributeDefinition(description = "The largest frame in bytes, the 64-byte header included (4096 to 67108864).")
        int maxFrameBytes() default 1 << 20;

        /**
         * The dial timeout.
         *
         * @return milliseconds
         */
        @AttributeDefinition(description = "How long one connection attempt may take, in milliseconds.")
        long connectTimeoutMillis() default 5_000;

        /**
         * The first reconnect delay.
         *
         * @return milliseconds
         */
        @AttributeDefinition(description = "The delay before the second connection attempt, in milliseconds; doubled on each"
                + " failure up to reconnectMaxMillis, with random jitter.")
        long reconnectMinMillis() default 100;

        /**
         * The longest reconnect delay.
         *
         * @return milliseconds
         */
        @AttributeDefinition(description = "The longest delay between connection attempts, in milliseconds.")
        long reconnectMaxMillis() default 10_000;

        /**
         * The handshake timeout.
         *
         * @return milliseconds
         */
        @AttributeDefinition(description = "How long a new connection may take for its TLS handshake and HELLO, in milliseconds.")
        long handshakeTimeoutMillis() default 5_000;

        /**
         * The heartbeat interval.
         *
         * @return milliseconds
         */
        @AttributeDefinition(description = "A connection that wrote nothing for this many milliseconds sends a heartbeat.")
        long heartbeatIntervalMillis() default 1_000;

        /**
         * The heartbeat timeout.
         *
         * @return milliseconds
         */
        @AttributeDefinition(description = "A connection that read nothing for this many milliseconds is closed (and dialled again).")
        long heartbeatTimeoutMillis() default 5_000;

        /**
         * The low water mark.
         *
         * @return bytes
         */
        @AttributeDefinition(description = "A connection that refused messages takes them again once its output is below this many bytes.")
        int writeBufferLowWaterMarkBytes() default 1 << 20;

        /**
         * The high water mark.
         *
         * @return bytes
         */
        @AttributeDefinition(description = "A connection with this many bytes of output waiting refuses further messages"
                + " (the kernel keeps them); memory per connection stays under about twice this.")
        int writeBufferHighWaterMarkBytes() default 4 << 20;

        /**
         * The event-loop threads.
         *
         * @return threads
         */
        @AttributeDefinition(description = "Netty event-loop threads for all connections of this node (1 to 64).")
        int ioThreads() default 1;

        /**
         * Whether TLS is on.
         *
         * @return true for mutual TLS
         */
        @AttributeDefinition(description = "Mutual TLS 1.3 with node certificates: every peer needs a certificate from the"
                + " cluster CA that names its node id (CN or DNS alternative name).")
        boolean tls() default false;

        /**
         * The key store.
         *
         * @return a file path
         */
        @AttributeDefinition(description = "With tls: the key store file holding this node's key and certificate chain.")
        String keyStore() default "";

        /**
         * The key store password.
         *
         * @return the password
         */
        @AttributeDefinition(type = AttributeType.PASSWORD, description = "With tls: the key store's password (also the key's).")
        String keyStorePassword() default "";

        /**
         * The key store type.
         *
         * @return a type
         */
        @AttributeDefinition(description = "With tls: the key store's type.")
        String keyStoreType() default "PKCS12";

        /**
         * The trust store.
         *
         * @return a file path
         */
        @AttributeDefinition(description = "With tls: the trust store file holding the cluster CA's certificate.")
        String trustStore() default "";

        /**
         * The trust store password.
         *
         * @return the password
         */
        @AttributeDefinition(type = AttributeType.PASSWORD, description = "With tls: the trust store's password.")
        String trustStorePassword() default "";

        /**
         * The trust store type.
         *
         * @return a type
         */
        @AttributeDefinition(description = "With tls: the trust store's type.")
        String trustStoreType() default "PKCS12";

        /**
         * Where the client ticket is kept.
         *
         * @return a file path, or empty for none
         */
        @AttributeDefinition(description = "A file to keep the client ticket in: what a plain-JVM client needs to reach this"
                + " node and its fleets (ADR 0028); readable by the node's user only. Empty: no ticket.")
        String clientTicket() default "";

        /**
         * The cluster secret's file.
         *
         * @return a file path, or empty for none
         */
        @AttributeDefinition(description = "The cluster secret: a file of hexadecimal text (32 random bytes or more) that only"
                + " the node's user can read, the same on every node. Every node peer proves it at HELLO, every client the key"
                + " its ticket derives from it (ADR 0080). Empty: without TLS, any process that reaches the port can join.")
        String clusterSecret() default "";

        /**
         * The connection limit.
         *
         * @return connections
         */
        @AttributeDefinition(description = "The most open connections; an accepted connection beyond is refused at once"
                + " (fault.CONNECTION_LIMIT).")
        int maxConnections() default 1024;

        /**
         * The handshake limit.
         *
         * @return connections
         */
        @AttributeDefinition(description = "The most accepted connections still in their handshake; one beyond is refused at"
                + " once (fault.HANDSHAKE_LIMIT). Connections this node dials do not count.")
        int maxUnauthenticatedConnections() default 64;

        /**
         * The log interval of refusals.
         *
         * @return milliseconds
         */
        @AttributeDefinition(description = "At most one log line per fault reason within this many milliseconds; the others"
                + " are only counted (fos:transport).")
        long refusalLogIntervalMillis() default 60_000;
    }

    private final TcpTransport transport;
    private final Kernel kernel;
    private final TransportSettings settings;
    /** Where the client ticket is kept, or null. */
    private final Path ticketFile;
    /** The claims of the node's own ticket: one id while the transport runs, no expiry. */
    private final TicketClaims claims;
    /** Follows the naming fleet for the ticket, or null. */
    private final Subscription ticketWatch;
    private final Object membershipLock = new Object();
    private NodeDirectory membership;
    private AutoCloseable published;
    private AutoCloseable watching;

    /**
     * Starts the transport.
     *
     * @param kernel the kernel, for the node id
     * @param links the kernel's links
     * @param codec the payload codec
     * @param config the configuration
     * @throws IllegalArgumentException if a setting is invalid
     * @throws IllegalStateException if the transport cannot listen
     */
    @Activate
    public TcpTransportComponent(@Reference Kernel kernel, @Reference Links links, @Reference PayloadCodec codec, Config config) {
        TransportSettings settings = settings(config);
        this.kernel = kernel;
        this.settings = settings;
        this.ticketFile = ticketFile(config.clientTicket());
        this.claims = TicketClaims.issue(null);
        this.transport = new TcpTransport(settings, kernel.nodeId(), links, codec);
        this.ticketWatch = ticketFile == null ? null
                : kernel.names().subscribe(NameStore.BOOTSTRAP, event -> writeTicket(kernel, settings, event.members()));
    }

    private static Path ticketFile(String setting) {
        if (setting == null || setting.isBlank()) {
            return null;
        }
        try {
            return Path.of(setting.trim()).toAbsolutePath();
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("clientTicket '" + setting + "' is not a file path: " + e.getMessage(), e);
        }
    }

    /**
     * Issues a client ticket of this node for some rights and names, with an expiry: what
     * {@code fos:ticket} writes. Every node of the cluster takes it (its key derives from the cluster
     * secret and its claims) and narrows the client's messages to what it claims.
     *
     * @param expires when it expires, or null for never
     * @param rights the rights it grants, a mask of {@link org.fos.kernel.api.Right#CALL} and
     *        {@link org.fos.kernel.api.Right#ADMIN}
     * @param names the names whose members it may call; empty for every name
     * @return the ticket
     * @throws IllegalStateException if this node has no cluster secret (a ticket could claim nothing) or
     *         no naming fleet yet
     * @throws IllegalArgumentException if the rights or a name are not valid, or the expiry has passed
     */
    public ClientTicket issue(java.time.Instant expires, int rights, java.util.Set<String> names) {
        ClusterSecret secret = settings.secret();
        if (secret == null) {
            throw new IllegalStateException("node " + kernel.nodeId() + " has no cluster secret (clusterSecret): without one a ticket"
                    + " proves nothing and limits nothing");
        }
        if (expires != null && !expires.isAfter(java.time.Instant.now())) {
            throw new IllegalArgumentException("the expiry " + expires + " has passed");
        }
        List<NameEntry> members = kernel.names().find(NameStore.BOOTSTRAP);
        if (members.isEmpty()) {
            throw new IllegalStateException("node " + kernel.nodeId() + " has no naming fleet (" + NameStore.BOOTSTRAP + ") yet");
        }
        TicketClaims c = TicketClaims.issue(expires, rights, names);
        NameEntry entry = members.get(0);
        return new ClientTicket(kernel.nodeId(), transport.endpoint(), settings.cluster(), settings.tls() != null,
                entry.member() != null ? entry.member() : entry.capability(), c.text(), c.key(secret, settings.cluster()).toHex());
    }

    /**
     * Revokes a client ticket for the whole cluster: every node refuses its HELLO from now on, with
     * the reason, and this node closes the connections of clients that proved it. In a ZooKeeper
     * cluster the revocation is kept in ZooKeeper (it outlives every node); a cluster of one keeps it
     * in memory until the node stops. Connections that other nodes took before stay until they end.
     *
     * @param ticketId the ticket's id, 16 hexadecimal digits (what {@code fos:ticket} said, or the
     *        {@code id=} of the ticket's claims)
     * @param reason why, told to the clients it refuses
     * @return the revocation as stored: this one, or an earlier one of the same ticket
     * @throws IllegalArgumentException if the id or the reason is not valid
     * @throws IllegalStateException if no membership keeps revocations, or its store cannot be reached
     */
    public String revoke(String ticketId, String reason) {
        if (ticketId == null || ticketId.length() != 16 || !ticketId.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new IllegalArgumentException("a ticket id is 16 hexadecimal digits, not '" + ticketId + "'");
        }
        if (reason == null || reason.isBlank() || reason.length() > 200 || reason.contains("\n")) {
            throw new IllegalArgumentException("give a reason of one line, at most 200 characters");
        }
        NodeDirectory m;
        synchronized (membershipLock) {
            m = membership;
        }
        if (m == null) {
            throw new IllegalStateException("node " + kernel.nodeId() + " follows no membership: nothing keeps revocations");
        }
        String stored = m.claim(REVOKED + ticketId.toLowerCase(java.util.Locale.ROOT), reason.strip() + " (revoked at "
                + java.time.Instant.now() + " on " + kernel.nodeId() + ")");
        int closed = transport.closeClients(ticketId.toLowerCase(java.util.Locale.ROOT), stored);
        LOG.info("node {}: ticket {} revoked: {}; {} connections closed", kernel.nodeId(), ticketId, stored, closed);
        return stored;
    }

    /** Keeps the ticket in step with the naming fleet's member: written while it has one, removed when not. */
    private void writeTicket(Kernel kernel, TransportSettings settings, List<NameEntry> members) {
        try {
            if (members.isEmpty()) {
                Files.deleteIfExists(ticketFile);
                return;
            }
            // the member capability: what a client may do with it is what its ticket's claims allow (the
            // kernel narrows each message of a client to them), and the naming fleet gives member
            // capabilities to a client whose ticket grants admin only
            NameEntry entry = members.get(0);
            Capability names = entry.member() != null ? entry.member() : entry.capability();
            ClusterSecret secret = settings.secret();
            new ClientTicket(kernel.nodeId(), transport.endpoint(), settings.cluster(), settings.tls() != null, names,
                    secret == null ? null : claims.text(), secret == null ? null : claims.key(secret, settings.cluster()).toHex())
                    .write(ticketFile);
            LOG.info("node {}: client ticket written to {}", kernel.nodeId(), ticketFile);
        } catch (IOException | RuntimeException e) {
            LOG.error("node {}: cannot keep the client ticket in {}", kernel.nodeId(), ticketFile, e);
        }
    }

    /**
     * Reads the configuration.
     *
     * @param c the configuration
     * @return the validated settings
     * @throws IllegalArgumentException naming the first bad attribute
     */
    static TransportSettings settings(Config c) {
        TransportSettings.Tls tls = c.tls() ? new TransportSettings.Tls(c.keyStore(), c.keyStorePassword().toCharArray(),
                c.keyStoreType(), c.trustStore(), c.trustStorePassword().toCharArray(), c.trustStoreType()) : null;
        String secretFile = c.clusterSecret() == null ? "" : c.clusterSecret().trim();
        ClusterSecret secret;
        try {
            secret = secretFile.isEmpty() ? null : ClusterSecret.read(Path.of(secretFile));
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("clusterSecret '" + secretFile + "' is not a file path: " + e.getMessage(), e);
        }
        return new TransportSettings(c.host(), c.port(), c.advertisedHost(), c.clusterName(), TransportSettings.parsePeers(c.peers()),
                c.cost(), c.maxFrameBytes(), c.connectTimeoutMillis(), c.reconnectMinMillis(), c.reconnectMaxMillis(),
                c.handshakeTimeoutMillis(), c.heartbeatIntervalMillis(), c.heartbeatTimeoutMillis(), c.writeBufferLowWaterMarkBytes(),
                c.writeBufferHighWaterMarkBytes(), c.ioThreads(), tls, new TransportSettings.Limits(c.maxConnections(),
                        c.maxUnauthenticatedConnections(), c.refusalLogIntervalMillis()), secret, null);
    }

    @Deactivate
    void deactivate() {
        if (ticketWatch != null) {
            ticketWatch.close();
            try {
                Files.deleteIfExists(ticketFile);
            } catch (IOException e) {
                LOG.warn("cannot remove the client ticket {}: {}", ticketFile, e.toString());
            }
        }
        synchronized (membershipLock) {
            stopFollowing();
            membership = null;
        }
        transport.close();
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindMembership(NodeDirectory m) {
        synchronized (membershipLock) {
            stopFollowing();
            membership = m;
            transport.requireKnownPeers(true);
            published = m.publish(ENDPOINT_KEY, transport.endpoint());
            watching = m.watch(this::membershipChanged);
            transport.revocations(id -> m.claimed(REVOKED + id));
        }
    }

    void unbindMembership(NodeDirectory m) {
        synchronized (membershipLock) {
            if (membership == m) {
                stopFollowing();
                membership = null;
                transport.revocations(null);
                transport.requireKnownPeers(false);
                transport.peers(MEMBERSHIP, Map.of());
            }
        }
    }

    private void stopFollowing() {
        close(watching, "membership watch");
        close(published, "published endpoint");
        watching = null;
        published = null;
    }

    private static void close(AutoCloseable c, String what) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            LOG.warn("cannot close the {}: {}", what, e.toString());
        }
    }

    private void membershipChanged(List<NodeDirectory.Node> nodes) {
        Map<String, InetSocketAddress> endpoints = new HashMap<>();
        for (NodeDirectory.Node n : nodes) {
            String endpoint = n.attributes().get(ENDPOINT_KEY);
            if (n.local() || endpoint == null) {
                continue;
            }
            try {
                endpoints.put(n.id(), TransportSettings.parseEndpoint(endpoint));
            } catch (IllegalArgumentException e) {
                LOG.warn("node {} publishes a TCP endpoint this node cannot use: {}", n.id(), e.getMessage());
            }
        }
        transport.peers(MEMBERSHIP, endpoints);
    }

    /**
     * Returns the transport itself, for the shell.
     *
     * @return the transport
     */
    public TcpTransport transport() {
        return transport;
    }

    @Override
    public int cost(String nodeId) {
        return transport.cost(nodeId);
    }

    @Override
    public Map<String, Object> info() {
        return transport.info();
    }

    @Override
    public List<PeerStats> peers() {
        return transport.peerStats();
    }

    @Override
    public Map<String, Long> counters() {
        return transport.counters();
    }

    @Override
    public boolean transmit(String nodeId, long sequence, Message message) {
        return transport.transmit(Objects.requireNonNull(nodeId, "nodeId"), sequence, message);
    }

    @Override
    public void acknowledge(String nodeId, long sequence) {
        transport.acknowledge(nodeId, sequence);
    }

    @Override
    public int assist() {
        return transport.assist();
    }

    /** A waiting thread's read is a read of a socket: a system call each connection each turn (ADR 0136). */
    @Override
    public boolean assistMakesSystemCalls() {
        return true;
    }
}
