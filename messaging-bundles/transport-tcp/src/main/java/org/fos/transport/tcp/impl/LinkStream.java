package org.fos.transport.tcp.impl;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.handler.ssl.SslHandler;
import org.fos.kernel.api.Message;
import org.fos.transport.api.FrameDescriptor;
import org.fos.transport.api.StreamWindow;

/**
 * What one {@link Connection} writes of its link: DATA frames through a queue bounded by bytes, the
 * range of sequence numbers already in the stream, and the acknowledgements due to the peer.
 *
 * <p><b>Threads.</b> Kernel threads call {@link #transmit} and {@link #acknowledge}: they encode the
 * frame on their own thread (with the {@link DataCodec} handed down). While the connection is idle
 * (nothing queued, nothing in Netty's outbound buffer, no other frame unacknowledged) and
 * not encrypted, the sending thread writes the frame to the socket itself, with the acknowledgement
 * that is due, and the event loop is not woken (ADR 0101): both go into a buffer the stream keeps for
 * it and leave in one write (ADR 0125); what the socket does not take at once is copied out and
 * queued. Otherwise the frame goes on a lock-free queue that one task on the event loop drains,
 * writing a batch and flushing once. Every write of the stream, on the event loop or not, holds the
 * window's lock, so frames never interleave and leave in the order they were taken. The queue is
 * bounded by bytes ({@code writeBufferHighWaterMarkBytes}), and it is drained only while Netty's
 * outbound buffer is under its own water mark, so a slow peer costs at most about twice the high
 * water mark of memory; beyond that {@code transmit} answers false and the kernel keeps the message.
 * When the queue is down to the low water mark again, {@code onRoom} runs (the kernel then sends what
 * waits).
 *
 * <p><b>What is in the stream.</b> A live TCP connection carries what it took, in order, or breaks:
 * the {@link StreamWindow} keeps a number the kernel sends again from being written twice, and an ACK
 * with the GAP flag (the peer's mailbox was full) cuts it back so that the dropped frames are written
 * again ({@link #rewind}).
 *
 * <p><b>Acknowledgements.</b> What the reading side delivered ({@link #delivered}) is acknowledged
 * with the next batch of frames, or after at most {@value #ACK_DELAY_MICROS} microseconds; a gap (a
 * message not delivered) is acknowledged at once with the GAP flag.
 */
final class LinkStream {
    /**
     * How long an acknowledgement may wait for a frame going the other way to ride along with (in the
     * same flush); far below the kernel's retransmit time.
     */
    static final long ACK_DELAY_MICROS = 1_000;

    /**
     * The most frames, the one to send included, that may be unacknowledged for a sending thread to write
     * to the socket itself: more in flight make a stream, which the event loop writes in batches.
     */
    static final int IDLE_IN_FLIGHT = 1;

    /**
     * The bytes of the buffer a sending thread writes its acknowledgement and DATA frame from, one the
     * stream keeps; larger frames go into a buffer of their own.
     */
    static final int OUT_BYTES = 16 * 1024;

    private final Object where;
    private final DataCodec codec;
    private final Counters counters;
    private final TransportSettings settings;
    private final Runnable onRoom;
    private volatile ChannelHandlerContext ctx;
    /** The plain socket a sending thread may write itself; null over TLS. */
    private volatile SocketChannel socket;
    private volatile boolean closed;

    private final Queue<ByteBuf> queue = new ConcurrentLinkedQueue<>();
    /**
     * Where a sending thread puts the frames it writes itself, {@value #OUT_BYTES} bytes taken from the
     * channel's allocator at the first such write; guarded by the window's lock, given back at {@link #close}.
     */
    private ByteBuf out;
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private volatile boolean refusedForCapacity;

    /** The numbers in the stream; guarded by itself. */
    private final StreamWindow window = new StreamWindow();

    /** The peer's last acknowledgement on this connection, -1 before the first frame. */
    private final AtomicLong acked = new AtomicLong(-1);
    private final AtomicLong ackWanted = new AtomicLong();
    /** The acknowledgement last written; written under the window's lock. */
    private volatile long ackSent;
    /** The acknowledgement that must say frames after it were dropped, or -1; changed under the window's lock. */
    private volatile long gapAt = -1;
    /** Whether an acknowledgement is scheduled on the event loop. */
    private final AtomicBoolean ackTimer = new AtomicBoolean();

    private volatile long framesOut;
    private volatile long bytesOut;
    /**
     * When a frame was last written, by a sending thread or the event loop; at first far enough back never to
     * count as lately.
     */
    private volatile long lastWriteNanos = System.nanoTime() - (Long.MAX_VALUE >> 1);

    /**
     * @param where the connection whose stream this is, named in counted faults
     * @param codec encodes the DATA frames
     * @param counters the transport's counters
     * @param settings the water marks
     * @param onRoom runs on the event loop when a stream that refused messages for want of room has room again
     */
    LinkStream(Object where, DataCodec codec, Counters counters, TransportSettings settings, Runnable onRoom) {
        this.where = where;
        this.codec = codec;
        this.counters = counters;
        this.settings = settings;
        this.onRoom = onRoom;
    }

    /** The channel's context, once the connection's handler is in the pipeline (after TLS's, if any). */
    void attach(ChannelHandlerContext context) {
        this.ctx = context;
        this.socket = context.pipeline().get(SslHandler.class) == null ? SenderWritable.socket(context.channel()) : null;
    }

    /** When a frame was last written ({@link System#nanoTime()}), by a sending thread or the event loop. */
    long lastWriteNanos() {
        return lastWriteNanos;
    }

    long framesOut() {
        return framesOut;
    }

    long bytesOut() {
        return bytesOut;
    }

    long queuedBytes() {
        return queuedBytes.get();
    }

    // ---------------------------------------------------------------- sending (any thread)

    /**
     * Takes a message of the link for the stream.
     *
     * @return true if it is in the stream (taken now or before), false if the kernel must keep it
     */
    boolean transmit(long sequence, Message message) {
        synchronized (window) {
            switch (window.admit(sequence, refusedForCapacity)) {
                case StreamWindow.IN_STREAM -> {
                    counters.alreadyInStream.increment();
                    return true;
                }
                case StreamWindow.WAIT -> {
                    counters.backpressured.increment();
                    return false;
                }
                default -> {
                    // write it
                }
            }
            if (queuedBytes.get() >= settings.writeBufferHighWaterMarkBytes()) {
                refusedForCapacity = true;
                counters.backpressured.increment();
                return false;
            }
            DataCodec.Encoded encoded = codec.prepare(where, message);
            if (encoded == null) {
                return false;
            }
            window.written(sequence);
            if (!writeNow(sequence, message, encoded)) {
                enqueue(Frames.data(ctx.alloc(), sequence, message, encoded.payload(), encoded.frameLength()));
            }
            return true;
        }
    }

    /**
     * Under the window's lock: writes the frame, and the acknowledgement that is due, to the socket from
     * this thread if the connection is idle: nothing queued, nothing Netty still has to write, at most
     * {@value #IDLE_IN_FLIGHT} frames unacknowledged with this one, no TLS. Both go into the stream's own
     * buffer, one after the other, and leave in one write; what the socket does not take at once is
     * copied into a frame of its own and queued for the event loop, ahead of anything else.
     *
     * @return true if the frame is written or queued, false if the connection is not idle
     */
    private boolean writeNow(long sequence, Message message, DataCodec.Encoded encoded) {
        SocketChannel s = socket;
        ChannelHandlerContext c = ctx;
        if (s == null || closed || !queue.isEmpty()) {
            return false;
        }
        acked.compareAndSet(-1, sequence - 1); // the first frame of this connection
        if (sequence - acked.get() > IDLE_IN_FLIGHT) {
            return false; // a stream of frames: the event loop writes them in batches, a system call for many
        }
        Channel ch = c.channel();
        ChannelOutboundBuffer netty = ch.unsafe().outboundBuffer();
        if (netty == null || netty.totalPendingWriteBytes() != 0 || !ch.isActive()) {
            return false;
        }
        long want = ackWanted.get();
        int ackLength = want > ackSent ? FrameDescriptor.HEADER_LENGTH : 0;
        int length = ackLength + encoded.frameLength();
        ByteBuf buf = length <= OUT_BYTES ? out(c) : c.alloc().directBuffer(length);
        buf.clear();
        if (ackLength > 0) {
            Frames.writeAck(buf, want, false);
        }
        Frames.writeData(buf, sequence, message, encoded.payload(), encoded.frameLength());
        long written;
        try {
            written = s.write(buf.internalNioBuffer(0, length));
        } catch (IOException e) {
            // the connection broke: Netty sees it too and closes the channel; the kernel keeps the
            // message until a connection acknowledges it
            release(buf);
            try {
                ch.eventLoop().execute(ch::close);
            } catch (RejectedExecutionException stopped) {
                // the transport is stopping and closes every channel
            }
            return true;
        }
        lastWriteNanos = System.nanoTime();
        counters.writtenBySender.increment();
        int frames = 0;
        if (ackLength > 0) {
            ackSent = want;
            counters.acksSent.increment();
            frames += takenOrQueued(c, buf, 0, ackLength, written);
        }
        frames += takenOrQueued(c, buf, ackLength, length, written);
        release(buf);
        if (frames < (ackLength > 0 ? 2 : 1)) {
            counters.writtenBySenderInPart.increment();
        }
        // a rest that was queued is counted when the event loop writes it
        framesOut += frames;
        bytesOut += written;
        counters.framesOut.add(frames);
        counters.bytesOut.add(written);
        return true;
    }

    /** Under the window's lock: the stream's own buffer for what a sending thread writes, taken at its first use. */
    private ByteBuf out(ChannelHandlerContext c) {
        ByteBuf b = out;
        if (b == null) {
            b = c.alloc().directBuffer(OUT_BYTES, OUT_BYTES);
            out = b;
        }
        return b;
    }

    /** A buffer a sending thread wrote from: the stream keeps its own, a larger one goes back to the pool. */
    private void release(ByteBuf buf) {
        if (buf != out) {
            buf.release();
        }
    }

    /**
     * A frame at {@code from} to {@code to} of the buffer a sending thread wrote, of which the socket took
     * the first {@code written} bytes: nothing to do if it took all of the frame, else the frame's rest is
     * queued for the event loop (copied out of the stream's own buffer, which the next write reuses).
     *
     * @return 1 if the socket took all of it, else 0
     */
    private int takenOrQueued(ChannelHandlerContext c, ByteBuf buf, int from, int to, long written) {
        if (written >= to) {
            return 1;
        }
        int at = (int) Math.max(from, written);
        ByteBuf rest;
        if (buf == out) {
            rest = c.alloc().buffer(to - at);
            rest.writeBytes(buf, at, to - at);
        } else {
            rest = buf.retainedSlice(at, to - at);
        }
        queuedBytes.addAndGet(rest.readableBytes());
        queue.add(rest);
        scheduleDrain();
        return 0;
    }

    /** Asks for an acknowledgement of everything up to {@code sequence}. */
    void acknowledge(long sequence) {
        ackWanted.accumulateAndGet(sequence, Math::max);
        scheduleDrain();
    }

    /** On the event loop: the peer acknowledged everything up to {@code sequence}. */
    void acknowledged(long sequence) {
        acked.accumulateAndGet(sequence, Math::max);
    }

    /** The peer dropped frames after {@code acknowledged}: they must be written again. */
    void rewind(long acknowledged) {
        synchronized (window) {
            window.rewind(acknowledged);
        }
    }

    private void enqueue(ByteBuf frame) {
        queuedBytes.addAndGet(frame.readableBytes());
        queue.add(frame);
        scheduleDrain();
    }

    /** Schedules one drain on the event loop, unless one is scheduled. */
    void scheduleDrain() {
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
        if (!ch.isActive() || closed) {
            releaseQueue();
            return;
        }
        boolean wrote;
        int frames = 0;
        synchronized (window) {
            // from the queue into Netty's buffer under the lock: a sending thread that finds both
            // empty knows that nothing it has not seen is still to be written before its frame
            wrote = writeAck(c);
            long bytes = 0;
            ByteBuf frame;
            while (ch.isWritable() && (frame = queue.poll()) != null) {
                int n = frame.readableBytes();
                queuedBytes.addAndGet(-n);
                bytes += n;
                frames++;
                c.write(frame, c.voidPromise());
            }
            if (frames > 0) {
                framesOut += frames;
                bytesOut += bytes;
                counters.framesOut.add(frames);
                counters.bytesOut.add(bytes);
            }
        }
        if (frames > 0 || wrote) {
            lastWriteNanos = System.nanoTime();
            c.flush(); // outside the lock: a failed write may call back into the transport and the kernel
        }
        if (refusedForCapacity && ch.isWritable() && queuedBytes.get() <= settings.writeBufferLowWaterMarkBytes()) {
            refusedForCapacity = false;
            onRoom.run();
        }
    }

    /** Under the window's lock, on the event loop: writes the due acknowledgement, unflushed. */
    private boolean writeAck(ChannelHandlerContext c) {
        long want = ackWanted.get();
        boolean gap = gapAt >= 0 && gapAt == want;
        if (want <= ackSent && !gap) {
            return false;
        }
        c.write(Frames.ack(c.alloc(), want, gap), c.voidPromise());
        ackSent = want;
        gapAt = -1;
        counters.acksSent.increment();
        countOut(FrameDescriptor.HEADER_LENGTH);
        return true;
    }

    /** On the event loop: writes a heartbeat, a frame that says the connection lives when nothing else was written. */
    void heartbeat(ChannelHandlerContext c) {
        synchronized (window) {
            countOut(FrameDescriptor.HEADER_LENGTH);
            c.write(Frames.heartbeat(c.alloc()), c.voidPromise());
        }
        lastWriteNanos = System.nanoTime();
        c.flush();
    }

    /** Counts one frame written outside the batches of the drain (HELLO, AUTH, heartbeat). */
    void countOut(int bytes) {
        framesOut++;
        bytesOut += bytes;
        counters.framesOut.increment();
        counters.bytesOut.add(bytes);
    }

    private void releaseQueue() {
        ByteBuf frame;
        while ((frame = queue.poll()) != null) {
            queuedBytes.addAndGet(-frame.readableBytes());
            frame.release();
        }
    }

    /** The channel closed: what is queued is dropped (the kernel keeps every message until acknowledged). */
    void close() {
        closed = true;
        releaseQueue();
        synchronized (window) {
            // a sending thread writes from it under this lock, after it has seen the stream open
            if (out != null) {
                out.release();
                out = null;
            }
        }
    }

    // ---------------------------------------------------------------- acknowledging (the reader)

    /**
     * The reading side (the event loop, or a waiting thread that read the socket, under the channel's
     * read lock) handed message {@code sequence} to the kernel, which delivered the link up to
     * {@code delivered}: that is acknowledged, and a message it did not deliver makes a gap.
     */
    void delivered(long sequence, long delivered) {
        ackWanted.accumulateAndGet(delivered, Math::max);
        if (sequence > delivered) {
            synchronized (window) {
                gapAt = delivered;
            }
        }
    }

    /** A message could not be decoded: the peer must send it again, so a gap is acknowledged. */
    void undelivered() {
        synchronized (window) {
            gapAt = Math.max(ackWanted.get(), ackSent);
        }
    }

    /** On the event loop: writes the due acknowledgement and flushes. */
    private void flushAck(ChannelHandlerContext context) {
        boolean wrote;
        synchronized (window) {
            wrote = writeAck(context);
        }
        if (wrote) {
            lastWriteNanos = System.nanoTime();
            context.flush();
        }
    }

    /**
     * Everything read in one go is handled: a gap is acknowledged at once, a delivery within the ACK
     * delay (unless a frame the other way takes it along first). Called by the reader, the event loop
     * or a waiting thread; the acknowledgement is always written on the event loop, in the order of
     * its writes.
     */
    void readComplete(ChannelHandlerContext context) {
        try {
            if (gapAt >= 0) {
                if (context.executor().inEventLoop()) {
                    flushAck(context);
                } else {
                    context.executor().execute(() -> flushAck(context));
                }
            } else if (ackWanted.get() > ackSent && ackTimer.compareAndSet(false, true)) {
                context.executor().schedule(() -> {
                    ackTimer.set(false);
                    flushAck(context);
                }, ACK_DELAY_MICROS, TimeUnit.MICROSECONDS);
            }
        } catch (RejectedExecutionException stopped) {
            // the transport is stopping and closes every channel; the kernel keeps what was not acknowledged
            ackTimer.set(false);
        }
    }
}
