package org.fos.transport.shm.impl;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.aeron.Aeron;
import io.aeron.CommonContext;
import io.aeron.ExclusivePublication;
import io.aeron.exceptions.AeronEvent;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.concurrent.ManyToOneConcurrentLinkedQueue;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.fos.kernel.spi.Links;
import org.fos.transport.api.FrameDescriptor;
import org.fos.transport.api.LinkChallenge;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state of the shared-memory links to the peers, run by the transport's agent: which peers are
 * linked, dialling their drivers (on the dial thread, with back-off), this node's HELLO and AUTH,
 * binding a session to its link, heartbeats, acknowledgements, timeouts and resets. When a link is
 * bound it tells the kernel ({@link Links#connected}); when a full log has room again it tells it too.
 * The frames that arrive are read by {@link ShmReader}. Agent thread only, except where a field of
 * {@link Peer} says otherwise.
 */
final class ShmPeers {
    /** How many delivered messages wait at most for their acknowledgement. */
    static final int ACK_BATCH = 64;
    /** How long a delivered message may wait for its acknowledgement. */
    static final long ACK_DELAY_MICROS = 100;
    private static final long ACK_DELAY_NANOS = TimeUnit.MICROSECONDS.toNanos(ACK_DELAY_MICROS);

    private static final Logger LOG = LoggerFactory.getLogger(ShmPeers.class);

    private final String nodeId;
    private final ShmSettings settings;
    private final Counters counters;
    private final Links links;
    private final LinkChallenge challenge;
    private final ShmCodec codec;
    private final ConcurrentHashMap<String, Peer> peers;
    private final Int2ObjectHashMap<Session> sessions;
    private final ExecutorService dialer;
    private final ManyToOneConcurrentLinkedQueue<Runnable> commands;
    private final List<Peer> agentPeers = new ArrayList<>();
    private volatile boolean closed;
    private long now;

    /**
     * @param peers the transport's peers, by node id
     * @param sessions the sessions of this node's stream (agent)
     * @param dialer the thread that dials and closes peers' drivers
     * @param commands the agent's queue, for what the dialer did
     */
    ShmPeers(String nodeId, ShmSettings settings, Counters counters, Links links, LinkChallenge challenge, ShmCodec codec,
            ConcurrentHashMap<String, Peer> peers, Int2ObjectHashMap<Session> sessions, ExecutorService dialer,
            ManyToOneConcurrentLinkedQueue<Runnable> commands) {
        this.nodeId = nodeId;
        this.settings = settings;
        this.counters = counters;
        this.links = links;
        this.challenge = challenge;
        this.codec = codec;
        this.peers = peers;
        this.sessions = sessions;
        this.dialer = dialer;
        this.commands = commands;
    }

    /** The agent's time of its current duty cycle. */
    void tick(long nowNanos) {
        now = nowNanos;
    }

    long now() {
        return now;
    }

    /** Takes the nodes of the membership chosen for links (a command the transport queued). */
    void applyPeers(Map<String, ShmEndpoint> chosen) {
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

    /**
     * Writes the acknowledgements due, one ACK a link. Delivered messages are acknowledged once
     * {@value #ACK_BATCH} wait, or once the oldest has waited {@value #ACK_DELAY_MICROS} us, not after
     * every read: in a ping-pong each ACK was a frame more for both sides to write and read than the
     * messages themselves. A gap, or an acknowledgement the kernel asked for, goes at once. The sender
     * keeps what is not acknowledged (its window is far larger than the batch), and the agent, which
     * flushes every duty cycle, runs at least every {@code idleParkMaxNanos}.
     *
     * @param now the clock ({@link System#nanoTime()})
     * @return the ACKs written
     */
    int flushAcks(long now) {
        int work = 0;
        for (int i = 0, n = agentPeers.size(); i < n; i++) {
            Peer p = agentPeers.get(i);
            long requested = p.ackRequested.get();
            long want = Math.max(p.ackWanted, requested);
            Outbound o = p.out;
            if (!p.established || o == null || (want <= p.ackSent && !p.gap)) {
                continue;
            }
            boolean due = p.gap || requested > p.ackSent || want - p.ackSent >= ACK_BATCH
                    || (p.unackedSince != 0 && now - p.unackedSince >= ACK_DELAY_NANOS);
            if (!due) {
                continue;
            }
            boolean gap = p.gap;
            if (p.control(o, b -> ShmFrames.ack(b, want, gap), counters) > 0) {
                p.ackSent = want;
                p.gap = false;
                p.unackedSince = 0;
                counters.acksSent.increment();
                work++;
            }
        }
        return work;
    }

    /** Resets broken links, dials, runs handshakes, heartbeats and timeouts. */
    void housekeeping(long nowNanos) {
        now = nowNanos;
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
                if (o != null || p.session != Peer.NO_SESSION) {
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
                if (p.control(o, b -> ShmFrames.hello(b, hello), counters) > 0) {
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
        if (now - o.lastWrite(now) >= TimeUnit.MILLISECONDS.toNanos(settings.heartbeatIntervalMillis())) {
            p.control(o, ShmFrames::heartbeat, counters);
        }
        if (p.resumeWanted && o.publication.availableWindow() > 0) {
            p.resumeWanted = false;
            links.connected(p.node, p.peerEpoch);
        }
    }

    /** Answers the HELLOs of the peer that came before this node's publication to it was ready. */
    private void answerWaitingHellos(Peer p, Outbound o) {
        for (Session s : sessions.values()) {
            if (s.state == Session.State.HELLO && p.node.equals(s.node) && s.answered != o) {
                answer(p, o, s);
            }
        }
    }

    /** Answers a session's HELLO with this node's proof, through the link's outbound. */
    void answer(Peer p, Outbound o, Session s) {
        byte[] proof = challenge.prove(new LinkChallenge.End(nodeId, links.epoch(), o.nonce), new LinkChallenge.End(s.node, s.epoch, s.nonce));
        if (p.control(o, b -> ShmFrames.auth(b, proof), counters) > 0) {
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
                        made = new Outbound(client, pub, nonce, e, startedNanos, codec, counters);
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
            dialer.execute(() -> o.close(nodeId));
            return;
        }
        p.out = o;
        p.state = "waiting for its subscription";
    }

    /** Closes the link's publication, unbinds its session and dials again after a back-off. */
    void reset(Peer p, Fault fault, String detail) {
        if (fault != null) {
            counters.fault(fault, "link to " + p.node, detail);
        }
        boolean was = p.established;
        p.established = false;
        if (p.session != Peer.NO_SESSION) {
            Session s = sessions.get(p.session);
            if (s != null) {
                s.state = Session.State.STALE;
            }
            p.session = Peer.NO_SESSION;
        }
        Outbound o = p.out;
        p.out = null;
        if (o != null) {
            dialer.execute(() -> o.close(nodeId));
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

    /**
     * A session proved this cluster's secret: it is bound to the peer's link, which is established,
     * and the kernel sends again what the link has not had acknowledged.
     */
    void bind(Peer p, Session s, Outbound o) {
        if (p.session != Peer.NO_SESSION && p.session != s.id) {
            Session old = sessions.get(p.session);
            if (old != null) {
                old.state = Session.State.STALE;
            }
        }
        s.state = Session.State.BOUND;
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

    /** Stops: no more dialling; every publication is closed (the dial thread has stopped). */
    void close() {
        closed = true;
        for (Peer p : peers.values()) {
            p.established = false;
            Outbound o = p.out;
            p.out = null;
            if (o != null) {
                o.close(nodeId);
            }
        }
    }
}
