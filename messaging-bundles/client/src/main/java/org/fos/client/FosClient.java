package org.fos.client;

import java.io.IOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
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
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
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
 * ({@code data/client.ticket} in the distribution). The client follows the node's restart (ADR 0114):
 * it reads the ticket file again every {@link #TICKET_CHECK_MILLIS} ms, and when the node wrote one
 * that names another naming member (the node restarted, or its naming member changed) it closes the
 * old connection and connects again with it; the fleet proxies and file systems it handed out call
 * through the new connection.
 * Thread-safe.
 */
public final class FosClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FosClient.class);
    /** The owner id of what the client creates in its own kernel. */
    private static final long OWNER = 1;
    /** The transport's source of the endpoints learnt from the connected node. */
    private static final String CLUSTER = "cluster";
    /** How often the client reads its ticket file again, to notice that the node wrote a new one. */
    public static final long TICKET_CHECK_MILLIS = 500;

    private final Settings settings;
    private final FosFileSystemProvider files;
    /** Follows the cluster's nodes whenever {@code /sys/nodes} changes, and the node's ticket file. */
    private final ScheduledExecutorService follower;
    /** Guards {@link #session} against a connection made again while the client closes. */
    private final Object lifecycle = new Object();
    private final AtomicLong reconnects = new AtomicLong();
    private final AtomicLong ticketChecks = new AtomicLong();
    private volatile Session session;
    private volatile boolean closed; // set under lifecycle
    /** The ticket file's naming capability whose connection last failed, so that it is logged once. */
    private Capability failedNames;

    /** The client's settings, as the builder held them when it connected. */
    private record Settings(Path ticketFile, String clientId, Duration callTimeout, Duration connectTimeout, Path keyStore,
            char[] keyStorePassword, Path trustStore, char[] trustStorePassword, Duration idleSpin, Duration idleYield) {
    }

    private FosClient(Settings settings, Session first) {
        this.settings = settings;
        this.session = first;
        this.files = new FosFileSystemProvider(new FleetConnector() {
            @Override
            public FileSystemFleet connect(String fleet) {
                return following(FileSystemFleet.class, fleet);
            }

            @Override
            public boolean reachable(String fleet) {
                // a file system is served by the connected node's members (fos.scope=node)
                return session.reachable();
            }

            @Override
            public boolean callerWaits() {
                // a call waits for its stage in slices, to ask between them whether the node can be reached
                return false;
            }

            @Override
            public String notComing(String fleet) {
                // the connected node's fleet runtime knows whether it removed the fleet
                return session.removedOnNode(fleet);
            }

            @Override
            public LeaseCallbacks callbacks(String fleet, LeaseHolder holder) {
                // the members call back through the client's own kernel, over the connection it dialled; a connection
                // made again after a restart closes that kernel, and the file system opens them again here, in the new one
                Session s = session;
                return new LeaseCallbacks(s.kernel.kernel(OWNER), s.own, holder, "fos: leases " + fleet);
            }
        }, settings.callTimeout().toMillis());
        this.follower = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "fos-client-follower");
            t.setDaemon(true);
            return t;
        });
        first.watchNodes(follower);
        follower.scheduleWithFixedDelay(this::followTicket, TICKET_CHECK_MILLIS, TICKET_CHECK_MILLIS, TimeUnit.MILLISECONDS);
    }

    /**
     * Reads the ticket file again and, if the node wrote one that names another naming member, closes the
     * old connection and connects again with it. Runs on the follower thread.
     */
    private void followTicket() {
        try {
            followTicketNow();
        } catch (RuntimeException e) {
            // a task of a scheduled executor that throws is never run again: the client would stop following
            LOG.warn("client {}: following the ticket {} failed; it is read again in {} ms", settings.clientId(), settings.ticketFile(),
                    TICKET_CHECK_MILLIS, e);
        }
    }

    private void followTicketNow() {
        if (closed) {
            return;
        }
        Session old = session;
        TcpTicket now;
        try {
            now = TcpTicket.read(settings.ticketFile());
        } catch (IOException | IllegalArgumentException absent) {
            return; // the node stopped (it removes its ticket), or it is writing a new one: read again later
        } finally {
            ticketChecks.incrementAndGet();
        }
        if (now.names().equals(old.ticket.names())) {
            return;
        }
        if (!now.node().equals(old.ticket.node())) {
            if (!now.names().equals(failedNames)) {
                failedNames = now.names();
                LOG.warn("client {}: the ticket {} now names node {}, not {}: the client stays with {}", settings.clientId(),
                        settings.ticketFile(), now.node(), old.ticket.node(), old.ticket.node());
            }
            return;
        }
        // the old connection first: on a node with a fixed port it may have dialled the new run already, under the
        // client's node id, which the new connection takes; it is of no use with the old ticket's capabilities anyway
        old.close();
        Session next;
        try {
            next = Session.open(settings, now);
        } catch (IOException e) {
            if (closed) {
                return; // the client closed while it connected again, and interrupted it
            }
            if (!now.names().equals(failedNames)) {
                failedNames = now.names();
                LOG.warn("client {}: node {} wrote a new ticket (it restarted, or its naming member changed), but the client"
                        + " cannot connect with it yet, and tries again: {}", settings.clientId(), now.node(), e.getMessage());
            } else {
                LOG.debug("client {}: connecting again to {} failed: {}", settings.clientId(), now.node(), e.getMessage());
            }
            return;
        }
        synchronized (lifecycle) {
            if (closed) {
                next.close();
                return;
            }
            session = next;
        }
        failedNames = null;
        reconnects.incrementAndGet();
        next.watchNodes(follower);
        LOG.info("client {}: node {} wrote a new ticket (it restarted, or its naming member changed): connected again at {}",
                settings.clientId(), now.node(), now.endpoint());
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
        private Duration idleSpin = Duration.ZERO;
        private Duration idleYield = Duration.ZERO;

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
         * Sets how the client's threads wait for a reply or a message: they spin for {@code spin}, then
         * yield until {@code yield} has passed since the wait began, reading the connection themselves
         * meanwhile, and then park (the kernel's {@code idleSpinNanos} and {@code idleYieldNanos}). By
         * default both are 0: they park at once, and the connection's reader or the parked thread itself
         * reads what comes. A client runs on its node's machine (it reads the node's ticket), where a
         * thread that spins takes a core from the node that serves its call; spin only where cores are
         * to spare (ADR 0132).
         *
         * @param spin how long a waiting thread spins; 0 or more
         * @param yield how long after the wait began it yields before it parks; not less than {@code spin}
         * @return this builder
         * @throws IllegalArgumentException if a duration is negative, or {@code yield} is less than {@code spin}
         */
        public Builder idle(Duration spin, Duration yield) {
            if (spin == null || spin.isNegative() || yield == null || yield.isNegative()) {
                throw new IllegalArgumentException("the idle spin and yield must be 0 or more, were " + spin + " and " + yield);
            }
            if (yield.compareTo(spin) < 0) {
                throw new IllegalArgumentException("the idle yield (" + yield + ") must not be less than the idle spin (" + spin
                        + "): it is counted from the start of the wait");
            }
            this.idleSpin = spin;
            this.idleYield = yield;
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
            Settings settings = new Settings(ticketFile, clientId, callTimeout, connectTimeout, keyStore, keyStorePassword, trustStore,
                    trustStorePassword, idleSpin, idleYield);
            return new FosClient(settings, Session.open(settings, ticket));
        }

        private static Duration positive(Duration d, String what) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive, was " + d);
            }
            return d;
        }
    }

    /**
     * One connection to the node, made with one ticket: the client's kernel, transport, libfos and name
     * store. A connection made again after the node restarted is a new session; the old one is closed.
     */
    private static final class Session {
        final Settings settings;
        final TcpTicket ticket;
        final EmbeddedKernel kernel;
        final EmbeddedTcp transport;
        final EmbeddedLibfos libfos;
        final Libfos own;
        final NamingClient names;
        final CallOptions callOptions;
        /** The watch of {@code /sys/nodes}; set once the session is the client's. */
        private volatile Subscription nodesWatch;
        private final AtomicBoolean closed = new AtomicBoolean();

        private Session(Settings settings, TcpTicket ticket, EmbeddedKernel kernel, EmbeddedTcp transport, EmbeddedLibfos libfos,
                Libfos own, NamingClient names) {
            this.settings = settings;
            this.ticket = ticket;
            this.kernel = kernel;
            this.transport = transport;
            this.libfos = libfos;
            this.own = own;
            this.names = names;
            this.callOptions = CallOptions.DEFAULT.withTimeout(settings.callTimeout());
        }

        /**
         * Connects with a ticket: the TCP connection, one answer of the naming fleet through the ticket's
         * capability, and the cluster's other nodes dialled.
         *
         * @throws IOException if the node cannot be reached through the ticket; nothing is left running then
         */
        static Session open(Settings settings, TcpTicket ticket) throws IOException {
            if (ticket.tls() && settings.keyStore() == null) {
                throw new IOException("node " + ticket.node() + " speaks TLS: give the client a key store and a trust store"
                        + " (FosClient.Builder.tls)");
            }
            EmbeddedKernel kernel = EmbeddedKernel.start(settings.clientId(), false, settings.idleSpin().toNanos(),
                    settings.idleYield().toNanos());
            kernel.homeNode(ticket.node()); // fleets per node (a file system, a device) resolve to the connected node's
            EmbeddedTcp transport = null;
            EmbeddedLibfos libfos = null;
            NamingClient names = null;
            try {
                PayloadCodec codec = PayloadCodecs.create();
                kernel.codec(codec);
                EmbeddedTcp.Builder tcp = EmbeddedTcp.builder().ticket(ticket).connectTimeout(settings.connectTimeout());
                if (settings.keyStore() != null) {
                    tcp.tls(settings.keyStore(), settings.keyStorePassword(), settings.trustStore(), settings.trustStorePassword());
                }
                transport = tcp.start(kernel, codec);
                awaitLink(settings, transport, ticket);
                kernel.bootstrapMember(NameStore.BOOTSTRAP, ticket.names(), Map.of());
                libfos = EmbeddedLibfos.start(kernel, codec);
                Libfos own = libfos.libfos(OWNER, settings.clientId());
                names = NamingClient.start(kernel, kernel.kernel(OWNER), own);
                awaitNames(settings, own, names, ticket);
                Session session = new Session(settings, ticket, kernel, transport, libfos, own, names);
                session.awaitNodes(session.followNodes());
                return session;
            } catch (IOException | RuntimeException e) {
                stop(names, libfos, transport, kernel);
                throw e;
            } catch (InterruptedException e) {
                stop(names, libfos, transport, kernel);
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while connecting to node " + ticket.node(), e);
            }
        }

        private static void awaitLink(Settings settings, EmbeddedTcp transport, TcpTicket ticket) throws IOException, InterruptedException {
            long deadline = System.nanoTime() + settings.connectTimeout().toNanos();
            while (transport.cost(ticket.node()) < 0) {
                String refusal = transport.refusal(ticket.node());
                if (refusal != null) {
                    throw new IOException("node " + ticket.node() + " at " + ticket.endpoint() + " refused the client: " + refusal
                            + (refusal.contains("TLS") ? " (is the client's certificate from the cluster's CA, and does it name "
                                    + settings.clientId() + "?)" : ""));
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new IOException("node " + ticket.node() + " at " + ticket.endpoint() + " did not take the connection within "
                            + settings.connectTimeout().toMillis() + " ms: is it running, is the ticket current, and does the cluster"
                            + " name (" + ticket.cluster() + ") and TLS setting match?");
                }
                TimeUnit.MILLISECONDS.sleep(5);
            }
        }

        /** Asks the node's naming fleet once through the ticket's capability: a stale ticket fails here. */
        private static void awaitNames(Settings settings, Libfos libfos, NamingClient names, TcpTicket ticket)
                throws IOException, InterruptedException {
            Duration timeout = settings.connectTimeout();
            NameService service = libfos.proxy(NameService.class, ticket.names(), CallOptions.DEFAULT.withTimeout(timeout));
            try {
                // any answer will do: the node's kernel took the capability
                service.find(FileSystemFleet.NAME);
            } catch (RuntimeException e) {
                throw new IOException("node " + ticket.node() + " did not answer through the ticket's naming capability within "
                        + timeout.toMillis() + " ms (" + e.getMessage() + "): the ticket may be from before the node"
                        + " restarted; read it again", e);
            }
            if (!names.awaitStore(timeout)) {
                throw new IOException("the client's name store did not start within " + timeout.toMillis() + " ms");
            }
        }

        /** This session's libfos proxy of a fleet. */
        <T> T proxy(Class<T> protocol, String fleet) {
            return own.proxy(protocol, fleet, callOptions);
        }

        /** Whether the connection to the node is up. */
        boolean reachable() {
            return transport.cost(ticket.node()) >= 0;
        }

        /** Follows the cluster's nodes from now on, whenever {@code /sys/nodes} changes. */
        void watchNodes(ScheduledExecutorService follower) {
            nodesWatch = kernel.kernel(OWNER).names().subscribe(NodeAdmin.NAME, event -> {
                try {
                    follower.execute(this::followNodes);
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
        String removedOnNode(String fleet) {
            try {
                Capability admin = admin();
                if (admin == null) {
                    return null;
                }
                NodeAdmin node = own.proxy(NodeAdmin.class, admin,
                        CallOptions.DEFAULT.withTimeout(Duration.ofMillis(Remote.UNREACHABLE_MILLIS)));
                for (FleetInfo f : node.fleets()) {
                    if (f.name().equals(fleet)) {
                        return Remote.removed(f);
                    }
                }
                return null;
            } catch (RuntimeException e) {
                LOG.debug("client {}: cannot ask {} whether it removed {}: {}", settings.clientId(), ticket.node(), fleet, e.toString());
                return null;
            }
        }

        /** The connected node's administration member, or null while it has none registered. */
        private Capability admin() {
            Capability admin = null;
            for (NameEntry e : kernel.kernel(OWNER).names().find(NodeAdmin.NAME)) {
                if (e.address().node().equals(ticket.node())) {
                    admin = e.capability();
                }
            }
            return admin;
        }

        /** Waits, up to the connect timeout, until the transport reaches the cluster's other nodes; says which it did not. */
        private void awaitNodes(Set<String> nodes) {
            long deadline = System.nanoTime() + settings.connectTimeout().toNanos();
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
                        + " with NO_ROUTE until they do", settings.clientId(), missing, settings.connectTimeout().toMillis());
            }
        }

        /**
         * Asks the connected node where the cluster's nodes are, and has the transport dial them: a call
         * to a member on another node then goes straight there, as it would from the connected node.
         *
         * @return the nodes learnt, this client's and the connected one's aside
         */
        private Set<String> followNodes() {
            try {
                Capability admin = admin();
                if (admin == null) {
                    return Set.of();
                }
                Map<String, Map<String, String>> nodes = own.proxy(NodeAdmin.class, admin, callOptions).nodes();
                Map<String, InetSocketAddress> endpoints = new HashMap<>();
                nodes.forEach((node, attributes) -> {
                    String endpoint = attributes.get(EmbeddedTcp.ENDPOINT_KEY);
                    if (endpoint != null && !node.equals(settings.clientId())) {
                        try {
                            endpoints.put(node, EmbeddedTcp.parseEndpoint(endpoint));
                        } catch (IllegalArgumentException bad) {
                            LOG.warn("node {} publishes a TCP endpoint the client cannot use: {}", node, bad.getMessage());
                        }
                    }
                });
                transport.peers(CLUSTER, endpoints);
                LOG.debug("client {}: the cluster's nodes are {}", settings.clientId(), endpoints.keySet());
                return endpoints.keySet();
            } catch (RuntimeException e) {
                if (closed.get()) {
                    LOG.debug("client {}: stopped learning the cluster's nodes: the connection closed ({})", settings.clientId(),
                            e.toString());
                } else {
                    LOG.warn("client {}: cannot learn the cluster's nodes from {}: {}", settings.clientId(), ticket.node(), e.toString());
                }
                return Set.of();
            }
        }

        /**
         * Closes the session, once: calls still waiting in it fail with {@code CLOSED}. It makes no call
         * to the node, so it returns at once also when the node no longer answers.
         */
        void close() {
            if (!closed.compareAndSet(false, true)) {
                return;
            }
            // the naming client first: it takes the kernel's names back without telling the fleet of the watches it
            // ends, so that the watch of /sys/nodes then ends in the kernel's own store instead of in a call to the node
            names.close();
            Subscription watch = nodesWatch;
            if (watch != null) {
                watch.close();
            }
            stop(null, libfos, transport, kernel);
        }
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

    /**
     * A fleet proxy that calls through the client's connection of the moment, so that it works on after
     * the client connected again.
     */
    private <T> T following(Class<T> protocol, String fleet) {
        Following handler = new Following(protocol, fleet);
        handler.target(); // refuses a protocol or a name libfos does not take, now rather than at the first call
        return protocol.cast(Proxy.newProxyInstance(protocol.getClassLoader(), new Class<?>[] {protocol}, handler));
    }

    /** Calls a fleet through the current session's libfos proxy of it, looked up again when the session changed. */
    private final class Following implements InvocationHandler {
        private final Class<?> protocol;
        private final String fleet;
        /** The session's proxy, and the session it is of. */
        private volatile Bound bound;

        private record Bound(Session session, Object target) {
        }

        Following(Class<?> protocol, String fleet) {
            this.protocol = protocol;
            this.fleet = fleet;
        }

        Object target() {
            Session now = session;
            Bound b = bound;
            if (b == null || b.session() != now) {
                b = new Bound(now, now.proxy(protocol, fleet));
                bound = b;
            }
            return b.target();
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            if (method.getDeclaringClass() == Object.class) {
                return switch (method.getName()) {
                    case "equals" -> proxy == args[0];
                    case "hashCode" -> System.identityHashCode(proxy);
                    default -> protocol.getSimpleName() + " proxy of " + fleet + " through " + FosClient.this;
                };
            }
            try {
                return method.invoke(target(), args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }

    /**
     * Returns the id of the node the client is connected to.
     *
     * @return the node id
     */
    public String node() {
        return session.ticket.node();
    }

    /**
     * Returns the client's own node id.
     *
     * @return the id
     */
    public String clientId() {
        return settings.clientId();
    }

    /**
     * Returns how many times the client connected again since it connected first, because the node
     * wrote a new ticket.
     *
     * @return the count
     */
    public long reconnects() {
        return reconnects.get();
    }

    /**
     * Describes the client's connection to its node as {@code fos:transport} describes a node's: its
     * links, and its counters under {@code counters} (frames, bytes, by which thread they were read,
     * faults).
     *
     * @return a snapshot
     */
    public Map<String, Object> transportInfo() {
        return session.transport.info();
    }

    /** How many times the client read its ticket file again, for tests that wait for a read. */
    long ticketChecks() {
        return ticketChecks.get();
    }

    /**
     * Returns a typed proxy of a fleet: every call resolves a member through the node's names, and goes
     * through the connection the client has at that moment (the one made again after a restart too).
     *
     * @param <T> the protocol
     * @param protocol the fleet's protocol interface
     * @param fleet the fleet's name, such as {@code /sys/kv}
     * @return the proxy
     */
    public <T> T fleet(Class<T> protocol, String fleet) {
        return following(protocol, fleet);
    }

    /**
     * Returns the libfos of the client's current connection, for what {@link #fleet} does not cover
     * (per-call options, member lists). What it hands out belongs to that connection: after the client
     * connected again (the node restarted), ask again.
     *
     * @return libfos
     */
    public Libfos libfos() {
        return session.own;
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
        Session last;
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
            last = session;
        }
        last.close(); // first, so that what the follower still does fails quietly as in a closed connection
        follower.shutdownNow();
    }

    @Override
    public String toString() {
        Session s = session;
        return "FosClient[" + settings.clientId() + " -> " + s.ticket.node() + " at " + s.ticket.endpoint() + "]";
    }
}
