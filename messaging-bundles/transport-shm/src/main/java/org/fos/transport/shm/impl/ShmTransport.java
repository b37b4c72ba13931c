package org.fos.transport.shm.impl;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToIntFunction;

import io.aeron.Aeron;
import io.aeron.CommonContext;
import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Image;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.exceptions.AeronEvent;
import io.aeron.logbuffer.Header;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.ManyToOneConcurrentLinkedQueue;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.fos.kernel.api.Address;
import org.fos.kernel.api.Message;
import org.fos.kernel.spi.EncodedPayload;
import org.fos.kernel.spi.Links;
import org.fos.kernel.spi.PayloadCodec;
import org.fos.kernel.spi.Transport;
import org.fos.transport.api.FrameDescriptor;
import org.fos.transport.api.LinkChallenge;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared-memory transport of one node (ADR 0060, {@code docs/wire.md}): Aeron IPC between the node
 * processes of one machine. The node runs its own embedded media driver in a directory only its user
 * can enter, and subscribes there to one IPC stream; every peer writes the frames of its link to this
 * node into a log buffer of this node's driver (an exclusive publication, one session a peer), and this
 * node writes to each peer through the peer's driver in turn. The frames are those of the TCP
 * transport, one frame a message of the log.
 *
 * <p><b>Handshake.</b> When its publication to a peer is connected, a node writes HELLO (its id, epoch
 * and a fresh nonce); to every HELLO that comes in from a node the membership lists on this host it
 * answers AUTH, the proof over both nonces that it holds the cluster secret ({@link LinkChallenge}).
 * A peer's session is bound to its link when its AUTH checks out: then the transport reports the node
 * reachable and calls {@link Links#connected}. Frames of sessions that said no valid HELLO, or whose
 * proof did not check, are never delivered.
 *
 * <p><b>Failure.</b> A link is reset (the publication closed, the peer dialled again after a back-off)
 * when the peer's session ends, its driver stops answering, it reads nothing for
 * {@code heartbeatTimeoutMillis}, the handshake takes too long, or its session writes a bad frame.
 * Reliability is the kernel's: a reset loses at most what the kernel sends again.
 *
 * <p><b>Threads.</b> Kernel threads call {@link #transmit}: the frame is encoded and written into the
 * peer's log on the calling thread, under the publication's lock (no hand-off). One agent thread
 * ({@code fos-shm-<node>}) reads this node's stream, delivers, acknowledges in batches, and runs the
 * handshakes, heartbeats and timeouts; a second thread dials and closes peers' drivers, which may block.
 * Thread-safe; no method blocks except the constructor and {@link #close()}.
 */
public final class ShmTransport implements Transport, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ShmTransport.class);
    private static final int NO_SESSION = Integer.MIN_VALUE;
    private static final long HOUSEKEEPING_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final int FRAGMENTS_PER_POLL = 32;
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    final String nodeId;
    final ShmSettings settings;
    final Counters counters;
    private final PayloadCodec codec;
    private final Links links;
    private final LinkChallenge challenge;
    /** Why the transport links no node, or null when it runs. */
    private final String off;
    private final MediaDriver driver;
    private final Aeron aeron;
    private final Subscription subscription;
    private final FragmentAssembler assembler;
    private final AgentRunner runner;
    private final ExecutorService dialer;
    private final ShmEndpoint endpoint;
    private final ConcurrentHashMap<String, Peer> peers = new ConcurrentHashMap<>();
    private final ManyToOneConcurrentLinkedQueue<Runnable> commands = new ManyToOneConcurrentLinkedQueue<>();
    private final Set<Class<?>> unencodable = ConcurrentHashMap.newKeySet();
    /** Why each member of the membership is linked or not, for the shell. */
    private volatile Map<String, String> selection = Map.of();
    private volatile boolean closed;

    // ---------------------------------------------------------------- the agent's own state (one thread)
    private final Int2ObjectHashMap<Session> sessions = new Int2ObjectHashMap<>();
    private final List<Peer> agentPeers = new ArrayList<>();
    private long lastHousekeeping;
    private long now;

    /** One peer node; see the class comment for which thread owns which field. */
    private static final class Peer {
        final String node;
        /** Where to dial it; null when the membership no longer lists it here. Agent. */
        ShmEndpoint endpoint;
        /** The publication into its driver, or null. Written by the agent, read by kernel threads. */
        volatile Outbound out;
        volatile boolean established;
        /** A kernel thread found its log full: tell the kernel once there is room. */
        volatile boolean resumeWanted;
        /** Why another thread wants the link reset, or null. */
        volatile String broken;
        final AtomicLong ackRequested = new AtomicLong();
        int session = NO_SESSION;
        long peerEpoch;
        long lastReadNanos;
        long handshakeStartNanos;
        int attempts;
        long nextDialNanos;
        boolean dialling;
        long ackWanted;
        long ackSent;
        boolean gap;
        volatile String state = "new";

        Peer(String node) {
            this.node = node;
        }
    }

    /** This node's publication into one peer's driver, with the frame buffer and the stream window; guarded by itself. */
    private static final class Outbound {
        final Aeron client;
        final ExclusivePublication publication;
        final byte[] nonce;
        final ShmEndpoint endpoint;
        final long createdNanos;
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(4096);
        boolean helloSent;
        boolean hasWindow;
        boolean inOrder = true;
        long low;
        long high;
        volatile long lastWriteNanos;

        Outbound(Aeron client, ExclusivePublication publication, byte[] nonce, ShmEndpoint endpoint, long createdNanos) {
            this.client = client;
            this.publication = publication;
            this.nonce = nonce;
            this.endpoint = endpoint;
            this.createdNanos = createdNanos;
            this.lastWriteNanos = createdNanos;
        }
    }

    private enum SessionState { NEW, HELLO, BOUND, STALE, REFUSED }

    /** One publisher's log in this node's driver. Agent only. */
    private static final class Session {
        final int id;
        SessionState state = SessionState.NEW;
        String node;
        long epoch;
        byte[] nonce;
        int authFailures;
        /** The outbound through which this session's HELLO was answered. */
        Outbound answered;

        Session(int id) {
            this.id = id;
        }

        @Override
        public String toString() {
            return "session " + id + (node == null ? "" : " of " + node);
        }
    }

    /**
     * Starts the transport: makes its directory (owner only), launches the media driver and starts
     * reading. Without a cluster secret nothing is started and no node is linked.
     *
     * @param settings the settings
     * @param nodeId this node's id
     * @param links the kernel's links
     * @param codec the payload codec
     * @throws IllegalStateException if the directory is not this user's alone, or another driver runs in it
     */
    public ShmTransport(ShmSettings settings, String nodeId, Links links, PayloadCodec codec) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
        this.links = Objects.requireNonNull(links, "links");
        this.codec = Objects.requireNonNull(codec, "codec");
        this.counters = new Counters(nodeId);
        if (settings.secret() == null) {
            off = "no cluster secret is configured (clusterSecret): shared-memory links need one";
            challenge = null;
            driver = null;
            aeron = null;
            subscription = null;
            assembler = null;
            runner = null;
            dialer = null;
            endpoint = null;
            LOG.info("node {}: shared-memory transport off: {}", nodeId, off);
            return;
        }
        off = null;
        challenge = new LinkChallenge(settings.secret(), settings.cluster());
        Path dir = settings.directory();
        ownerOnlyParent(dir);
        removeDeadSiblings(dir, settings.driverTimeoutMillis());
        if (CommonContext.isDriverActive(dir.toFile(), settings.driverTimeoutMillis(), s -> { })) {
            throw new IllegalStateException("a media driver already runs in " + dir + ": is another node running from this node's"
                    + " folder? Set 'directory' to tell them apart");
        }
        MediaDriver.Context dc = new MediaDriver.Context()
                .aeronDirectoryName(dir.toString())
                .dirDeleteOnStart(true)
                .dirDeleteOnShutdown(true)
                .warnIfDirectoryExists(false)
                .threadingMode(ThreadingMode.SHARED)
                .sharedIdleStrategy(new BackoffIdleStrategy(1, 1, TimeUnit.MICROSECONDS.toNanos(10), TimeUnit.MILLISECONDS.toNanos(1)))
                .ipcTermBufferLength(settings.termBytes())
                .ipcPublicationTermWindowLength(settings.termBytes())
                .termBufferSparseFile(true)
                .clientLivenessTimeoutNs(TimeUnit.MILLISECONDS.toNanos(settings.driverTimeoutMillis()))
                .publicationUnblockTimeoutNs(TimeUnit.MILLISECONDS.toNanos(settings.driverTimeoutMillis() * 3))
                .imageLivenessTimeoutNs(TimeUnit.MILLISECONDS.toNanos(settings.driverTimeoutMillis()))
                .publicationLingerTimeoutNs(TimeUnit.MILLISECONDS.toNanos(100))
                .errorHandler(t -> LOG.warn("node {}: media driver: {}", nodeId, t.toString()));
        MediaDriver d = null;
        Aeron a = null;
        try {
            d = MediaDriver.launch(dc);
            Files.setPosixFilePermissions(dir, OWNER_ONLY);
            a = Aeron.connect(new Aeron.Context().aeronDirectoryName(dir.toString()).clientName("fos node " + nodeId)
                    .driverTimeoutMs(settings.driverTimeoutMillis()).idleStrategy(new SleepingMillisIdleStrategy(1))
                    .errorHandler(t -> LOG.warn("node {}: shared-memory client: {}", nodeId, t.toString())));
            subscription = a.addSubscription("aeron:ipc", settings.stream(), image -> { }, this::imageGone);
        } catch (IOException | RuntimeException e) {
            if (a != null) {
                a.close();
            }
            if (d != null) {
                d.close();
            }
            throw new IllegalStateException("node " + nodeId + " cannot start its shared-memory transport in " + dir + ": " + e, e);
        }
        driver = d;
        aeron = a;
        assembler = new FragmentAssembler(this::onFragment);
        endpoint = new ShmEndpoint(settings.hostId(), settings.stream(), dir);
        dialer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fos-shm-dial-" + nodeId);
            t.setDaemon(true);
            return t;
        });
        runner = new AgentRunner(new BackoffIdleStrategy(settings.idleSpins(), settings.idleYields(), 1_000, settings.idleParkMaxNanos()),
                t -> LOG.error("node {}: shared-memory agent failed: {}", nodeId, t.toString(), t), null, new ShmAgent());
        AgentRunner.startOnThread(runner, r -> {
            Thread t = new Thread(r, "fos-shm-" + nodeId);
            t.setDaemon(true);
            return t;
        });
        LOG.info("node {}: shared-memory transport in {} (host {}, stream {}, cluster {}, secret {}, terms of {} bytes)", nodeId, dir,
                settings.hostId(), settings.stream(), settings.cluster(), settings.secret().fingerprint(), settings.termBytes());
    }

    /** Makes the directory's parent, and makes sure only this user can enter it. */
    private static void ownerOnlyParent(Path dir) {
        Path parent = dir.getParent();
        try {
            if (!Files.isDirectory(parent)) {
                Files.createDirectories(parent, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            }
            String me = System.getProperty("user.name");
            String owner = Files.getOwner(parent).getName();
            if (!owner.equals(me)) {
                throw new IllegalStateException("the shared-memory folder " + parent + " belongs to " + owner + ", not to this node's user "
                        + me + ": another user could read the node's messages; remove it or set 'directory'");
            }
            Files.setPosixFilePermissions(parent, OWNER_ONLY);
        } catch (IOException | UnsupportedOperationException e) {
            throw new IllegalStateException("cannot make the shared-memory folder " + parent + " this user's alone: " + e, e);
        }
    }

    /**
     * Removes the directories that media drivers of this user left beside this one when their
     * process was killed: a directory whose driver no longer answers and whose control file has not
     * changed for ten driver timeouts. A live driver answers; a starting one has a fresh file.
     */
    private void removeDeadSiblings(Path dir, long driverTimeoutMillis) {
        long before = System.currentTimeMillis() - 10 * driverTimeoutMillis;
        try (var siblings = Files.list(dir.getParent())) {
            for (Path d : (Iterable<Path>) siblings::iterator) {
                Path cnc = d.resolve("cnc.dat");
                if (d.equals(dir) || !Files.isRegularFile(cnc) || Files.getLastModifiedTime(cnc).toMillis() > before) {
                    continue;
                }
                boolean alive;
                try {
                    alive = CommonContext.isDriverActive(d.toFile(), driverTimeoutMillis, s -> { });
                } catch (RuntimeException e) {
                    alive = false;
                }
                if (!alive) {
                    org.agrona.IoUtil.delete(d.toFile(), true);
                    LOG.info("node {}: removed {}, left by a media driver that no longer runs", nodeId, d);
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("node {}: cannot look for dead media drivers beside {}: {}", nodeId, dir, e.toString());
        }
    }

    // ---------------------------------------------------------------- Transport (any thread)

    @Override
    public int cost(String node) {
        Peer p = peers.get(node);
        return p != null && p.established ? settings.cost() : -1;
    }

    @Override
    public boolean transmit(String node, long sequence, Message message) {
        Objects.requireNonNull(message, "message");
        Peer p = peers.get(node);
        Outbound o = p == null ? null : p.out;
        if (o == null || !p.established) {
            counters.notConnected.increment();
            return false;
        }
        String to = message.to().address().node();
        if (!to.equals(node)) {
            throw new IllegalArgumentException("message for node " + to + " handed to the link to " + node);
        }
        synchronized (o) {
            if (o.inOrder && o.hasWindow && sequence >= o.low && sequence <= o.high) {
                counters.alreadyInLog.increment();
                return true;
            }
            if (o.inOrder && o.hasWindow && sequence > o.high + 1) {
                if (p.resumeWanted) {
                    counters.backpressured.increment();
                    return false;
                }
                // the numbers between went through another transport: this log's window starts again here
                o.hasWindow = false;
            }
            int length = encode(o.buffer, sequence, message, node);
            if (length < 0) {
                return false;
            }
            long r = offer(o, length);
            if (r < 0) {
                refused(p, o, r);
                return false;
            }
            if (!o.hasWindow) {
                o.hasWindow = true;
                o.low = sequence;
                o.high = sequence;
            } else if (sequence == o.high + 1) {
                o.high = sequence;
            } else {
                o.inOrder = false;
            }
            return true;
        }
    }

    @Override
    public void acknowledge(String node, long sequence) {
        Peer p = peers.get(node);
        if (p != null) {
            p.ackRequested.accumulateAndGet(sequence, Math::max);
        }
    }

    /** Encodes a DATA frame into the buffer; its length, or -1 (counted) if it cannot be sent. */
    private int encode(ExpandableArrayBuffer buffer, long sequence, Message m, String node) {
        int length;
        try {
            byte[] payload = m.payload() instanceof EncodedPayload e ? e.bytes() : codec.encode(m.payload());
            length = ShmFrames.data(buffer, sequence, m, payload);
        } catch (IllegalArgumentException e) {
            unencodable(m, node, e.getMessage());
            return -1;
        }
        if (length > settings.maxFrameBytes()) {
            unencodable(m, node, "a frame of " + length + " bytes is over maxFrameBytes " + settings.maxFrameBytes());
            return -1;
        }
        return length;
    }

    private void unencodable(Message m, String node, String why) {
        Class<?> type = m.payload() == null ? Void.class : m.payload().getClass();
        if (unencodable.add(type)) {
            LOG.warn("node {}: a message of type '{}' with a {} payload cannot be sent to {}: {}. The link to that node waits for it:"
                    + " allow the type in the codec on both nodes, or set the kernel's maxRemotePayloadBytes below maxFrameBytes.",
                    nodeId, m.type(), type.getName(), node, why);
        }
        counters.fault(Fault.UNENCODABLE_MESSAGE, node, why);
    }

    /** Under the outbound's lock: writes a frame from its buffer into the peer's log. */
    private long offer(Outbound o, int length) {
        long r;
        int tries = 0;
        do {
            r = o.publication.offer(o.buffer, 0, length);
        } while (r == Publication.ADMIN_ACTION && ++tries < 4);
        if (r > 0) {
            o.lastWriteNanos = System.nanoTime();
            counters.framesOut.increment();
            counters.bytesOut.add(length);
        }
        return r;
    }

    /**
     * A write the log refused: full (the kernel keeps the message; resume once there is room) or gone
     * (reset the link, unless the link has another publication already).
     */
    private void refused(Peer p, Outbound o, long result) {
        if (result == Publication.BACK_PRESSURED || result == Publication.ADMIN_ACTION) {
            counters.backpressured.increment();
            p.resumeWanted = true;
        } else {
            counters.notConnected.increment();
            if (p.out != o) {
                return;
            }
            p.broken = result == Publication.NOT_CONNECTED ? "its subscription went away" : result == Publication.CLOSED
                    ? "the publication to it was closed" : "its log is at its end (" + result + ")";
        }
    }

    /** The agent sends a frame the writer puts into the outbound's buffer; the offer's result. */
    private long control(Peer p, Outbound o, ToIntFunction<ExpandableArrayBuffer> writer) {
        long r;
        synchronized (o) {
            r = offer(o, writer.applyAsInt(o.buffer));
        }
        if (r < 0 && r != Publication.BACK_PRESSURED && r != Publication.ADMIN_ACTION) {
            refused(p, o, r);
        }
        return r;
    }

    // ---------------------------------------------------------------- membership (any thread)

    /**
     * Sets the nodes of the membership that publish a shared-memory endpoint. The transport links
     * those that publish this node's host id and are not excluded (unless {@code linkTo=none});
     * links to nodes no longer listed are closed.
     *
     * @param members the endpoints by node id (this node's own is ignored)
     */
    public void peers(Map<String, ShmEndpoint> members) {
        Map<String, ShmEndpoint> chosen = new LinkedHashMap<>();
        Map<String, String> why = new TreeMap<>();
        for (Map.Entry<String, ShmEndpoint> m : members.entrySet()) {
            String node = m.getKey();
            if (node.equals(nodeId)) {
                continue;
            }
            if (off != null) {
                why.put(node, "not linked: " + off);
            } else if (!settings.linkSameHost()) {
                why.put(node, "not linked: linkTo=none");
            } else if (settings.excludedNodes().contains(node)) {
                why.put(node, "not linked: excludedNodes names it");
            } else if (!m.getValue().host().equals(settings.hostId())) {
                why.put(node, "not linked: on host " + m.getValue().host() + ", this node on " + settings.hostId());
            } else {
                chosen.put(node, m.getValue());
                why.put(node, "linked through " + m.getValue().directory());
            }
        }
        selection = Map.copyOf(why);
        if (off == null) {
            commands.offer(() -> applyPeers(chosen));
        }
    }

    // ---------------------------------------------------------------- the agent

    /** The agent's duty cycle. */
    private final class ShmAgent implements Agent {
        @Override
        public int doWork() {
            int work = 0;
            Runnable c;
            while ((c = commands.poll()) != null) {
                c.run();
                work++;
            }
            now = System.nanoTime();
            work += subscription.poll(assembler, FRAGMENTS_PER_POLL);
            work += flushAcks();
            if (now - lastHousekeeping >= HOUSEKEEPING_NANOS) {
                lastHousekeeping = now;
                housekeeping();
            }
            return work;
        }

        @Override
        public String roleName() {
            return "fos-shm-" + nodeId;
        }
    }

    private void applyPeers(Map<String, ShmEndpoint> chosen) {
        for (Map.Entry<String, ShmEndpoint> c : chosen.entrySet()) {
            Peer p = peers.computeIfAbsent(c.getKey(), Peer::new);
            if (!agentPeers.contains(p)) {
                agentPeers.add(p);
            }
            p.endpoint = c.getValue();
        }
        for (Peer p : agentPeers) {
            if (!chosen.containsKey(p.node)) {
                p.endpoint = null;
            }
        }
    }

    private int flushAcks() {
        int work = 0;
        for (int i = 0, n = agentPeers.size(); i < n; i++) {
            Peer p = agentPeers.get(i);
            long want = Math.max(p.ackWanted, p.ackRequested.get());
            Outbound o = p.out;
            if (!p.established || o == null || (want <= p.ackSent && !p.gap)) {
                continue;
            }
            boolean gap = p.gap;
            if (control(p, o, b -> ShmFrames.ack(b, want, gap)) > 0) {
                p.ackSent = want;
                p.gap = false;
                counters.acksSent.increment();
                work++;
            }
        }
        return work;
    }

    private void housekeeping() {
        for (int i = 0; i < agentPeers.size(); i++) {
            Peer p = agentPeers.get(i);
            String broken = p.broken;
            if (broken != null) {
                p.broken = null;
                reset(p, Fault.PEER_GONE, broken);
                continue;
            }
            Outbound o = p.out;
            ShmEndpoint e = p.endpoint;
            if (e == null) {
                if (o != null || p.session != NO_SESSION) {
                    reset(p, null, "the membership no longer lists it on this host");
                }
                if (!p.dialling) {
                    agentPeers.remove(i--);
                    peers.remove(p.node, p);
                }
                continue;
            }
            if (o == null) {
                if (!p.dialling && now - p.nextDialNanos >= 0) {
                    dial(p, e);
                }
                continue;
            }
            if (!o.endpoint.equals(e)) {
                reset(p, null, "it publishes another endpoint now");
                continue;
            }
            handshakeOrHeartbeat(p, o);
        }
    }

    private void handshakeOrHeartbeat(Peer p, Outbound o) {
        long timeout = TimeUnit.MILLISECONDS.toNanos(settings.handshakeTimeoutMillis());
        if (!o.helloSent) {
            if (o.publication.isConnected()) {
                ShmFrames.Hello hello = new ShmFrames.Hello(nodeId, settings.cluster(), links.epoch(), FrameDescriptor.VERSION, o.nonce);
                if (control(p, o, b -> ShmFrames.hello(b, hello)) > 0) {
                    o.helloSent = true;
                    p.handshakeStartNanos = now;
                    p.state = "handshake";
                    answerWaitingHellos(p, o);
                }
            } else if (now - o.createdNanos > timeout) {
                reset(p, Fault.HANDSHAKE_TIMEOUT, "nothing reads stream " + o.endpoint.stream() + " in " + o.endpoint.directory()
                        + " after " + settings.handshakeTimeoutMillis() + " ms");
            }
            return;
        }
        if (!p.established) {
            if (now - p.handshakeStartNanos > timeout) {
                reset(p, Fault.HANDSHAKE_TIMEOUT, "no valid HELLO and AUTH within " + settings.handshakeTimeoutMillis() + " ms");
            }
            return;
        }
        if (!o.publication.isConnected()) {
            reset(p, Fault.PEER_GONE, "its subscription went away");
            return;
        }
        if (now - p.lastReadNanos > TimeUnit.MILLISECONDS.toNanos(settings.heartbeatTimeoutMillis())) {
            reset(p, Fault.HEARTBEAT_TIMEOUT, "nothing read for " + settings.heartbeatTimeoutMillis() + " ms");
            return;
        }
        if (now - o.lastWriteNanos >= TimeUnit.MILLISECONDS.toNanos(settings.heartbeatIntervalMillis())) {
            control(p, o, ShmFrames::heartbeat);
        }
        if (p.resumeWanted && o.publication.availableWindow() > 0) {
            p.resumeWanted = false;
            links.connected(p.node, p.peerEpoch);
        }
    }

    /** Answers the HELLOs of the peer that came before this node's publication to it was ready. */
    private void answerWaitingHellos(Peer p, Outbound o) {
        for (Session s : sessions.values()) {
            if (s.state == SessionState.HELLO && p.node.equals(s.node) && s.answered != o) {
                answer(p, o, s);
            }
        }
    }

    private void answer(Peer p, Outbound o, Session s) {
        byte[] proof = challenge.prove(new LinkChallenge.End(nodeId, links.epoch(), o.nonce), new LinkChallenge.End(s.node, s.epoch, s.nonce));
        if (control(p, o, b -> ShmFrames.auth(b, proof)) > 0) {
            s.answered = o;
        }
    }

    private void dial(Peer p, ShmEndpoint e) {
        p.dialling = true;
        p.state = "dialling " + e.directory();
        counters.dialled.increment();
        byte[] nonce = LinkChallenge.newNonce();
        long startedNanos = now;
        dialer.execute(() -> {
            Outbound made = null;
            String failure = null;
            try {
                File dir = e.directory().toFile();
                if (!dir.isDirectory()) {
                    failure = "there is no folder " + dir + " here";
                } else if (!CommonContext.isDriverActive(dir, settings.driverTimeoutMillis(), s -> { })) {
                    failure = "no media driver answers in " + dir;
                } else {
                    Aeron[] holder = new Aeron[1];
                    Aeron client = Aeron.connect(new Aeron.Context().aeronDirectoryName(dir.toString())
                            .clientName("fos node " + nodeId + " to " + p.node).driverTimeoutMs(settings.driverTimeoutMillis())
                            .idleStrategy(new SleepingMillisIdleStrategy(1))
                            .errorHandler(t -> clientFailed(p, holder, t)));
                    holder[0] = client;
                    try {
                        ExclusivePublication pub = client.addExclusivePublication("aeron:ipc?term-length=" + settings.termBytes(), e.stream());
                        made = new Outbound(client, pub, nonce, e, startedNanos);
                    } catch (RuntimeException x) {
                        client.close();
                        throw x;
                    }
                }
            } catch (RuntimeException x) {
                failure = x.toString();
            }
            Outbound o = made;
            String why = failure;
            commands.offer(() -> dialled(p, o, why));
        });
    }

    /** An error of the client connected to a peer's driver (its driver stopped answering, most often). */
    private void clientFailed(Peer p, Aeron[] holder, Throwable t) {
        if (t instanceof AeronEvent) {
            LOG.debug("node {}: the client to {}'s driver reports {}", nodeId, p.node, t.toString());
            return;
        }
        Outbound o = p.out;
        if (o != null && o.client == holder[0]) {
            p.broken = "its media driver: " + t;
        }
    }

    private void dialled(Peer p, Outbound o, String failure) {
        p.dialling = false;
        if (o == null) {
            counters.dialFailures.increment();
            p.attempts++;
            p.nextDialNanos = System.nanoTime() + backoff(p.attempts);
            p.state = "not linked: " + failure;
            LOG.debug("node {}: dialling {} failed: {}", nodeId, p.node, failure);
            return;
        }
        if (closed || p.endpoint == null || !p.endpoint.equals(o.endpoint) || p.out != null) {
            dialer.execute(() -> closeQuietly(o));
            return;
        }
        p.out = o;
        p.state = "waiting for its subscription";
    }

    /** Closes the link's publication, unbinds its session and dials again after a back-off. */
    private void reset(Peer p, Fault fault, String detail) {
        if (fault != null) {
            counters.fault(fault, "link to " + p.node, detail);
        }
        boolean was = p.established;
        p.established = false;
        if (p.session != NO_SESSION) {
            Session s = sessions.get(p.session);
            if (s != null) {
                s.state = SessionState.STALE;
            }
            p.session = NO_SESSION;
        }
        Outbound o = p.out;
        p.out = null;
        if (o != null) {
            dialer.execute(() -> closeQuietly(o));
        }
        p.ackSent = 0;
        p.gap = false;
        p.resumeWanted = false;
        p.attempts++;
        p.nextDialNanos = System.nanoTime() + backoff(p.attempts);
        p.state = "down: " + (fault == null ? "" : fault + ", ") + detail;
        if (was) {
            LOG.info("node {}: shared-memory link to {} down: {}", nodeId, p.node, detail);
        }
    }

    /** No delay before the first attempt; then exponential from reconnectMinMillis to reconnectMaxMillis, with jitter. */
    private long backoff(int attempts) {
        if (attempts <= 1) {
            return 0;
        }
        long max = settings.reconnectMaxMillis();
        long d = settings.reconnectMinMillis() << Math.min(attempts - 2, 30);
        if (d <= 0 || d > max) {
            d = max;
        }
        return TimeUnit.MILLISECONDS.toNanos(d / 2 + ThreadLocalRandom.current().nextLong(d / 2 + 1));
    }

    private void closeQuietly(Outbound o) {
        try {
            o.publication.close();
        } catch (RuntimeException e) {
            LOG.debug("node {}: closing a publication: {}", nodeId, e.toString());
        }
        try {
            o.client.close();
        } catch (RuntimeException e) {
            LOG.debug("node {}: closing a client: {}", nodeId, e.toString());
        }
    }

    // ---------------------------------------------------------------- reading (the agent)

    private void imageGone(Image image) {
        int id = image.sessionId();
        commands.offer(() -> {
            assembler.freeSessionBuffer(id);
            Session s = sessions.remove(id);
            if (s != null && s.state == SessionState.BOUND) {
                Peer p = peers.get(s.node);
                if (p != null && p.session == id) {
                    reset(p, Fault.PEER_GONE, "its session ended (it closed its publication or stopped)");
                }
            }
        });
    }

    private void onFragment(DirectBuffer buffer, int offset, int length, Header header) {
        int id = header.sessionId();
        Session s = sessions.get(id);
        if (s == null) {
            s = new Session(id);
            sessions.put(id, s);
            counters.sessions.increment();
        }
        counters.framesIn.increment();
        counters.bytesIn.add(length);
        switch (s.state) {
            case REFUSED -> {
                counters.refusedSessionFrames.increment();
                return;
            }
            case STALE -> {
                counters.staleFrames.increment();
                return;
            }
            default -> {
                // read it
            }
        }
        try {
            byte type = ShmFrames.check(buffer, offset, length, settings.maxBodyBytes());
            switch (s.state) {
                case NEW -> {
                    if (type != FrameDescriptor.TYPE_HELLO) {
                        throw new ShmFrames.FrameException(Fault.UNEXPECTED_FRAME, FrameDescriptor.typeName(type) + " before the HELLO");
                    }
                    onHello(s, ShmFrames.readHello(buffer, offset, length));
                }
                case HELLO -> {
                    if (type == FrameDescriptor.TYPE_AUTH) {
                        onAuth(s, ShmFrames.readAuth(buffer, offset, length));
                    } else if (type == FrameDescriptor.TYPE_HELLO) {
                        throw new ShmFrames.FrameException(Fault.UNEXPECTED_FRAME, "a second HELLO");
                    } else {
                        counters.unauthenticatedFrames.increment();
                    }
                }
                default -> onLinkFrame(s, type, buffer, offset, length);
            }
        } catch (ShmFrames.FrameException e) {
            refuse(s, e.fault(), e.getMessage());
        }
    }

    private void onHello(Session s, ShmFrames.Hello h) throws ShmFrames.FrameException {
        if (h.protocolVersion() != FrameDescriptor.VERSION) {
            throw new ShmFrames.FrameException(Fault.BAD_VERSION, "HELLO for protocol version " + h.protocolVersion());
        }
        if (!h.cluster().equals(settings.cluster())) {
            throw new ShmFrames.FrameException(Fault.WRONG_CLUSTER, "node " + h.nodeId() + " is in cluster '" + h.cluster()
                    + "', this node in '" + settings.cluster() + "'");
        }
        if (!Address.isValidNodeId(h.nodeId()) || h.epoch() == 0) {
            throw new ShmFrames.FrameException(Fault.MALFORMED, "HELLO with node id '" + h.nodeId() + "' and epoch " + h.epoch());
        }
        if (h.nodeId().equals(nodeId)) {
            throw new ShmFrames.FrameException(Fault.WRONG_NODE, "the writer says it is this node, " + nodeId);
        }
        if (h.nonce() == null) {
            throw new ShmFrames.FrameException(Fault.UNAUTHENTICATED, "a HELLO from " + h.nodeId() + " without a challenge");
        }
        s.state = SessionState.HELLO;
        s.node = h.nodeId();
        s.epoch = h.epoch();
        s.nonce = h.nonce();
        Peer p = peers.get(s.node);
        if (p == null || p.endpoint == null) {
            counters.fault(Fault.NOT_A_MEMBER, s, "node " + s.node + " is not a member on this host (yet); its HELLO waits");
            return;
        }
        if (p.established) {
            // the peer set its side up again: a new incarnation, or its link was reset; this side follows
            reset(p, p.peerEpoch != s.epoch ? Fault.PEER_RESTARTED : null, "it said HELLO again (epoch "
                    + Long.toHexString(s.epoch) + ")");
            return;
        }
        Outbound o = p.out;
        if (o != null && o.helloSent) {
            answer(p, o, s);
        }
    }

    private void onAuth(Session s, byte[] proof) {
        Peer p = peers.get(s.node);
        Outbound o = p == null ? null : p.out;
        if (o == null || !o.helloSent) {
            counters.unauthenticatedFrames.increment();
            return;
        }
        if (!challenge.verify(new LinkChallenge.End(s.node, s.epoch, s.nonce), new LinkChallenge.End(nodeId, links.epoch(), o.nonce), proof)) {
            counters.fault(Fault.AUTH_FAILED, s, "the proof of node " + s.node + " does not match this cluster's secret and this"
                    + " node's challenge");
            if (++s.authFailures >= 8) {
                refuse(s, Fault.AUTH_FAILED, "8 wrong proofs");
            }
            return;
        }
        if (s.answered != o) {
            answer(p, o, s);
        }
        if (p.session != NO_SESSION && p.session != s.id) {
            Session old = sessions.get(p.session);
            if (old != null) {
                old.state = SessionState.STALE;
            }
        }
        s.state = SessionState.BOUND;
        p.session = s.id;
        p.peerEpoch = s.epoch;
        p.lastReadNanos = now;
        p.ackSent = 0;
        p.attempts = 0;
        p.established = true;
        p.state = "established (session " + s.id + ", peer epoch " + Long.toHexString(s.epoch) + ")";
        counters.established.increment();
        LOG.info("node {}: shared-memory link to {} established through {}, peer epoch {}", nodeId, p.node, o.endpoint.directory(),
                Long.toHexString(s.epoch));
        links.connected(p.node, s.epoch);
    }

    private void onLinkFrame(Session s, byte type, DirectBuffer buffer, int offset, int length) throws ShmFrames.FrameException {
        Peer p = peers.get(s.node);
        if (p == null || p.session != s.id) {
            counters.staleFrames.increment();
            return;
        }
        p.lastReadNanos = now;
        switch (type) {
            case FrameDescriptor.TYPE_DATA -> onData(p, ShmFrames.readData(buffer, offset, length, nodeId));
            case FrameDescriptor.TYPE_ACK -> {
                ShmFrames.checkEmpty(buffer, offset, length, "ACK");
                counters.acksReceived.increment();
                long sequence = ShmFrames.sequence(buffer, offset);
                links.acknowledged(p.node, sequence);
                if ((ShmFrames.flags(buffer, offset) & FrameDescriptor.FLAG_GAP) != 0) {
                    rewind(p.out, sequence);
                }
            }
            case FrameDescriptor.TYPE_HEARTBEAT -> ShmFrames.checkEmpty(buffer, offset, length, "HEARTBEAT");
            default -> throw new ShmFrames.FrameException(Fault.UNEXPECTED_FRAME, FrameDescriptor.typeName(type) + " after the handshake");
        }
    }

    private void onData(Peer p, ShmFrames.Envelope e) {
        Object payload;
        try {
            payload = codec.decode(e.payload());
        } catch (IllegalArgumentException ex) {
            counters.fault(Fault.UNDECODABLE_PAYLOAD, "link from " + p.node, "message " + e.sequence() + " of type '" + e.type() + "': "
                    + ex.getMessage());
            p.gap = true;
            return;
        }
        Message m = new Message(e.from(), e.to(), e.replyTo(), e.correlationId(), e.type(), payload);
        long delivered = links.deliver(p.node, p.peerEpoch, e.sequence(), m);
        if (delivered >= e.sequence()) {
            counters.delivered.increment();
        }
        if (delivered > p.ackWanted) {
            p.ackWanted = delivered;
        }
        if (e.sequence() > delivered) {
            p.gap = true;
        }
    }

    /** The peer dropped frames after {@code acknowledged}: they must be written again. */
    private static void rewind(Outbound o, long acknowledged) {
        if (o == null) {
            return;
        }
        synchronized (o) {
            if (!o.inOrder || !o.hasWindow) {
                return;
            }
            if (acknowledged < o.low) {
                o.hasWindow = false;
            } else if (acknowledged < o.high) {
                o.high = acknowledged;
            }
        }
    }

    /** Refuses a session for a bad frame: it is read on and ignored; a link bound to it is reset. */
    private void refuse(Session s, Fault fault, String detail) {
        boolean bound = s.state == SessionState.BOUND;
        s.state = SessionState.REFUSED;
        counters.fault(fault, s, detail);
        if (bound) {
            Peer p = peers.get(s.node);
            if (p != null && p.session == s.id) {
                reset(p, null, "its session wrote a bad frame (" + fault + ")");
            }
        }
    }

    // ---------------------------------------------------------------- information

    /**
     * Returns the endpoint this node publishes, or null when the transport is off.
     *
     * @return the endpoint
     */
    public ShmEndpoint endpoint() {
        return endpoint;
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
     * Tells whether the link to a node is established.
     *
     * @param node the node
     * @return true if messages to it go through shared memory now
     */
    public boolean isLinked(String node) {
        return cost(node) >= 0;
    }

    @Override
    public Map<String, Object> info() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("node", nodeId);
        out.put("state", off == null ? (closed ? "closed" : "running") : "off: " + off);
        out.put("endpoint", endpoint == null ? "-" : endpoint.format());
        out.put("hostId", settings.hostId());
        out.put("cluster", settings.cluster());
        out.put("secret", settings.secret() == null ? "none" : settings.secret().fingerprint());
        out.put("maxFrameBytes", settings.maxFrameBytes());
        out.put("termBytes", settings.termBytes());
        out.put("members", new TreeMap<>(selection));
        Map<String, String> links = new TreeMap<>();
        for (Peer p : peers.values()) {
            links.put(p.node, p.state);
        }
        out.put("peers", links);
        out.put("counters", counters.snapshot());
        return out;
    }

    /** Stops reading, closes every publication, the client and the media driver (its files go with it). */
    @Override
    public void close() {
        if (off != null || closed) {
            closed = true;
            return;
        }
        closed = true;
        runner.close();
        dialer.shutdown();
        try {
            if (!dialer.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("node {}: the shared-memory dialler did not stop within 10 s", nodeId);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Peer p : peers.values()) {
            p.established = false;
            Outbound o = p.out;
            p.out = null;
            if (o != null) {
                closeQuietly(o);
            }
        }
        aeron.close();
        driver.close();
        LOG.info("node {}: shared-memory transport stopped", nodeId);
    }

    @Override
    public String toString() {
        return "shm transport of " + nodeId + (endpoint == null ? " (off)" : " in " + endpoint.directory());
    }
}
