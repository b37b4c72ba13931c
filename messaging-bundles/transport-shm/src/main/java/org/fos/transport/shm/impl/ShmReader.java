package org.fos.transport.shm.impl;

import java.util.concurrent.ConcurrentHashMap;

import io.aeron.logbuffer.Header;
import org.agrona.DirectBuffer;
import org.agrona.collections.Int2ObjectHashMap;
import org.fos.kernel.api.Address;
import org.fos.kernel.api.Message;
import org.fos.kernel.spi.Links;
import org.fos.transport.api.FrameDescriptor;
import org.fos.transport.api.LinkChallenge;
import org.fos.transport.api.RecentStrings;

/**
 * Reads this node's stream, one session a publisher: checks every frame ({@link ShmFrames#check}),
 * takes a session's HELLO and AUTH, refuses a session that writes a bad frame (read on and ignored
 * from then, counted), and hands the DATA of a bound session up to the kernel's link table
 * ({@link Links#deliver}), noting what to acknowledge. Binding and resetting links is
 * {@link ShmPeers}'s. Agent thread only.
 */
final class ShmReader {
    private final String nodeId;
    private final ShmSettings settings;
    private final Counters counters;
    private final Links links;
    private final LinkChallenge challenge;
    private final ShmCodec codec;
    private final ConcurrentHashMap<String, Peer> peers;
    private final Int2ObjectHashMap<Session> sessions;
    private final ShmPeers state;
    /** The strings of the envelopes read last, for the envelopes that name them again. */
    private final RecentStrings<DirectBuffer> recent = new RecentStrings<>(DirectBuffer::getByte);
    /** What {@link ShmFrames#touchLines} read, kept so that its reads stay (never read otherwise). */
    private int touched;

    ShmReader(String nodeId, ShmSettings settings, Counters counters, Links links, LinkChallenge challenge, ShmCodec codec,
            ConcurrentHashMap<String, Peer> peers, Int2ObjectHashMap<Session> sessions, ShmPeers state) {
        this.nodeId = nodeId;
        this.settings = settings;
        this.counters = counters;
        this.links = links;
        this.challenge = challenge;
        this.codec = codec;
        this.peers = peers;
        this.sessions = sessions;
        this.state = state;
    }

    /** A publisher's session ended (its image went away): a link bound to it is reset. */
    void sessionEnded(int id) {
        Session s = sessions.remove(id);
        if (s != null && s.state == Session.State.BOUND) {
            Peer p = peers.get(s.node);
            if (p != null && p.session == id) {
                state.reset(p, Fault.PEER_GONE, "its session ended (it closed its publication or stopped)");
            }
        }
    }

    /** Reads one frame (a whole fragment) of a session of this node's stream. */
    void onFragment(DirectBuffer buffer, int offset, int length, Header header) {
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
        s.state = Session.State.HELLO;
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
            state.reset(p, p.peerEpoch != s.epoch ? Fault.PEER_RESTARTED : null, "it said HELLO again (epoch "
                    + Long.toHexString(s.epoch) + ")");
            return;
        }
        Outbound o = p.out;
        if (o != null && o.helloSent) {
            state.answer(p, o, s);
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
            state.answer(p, o, s);
        }
        state.bind(p, s, o);
    }

    private void onLinkFrame(Session s, byte type, DirectBuffer buffer, int offset, int length) throws ShmFrames.FrameException {
        Peer p = peers.get(s.node);
        if (p == null || p.session != s.id) {
            counters.staleFrames.increment();
            return;
        }
        p.lastReadNanos = state.now();
        switch (type) {
            case FrameDescriptor.TYPE_DATA -> {
                touched += ShmFrames.touchLines(buffer, offset, length);
                onData(p, ShmFrames.readData(buffer, offset, length, nodeId, recent));
            }
            case FrameDescriptor.TYPE_ACK -> {
                ShmFrames.checkEmpty(buffer, offset, length, "ACK");
                counters.acksReceived.increment();
                long sequence = ShmFrames.sequence(buffer, offset);
                links.acknowledged(p.node, sequence);
                if ((ShmFrames.flags(buffer, offset) & FrameDescriptor.FLAG_GAP) != 0) {
                    Outbound o = p.out;
                    if (o != null) {
                        o.rewind(sequence);
                    }
                }
            }
            case FrameDescriptor.TYPE_HEARTBEAT -> ShmFrames.checkEmpty(buffer, offset, length, "HEARTBEAT");
            default -> throw new ShmFrames.FrameException(Fault.UNEXPECTED_FRAME, FrameDescriptor.typeName(type) + " after the handshake");
        }
    }

    /** Hands a message up to the kernel's link table and notes what to acknowledge. */
    private void onData(Peer p, ShmFrames.Envelope e) {
        Message m = codec.decode(e, p.node);
        if (m == null) {
            p.gap = true;
            return;
        }
        long delivered = links.deliver(p.node, p.peerEpoch, e.sequence(), m);
        if (delivered >= e.sequence()) {
            counters.delivered.increment();
        }
        if (delivered > p.ackWanted) {
            p.ackWanted = delivered;
            if (p.unackedSince == 0) {
                p.unackedSince = System.nanoTime();
            }
        }
        if (e.sequence() > delivered) {
            p.gap = true;
        }
    }

    /** Refuses a session for a bad frame: it is read on and ignored; a link bound to it is reset. */
    private void refuse(Session s, Fault fault, String detail) {
        boolean bound = s.state == Session.State.BOUND;
        s.state = Session.State.REFUSED;
        counters.fault(fault, s, detail);
        if (bound) {
            Peer p = peers.get(s.node);
            if (p != null && p.session == s.id) {
                state.reset(p, null, "its session wrote a bad frame (" + fault + ")");
            }
        }
    }
}
