package org.fos.transport.tcp.impl;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.concurrent.ScheduledFuture;

import org.fos.kernel.api.Message;
import org.fos.kernel.spi.ClientLimits;
import org.fos.transport.api.FrameDescriptor;
import org.fos.transport.api.LinkChallenge;
import org.fos.transport.api.RecentStrings;

/**
 * One TCP connection to a peer node, and the last handler of its pipeline: the sequence of the
 * handshake (HELLO, AUTH), the frames that arrive, heartbeats and refusals. What it writes of the
 * link (DATA frames, the range of numbers in the stream, acknowledgements) is its {@link LinkStream};
 * the DATA frames are encoded and decoded by the {@link DataCodec} and the handshake's content is
 * checked by the {@link Handshakes} the transport hands it when it makes the connection.
 *
 * <p>A message goes one way through it: out, the transport gives it to {@link #transmit}, which hands
 * it to the stream (encoded on the sending thread, written on the event loop); in, a DATA frame is
 * decoded here and handed up to the transport ({@link TcpTransport#deliver}), which hands it to the
 * kernel's link table. Frames are read, and output is written, on the channel's event loop.
 */
final class Connection extends ChannelInboundHandlerAdapter implements FrameDecoder.Sink {

    /** HANDSHAKE: waiting for the peer's HELLO; AUTHENTICATING: for its AUTH; then ESTABLISHED, CLOSED. */
    enum State { HANDSHAKE, AUTHENTICATING, ESTABLISHED, CLOSED }

    private final TcpTransport transport;
    private final boolean outbound;
    private final String expectedPeer;
    private final long createdMillis = System.currentTimeMillis();
    private volatile ChannelHandlerContext ctx;
    private volatile State state = State.HANDSHAKE;
    private volatile String peerNode;
    private volatile long peerEpoch;
    private volatile long establishedMillis;
    private final AtomicBoolean closing = new AtomicBoolean();
    private ScheduledFuture<?> handshakeTimer;
    /** The next look at whether the connection stayed silent for a heartbeat interval; on the event loop. */
    private ScheduledFuture<?> heartbeatTimer;
    /** Closes a refused connection whose peer does not take the REFUSE frame; cancelled when it closes first. */
    private volatile ScheduledFuture<?> refuseLinger;
    /** This end's nonce when it challenges (a cluster secret, or a client ticket); null otherwise. */
    private final byte[] nonce;
    /** The challenge of this connection once the peer's HELLO chose it (the cluster's, or a ticket's); null without. */
    private LinkChallenge challenge;
    private LinkChallenge.End peerEnd;
    /** What the ticket of a client that proved one allows its messages; null for a node or a client without a ticket key. */
    private volatile ClientLimits limits;
    /** The id of the ticket a client proved; null for a node. */
    private volatile String ticketId;
    /** Whether the peer said it is a client. */
    private volatile boolean peerClient;
    /** Whether this accepted connection counts against maxUnauthenticatedConnections; cleared once. */
    private final AtomicBoolean unauthenticated = new AtomicBoolean();
    /** Why the transport refused this connection before its handshake began (a limit), or null. */
    private volatile Fault overLimit;
    private volatile String overLimitDetail;
    private volatile FrameDecoder decoder;
    /** The channel's read lock, held by whoever reads the socket (ADR 0123); null if only the event loop reads it. */
    private volatile ReentrantLock reading;
    /** DATA frames read since the last look by {@link #noteBatch}; under the read lock. */
    private int dataRead;
    /** Until when waiting threads leave the socket to the event loop: frames came in batches lately. */
    private volatile long streamingUntil = System.nanoTime();
    /** When a waiting thread last came to read this connection. */
    private volatile long lastAssistNanos = System.nanoTime() - (Long.MAX_VALUE >> 1);
    /** Whether the transport's parked reader watches this connection's socket (ADR 0124). */
    private volatile boolean watchedByParkedReader;
    /** Whether the event loop has stopped watching the socket for reads, waiting threads reading it; written on the event loop. */
    private volatile boolean readsLent;
    /** How many times the event loop lent its reads; on the event loop. */
    private long lendings;
    /** Set by a waiting thread that read the end of the stream or a failure: the event loop's to handle. */
    private volatile boolean ended;
    /** The next look at whether the peer stayed silent for the heartbeat timeout; on the event loop. */
    private ScheduledFuture<?> silenceTimer;
    private final Handshakes handshakes;
    private final DataCodec data;
    /** The strings this connection's DATA frames carried lately; used under the channel's read lock (or on the event loop, over TLS). */
    private final RecentStrings<ByteBuf> recentStrings = new RecentStrings<>(ByteBuf::getByte);
    private final LinkStream stream;

    /** The event loop lends its reads when a waiting thread came to read within this time before its own read. */
    static final long LEND_WHEN_ASSISTED_MICROS = 50;
    /** How often the event loop looks whether the waiting threads still read a connection it lent its reads to. */
    static final long LENT_CHECK_MICROS = 200;

    /** How long waiting threads leave a connection to the event loop after frames came in a batch. */
    static final long STREAMING_MICROS = 1_000;

    /** How long a refused connection waits for its REFUSE frame to be written before it closes anyway. */
    private static final long REFUSE_LINGER_MILLIS = 1_000;

    private volatile long framesIn;
    private volatile long bytesIn;

    /**
     * @param transport the owner
     * @param handshakes what this end says and checks in the handshake
     * @param data encodes and decodes DATA frames
     * @param outbound whether this node dialled
     * @param expectedPeer the node dialled, or null for an accepted connection
     */
    Connection(TcpTransport transport, Handshakes handshakes, DataCodec data, boolean outbound, String expectedPeer) {
        this.transport = transport;
        this.handshakes = handshakes;
        this.data = data;
        this.outbound = outbound;
        this.expectedPeer = expectedPeer;
        this.nonce = handshakes.challenges() ? LinkChallenge.newNonce() : null;
        this.stream = new LinkStream(this, data, transport.counters, transport.settings, () -> transport.resume(this));
    }

    /** Marks an accepted connection that counts against the unauthenticated limit until it is established or closed. */
    void countUnauthenticated() {
        unauthenticated.set(true);
    }

    /** Releases this connection's place among the unauthenticated ones, once. */
    boolean releaseUnauthenticated() {
        return unauthenticated.compareAndSet(true, false);
    }

    /** The transport refuses this accepted connection at once (a limit); it is told why when it becomes active. */
    void refuseWhenActive(Fault fault, String detail) {
        this.overLimitDetail = detail;
        this.overLimit = fault;
    }

    /**
     * Sets the connection's decoder and its channel's read lock, before the channel is active.
     *
     * @param d the decoder
     * @param lock the channel's read lock, or null if only the event loop reads the channel
     */
    void decoder(FrameDecoder d, ReentrantLock lock) {
        this.decoder = d;
        this.reading = lock;
    }

    /** What the decoder holds of unfinished frames. */
    int buffered() {
        FrameDecoder d = decoder;
        return d == null ? 0 : d.buffered();
    }

    boolean peerClient() {
        return peerClient;
    }

    @Override
    public boolean handshaking() {
        return state != State.ESTABLISHED;
    }

    // ---------------------------------------------------------------- queries

    boolean isEstablished() {
        return state == State.ESTABLISHED;
    }

    boolean isOpen() {
        return state != State.CLOSED && !closing.get();
    }

    boolean outbound() {
        return outbound;
    }

    String peerNode() {
        return peerNode;
    }

    /** The node this connection dialled, or null for an accepted one. */
    String expectedPeer() {
        return expectedPeer;
    }

    long peerEpoch() {
        return peerEpoch;
    }

    /** The node whose dial made this connection. */
    String initiator() {
        return outbound ? transport.nodeId : peerNode;
    }

    Channel channel() {
        ChannelHandlerContext c = ctx;
        return c == null ? null : c.channel();
    }

    ConnectionInfo info() {
        Channel ch = channel();
        SocketAddress remote = ch == null ? null : ch.remoteAddress();
        return new ConnectionInfo(peerNode == null ? (expectedPeer == null ? "?" : expectedPeer) : peerNode,
                String.valueOf(remote), outbound ? "out" : "in", state.name(), transport.isActive(this),
                Instant.ofEpochMilli(establishedMillis == 0 ? createdMillis : establishedMillis).toString(), framesIn, stream.framesOut(), bytesIn,
                stream.bytesOut(), stream.queuedBytes() + nettyBuffered(ch), ch != null && ch.isWritable());
    }

    private static long nettyBuffered(Channel ch) {
        io.netty.channel.ChannelOutboundBuffer b = ch == null ? null : ch.unsafe().outboundBuffer();
        return b == null ? 0 : b.totalPendingWriteBytes();
    }

    @Override
    public String toString() {
        Channel ch = channel();
        return (outbound ? "connection to " : "connection from ") + (peerNode != null ? peerNode : expectedPeer != null ? expectedPeer : "?")
                + " (" + (ch == null ? "-" : ch.remoteAddress()) + ")";
    }

    // ---------------------------------------------------------------- sending (any thread)

    /**
     * Takes a message of the link for the stream.
     *
     * @return true if it is in the stream (taken now or before), false if the kernel must keep it
     */
    boolean transmit(long sequence, Message message) {
        if (state != State.ESTABLISHED) {
            transport.counters.notConnected.increment();
            return false;
        }
        String to = message.to().address().node();
        if (!to.equals(peerNode)) {
            throw new IllegalArgumentException("message for node " + to + " handed to the link to " + peerNode);
        }
        return stream.transmit(sequence, message);
    }

    /** Asks for an acknowledgement of everything up to {@code sequence}. */
    void acknowledge(long sequence) {
        stream.acknowledge(sequence);
    }

    // ---------------------------------------------------------------- the pipeline (event loop)

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        this.ctx = context;
        stream.attach(context);
    }

    @Override
    public void channelActive(ChannelHandlerContext context) {
        Fault limit = overLimit;
        if (limit != null) {
            refuse(limit, overLimitDetail);
            context.fireChannelActive();
            return;
        }
        handshakeTimer = context.executor().schedule(() -> {
            if (state == State.HANDSHAKE || state == State.AUTHENTICATING) {
                refuse(Fault.HANDSHAKE_TIMEOUT, "no HELLO within " + transport.settings.handshakeTimeoutMillis() + " ms");
            }
        }, transport.settings.handshakeTimeoutMillis(), TimeUnit.MILLISECONDS);
        if (context.pipeline().get(SslHandler.class) == null && dialled()) {
            sendHello(context);
        }
        heartbeatAfter(context, TimeUnit.MILLISECONDS.toNanos(transport.settings.heartbeatIntervalMillis()));
        silenceAfter(context, TimeUnit.MILLISECONDS.toNanos(transport.settings.heartbeatTimeoutMillis()));
        context.fireChannelActive();
    }

    /** On the event loop: looks again in {@code nanos} whether the peer stayed silent too long. */
    private void silenceAfter(ChannelHandlerContext context, long nanos) {
        silenceTimer = context.executor().schedule(() -> refuseIfSilent(context), nanos, TimeUnit.NANOSECONDS);
    }

    /**
     * On the event loop: refuses the connection if nothing was read from it for the heartbeat timeout,
     * by the event loop or by a waiting thread (whose reads Netty does not see), else looks again when
     * the timeout would be reached.
     */
    private void refuseIfSilent(ChannelHandlerContext context) {
        FrameDecoder d = decoder;
        if (state == State.CLOSED || closing.get() || !context.channel().isActive() || d == null) {
            return;
        }
        long timeout = TimeUnit.MILLISECONDS.toNanos(transport.settings.heartbeatTimeoutMillis());
        long silent = System.nanoTime() - d.lastReadNanos();
        if (silent >= timeout) {
            refuse(state == State.ESTABLISHED ? Fault.HEARTBEAT_TIMEOUT : Fault.HANDSHAKE_TIMEOUT,
                    "nothing read for " + transport.settings.heartbeatTimeoutMillis() + " ms");
        } else {
            silenceAfter(context, timeout - silent);
        }
    }

    /** On the event loop: looks again in {@code nanos} whether a heartbeat is due. */
    private void heartbeatAfter(ChannelHandlerContext context, long nanos) {
        heartbeatTimer = context.executor().schedule(() -> heartbeatIfSilent(context), nanos, TimeUnit.NANOSECONDS);
    }

    /**
     * On the event loop: writes a heartbeat if nothing was written for a heartbeat interval (a sending
     * thread's writes included, which Netty does not see), then looks again an interval after the last write.
     */
    private void heartbeatIfSilent(ChannelHandlerContext context) {
        if (state == State.CLOSED || !context.channel().isActive()) {
            return;
        }
        long interval = TimeUnit.MILLISECONDS.toNanos(transport.settings.heartbeatIntervalMillis());
        long silent = System.nanoTime() - stream.lastWriteNanos();
        if (silent >= interval) {
            if (state == State.ESTABLISHED) {
                stream.heartbeat(context);
            }
            heartbeatAfter(context, interval);
        } else {
            heartbeatAfter(context, interval - silent);
        }
    }

    /**
     * The dialling side speaks first; the accepting side answers with its own HELLO only once it has
     * accepted the dialler's, so a node it refuses never sees a handshake complete.
     */
    private boolean dialled() {
        return expectedPeer != null;
    }

    private void sendHello(ChannelHandlerContext context) {
        ByteBuf hello = Frames.hello(context.alloc(), handshakes.hello(nonce));
        stream.countOut(hello.readableBytes());
        context.writeAndFlush(hello, context.voidPromise());
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext context, Object event) {
        if (event instanceof SslHandshakeCompletionEvent tls) {
            if (tls.isSuccess()) {
                if (dialled()) {
                    sendHello(context);
                }
            } else {
                refuse(Fault.TLS_REFUSED, "TLS handshake failed: " + tls.cause());
            }
        }
    }

    /**
     * A whole frame from the decoder, on the event loop or on a waiting thread that read it
     * ({@link #assist()}); either way under the channel's read lock, one frame at a time.
     */
    @Override
    public void frame(ByteBuf frame) {
        try {
            if (state == State.CLOSED || closing.get()) {
                return;
            }
            framesIn++;
            bytesIn += frame.readableBytes();
            transport.counters.framesIn.increment();
            transport.counters.bytesIn.add(frame.readableBytes());
            onFrame(frame);
        } catch (FrameException e) {
            refuse(e.fault(), e.getMessage());
        } finally {
            frame.release();
        }
    }

    /**
     * Lends the connection a thread of this node that waits for a message (ADR 0123): if the
     * connection is established without TLS and no one else reads it now, reads what the socket holds
     * (without waiting), cuts it into frames and hands them on exactly as the event loop would, and
     * sees the acknowledgement due. Never blocks, never throws.
     *
     * @return the frames read
     */
    int assist() {
        return Math.max(0, read(false));
    }

    /**
     * As {@link #assist()}, for a thread that waited in the transport's {@link ParkedReads} and was
     * woken because this connection's socket has something to read (ADR 0124).
     *
     * @return the frames read (0 if only part of a frame came, or if another thread reads the socket at
     *         this moment); -1 if this thread may not read the socket now (a stream is the event loop's, the
     *         connection ends)
     */
    int readParked() {
        return read(true);
    }

    /** The transport's parked reader watches (or no longer watches) this connection's socket. */
    void watchedByParkedReader(boolean watched) {
        watchedByParkedReader = watched;
    }

    /** Whether a thread waits in the transport's parked reader, which watches this connection's socket. */
    private boolean parkedReaderWatches() {
        return watchedByParkedReader && transport.parkedReaderHeld();
    }

    /** The socket a parked thread may wait on: the channel's, if others than the event loop may read it. */
    java.nio.channels.SocketChannel plainSocket() {
        ChannelHandlerContext c = ctx;
        return reading == null || c == null ? null : SenderWritable.socket(c.channel());
    }

    /**
     * {@link #assist()} and {@link #readParked()}: the frames read, or -1 if this thread may not read now (for a
     * parked thread, 0 while another thread reads).
     */
    private int read(boolean parked) {
        ReentrantLock lock = reading;
        FrameDecoder d = decoder;
        ChannelHandlerContext c = ctx;
        long now = System.nanoTime();
        if (lock == null || d == null || c == null || state != State.ESTABLISHED || closing.get() || ended || streaming(now)
                || lock.isHeldByCurrentThread()) {
            // a stream of frames is the event loop's to read in batches; and a thread that reads already,
            // and waits again inside a delivery, must not cut the stream twice
            return -1;
        }
        if (!lock.tryLock()) {
            if (parked) {
                // the event loop woke too and reads: a thread came, so it lends its reads next time; the parked
                // thread waits on in the reader (what the event loop delivers to it wakes it there)
                lastAssistNanos = now;
                return 0;
            }
            return -1;
        }
        lastAssistNanos = now;
        int frames = 0;
        try {
            SocketChannel s = SenderWritable.socket(c.channel());
            if (s == null || state != State.ESTABLISHED || closing.get()) {
                return -1;
            }
            frames = d.read(s, c.alloc());
            if (frames > 0) {
                noteBatch(now);
            } else if (frames < 0) {
                ended = true; // the event loop reads the end again and closes the channel
                takeReadsBack(c);
                return -1;
            }
        } catch (IOException e) {
            // the connection broke: the event loop's next read sees it too, and closes the channel
            ended = true;
            takeReadsBack(c);
            return -1;
        } catch (RuntimeException e) {
            refuse(Fault.IO_ERROR, "reading on a waiting thread: " + e);
            return -1;
        } finally {
            lock.unlock();
        }
        if (frames == 0) {
            return 0;
        }
        if (!parked) {
            transport.counters.readByWaitingThreads.add(frames);
        }
        stream.readComplete(c);
        return frames;
    }

    /**
     * Under the read lock, after a read: if it brought more than one DATA frame, messages come in a
     * stream, faster than one at a time, and for {@value #STREAMING_MICROS} us waiting threads leave
     * the socket to the event loop, which reads and hands on such a stream in batches; reading it a
     * frame at a time on waiting threads would cost a system call a frame on both sides.
     */
    private void noteBatch(long now) {
        if (dataRead > 1) {
            streamingUntil = now + TimeUnit.MICROSECONDS.toNanos(STREAMING_MICROS);
            ChannelHandlerContext c = ctx;
            if (c != null) {
                takeReadsBack(c);
            }
        }
        dataRead = 0;
    }

    /**
     * On the event loop, after a read that found the waiting threads at work on this connection: the
     * event loop stops watching the socket for reads ({@code autoRead} off), so that it is not woken for
     * every segment the waiting threads read themselves. It takes the reads back as soon as a stream
     * begins or the stream ends, and otherwise looks every {@value #LENT_CHECK_MICROS} us whether a
     * waiting thread came lately; what arrives while none comes waits at most that long.
     */
    private void lendReads(ChannelHandlerContext context) {
        long now = System.nanoTime();
        if (reading == null || readsLent || ended || state != State.ESTABLISHED || streaming(now)
                || now - lastAssistNanos >= TimeUnit.MICROSECONDS.toNanos(LEND_WHEN_ASSISTED_MICROS) && !parkedReaderWatches()) {
            return;
        }
        readsLent = true;
        transport.counters.readsLent.increment();
        context.channel().config().setAutoRead(false);
        watchLentReads(context, ++lendings);
    }

    /** On the event loop: one watch a lending ({@code lending}), which ends when the reads come back. */
    private void watchLentReads(ChannelHandlerContext context, long lending) {
        context.executor().schedule(() -> {
            if (!readsLent || lending != lendings) {
                return;
            }
            long now = System.nanoTime();
            if (context.channel().isOpen() && !ended && !streaming(now) && state == State.ESTABLISHED) {
                if (watchedByParkedReader && transport.parkedReaderHeldLong(now)) {
                    // a receiver waits in the parked reader for a quiet link: no looks every 200 us while it
                    // waits, it gives the reads back when it leaves (ParkedReads.HELD_LONG_NANOS)
                    return;
                }
                if (now - lastAssistNanos < TimeUnit.MICROSECONDS.toNanos(LENT_CHECK_MICROS) || parkedReaderWatches()) {
                    watchLentReads(context, lending);
                    return;
                }
            }
            readsLent = false;
            context.channel().config().setAutoRead(true);
        }, LENT_CHECK_MICROS, TimeUnit.MICROSECONDS);
    }

    /** Any thread: if the event loop lent its reads, it takes them back at once. */
    void takeReadsBackIfLent() {
        ChannelHandlerContext c = ctx;
        if (readsLent && c != null) {
            takeReadsBack(c);
        }
    }

    /** Any thread: the event loop watches the socket for reads again, at once. */
    private void takeReadsBack(ChannelHandlerContext context) {
        Runnable back = () -> {
            if (readsLent) {
                readsLent = false;
                context.channel().config().setAutoRead(true);
            }
        };
        if (context.executor().inEventLoop()) {
            back.run();
            return;
        }
        try {
            context.executor().execute(back);
        } catch (RejectedExecutionException stopping) {
            // the transport is stopping and closes every channel
        }
    }

    /** Whether frames came in batches lately (see {@link #noteBatch}). */
    private boolean streaming(long now) {
        return now - streamingUntil < 0;
    }

    private void onFrame(ByteBuf frame) throws FrameException {
        byte type = Frames.type(frame);
        if (type == FrameDescriptor.TYPE_REFUSE) {
            onRefusal(Frames.readRefusal(frame));
            return;
        }
        if (state == State.HANDSHAKE) {
            if (type != FrameDescriptor.TYPE_HELLO) {
                throw new FrameException(Fault.UNEXPECTED_FRAME, FrameDescriptor.typeName(type) + " before the HELLO");
            }
            onHello(Frames.readHello(frame));
            return;
        }
        if (state == State.AUTHENTICATING) {
            if (type != FrameDescriptor.TYPE_AUTH) {
                throw new FrameException(Fault.UNEXPECTED_FRAME, FrameDescriptor.typeName(type) + " before the AUTH");
            }
            onAuth(Frames.readAuth(frame));
            return;
        }
        switch (type) {
            case FrameDescriptor.TYPE_DATA -> onData(frame);
            case FrameDescriptor.TYPE_ACK -> {
                transport.counters.acksReceived.increment();
                long sequence = Frames.sequence(frame);
                // the stream first: once the kernel counts the message acknowledged, a sender finds the
                // connection idle (on a stale connection it is never asked)
                stream.acknowledged(sequence);
                if (transport.acknowledged(this, sequence) && Frames.gap(frame)) {
                    stream.rewind(sequence);
                }
            }
            case FrameDescriptor.TYPE_HEARTBEAT -> {
                // reading it was the point
            }
            default -> throw new FrameException(Fault.UNEXPECTED_FRAME, FrameDescriptor.typeName(type) + " after the handshake");
        }
    }

    /** The peer refused this connection and said why: remembered for the peer dialled (a client reports it at once). */
    private void onRefusal(Frames.Refusal r) {
        String who = peerNode != null ? peerNode : expectedPeer != null ? expectedPeer : "the peer";
        String detail = who + " refused the connection: " + r.fault() + ": " + r.detail();
        if (closing.compareAndSet(false, true)) {
            transport.counters.fault(Fault.REFUSED_BY_PEER, this, detail);
            transport.refused(this, detail);
            ctx.close();
        }
    }

    private void onHello(Frames.Hello hello) throws FrameException {
        handshakes.check(hello, expectedPeer);
        if (hello.client() && transport.namedBySource(hello.nodeId())) {
            throw new FrameException(Fault.WRONG_NODE, "client " + hello.nodeId() + " takes the id of a node of the cluster");
        }
        challenge = handshakes.challengeFor(hello);
        if (hello.client() && challenge != null && hello.claims() != null) {
            TicketClaims claims = TicketClaims.parse(hello.claims()); // checked by challengeFor
            limits = claims.limits();
            ticketId = claims.id();
        }
        if (!hello.client() && !dialled() && !transport.knows(hello.nodeId())) {
            throw new FrameException(Fault.NOT_A_MEMBER, "node " + hello.nodeId() + " is not a member this node knows of");
        }
        SslHandler tls = ctx.pipeline().get(SslHandler.class);
        if (tls != null) {
            List<String> names;
            try {
                names = TlsContexts.names(tls.engine().getSession());
            } catch (SSLPeerUnverifiedException e) {
                throw new FrameException(Fault.TLS_REFUSED, "no verified peer certificate: " + e.getMessage());
            }
            if (!names.contains(hello.nodeId())) {
                throw new FrameException(Fault.CERTIFICATE_MISMATCH, "the peer says it is node " + hello.nodeId()
                        + " but its certificate names " + names);
            }
        }
        peerNode = hello.nodeId();
        peerEpoch = hello.epoch();
        peerClient = hello.client();
        if (!dialled()) {
            sendHello(ctx);
        }
        if (challenge == null) {
            handshakeDone();
            return;
        }
        peerEnd = new LinkChallenge.End(hello.nodeId(), hello.epoch(), hello.nonce());
        state = State.AUTHENTICATING;
        if (!dialled()) {
            // the accepting side proves first; the dialling side answers once it has checked that proof
            sendAuth();
        }
    }

    private void sendAuth() {
        byte[] proof = challenge.prove(handshakes.self(nonce), peerEnd);
        ByteBuf auth = Frames.auth(ctx.alloc(), proof);
        stream.countOut(auth.readableBytes());
        ctx.writeAndFlush(auth, ctx.voidPromise());
    }

    private void onAuth(byte[] proof) throws FrameException {
        if (!challenge.verify(peerEnd, handshakes.self(nonce), proof)) {
            throw new FrameException(Fault.AUTH_FAILED, (peerClient ? "client " + peerNode + " did not prove its ticket's key"
                    : "node " + peerNode + " did not prove this cluster's secret") + " (another secret, or changed claims)");
        }
        if (dialled()) {
            sendAuth();
        }
        handshakeDone();
    }

    private void handshakeDone() {
        if (handshakeTimer != null) {
            handshakeTimer.cancel(false);
        }
        transport.establish(this);
    }

    /**
     * Returns what the peer's ticket allows its messages.
     *
     * @return the limits, or null for a node (or a client of a node without a cluster secret)
     */
    ClientLimits limits() {
        return limits;
    }

    /** The id of the ticket the peer proved, or null for a node (or a client without a ticket key). */
    String ticketId() {
        return ticketId;
    }

    /** Called by the transport under the peer's lock once this connection is the peer's active one. */
    void markEstablished() {
        establishedMillis = System.currentTimeMillis();
        state = State.ESTABLISHED;
    }

    private void onData(ByteBuf frame) throws FrameException {
        dataRead++;
        long sequence = Frames.sequence(frame);
        Message m = data.decode(this, sequence, frame, recentStrings);
        if (m == null) {
            stream.undelivered();
            return;
        }
        long delivered = transport.deliver(this, sequence, m);
        if (delivered >= 0) {
            stream.delivered(sequence, delivered);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext context) {
        ReentrantLock lock = reading;
        if (lock != null && lock.tryLock()) {
            // else a waiting thread reads now, and looks at what came since with its own read
            try {
                noteBatch(System.nanoTime());
            } finally {
                lock.unlock();
            }
        }
        lendReads(context);
        stream.readComplete(context);
        context.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext context) {
        if (context.channel().isWritable()) {
            stream.scheduleDrain();
        }
        context.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) {
        state = State.CLOSED;
        transport.releaseUnauthenticated(this);
        if (handshakeTimer != null) {
            handshakeTimer.cancel(false);
        }
        if (heartbeatTimer != null) {
            heartbeatTimer.cancel(false);
        }
        if (silenceTimer != null) {
            silenceTimer.cancel(false);
        }
        ScheduledFuture<?> linger = refuseLinger;
        if (linger != null) {
            // else the event loop holds this closed connection until the timer fires: under a flood of
            // refused HELLOs, a second's worth of them
            linger.cancel(false);
        }
        stream.close();
        transport.closed(this);
        context.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
        Throwable c = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        refuse(c instanceof SSLException ? Fault.TLS_REFUSED : Fault.IO_ERROR, c.toString());
    }

    /**
     * Refuses the connection: counts the fault, tells the peer why in a REFUSE frame where it can
     * read one (no TLS, or TLS done), and closes.
     */
    @Override
    public void refuse(Fault fault, String detail) {
        if (closing.compareAndSet(false, true)) {
            transport.counters.fault(fault, this, detail);
            transport.refused(this, fault + ": " + detail);
            ChannelHandlerContext c = ctx;
            if (c == null) {
                return;
            }
            if (fault != Fault.IO_ERROR && fault != Fault.TLS_REFUSED && c.channel().isActive() && c.channel().isWritable() && tlsDone(c)) {
                c.writeAndFlush(Frames.refuse(c.alloc(), fault.name(), detail)).addListener(done -> c.close());
                // a peer that reads nothing must not keep the connection open by not taking the REFUSE
                refuseLinger = c.executor().schedule(() -> {
                    c.close();
                }, REFUSE_LINGER_MILLIS, TimeUnit.MILLISECONDS);
            } else {
                c.close();
            }
        }
    }

    private static boolean tlsDone(ChannelHandlerContext c) {
        SslHandler tls = c.pipeline().get(SslHandler.class);
        return tls == null || tls.handshakeFuture().isSuccess();
    }

    /** Closes without counting a fault (this node is stopping, or another connection to the peer won). */
    void close() {
        if (closing.compareAndSet(false, true)) {
            ChannelHandlerContext c = ctx;
            if (c != null) {
                c.close();
            }
        }
    }
}
