package org.fos.transport.tcp.impl;

import static org.fos.transport.api.FrameDescriptor.BODY_LENGTH_OFFSET;
import static org.fos.transport.api.FrameDescriptor.FLAGS_OFFSET;
import static org.fos.transport.api.FrameDescriptor.HEADER_LENGTH;
import static org.fos.transport.api.FrameDescriptor.MAGIC;
import static org.fos.transport.api.FrameDescriptor.MAGIC_OFFSET;
import static org.fos.transport.api.FrameDescriptor.TYPE_OFFSET;
import static org.fos.transport.api.FrameDescriptor.VERSION;
import static org.fos.transport.api.FrameDescriptor.VERSION_OFFSET;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.fos.transport.api.FrameDescriptor;

/**
 * Cuts the byte stream into frames, checking each header field as soon as its bytes are there: a
 * connection that sends random bytes is refused after four, not after a whole header. Hands each
 * whole frame (header and body, a retained buffer the {@link Sink} releases) to the sink before it
 * cuts the next, so a frame is checked against the connection's state after the frames before it
 * (an AUTH that ends the handshake). After the first fault the rest of the input is discarded and
 * the sink closes the connection.
 *
 * <p>Two kinds of thread feed it, one at a time: the channel's event loop, whose reads arrive through
 * the pipeline, and a thread of the node that waits for a message and reads the socket itself
 * ({@link Connection#assist()}, ADR 0123). Whoever feeds it holds the channel's read lock
 * ({@link SenderWritable.Client#reading}) from the read of the bytes to the last frame handed on, so
 * the bytes of the stream are cut in the order they were read. The event loop takes that lock in
 * the channel's read and gives it back here, once what it read is handed on.
 */
final class FrameDecoder extends ChannelInboundHandlerAdapter {

    /** Where frames and faults go. */
    interface Sink {
        /**
         * A whole frame, checked as far as its header goes; the sink releases it.
         *
         * @param frame the frame's bytes, header and body
         */
        void frame(ByteBuf frame);

        /**
         * A fault that closes the connection.
         *
         * @param fault the reason
         * @param detail what was wrong
         */
        void refuse(Fault fault, String detail);

        /**
         * Tells whether the connection is still in its handshake: then only HELLO, AUTH and REFUSE
         * frames may come, and a frame of another type is refused from its header, before its body
         * is buffered.
         *
         * @return true until the connection is established
         */
        boolean handshaking();
    }

    /** What a waiting thread reads at most at once. */
    static final int READ_BYTES = 16 * 1024;

    private final int maxFrameBytes;
    private final Sink sink;
    /** What the channel's readers hold while they read and feed this decoder; null for a channel of another kind. */
    private final ReentrantLock reading;
    /** The bytes of a frame not yet whole; fed under the read lock. */
    private ByteBuf cumulation;
    /**
     * Where a waiting thread reads the socket into; kept while its reads find nothing, and filled again once
     * every frame of a read was handed on and none is held; under the read lock.
     */
    private ByteBuf readBuffer;
    /** Set under the read lock once the channel is gone: nothing is read or held any more. */
    private boolean gone;
    private boolean broken;
    /** What this decoder holds of a frame not yet whole, for {@code fos:transport}. */
    private volatile int buffered;
    /** When bytes last arrived, by either kind of reader: the heartbeat timeout looks at it. */
    private volatile long lastReadNanos = System.nanoTime();

    /**
     * @param maxFrameBytes the largest frame, header included
     * @param sink where frames and faults go
     * @param reading the channel's read lock, or null if only the event loop reads the channel
     */
    FrameDecoder(int maxFrameBytes, Sink sink, ReentrantLock reading) {
        this.maxFrameBytes = maxFrameBytes;
        this.sink = sink;
        this.reading = reading;
    }

    /** On the event loop: bytes read by the channel, which took the read lock for them. */
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            feed(in, ctx.alloc());
        } finally {
            releaseRead();
        }
    }

    /** On the event loop, once a read is over: the read lock is given back if a read left it held. */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        releaseRead();
        ctx.fireChannelReadComplete();
    }

    private void releaseRead() {
        if (reading != null) {
            while (reading.isHeldByCurrentThread()) {
                reading.unlock();
            }
        }
    }

    /**
     * Takes bytes read from the connection and hands on every frame they complete. The caller holds
     * the read lock (or is the event loop of a channel without one); the buffer is released.
     *
     * @param in the bytes read
     * @param alloc where a buffer for a frame not yet whole comes from
     * @return the frames handed on
     */
    int feed(ByteBuf in, ByteBufAllocator alloc) {
        lastReadNanos = System.nanoTime();
        if (broken) {
            in.release();
            return 0;
        }
        ByteBuf buf = cumulate(in, alloc);
        int frames = 0;
        try {
            while (!broken && buf.isReadable()) {
                int at = buf.readerIndex();
                int readable = buf.readableBytes();
                if (check(buf, at, readable) != null || readable < HEADER_LENGTH) {
                    break;
                }
                int frameLength = HEADER_LENGTH + buf.getInt(at + BODY_LENGTH_OFFSET);
                if (readable < frameLength) {
                    break;
                }
                ByteBuf frame = buf.retainedSlice(at, frameLength);
                buf.skipBytes(frameLength);
                frames++;
                sink.frame(frame);
            }
        } finally {
            if (broken || !buf.isReadable()) {
                buf.release();
                cumulation = null;
            } else {
                if (buf.refCnt() == 1) {
                    buf.discardSomeReadBytes(); // no frame of it is held any more
                }
                cumulation = buf;
            }
            ByteBuf c = cumulation;
            buffered = c == null ? 0 : c.readableBytes();
        }
        return frames;
    }

    /** The bytes not yet cut into frames, {@code in} after them; {@code in} is taken over or released. */
    private ByteBuf cumulate(ByteBuf in, ByteBufAllocator alloc) {
        ByteBuf c = cumulation;
        cumulation = null;
        if (c == null) {
            return in;
        }
        try {
            if (c.writableBytes() < in.readableBytes()) {
                ByteBuf bigger = alloc.ioBuffer(c.readableBytes() + in.readableBytes());
                bigger.writeBytes(c);
                c.release();
                c = bigger;
            }
            c.writeBytes(in);
            return c;
        } finally {
            in.release();
        }
    }

    /**
     * A waiting thread's read (see {@link Connection#assist()}), under the read lock: reads what the
     * socket holds, at most {@value #READ_BYTES} bytes, without waiting, and feeds it.
     *
     * @param socket the channel's socket, non-blocking
     * @param alloc where buffers come from
     * @return the frames handed on, or -1 at the end of the stream
     * @throws IOException if the socket fails; the event loop's next read fails too and closes the channel
     */
    int read(SocketChannel socket, ByteBufAllocator alloc) throws IOException {
        if (gone) {
            return 0;
        }
        ByteBuf b = readBuffer;
        if (b == null) {
            b = alloc.ioBuffer(READ_BYTES);
            readBuffer = b;
        }
        int n = b.writeBytes(socket, b.writableBytes());
        if (n < 0) {
            return -1; // the end of the stream, which the event loop reads again and closes on
        }
        if (n == 0) {
            return 0;
        }
        readBuffer = null;
        b.retain();
        int frames = feed(b, alloc);
        if (b.refCnt() == 1 && cumulation != b) {
            // every frame of it was handed on and none is held: the next read fills it again
            b.clear();
            readBuffer = b;
        } else {
            b.release();
        }
        return frames;
    }

    /**
     * Returns the bytes this decoder holds of frames not yet whole.
     *
     * @return the bytes, as of the last read
     */
    int buffered() {
        return buffered;
    }

    /** When bytes last arrived on the connection, by {@link System#nanoTime()}. */
    long lastReadNanos() {
        return lastReadNanos;
    }

    /** Checks the header fields that have arrived; reports the first fault and returns its text. */
    private String check(ByteBuf in, int at, int readable) {
        if (readable >= 4 && in.getInt(at + MAGIC_OFFSET) != MAGIC) {
            return fail(Fault.BAD_MAGIC, String.format("magic 0x%08x, expected 0x%08x", in.getInt(at + MAGIC_OFFSET), MAGIC));
        }
        if (readable > VERSION_OFFSET && in.getByte(at + VERSION_OFFSET) != VERSION) {
            return fail(Fault.BAD_VERSION, "protocol version " + (in.getByte(at + VERSION_OFFSET) & 0xFF) + ", this node speaks " + VERSION);
        }
        if (readable > TYPE_OFFSET && !FrameDescriptor.isKnownType(in.getByte(at + TYPE_OFFSET))) {
            return fail(Fault.BAD_TYPE, "frame type " + (in.getByte(at + TYPE_OFFSET) & 0xFF));
        }
        if (readable >= FLAGS_OFFSET + 2) {
            byte type = in.getByte(at + TYPE_OFFSET);
            int flags = in.getUnsignedShort(at + FLAGS_OFFSET);
            if ((flags & ~FrameDescriptor.allowedFlags(type)) != 0) {
                return fail(Fault.MALFORMED, String.format("flags 0x%04x on a %s frame", flags, FrameDescriptor.typeName(type)));
            }
        }
        if (readable > TYPE_OFFSET && sink.handshaking()) {
            byte type = in.getByte(at + TYPE_OFFSET);
            if (type != FrameDescriptor.TYPE_HELLO && type != FrameDescriptor.TYPE_AUTH && type != FrameDescriptor.TYPE_REFUSE) {
                return fail(Fault.UNEXPECTED_FRAME, FrameDescriptor.typeName(type) + " before the handshake is done");
            }
        }
        if (readable >= BODY_LENGTH_OFFSET + 4) {
            int body = in.getInt(at + BODY_LENGTH_OFFSET);
            if (body < 0 || body > maxFrameBytes - HEADER_LENGTH) {
                return fail(Fault.OVERSIZED, "body length " + Integer.toUnsignedString(body) + ", at most "
                        + (maxFrameBytes - HEADER_LENGTH) + " (maxFrameBytes " + maxFrameBytes + ")");
            }
            byte type = in.getByte(at + TYPE_OFFSET);
            if (!FrameDescriptor.isValidBodyLength(type, body)) {
                return fail(Fault.MALFORMED, "a " + FrameDescriptor.typeName(type) + " frame with a body of " + body + " bytes");
            }
        }
        return null;
    }

    private String fail(Fault fault, String detail) {
        broken = true;
        sink.refuse(fault, detail);
        return detail;
    }

    /**
     * On the event loop: the connection ended. A frame it ended in the middle of is a fault; what is
     * held is released, once no waiting thread is feeding the decoder.
     */
    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        endOnceFree(ctx, true);
        ctx.fireChannelInactive();
    }

    /** The channel is gone: what is held is released. */
    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        endOnceFree(ctx, false);
    }

    /**
     * Ends the decoder under the read lock. A waiting thread that holds the lock may be running a
     * delivery that takes its time (a mailbox that delivers directly runs its handler on the reading
     * thread): the event loop does not wait for it, but looks again in a millisecond.
     */
    private void endOnceFree(ChannelHandlerContext ctx, boolean truncationIsAFault) {
        if (reading != null && !reading.tryLock()) {
            try {
                ctx.executor().schedule(() -> endOnceFree(ctx, truncationIsAFault), 1, TimeUnit.MILLISECONDS);
                return;
            } catch (RejectedExecutionException stopping) {
                // the event loop is stopping: wait for the reader here, a bounded while
                try {
                    if (!reading.tryLock(1, TimeUnit.SECONDS)) {
                        return; // the transport stops: what the decoder holds stays unreleased
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        try {
            gone = true;
            releaseReadBuffer();
            ByteBuf c = cumulation;
            cumulation = null;
            buffered = 0;
            if (c != null) {
                int n = c.readableBytes();
                c.release();
                if (truncationIsAFault && !broken && n > 0) {
                    fail(Fault.TRUNCATED, "the connection ended " + n + " bytes into a frame");
                }
            }
        } finally {
            releaseRead();
        }
    }

    private void releaseReadBuffer() {
        ByteBuf b = readBuffer;
        readBuffer = null;
        if (b != null) {
            b.release();
        }
    }
}
