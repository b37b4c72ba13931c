package org.fos.transport.tcp.impl;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import org.fos.kernel.api.Message;
import org.fos.transport.api.FrameDescriptor;
import org.fos.transport.api.StreamWindow;

/**
 * What one {@link Connection} writes of its link: DATA frames through a queue bounded by bytes, the
 * range of sequence numbers already in the stream, and the acknowledgements due to the peer.
 *
 * <p><b>Threads.</b> Kernel threads call {@link #transmit} and {@link #acknowledge}: they encode the
 * frame on their own thread (with the {@link DataCodec} handed down) and put it on a lock-free queue
 * that one task on the event loop drains, writing a batch and flushing once. The queue is bounded by
 * bytes ({@code writeBufferHighWaterMarkBytes}), and it is drained only while Netty's outbound buffer
 * is under its own water mark, so a slow peer costs at most about twice the high water mark of
 * memory; beyond that {@code transmit} answers false and the kernel keeps the message. When the queue
 * is down to the low water mark again, {@code onRoom} runs (the kernel then sends what waits).
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

    private final Object where;
    private final DataCodec codec;
    private final Counters counters;
    private final TransportSettings settings;
    private final Runnable onRoom;
    private volatile ChannelHandlerContext ctx;
    private volatile boolean closed;

    private final Queue<ByteBuf> queue = new ConcurrentLinkedQueue<>();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private volatile boolean refusedForCapacity;

    /** The numbers in the stream; guarded by itself. */
    private final StreamWindow window = new StreamWindow();

    private final AtomicLong ackWanted = new AtomicLong();
    private long ackSent;
    private long gapAt = -1;
    private boolean ackTimer;

    private volatile long framesOut;
    private volatile long bytesOut;

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

    /** The channel's context, once the connection's handler is in the pipeline. */
    void attach(ChannelHandlerContext context) {
        this.ctx = context;
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
            ByteBuf frame = codec.encode(ctx.alloc(), where, sequence, message);
            if (frame == null) {
                return false;
            }
            window.written(sequence);
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
            counters.framesOut.add(frames);
            counters.bytesOut.add(bytes);
        }
        if (refusedForCapacity && ch.isWritable() && queuedBytes.get() <= settings.writeBufferLowWaterMarkBytes()) {
            refusedForCapacity = false;
            onRoom.run();
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
        counters.acksSent.increment();
        countOut(FrameDescriptor.HEADER_LENGTH);
        return true;
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
    }

    // ---------------------------------------------------------------- acknowledging (event loop)

    /**
     * The reading side handed message {@code sequence} to the kernel, which delivered the link up to
     * {@code delivered}: that is acknowledged, and a message it did not deliver makes a gap.
     */
    void delivered(long sequence, long delivered) {
        ackWanted.accumulateAndGet(delivered, Math::max);
        if (sequence > delivered) {
            gapAt = delivered;
        }
    }

    /** A message could not be decoded: the peer must send it again, so a gap is acknowledged. */
    void undelivered() {
        gapAt = Math.max(ackWanted.get(), ackSent);
    }

    /** Everything read in one go is handled: a gap is acknowledged now, a delivery within the ACK delay. */
    void readComplete(ChannelHandlerContext context) {
        if (gapAt >= 0) {
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
    }
}
