package org.fos.transport.tcp.impl;

import java.net.SocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.ScheduledFuture;

import org.fos.kernel.api.Address;
import org.fos.kernel.api.Message;
import org.fos.kernel.spi.ClientLimits;
import org.fos.transport.api.FrameDescriptor;
import org.fos.transport.api.LinkChallenge;

/**
 * One TCP connection to a peer node, and the last handler of its pipeline: the handshake, the
 * frames that arrive, the output queue and the acknowledgements.
 *
 * <p><b>Threads.</b> Frames are read, and output is written, on the channel's event loop. Kernel
 * threads call {@link #transmit} and {@link #acknowledge}: they encode the frame on their own thread
 * and put it on a lock-free queue that one task on the event loop drains, writing a batch and flushing
 * once. The queue is bounded by bytes ({@code writeBufferHighWaterMarkBytes}), and it is drained only
 * while Netty's outbound buffer is under its own water mark, so a slow peer costs at most about twice
 * the high water mark of memory; beyond that {@code transmit} answers false and the kernel keeps the
 * message.
 *
 * <p><b>What is in the stream.</b> A live TCP connection carries what it took, in order, or breaks.
 * The connection remembers the contiguous range of sequence numbers it took; when the kernel sends a
 * number of that range again (its retransmit timer fired while the acknowledgement was still on its
 * way), the frame is not written twice. When the peer says it dropped frames (an ACK with the GAP
 * flag: its mailbox was full), the range is cut back so that they are written again. A number beyond
 * the range's end + 1 is refused while the connection is refusing messages for want of room (the peer
 * would drop it anyway); otherwise the numbers between went through another transport, and the range
 * starts again at this number.
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

    private final Queue<ByteBuf> queue = new ConcurrentLinkedQueue<>();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private volatile boolean refusedForCapacity;

    private final Object window = new Object();
    private boolean hasWindow;
    private boolean inOrder = true;
    private long low;
    private long high;

    /**
     * How long an acknowledgement may wait for a frame going the other way to ride along with (in the
     * same flush); far below the kernel's retransmit time.
     */
    private static final long ACK_DELAY_MICROS = 1_000;
    /** How long a refused connection waits for its REFUSE frame to be written before it closes anyway. */
    private static final long REFUSE_LINGER_MILLIS = 1_000;

    private final AtomicLong ackWanted = new AtomicLong();
    private long ackSent;
    private long gapAt = -1;
    private boolean ackTimer;

    private volatile long framesIn;
    private volatile long framesOut;
    private volatile long bytesIn;
    private volatile long bytesOut;

    /**
     * @param transport the owner
     * @param outbound whether this node dialled
     * @param expectedPeer the node dialled, or null for an accepted connection
     */
    Connection(TcpTransport transport, boolean outbound, String expectedPeer) {
        this.transport = transport;
        this.outbound = outbound;
        this.expectedPeer = expectedPeer;
        this.nonce = transport.challenges() ? LinkChallenge.newNonce() : null;
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

    void decoder(FrameDecoder d) {
        this.decoder = d;
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
                Instant.ofEpochMilli(establishedMillis == 0 ? createdMillis : establishedMillis).toString(), framesIn, framesOut, bytesIn, bytesOut,
                queuedBytes.get() + nettyBuffered(ch), ch != null && ch.isWritable());
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
        synchronized (window) {
            if (inOrder && hasWindow && sequence >= low && sequence <= high) {
                transport.counters.alreadyInStream.increment();
                return true;
            }
            if (inOrder && hasWindow && sequence > high + 1) {
                if (refusedForCapacity) {
                    transport.counters.backpressured.increment();
                    return false;
                }
                // the numbers between went through another transport (the link moved to it and back):
                // this connection's stream starts again here
                hasWindow = false;
            }
            if (queuedBytes.get() >= transport.settings.writeBufferHighWaterMarkBytes()) {
                refusedForCapacity = true;
                transport.counters.backpressured.increment();
                return false;
            }
            ByteBuf frame = transport.encode(this, sequence, message);
            if (frame == null) {
                return false;
            }
            if (!hasWindow) {
                hasWindow = true;
                low = sequence;
                high = sequence;
            } else if (sequence == high + 1) {
                high = sequence;
            } else {
                inOrder = false;
            }
            enqueue(frame);
            return true;
        }
    }

    /** Asks for an acknowledgement of everything up to {@code sequence}. */
    void acknowledge(long sequence) {
        ackWanted.accumulateAndGet(sequence, Math::max);
        scheduleDrain();
    }

    /** The peer dropped frames after {@code acknowledged}: they must be written again. */
    private void rewind(long acknowledged) {
        synchronized (window) {
            if (!inOrder || !hasWindow) {
                return;
            }
            if (acknowledged < low) {
                hasWindow = false;
            } else if (acknowledged < high) {
                high = acknowledged;
            }
        }
    }

    private void enqueue(ByteBuf frame) {
        queuedBytes.addAndGet(frame.readableBytes());
        queue.add(frame);
        scheduleDrain();
    }

    private void scheduleDrain() {
        if (drainScheduled.compareAndSet(false, true)) {
            ChannelHandlerContext c = ctx;
            try {
                c.executor().execute(this::drain);
            } catch (RejectedExecutionException e) {
                drainScheduled.set(false);
                releaseQueue();
            }
        }
    }

    /** On the event loop: writes what is queued while Netty's buffer has room, the due ACK, and flushes once. */
    private void drain() {
        drainScheduled.set(false);
        ChannelHandlerContext c = ctx;
        Channel ch = c.channel();
        if (!ch.isActive() || state == State.CLOSED) {
            releaseQueue();
            return;
        }
        boolean wrote = writeAck(c);
        int frames = 0;
        long bytes = 0;
        ByteBuf frame;
        while (ch.isWritable() && (frame = queue.poll()) != null) {
            int n = frame.readableBytes();
            queuedBytes.addAndGet(-n);
            bytes += n;
            frames++;
            c.write(frame, c.voidPromise());
        }
        if (frames > 0 || wrote) {
            c.flush();
        }
        if (frames > 0) {
            framesOut += frames;
            bytesOut += bytes;
            transport.counters.framesOut.add(frames);
            transport.counters.bytesOut.add(bytes);
        }
        if (refusedForCapacity && ch.isWritable() && queuedBytes.get() <= transport.settings.writeBufferLowWaterMarkBytes()) {
            refusedForCapacity = false;
            transport.resume(this);
        }
    }

    private boolean writeAck(ChannelHandlerContext c) {
        long want = ackWanted.get();
        boolean gap = gapAt >= 0 && gapAt == want;
        if (want <= ackSent && !gap) {
            return false;
        }
        c.write(Frames.ack(c.alloc(), want, gap), c.voidPromise());
        ackSent = want;
        gapAt = -1;
        transport.counters.acksSent.increment();
        countOut(FrameDescriptor.HEADER_LENGTH);
        return true;
    }

    /** Counts one frame written outside the batches of {@link #drain()}. */
    private void countOut(int bytes) {
        framesOut++;
        bytesOut += bytes;
        transport.counters.framesOut.increment();
        transport.counters.bytesOut.add(bytes);
    }

    private void releaseQueue() {
        ByteBuf frame;
        while ((frame = queue.poll()) != null) {
            queuedBytes.addAndGet(-frame.readableBytes());
            frame.release();
        }
    }

    // ---------------------------------------------------------------- the pipeline (event loop)

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        this.ctx = context;
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
        context.fireChannelActive();
    }

    /**
     * The dialling side speaks first; the accepting side answers with its own HELLO only once it has
     * accepted the dialler's, so a node it refuses never sees a handshake complete.
     */
    private boolean dialled() {
        return expectedPeer != null;
    }

    private void sendHello(ChannelHandlerContext context) {
        ByteBuf hello = Frames.hello(context.alloc(), transport.hello(nonce));
        countOut(hello.readableBytes());
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
        } else if (event instanceof IdleStateEvent idle) {
            switch (idle.state()) {
                case READER_IDLE -> refuse(state == State.ESTABLISHED ? Fault.HEARTBEAT_TIMEOUT : Fault.HANDSHAKE_TIMEOUT,
                        "nothing read for " + transport.settings.heartbeatTimeoutMillis() + " ms");
                case WRITER_IDLE -> {
                    if (state == State.ESTABLISHED) {
                        countOut(FrameDescriptor.HEADER_LENGTH);
                        context.writeAndFlush(Frames.heartbeat(context.alloc()), context.voidPromise());
                    }
                }
                default -> {
                    // all-idle is not configured
                }
            }
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object msg) {
        ByteBuf frame = (ByteBuf) msg;
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
                if (transport.acknowledged(this, sequence) && Frames.gap(frame)) {
                    rewind(sequence);
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
        if (hello.protocolVersion() != FrameDescriptor.VERSION) {
            throw new FrameException(Fault.BAD_VERSION, "HELLO for protocol version " + hello.protocolVersion());
        }
        if (!hello.cluster().equals(transport.settings.cluster())) {
            throw new FrameException(Fault.WRONG_CLUSTER, "node " + hello.nodeId() + " is in cluster '" + hello.cluster()
                    + "', this node in '" + transport.settings.cluster() + "'");
        }
        if (!Address.isValidNodeId(hello.nodeId()) || hello.epoch() == 0) {
            throw new FrameException(Fault.MALFORMED, "HELLO with node id '" + hello.nodeId() + "' and epoch " + hello.epoch());
        }
        if (hello.nodeId().equals(transport.nodeId)) {
            throw new FrameException(Fault.WRONG_NODE, "the peer says it is this node, " + hello.nodeId());
        }
        if (expectedPeer != null && !expectedPeer.equals(hello.nodeId())) {
            throw new FrameException(Fault.WRONG_NODE, "dialled node " + expectedPeer + " but " + hello.nodeId() + " answered");
        }
        if (hello.client() && (dialled() || transport.settings.client() != null)) {
            throw new FrameException(Fault.WRONG_NODE, "client " + hello.nodeId() + " where a node was expected"
                    + (dialled() ? " (this node dialled it)" : " (a client takes no clients)"));
        }
        if (hello.client() && transport.namedBySource(hello.nodeId())) {
            throw new FrameException(Fault.WRONG_NODE, "client " + hello.nodeId() + " takes the id of a node of the cluster");
        }
        challenge = transport.challengeFor(hello, nonce != null);
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
        byte[] proof = challenge.prove(new LinkChallenge.End(transport.nodeId, transport.epoch(), nonce), peerEnd);
        ByteBuf auth = Frames.auth(ctx.alloc(), proof);
        countOut(auth.readableBytes());
        ctx.writeAndFlush(auth, ctx.voidPromise());
    }

    private void onAuth(byte[] proof) throws FrameException {
        if (!challenge.verify(peerEnd, new LinkChallenge.End(transport.nodeId, transport.epoch(), nonce), proof)) {
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
        long sequence = Frames.sequence(frame);
        Frames.Envelope e = Frames.readData(frame, transport.nodeId);
        Object payload;
        try {
            payload = transport.codec.decode(e.payload());
        } catch (IllegalArgumentException ex) {
            transport.counters.fault(Fault.UNDECODABLE_PAYLOAD, this, "message " + sequence + " of type '" + e.type() + "': "
                    + ex.getMessage());
            gapAt = Math.max(ackWanted.get(), ackSent);
            return;
        }
        Message m = new Message(e.from(), e.to(), e.replyTo(), e.correlationId(), e.type(), payload);
        long delivered = transport.deliver(this, sequence, m);
        if (delivered < 0) {
            return;
        }
        ackWanted.accumulateAndGet(delivered, Math::max);
        if (sequence > delivered) {
            gapAt = delivered;
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext context) {
        boolean gap = gapAt >= 0;
        if (gap) {
            if (writeAck(context)) {
                context.flush();
            }
        } else if (ackWanted.get() > ackSent && !ackTimer) {
            ackTimer = true;
            context.executor().schedule(() -> {
                ackTimer = false;
                if (writeAck(context)) {
                    context.flush();
                }
            }, ACK_DELAY_MICROS, TimeUnit.MICROSECONDS);
        }
        context.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext context) {
        if (context.channel().isWritable()) {
            scheduleDrain();
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
        ScheduledFuture<?> linger = refuseLinger;
        if (linger != null) {
            // else the event loop holds this closed connection until the timer fires: under a flood of
            // refused HELLOs, a second's worth of them
            linger.cancel(false);
        }
        releaseQueue();
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
