package org.fos.transport.shm.impl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import io.aeron.Aeron;
import io.aeron.CommonContext;
import io.aeron.FragmentAssembler;
import io.aeron.Image;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;

import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.ManyToOneConcurrentLinkedQueue;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.fos.kernel.api.Message;
import org.fos.kernel.spi.Links;
import org.fos.kernel.spi.PayloadCodec;
import org.fos.kernel.spi.Transport;
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
 * <p><b>The rooms.</b> This class starts the driver, chooses the members to link, and is the kernel's
 * {@link Transport}. A message goes one way: out, {@link #transmit} hands it to the link's
 * {@link Outbound}, which encodes it with the {@link ShmCodec} it was given and writes it into the
 * peer's log; in, {@link ShmReader} checks each frame of this node's stream and hands DATA up to the
 * kernel's {@link Links}. The state of each link (dialling, HELLO and AUTH, heartbeats, resets) is
 * {@link ShmPeers}'s.
 *
 * <p><b>Threads.</b> Kernel threads call {@link #transmit}: the frame is encoded and written into the
 * peer's log on the calling thread, under the publication's lock (no hand-off). One agent thread
 * ({@code fos-shm-<node>}) reads this node's stream, delivers, acknowledges in batches, and runs the
 * handshakes, heartbeats and timeouts; a second thread dials and closes peers' drivers, which may block.
 * A kernel thread waiting for a message reads the stream itself while the agent does not
 * ({@link #assist()}), so that a reply reaches its caller with no thread woken; the agent and such a
 * thread take turns under one lock, which neither waits for: whoever finds it taken does something
 * else. While waiting threads read for themselves, the idle agent parks instead of spinning
 * ({@link AgentIdle}), leaving them the cores.
 * Thread-safe; no method blocks except the constructor and {@link #close()}.
 */
public final class ShmTransport implements Transport, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ShmTransport.class);
    private static final long HOUSEKEEPING_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final int FRAGMENTS_PER_POLL = 32;
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    final String nodeId;
    final ShmSettings settings;
    final Counters counters;
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
    /** Why each member of the membership is linked or not, for the shell. */
    private volatile Map<String, String> selection = Map.of();
    private volatile boolean closed;
    /**
     * Held by whoever reads this node's stream and runs the links' state: the agent for each duty
     * cycle, a waiting kernel thread for an {@link #assist()}. What follows is theirs alone.
     * Package-private for tests.
     */
    final ReentrantLock reading = new ReentrantLock();
    /** When a waiting thread last read something from the stream ({@link #assist()}); the agent stands back meanwhile ({@link AgentIdle}). */
    private volatile long lastAssisted = Long.MIN_VALUE;

    // ---------------------------------------------------------------- the agent's own state (one thread at a time, under reading)
    private final Int2ObjectHashMap<Session> sessions = new Int2ObjectHashMap<>();
    private final ShmPeers state;
    private final ShmReader reader;
    private long lastHousekeeping;

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
        Objects.requireNonNull(codec, "codec");
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
            state = null;
            reader = null;
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
        endpoint = new ShmEndpoint(settings.hostId(), settings.stream(), dir);
        dialer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fos-shm-dial-" + nodeId);
            t.setDaemon(true);
            return t;
        });
        ShmCodec frames = new ShmCodec(nodeId, codec, settings.maxFrameBytes(), counters);
        state = new ShmPeers(nodeId, settings, counters, links, challenge, frames, peers, sessions, dialer, commands);
        reader = new ShmReader(nodeId, settings, counters, links, challenge, frames, peers, sessions, state);
        assembler = new FragmentAssembler(reader::onFragment);
        runner = new AgentRunner(new AgentIdle(settings, () -> lastAssisted, System::nanoTime),
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
        long r = o.transmit(node, sequence, message, p.resumeWanted);
        if (r == Outbound.TAKEN) {
            return true;
        }
        if (r < 0 && r != Outbound.UNENCODABLE) {
            p.refused(o, r, counters);
        }
        return false;
    }

    /**
     * Reads this node's stream on the calling thread, a kernel thread waiting for a message, if no
     * one else reads it now: what arrived is checked and delivered exactly as the agent does, and
     * what was delivered is acknowledged. A reply to a caller that waits is thus read by the caller
     * itself, with no thread to wake on either side of the link. Never blocks, never throws.
     *
     * @return the frames read
     */
    @Override
    public int assist() {
        if (off != null || closed || !reading.tryLock()) {
            return 0;
        }
        try {
            if (closed) {
                return 0;
            }
            int work = subscription.poll(assembler, FRAGMENTS_PER_POLL);
            if (work > 0) {
                long now = System.nanoTime();
                lastAssisted = now;
                counters.assisted.add(work);
                state.flushAcks(now);
            }
            return work;
        } catch (RuntimeException e) {
            LOG.warn("node {}: reading the shared-memory stream on a waiting thread failed: {}", nodeId, e.toString(), e);
            return 0;
        } finally {
            reading.unlock();
        }
    }

    @Override
    public void acknowledge(String node, long sequence) {
        Peer p = peers.get(node);
        if (p != null) {
            p.ackRequested.accumulateAndGet(sequence, Math::max);
        }
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
            commands.offer(() -> state.applyPeers(chosen));
        }
    }

    // ---------------------------------------------------------------- the agent

    /** The agent's duty cycle. */
    private final class ShmAgent implements Agent {
        @Override
        public int doWork() {
            if (!reading.tryLock()) {
                // a waiting kernel thread reads the stream now; the next duty cycle does the rest
                return 0;
            }
            try {
                int work = 0;
                Runnable c;
                while ((c = commands.poll()) != null) {
                    c.run();
                    work++;
                }
                long now = System.nanoTime();
                state.tick(now);
                work += subscription.poll(assembler, FRAGMENTS_PER_POLL);
                work += state.flushAcks(now);
                if (now - lastHousekeeping >= HOUSEKEEPING_NANOS) {
                    lastHousekeeping = now;
                    state.housekeeping(now);
                }
                return work;
            } finally {
                reading.unlock();
            }
        }

        @Override
        public String roleName() {
            return "fos-shm-" + nodeId;
        }
    }

    /** A publisher's image went away: the agent frees its buffer and ends its session. */
    private void imageGone(Image image) {
        int id = image.sessionId();
        commands.offer(() -> {
            assembler.freeSessionBuffer(id);
            reader.sessionEnded(id);
        });
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
        // a waiting thread that is reading the stream now finishes before the client closes
        reading.lock();
        reading.unlock();
        dialer.shutdown();
        try {
            if (!dialer.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("node {}: the shared-memory dialler did not stop within 10 s", nodeId);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        state.close();
        aeron.close();
        driver.close();
        LOG.info("node {}: shared-memory transport stopped", nodeId);
    }

    @Override
    public String toString() {
        return "shm transport of " + nodeId + (endpoint == null ? " (off)" : " in " + endpoint.directory());
    }
}
