package org.fos.client;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.fos.codec.embed.PayloadCodecs;
import org.fos.fleet.api.FleetInfo;
import org.fos.fleet.api.NodeAdmin;
import org.fos.fs.api.FileSystemFleet;
import org.fos.fs.api.LeaseHolder;
import org.fos.fs.client.FleetConnector;
import org.fos.fs.client.FosFileSystemProvider;
import org.fos.fs.client.LeaseCallbacks;
import org.fos.fs.client.Remote;
import org.fos.kernel.api.Capability;
import org.fos.kernel.api.Kernel;
import org.fos.kernel.api.NameEntry;
import org.fos.kernel.api.Subscription;
import org.fos.kernel.embed.EmbeddedKernel;
import org.fos.kernel.spi.NameStore;
import org.fos.kernel.spi.PayloadCodec;
import org.fos.naming.api.NameService;
import org.fos.naming.embed.NamingClient;
import org.fos.rpc.api.CallOptions;
import org.fos.rpc.api.Libfos;
import org.fos.rpc.embed.EmbeddedLibfos;
import org.fos.transport.tcp.embed.EmbeddedTcp;
import org.fos.transport.tcp.embed.TcpTicket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A plain JVM's way into a fos node (ADR 0028). The client is a small node of its own: a kernel, the
 * TCP transport dialling the node its ticket names, libfos, and a name store that asks that node's
 * naming fleet, so fleet names resolve as on the node and follow its changes. It is assembled from
 * the embedding API (docs/embedding.md) as any plain JVM may assemble a node. Applications then use
 * typed fleet proxies, or {@code java.nio.file} on the file system of a file-system fleet:
 *
 * <pre>{@code
 * try (FosClient client = FosClient.connect(Path.of("/srv/fos/data/client.ticket"))) {
 *     Path notes = client.fileSystem().getPath("/notes.txt");
 *     Files.writeString(notes, "hello");
 * }
 * }</pre>
 *
 * <p>The ticket is the file the node keeps at its transport's {@code clientTicket} setting
 * ({@code data/client.ticket} in the distribution). Thread-safe.
 */
public final class FosClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FosClient.class);
    /** The owner id of what the client creates in its own kernel. */
    private static final long OWNER = 1;
    /** The transport's source of the endpoints learnt from the connected node. */
    private static final String CLUSTER = "cluster";

    private final TcpTicket ticket;
    private final String clientId;
    private final EmbeddedKernel kernel;
    private final EmbeddedTcp transport;
    private final EmbeddedLibfos libfos;
    private final Libfos own;
    private final NamingClient names;
    private final FosFileSystemProvider files;
    private final CallOptions callOptions;
    /** Learns the cluster's other nodes from the connected one, whenever {@code /sys/nodes} changes. */
    private final ExecutorService follower;
    private final Subscription nodesWatch;

    private FosClient(Builder b, TcpTicket ticket, EmbeddedKernel kernel, EmbeddedTcp transport, EmbeddedLibfos libfos, Libfos own,
            NamingClient names) {
        this.ticket = ticket;
        this.clientId = b.clientId;
        this.kernel = kernel;
        this.transport = transport;
        this.libfos = libfos;
        this.own = own;
        this.names = names;
        this.callOptions = CallOptions.DEFAULT.withTimeout(b.callTimeout);
        this.files = new FosFileSystemProvider(new FleetConnector() {
            @Override
            public FileSystemFleet connect(String fleet) {
                return own.proxy(FileSystemFleet.class, fleet, callOptions);
            }

            @Override
            public boolean reachable(String fleet) {
                // a file system is served by the connected node's members (fos.scope=node)
                return transport.cost(ticket.node()) >= 0;
            }

            @Override
            public boolean callerWaits() {
                // a call waits for its stage in slices, to ask between them whether the node can be reached
                return false;
            }

            @Override
            public String notComing(String fleet) {
                // the connected node's fleet runtime knows whether it removed the fleet
                return removedOnNode(fleet);
            }

            @Override
            public LeaseCallbacks callbacks(String fleet, LeaseHolder holder) {
                // the members call back through the client's own kernel, over the connection it dialled
                return new LeaseCallbacks(kernel.kernel(OWNER), own, holder, "fos: leases " + fleet);
            }
        }, b.callTimeout.toMillis());
        this.follower = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fos-client-nodes");
            t.setDaemon(true);
            return t;
        });
        Kernel ownKernel = kernel.kernel(OWNER);
        awaitNodes(followNodes(ownKernel), b.connectTimeout);
        this.nodesWatch = ownKernel.names().subscribe(NodeAdmin.NAME, event -> {
            try {
                follower.execute(() -> followNodes(ownKernel));
            } catch (RejectedExecutionException closing) {
                // the client is closing: there is nothing left to follow
            }
        });
    }

    /**
     * Asks the connected node's fleet runtime whether it removed a fleet.
     *
     * @return why the fleet is not coming, or null if it may be starting (or the node cannot say now)
     */
    private String removedOnNode(String fleet) {
        try {
            Capability admin = adminOf(kernel.kernel(OWNER));
            if (admin == null) {
                return null;
            }
            NodeAdmin node = own.proxy(NodeAdmin.class, admin, CallOptions.DEFAULT.withTimeout(Duration.ofMillis(Remote.UNREACHABLE_MILLIS)));
            for (FleetInfo f : node.fleets()) {
                if (f.name().equals(fleet)) {
                    return Remote.removed(f);
                }
            }
            return null;
        } catch (RuntimeException e) {
            LOG.debug("client {}: cannot ask {} whether it removed {}: {}", clientId, ticket.node(), fleet, e.toString());
            return null;
        }
    }

    /** The connected node's administration member, or null while it has none registered. */
    private Capability adminOf(Kernel ownKernel) {
        Capability admin = null;
        for (NameEntry e : ownKernel.names().find(NodeAdmin.NAME)) {
            if (e.address().node().equals(ticket.node())) {
                admin = e.capability();
            }
        }
        return admin;
    }

    /** Waits, up to the connect timeout, until the transport reaches the cluster's other nodes; says which it did not. */
    private void awaitNodes(Set<String> nodes, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Set<String> missing = new TreeSet<>(nodes);
        while (!missing.isEmpty()) {
            missing.removeIf(n -> transport.cost(n) >= 0);
            if (missing.isEmpty() || System.nanoTime() - deadline > 0) {
                break;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        if (!missing.isEmpty()) {
            LOG.warn("client {}: nodes {} of the cluster did not take a connection within {} ms; calls to their members fail"
                    + " with NO_ROUTE until they do", clientId, missing, timeout.toMillis());
        }
    }

    /**
     * Asks the connected node where the cluster's nodes are, and has the transport dial them: a call
     * to a member on another node then goes straight there, as it would from the connected node.
     *
     * @return the nodes learnt, this client's and the connected one's aside
     */
    private Set<String> followNodes(Kernel ownKernel) {
        try {
            Capability admin = adminOf(ownKernel);
            if (admin == null) {
                return Set.of();
            }
            Map<String, Map<String, String>> nodes = own.proxy(NodeAdmin.class, admin, callOptions).nodes();
            Map<String, InetSocketAddress> endpoints = new HashMap<>();
            nodes.forEach((node, attributes) -> {
                String endpoint = attributes.get(EmbeddedTcp.ENDPOINT_KEY);
                if (endpoint != null && !node.equals(clientId)) {
                    try {
                        endpoints.put(node, EmbeddedTcp.parseEndpoint(endpoint));
                    } catch (IllegalArgumentException bad) {
                        LOG.warn("node {} publishes a TCP endpoint the client cannot use: {}", node, bad.getMessage());
                    }
                }
            });
            transport.peers(CLUSTER, endpoints);
            LOG.debug("client {}: the cluster's nodes are {}", clientId, endpoints.keySet());
            return endpoints.keySet();
        } catch (RuntimeException e) {
            LOG.warn("client {}: cannot learn the cluster's nodes from {}: {}", clientId, ticket.node(), e.toString());
            return Set.of();
        }
    }

    /**
     * Connects to the node a ticket names, with the default settings (no TLS).
     *
     * @param ticket the node's client ticket file
     * @return the connected client
     * @throws IOException if the ticket cannot be read or is not valid, or the node cannot be reached
     *         through it
     */
    public static FosClient connect(Path ticket) throws IOException {
        return builder(ticket).connect();
    }

    /**
     * Starts the settings of a client.
     *
     * @param ticket the node's client ticket file
     * @return the builder
     */
    public static Builder builder(Path ticket) {
        return new Builder(Objects.requireNonNull(ticket, "ticket"));
    }

    /** The settings of a client. */
    public static final class Builder {
        private final Path ticketFile;
        private String clientId = "client-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(4));
        private Duration callTimeout = Duration.ofSeconds(60);
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Path keyStore;
        private char[] keyStorePassword;
        private Path trustStore;
        private char[] trustStorePassword;

        private Builder(Path ticketFile) {
            this.ticketFile = ticketFile;
        }

        /**
         * Sets the client's node id; with TLS it must be the name its certificate carries.
         *
         * @param id the id, for example {@code client-reports}; by default {@code client-} and random hex
         * @return this builder
         */
        public Builder clientId(String id) {
            this.clientId = Objects.requireNonNull(id, "id");
            return this;
        }

        /**
         * Sets how long one fleet call may take.
         *
         * @param timeout a positive duration; 60 s by default
         * @return this builder
         * @throws IllegalArgumentException if it is not positive
         */
        public Builder callTimeout(Duration timeout) {
            this.callTimeout = positive(timeout, "call timeout");
            return this;
        }

        /**
         * Sets how long connecting may take: the TCP connection and the first answer of the naming fleet.
         *
         * @param timeout a positive duration; 10 s by default
         * @return this builder
         * @throws IllegalArgumentException if it is not positive
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connect timeout");
            return this;
        }

        /**
         * Speaks mutual TLS to a node whose transport has {@code tls=true}: the key store holds a
         * certificate from the cluster's CA naming {@link #clientId(String)} (see {@code bin/fos-certs}).
         *
         * @param keyStore the PKCS12 key store with the client's key and certificate chain
         * @param keyStorePassword its password
         * @param trustStore the PKCS12 trust store with the cluster CA's certificate
         * @param trustStorePassword its password
         * @return this builder
         */
        public Builder tls(Path keyStore, char[] keyStorePassword, Path trustStore, char[] trustStorePassword) {
            this.keyStore = Objects.requireNonNull(keyStore, "keyStore");
            this.keyStorePassword = Objects.requireNonNull(keyStorePassword, "keyStorePassword");
            this.trustStore = Objects.requireNonNull(trustStore, "trustStore");
            this.trustStorePassword = Objects.requireNonNull(trustStorePassword, "trustStorePassword");
            return this;
        }

        /**
         * Reads the ticket and connects.
         *
         * @return the connected client
         * @throws IOException if the ticket cannot be read or is not valid, or the node cannot be
         *         reached through it; nothing is left running then
         */
        public FosClient connect() throws IOException {
            TcpTicket ticket;
            try {
                ticket = TcpTicket.read(ticketFile);
            } catch (IllegalArgumentException e) {
                throw new IOException(e.getMessage(), e);
            }
            if (ticket.tls() && keyStore == null) {
                throw new IOException("node " + ticket.node() + " speaks TLS: give the client a key store and a trust store"
                        + " (FosClient.Builder.tls)");
            }
            EmbeddedKernel kernel = EmbeddedKernel.start(clientId);
            kernel.homeNode(ticket.node()); // fleets per node (a file system, a device) resolve to the connected node's
            EmbeddedTcp transport = null;
            EmbeddedLibfos libfos = null;
            NamingClient names = null;
            try {
                PayloadCodec codec = PayloadCodecs.create();
                kernel.codec(codec);
                EmbeddedTcp.Builder tcp = EmbeddedTcp.builder().ticket(ticket).connectTimeout(connectTimeout);
                if (keyStore != null) {
                    tcp.tls(keyStore, keyStorePassword, trustStore, trustStorePassword);
                }
                transport = tcp.start(kernel, codec);
                awaitLink(transport, ticket);
                kernel.bootstrapMember(NameStore.BOOTSTRAP, ticket.names(), Map.of());
                libfos = EmbeddedLibfos.start(kernel, codec);
                Libfos own = libfos.libfos(OWNER, clientId);
                names = NamingClient.start(kernel, kernel.kernel(OWNER), own);
                awaitNames(own, names, ticket);
                return new FosClient(this, ticket, kernel, transport, libfos, own, names);
            } catch (IOException | RuntimeException e) {
                stop(names, libfos, transport, kernel);
                throw e;
            } catch (InterruptedException e) {
                stop(names, libfos, transport, kernel);
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while connecting to node " + ticket.node(), e);
            }
        }

        private void awaitLink(EmbeddedTcp transport, TcpTicket ticket) throws IOException, InterruptedException {
            long deadline = System.nanoTime() + connectTimeout.toNanos();
            while (transport.cost(ticket.node()) < 0) {
                String refusal = transport.refusal(ticket.node());
                if (refusal != null) {
                    throw new IOException("node " + ticket.node() + " at " + ticket.endpoint() + " refused the client: " + refusal
                            + (refusal.contains("TLS") ? " (is the client's certificate from the cluster's CA, and does it name "
                                    + clientId + "?)" : ""));
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new IOException("node " + ticket.node() + " at " + ticket.endpoint() + " did not take the connection within "
                            + connectTimeout.toMillis() + " ms: is it running, is the ticket current, and does the cluster name ("
                            + ticket.cluster() + ") and TLS setting match?");
                }
                TimeUnit.MILLISECONDS.sleep(5);
            }
        }

        /** Asks the node's naming fleet once through the ticket's capability: a stale ticket fails here. */
        private void awaitNames(Libfos libfos, NamingClient names, TcpTicket ticket) throws IOException, InterruptedException {
            NameService service = libfos.proxy(NameService.class, ticket.names(), CallOptions.DEFAULT.withTimeout(connectTimeout));
            try {
                // any answer will do: the node's kernel took the capability
                service.find(FileSystemFleet.NAME);
            } catch (RuntimeException e) {
                throw new IOException("node " + ticket.node() + " did not answer through the ticket's naming capability within "
                        + connectTimeout.toMillis() + " ms (" + e.getMessage() + "): the ticket may be from before the node"
                        + " restarted; read it again", e);
            }
            if (!names.awaitStore(connectTimeout)) {
                throw new IOException("the client's name store did not start within " + connectTimeout.toMillis() + " ms");
            }
        }

        private static Duration positive(Duration d, String what) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive, was " + d);
            }
            return d;
        }
    }

    /**
     * Returns the id of the node the client is connected to.
     *
     * @return the node id
     */
    public String node() {
        return ticket.node();
    }

    /**
     * Returns the client's own node id.
     *
     * @return the id
     */
    public String clientId() {
        return clientId;
    }

    /**
     * Returns a typed proxy of a fleet: every call resolves a member through the node's names.
     *
     * @param <T> the protocol
     * @param protocol the fleet's protocol interface
     * @param fleet the fleet's name, such as {@code /sys/kv}
     * @return the proxy
     */
    public <T> T fleet(Class<T> protocol, String fleet) {
        return own.proxy(protocol, fleet, callOptions);
    }

    /**
     * Returns libfos, for what {@link #fleet} does not cover (per-call options, member lists).
     *
     * @return libfos
     */
    public Libfos libfos() {
        return own;
    }

    /**
     * Returns the file system of the default file-system fleet, {@value FileSystemFleet#NAME}.
     *
     * @return the file system; its paths work with {@code java.nio.file.Files}
     */
    public FileSystem fileSystem() {
        return fileSystem(FileSystemFleet.NAME);
    }

    /**
     * Returns the file system of a file-system fleet.
     *
     * @param fleet the fleet's name
     * @return the file system; its paths work with {@code java.nio.file.Files}
     * @throws IllegalArgumentException if the name is not valid
     */
    public FileSystem fileSystem(String fleet) {
        return files.fileSystem(fleet);
    }

    /**
     * Disconnects: calls still waiting fail with {@code CLOSED}, the client's kernel stops. It makes no
     * call to the node, so it returns at once also when the node no longer answers (it restarted, or
     * cannot be reached).
     */
    @Override
    public void close() {
        follower.shutdownNow();
        // the naming client first: it takes the kernel's names back without telling the fleet of the watches it
        // ends, so that the watch of /sys/nodes then ends in the kernel's own store instead of in a call to the node
        names.close();
        nodesWatch.close();
        stop(null, libfos, transport, kernel);
    }

    private static void stop(NamingClient names, EmbeddedLibfos libfos, EmbeddedTcp transport, EmbeddedKernel kernel) {
        if (names != null) {
            names.close();
        }
        if (libfos != null) {
            libfos.close();
        }
        if (transport != null) {
            transport.close();
        }
        kernel.close();
    }

    @Override
    public String toString() {
        return "FosClient[" + clientId + " -> " + ticket.node() + " at " + ticket.endpoint() + "]";
    }
}
