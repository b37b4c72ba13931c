package org.fos.transport.tcp.impl;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslHandler;

import org.fos.kernel.api.Message;
import org.fos.kernel.spi.ClientLimits;
import org.fos.kernel.spi.Links;
import org.fos.kernel.spi.ParkedReader;
import org.fos.kernel.spi.PayloadCodec;
import org.fos.kernel.spi.Transport;
import org.fos.kernel.spi.TransportStats.PeerStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TCP transport of one node: a proxy server that listens for peers, dials the peers it knows
 * (static configuration, cluster membership), and carries the kernel's link frames over one
 * handshaken connection per peer (ADR 0020, {@code docs/wire.md}).
 *
 * <p>Reliability is the kernel's: this class only carries frames, reports a node reachable
 * ({@link #cost}) while it has an established connection to it, and on every new connection tells
 * the kernel ({@link Links#connected}) so that it sends again what was not acknowledged. When two
 * connections to one peer are established at once (both dialled), the one dialled by the node with
 * the smaller id is kept on both sides.
 *
 * <p>A message goes one way. Out: {@link #transmit} hands it to the peer's active {@link Connection},
 * whose {@link LinkStream} encodes it with the {@link DataCodec} handed down and queues the frame. In:
 * the connection decodes a DATA frame and hands it to {@link #deliver(Connection, long, Message)},
 * which passes it on to the kernel's {@link Links} if the connection is the peer's active one.
 * Handshake content: {@link Handshakes}; dialling: {@link Dialler}.
 *
 * <p>Thread-safe; no method blocks except {@link #close()}. Usable without OSGi (tests, benchmarks):
 * {@code TcpTransportComponent} wraps it as a DS component.
 */
public final class TcpTransport implements Transport, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TcpTransport.class);
    /**
     * The buffers frames are encoded into, for every connection of every transport of this bundle.
     * Frames are encoded by the threads that send them (callers, members answering; ADR 0101), not
     * only by the event loops, and Netty's default pool keeps a cache only for its own threads: the
     * others took every buffer from the shared arenas, under their locks, contended with the event
     * loops' (a pipelined call's profile had them parking and waking each other). This pool gives
     * every thread that encodes a frame its own cache, as the event loops have.
     */
    static final PooledByteBufAllocator FRAME_BUFFERS = new PooledByteBufAllocator(true, PooledByteBufAllocator.defaultNumHeapArena(),
            PooledByteBufAllocator.defaultNumDirectArena(), PooledByteBufAllocator.defaultPageSize(), PooledByteBufAllocator.defaultMaxOrder(),
            PooledByteBufAllocator.defaultSmallCacheSize(), PooledByteBufAllocator.defaultNormalCacheSize(), true);

    /** The source name of the static {@code peers} setting in {@link #peers(String, Map)}. */
    public static final String CONFIG_PEERS = "config";

    final String nodeId;
    final TransportSettings settings;
    final Counters counters;
    final PayloadCodec codec;
    private final Links links;
    private final TlsContexts tls;
    private final EventLoopGroup group;
    private final Channel server;
    private final Dialler dialler;
    private final InetSocketAddress advertised;
    private final ConcurrentHashMap<String, Peer> peers = new ConcurrentHashMap<>();
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    /** The peers' active connections, for {@link #assist()}: walked without an iterator. */
    private volatile Connection[] assisting = new Connection[0];
    private final Object assistingLock = new Object();
    /** Where one parked thread of the node at a time waits for the active connections' sockets (ADR 0124); null over TLS. */
    private final ParkedReads parkedReads;
    private final Handshakes handshakes;
    private final DataCodec data;
    /** Accepted connections that have not finished their handshake. */
    private final AtomicInteger unauthenticated = new AtomicInteger();
    /** Whether a node must be named by a source (the membership) before its HELLO is taken. */
    private volatile boolean requireKnownPeers;
    private volatile boolean closed;

    /**
     * Starts the transport: listens on the configured address and dials the static peers.
     *
     * @param settings the settings
     * @param nodeId this node's id
     * @param links the kernel's links
     * @param codec the payload codec
     * @throws IllegalStateException if it cannot listen (the port is taken, the address is not local)
     * @throws IllegalArgumentException if the TLS stores cannot be read
     */
    public TcpTransport(TransportSettings settings, String nodeId, Links links, PayloadCodec codec) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
        this.links = Objects.requireNonNull(links, "links");
        this.codec = Objects.requireNonNull(codec, "codec");
        this.counters = new Counters(nodeId, settings.limits().refusalLogIntervalMillis());
        this.handshakes = new Handshakes(nodeId, settings, links);
        this.data = new DataCodec(nodeId, codec, settings.maxFrameBytes(), counters);
        this.tls = settings.tls() == null ? null : TlsContexts.create(settings.tls());
        this.parkedReads = tls == null ? new ParkedReads(counters, this::takeLentReadsBack) : null;
        AtomicInteger threads = new AtomicInteger();
        this.group = new NioEventLoopGroup(settings.ioThreads(), r -> {
            Thread t = new Thread(r, "fos-tcp-" + nodeId + "-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        WriteBufferWaterMark marks = new WriteBufferWaterMark(settings.writeBufferLowWaterMarkBytes(),
                settings.writeBufferHighWaterMarkBytes());
        Bootstrap dialer = new Bootstrap().group(group).channelFactory((ChannelFactory<SenderWritable.Client>) SenderWritable.Client::new)
                .option(ChannelOption.ALLOCATOR, FRAME_BUFFERS)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.connectTimeoutMillis())
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, marks);
        this.dialler = new Dialler(nodeId, settings, counters, group, dialer, peers,
                (ch, node) -> pipeline(ch, new Connection(this, handshakes, data, true, node)));
        ServerBootstrap sb = new ServerBootstrap().group(group).channelFactory((ChannelFactory<SenderWritable.Server>) SenderWritable.Server::new)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.ALLOCATOR, FRAME_BUFFERS)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, marks)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        counters.accepted.increment();
                        Connection c = new Connection(TcpTransport.this, handshakes, data, false, null);
                        TransportSettings.Limits limits = settings.limits();
                        if (connections.size() >= limits.maxConnections()) {
                            c.refuseWhenActive(Fault.CONNECTION_LIMIT, "this node has " + connections.size()
                                    + " connections open, maxConnections is " + limits.maxConnections());
                        } else if (unauthenticated.incrementAndGet() > limits.maxUnauthenticatedConnections()) {
                            unauthenticated.decrementAndGet();
                            c.refuseWhenActive(Fault.HANDSHAKE_LIMIT, "this node has " + limits.maxUnauthenticatedConnections()
                                    + " accepted connections in their handshake (maxUnauthenticatedConnections)");
                        } else {
                            c.countUnauthenticated();
                        }
                        pipeline(ch, c);
                    }
                });
        try {
            ChannelFuture bound = sb.bind(settings.host(), settings.port()).awaitUninterruptibly();
            if (!bound.isSuccess()) {
                throw new IllegalStateException("the TCP transport of node " + nodeId + " cannot listen on " + settings.host() + ":"
                        + settings.port() + ": " + bound.cause(), bound.cause());
            }
            this.server = bound.channel();
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
        this.advertised = InetSocketAddress.createUnresolved(settings.publishedHost(), ((InetSocketAddress) server.localAddress()).getPort());
        LOG.info("node {}: TCP transport listening on {} (published as {}), cluster {}, TLS {}, peers {}, maxFrameBytes {}, {}", nodeId,
                server.localAddress(), endpoint(), settings.cluster(), tls != null ? "on (mutual)" : "off", handshakes.authentication(tls != null),
                settings.maxFrameBytes(), settings.limits());
        if (!settings.authenticatesPeers() && settings.client() == null
                && !((InetSocketAddress) server.localAddress()).getAddress().isLoopbackAddress()) {
            LOG.warn("node {}: the TCP transport has neither TLS nor a cluster secret (clusterSecret): any process that reaches {}"
                    + " can join as a node; use this only on a trusted network", nodeId, server.localAddress());
        }
        peers(CONFIG_PEERS, settings.peers());
    }

    private void pipeline(Channel ch, Connection connection) {
        ChannelPipeline p = ch.pipeline();
        if (tls != null) {
            SslHandler ssl = (connection.outbound() ? tls.client() : tls.server()).newHandler(ch.alloc());
            ssl.setHandshakeTimeoutMillis(settings.handshakeTimeoutMillis());
            p.addLast("tls", ssl);
        }
        // the connection looks for the peer's silence and sends its heartbeats by timers of its own: Netty's
        // idle detection would see neither the reads of waiting threads nor the writes of sending threads
        ReentrantLock reading = tls == null ? SenderWritable.reading(ch) : null;
        FrameDecoder decoder = new FrameDecoder(settings.maxFrameBytes(), connection, reading);
        connection.decoder(decoder, reading);
        p.addLast("frames", decoder);
        p.addLast("connection", connection);
        connections.add(connection);
    }

    // ---------------------------------------------------------------- Transport

    @Override
    public int cost(String node) {
        Connection c = active(node);
        return c != null && c.isEstablished() ? settings.cost() : -1;
    }

    /**
     * Reads, on the calling thread (a thread of this node that waits for a message), what the peers'
     * connections hold, where no one else reads them now and they are established without TLS, and
     * hands it on as the event loop would (ADR 0123): a reply to a caller that spins is read by the
     * caller, a request to a member that spins by the member, and no event loop has to wake to hand it
     * over. Each connection is read once, without waiting. Never blocks, never throws.
     *
     * @return the frames read
     */
    @Override
    public int assist() {
        Connection[] cs = assisting;
        int frames = 0;
        for (Connection c : cs) {
            frames += c.assist();
        }
        return frames;
    }

    /**
     * Hands a thread of this node about to park for a message from another node the transport's
     * reader (ADR 0124), if no other thread holds it: the thread waits until a peer's connection has
     * something to read, reads it itself as {@link #assist()} does, and so is woken by its own message
     * rather than by an event loop that read it. Over TLS only the event loops read: none.
     *
     * @return the reader, or null
     */
    @Override
    public ParkedReader parkedReader() {
        return parkedReads == null || closed ? null : parkedReads.take();
    }

    /** Whether the parked reader watches the sockets now (tests). */
    boolean parkedReaderWatching() {
        return parkedReads != null && parkedReads.watching();
    }

    /** Whether a thread waits in the parked reader: the event loops then lend their reads. */
    boolean parkedReaderHeld() {
        return parkedReads != null && parkedReads.held();
    }

    /** Whether a thread has waited in the parked reader so long that it gives the lent reads back when it leaves. */
    boolean parkedReaderHeldLong(long now) {
        return parkedReads != null && parkedReads.heldLong(now);
    }

    /** Every event loop that lent its reads of a peer's connection takes them back. */
    private void takeLentReadsBack() {
        for (Connection c : assisting) {
            c.takeReadsBackIfLent();
        }
    }

    @Override
    public boolean transmit(String node, long sequence, Message message) {
        Objects.requireNonNull(message, "message");
        Connection c = active(node);
        if (c == null) {
            counters.notConnected.increment();
            return false;
        }
        return c.transmit(sequence, message);
    }

    @Override
    public void acknowledge(String node, long sequence) {
        Connection c = active(node);
        if (c != null && c.isEstablished()) {
            c.acknowledge(sequence);
        }
    }

    /** The connection that carries the link to a node now, or null. */
    Connection active(String node) {
        Peer p = peers.get(node);
        return p == null ? null : p.active;
    }

    // ---------------------------------------------------------------- connections

    /**
     * Tells whether a node id is one this transport may keep state for: named by a source (the
     * membership, the static peers), or any while no membership is followed.
     *
     * @param node the node id a HELLO says
     * @return true if its HELLO may be taken
     */
    boolean knows(String node) {
        return !requireKnownPeers || dialler.names(node);
    }

    /**
     * Sets where revoked tickets are kept: a client's HELLO is refused ({@code BAD_TICKET}) if its
     * ticket's id was revoked, or if that cannot be told.
     *
     * @param revocations says why a ticket id was revoked, or null if it was not; null to check none
     */
    public void revocations(java.util.function.Function<String, String> revocations) {
        handshakes.revocations(revocations);
    }

    /**
     * Closes the connections of clients that proved a ticket, after it was revoked.
     *
     * @param ticketId the ticket's id
     * @param reason why, told to each client
     * @return how many connections were closed
     */
    public int closeClients(String ticketId, String reason) {
        int n = 0;
        for (Connection c : connections) {
            if (ticketId.equals(c.ticketId())) {
                c.refuse(Fault.BAD_TICKET, "ticket " + ticketId + " was revoked: " + reason);
                n++;
            }
        }
        return n;
    }

    /**
     * Tells whether a source (the membership, the static peers) names a node id: a client may not
     * take it.
     *
     * @param node the node id a client's HELLO says
     * @return true if it is a node's
     */
    boolean namedBySource(String node) {
        return dialler.names(node);
    }

    /**
     * Takes HELLOs from nodes only once a source (the membership) names them; clients are not
     * affected. Set while the node follows a membership.
     *
     * @param required whether to require it
     */
    public void requireKnownPeers(boolean required) {
        this.requireKnownPeers = required;
    }

    /** A connection this node dialled was refused, by either end: remembered for {@link #refusal}. */
    void refused(Connection c, String detail) {
        if (c.outbound() && c.expectedPeer() != null) {
            dialler.refused(c.expectedPeer(), detail);
        }
    }

    /**
     * Returns why the last connection to a dialled node was refused (by this end or by the node), if
     * none has been established since: a client reports it at once instead of waiting for a timeout.
     *
     * @param node the node
     * @return the reason, or null
     */
    public String refusal(String node) {
        return dialler.refusal(node);
    }

    /** An accepted connection is established or closed: it no longer counts as unauthenticated. */
    void releaseUnauthenticated(Connection c) {
        if (c.releaseUnauthenticated()) {
            unauthenticated.decrementAndGet();
        }
    }

    boolean isActive(Connection c) {
        return c.peerNode() != null && active(c.peerNode()) == c;
    }

    /** A connection finished its handshake: makes it the peer's active one, or closes it if another wins. */
    void establish(Connection c) {
        if (closed) {
            c.close();
            return;
        }
        Peer p = peers.computeIfAbsent(c.peerNode(), Peer::new);
        synchronized (p) {
            if (peers.get(p.node) != p) {
                // the peer's last connection closed and took its state with it meanwhile: start afresh
                establish(c);
                return;
            }
            Connection old = p.active;
            if (old != null && old.isOpen()) {
                counters.duplicateConnections.increment();
                if (!settings.authenticatesPeers()) {
                    // nobody proved who they are: a newcomer must not take an open link over
                    c.refuse(Fault.DUPLICATE_LINK, "node " + c.peerNode() + " has an open link to this node, and without TLS or a"
                            + " cluster secret a second connection cannot prove it is that node");
                    return;
                }
                if (!prefer(c, old)) {
                    LOG.debug("node {}: {} closed, {} is kept", nodeId, c, old);
                    c.close();
                    return;
                }
                LOG.debug("node {}: {} replaces {}", nodeId, c, old);
                old.close();
            }
            p.active = c;
            p.attempts = 0;
            p.refusal = null;
            releaseUnauthenticated(c);
            c.markEstablished();
            counters.established.increment();
            LOG.info("node {}: {} established, peer epoch {}", nodeId, c, Long.toHexString(c.peerEpoch()));
            links.connected(p.node, c.peerEpoch());
        }
        refreshAssisting();
    }

    /**
     * Runs a task on every event loop of this transport (for tests that must hold the event loops).
     *
     * @param task what to run on each
     * @return the event loops it was given to
     */
    int onEveryEventLoop(Runnable task) {
        int n = 0;
        for (io.netty.util.concurrent.EventExecutor loop : group) {
            loop.execute(task);
            n++;
        }
        return n;
    }

    /** Lists the peers' active connections again, for {@link #assist()}. */
    private void refreshAssisting() {
        synchronized (assistingLock) {
            assisting = peers.values().stream().map(p -> p.active).filter(Objects::nonNull).toArray(Connection[]::new);
            if (parkedReads != null) {
                parkedReads.watch(assisting);
            }
        }
    }

    /** Of two open connections to one peer, whether the new one should be kept. */
    private boolean prefer(Connection fresh, Connection old) {
        if (!fresh.initiator().equals(old.initiator())) {
            String smaller = nodeId.compareTo(fresh.peerNode()) < 0 ? nodeId : fresh.peerNode();
            return fresh.initiator().equals(smaller);
        }
        return true;
    }

    /** Delivers a message that arrived on a connection, if it is the peer's active one; -1 otherwise. */
    long deliver(Connection c, long sequence, Message m) {
        Peer p = peers.get(c.peerNode());
        if (p == null) {
            counters.staleFrames.increment();
            return -1;
        }
        synchronized (p) {
            if (p.active != c) {
                counters.staleFrames.increment();
                return -1;
            }
            ClientLimits limits = c.limits();
            long delivered = limits == null ? links.deliver(p.node, c.peerEpoch(), sequence, m)
                    : links.deliver(p.node, c.peerEpoch(), sequence, m, limits);
            if (delivered >= sequence) {
                counters.delivered.increment();
            }
            return delivered;
        }
    }

    /** Passes on an acknowledgement that arrived on a connection, if it is the peer's active one. */
    boolean acknowledged(Connection c, long sequence) {
        Peer p = peers.get(c.peerNode());
        if (p == null) {
            counters.staleFrames.increment();
            return false;
        }
        synchronized (p) {
            if (p.active != c) {
                counters.staleFrames.increment();
                return false;
            }
            links.acknowledged(p.node, sequence);
            return true;
        }
    }

    /** A connection that refused messages for want of room has room again: the kernel sends what waits. */
    void resume(Connection c) {
        Peer p = peers.get(c.peerNode());
        if (p == null) {
            return;
        }
        synchronized (p) {
            if (p.active == c && c.isEstablished()) {
                links.connected(p.node, c.peerEpoch());
            }
        }
    }

    /** A connection's channel closed. */
    void closed(Connection c) {
        connections.remove(c);
        String node = c.peerNode();
        Peer p = node == null ? null : peers.get(node);
        if (p == null) {
            return;
        }
        synchronized (p) {
            if (p.active == c) {
                p.active = null;
                LOG.info("node {}: {} closed", nodeId, c);
            }
            refreshAssisting();
            if (p.address == null && p.active == null && p.dialing == null && p.pendingDial == null) {
                // a client, or a node no source names: nothing of it stays once its connection is gone
                peers.remove(p.node, p);
                return;
            }
        }
        dialler.scheduleDial(p);
    }

    // ---------------------------------------------------------------- dialling

    /**
     * Sets the endpoints one source knows (the static {@code peers} setting, the cluster membership).
     * The transport dials every node of every source, except this one; where sources disagree the one
     * set first wins. A node no source names any more is not dialled again.
     *
     * @param source the source's name, for example {@value #CONFIG_PEERS} or {@code membership}
     * @param endpoints the endpoints by node id
     */
    public void peers(String source, Map<String, InetSocketAddress> endpoints) {
        dialler.peers(source, endpoints);
    }

    // ---------------------------------------------------------------- information

    /**
     * Returns the endpoint this node publishes: the advertised host and the port it listens on.
     *
     * @return {@code host:port}
     */
    public String endpoint() {
        String h = advertised.getHostString();
        return (h.indexOf(':') >= 0 ? "[" + h + "]" : h) + ":" + advertised.getPort();
    }

    /**
     * Returns the port the transport listens on.
     *
     * @return the port, never 0
     */
    public int port() {
        return advertised.getPort();
    }

    /**
     * Counts of one fault reason.
     *
     * @param fault the reason
     * @return how often it happened
     */
    public long faults(Fault fault) {
        return counters.count(fault);
    }

    /**
     * Returns the transport's state for the shell: endpoint, peers, connections and counters.
     *
     * @return a snapshot
     */
    public Map<String, Object> info() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("node", nodeId);
        out.put("listening", String.valueOf(server.localAddress()));
        out.put("endpoint", endpoint());
        out.put("cluster", settings.cluster());
        out.put("tls", tls != null);
        out.put("authentication", handshakes.authentication(tls != null));
        out.put("maxFrameBytes", settings.maxFrameBytes());
        out.put("limits", settings.limits().toString());
        out.put("unauthenticatedConnections", unauthenticated.get());
        out.put("bufferedBytes", bufferedBytes());
        Map<String, String> known = new java.util.TreeMap<>();
        for (Peer p : peers.values()) {
            Connection c = p.active;
            InetSocketAddress a;
            synchronized (p) {
                a = p.address;
            }
            known.put(p.node, (c != null && c.isEstablished() ? "connected" : "not connected") + (a == null ? "" : ", dials " + a.getHostString()
                    + ":" + a.getPort()));
        }
        out.put("peers", known);
        out.put("connections", connections());
        out.put("counters", counters.snapshot());
        return out;
    }

    /**
     * Returns the traffic with each peer: the sums over its connections (there may be two while a
     * duplicate is resolved), connected if one of them is established and active.
     *
     * @return one entry a peer this transport knows or has a connection with, by node id
     */
    public List<PeerStats> peerStats() {
        Map<String, Boolean> up = new HashMap<>();
        for (Peer p : peers.values()) {
            Connection c = p.active;
            up.put(p.node, c != null && c.isEstablished());
        }
        return ConnectionInfo.byPeer(up, connections());
    }

    /**
     * Returns the transport's counters: traffic totals, refusals and faults by reason.
     *
     * @return the counters, as {@code fos:transport} shows them
     */
    public Map<String, Long> counters() {
        return counters.snapshot();
    }

    /**
     * Returns what every open connection holds of frames not yet whole.
     *
     * @return bytes
     */
    public long bufferedBytes() {
        long n = 0;
        for (Connection c : connections) {
            n += c.buffered();
        }
        return n;
    }

    /**
     * Returns the number of open connections.
     *
     * @return the connections, dialled and accepted, in any state
     */
    public int connectionCount() {
        return connections.size();
    }

    /**
     * Returns the number of nodes and clients this transport keeps state for.
     *
     * @return the peers
     */
    public int peerCount() {
        return peers.size();
    }

    /**
     * Returns the open connections.
     *
     * @return one entry a connection, by peer
     */
    public List<ConnectionInfo> connections() {
        List<ConnectionInfo> out = new ArrayList<>();
        for (Connection c : connections) {
            out.add(c.info());
        }
        out.sort(Comparator.comparing(ConnectionInfo::peer).thenComparing(ConnectionInfo::direction));
        return out;
    }

    /** Stops listening, closes every connection and stops the event loops; waits up to a few seconds. */
    @Override
    public void close() {
        closed = true;
        dialler.close();
        server.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        for (Connection c : List.copyOf(connections)) {
            c.close();
        }
        if (parkedReads != null) {
            parkedReads.close(); // drops its keys, so that the closed sockets are released
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
        LOG.info("node {}: TCP transport stopped", nodeId);
    }

    @Override
    public String toString() {
        return "tcp transport of " + nodeId + " at " + endpoint();
    }
}
