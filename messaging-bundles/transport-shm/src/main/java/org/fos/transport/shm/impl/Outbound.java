package org.fos.transport.shm.impl;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.ToIntFunction;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.Publication;
import org.agrona.ExpandableArrayBuffer;
import org.fos.kernel.api.Message;
import org.fos.transport.api.StreamWindow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's publication into one peer's driver: the client connected to that driver, the frame
 * buffer, and the window of sequence numbers already in the peer's log. Kernel threads write DATA
 * frames ({@link #transmit}), encoded with the {@link ShmCodec} handed down at construction, straight
 * into the log on their own thread; the agent writes control frames ({@link #control}). Both under
 * this object's lock.
 *
 * <p>The {@link StreamWindow} works as the TCP transport's: a number already in the log is not
 * written twice, an ACK with the GAP flag cuts the window back ({@link #rewind}).
 */
final class Outbound {
    private static final Logger LOG = LoggerFactory.getLogger(Outbound.class);
    private static final VarHandle WRITTEN;

    static {
        try {
            WRITTEN = MethodHandles.lookup().findVarHandle(Outbound.class, "written", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final Aeron client;
    final ExclusivePublication publication;
    final byte[] nonce;
    final ShmEndpoint endpoint;
    final long createdNanos;
    private final ShmCodec codec;
    private final Counters counters;
    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(4096);
    boolean helloSent;
    /** The numbers in the peer's log. */
    private final StreamWindow window = new StreamWindow();
    /**
     * When the agent last saw a frame written to the peer (or the publication was made): the
     * heartbeat's clock. The agent's own, as is {@link #writtenSeen}: a writer counts its frame in
     * {@link #written} and reads no clock, and the agent's housekeeping, which runs every
     * millisecond, dates the frames it finds counted since it last looked.
     */
    long lastWriteNanos;
    /** The count of {@link #written} the agent last saw. */
    long writtenSeen;
    /** The frames written so far; written under this object's lock, read opaquely by the agent. */
    private long written;

    Outbound(Aeron client, ExclusivePublication publication, byte[] nonce, ShmEndpoint endpoint, long createdNanos, ShmCodec codec,
            Counters counters) {
        this.client = client;
        this.publication = publication;
        this.nonce = nonce;
        this.endpoint = endpoint;
        this.createdNanos = createdNanos;
        this.lastWriteNanos = createdNanos;
        this.codec = codec;
        this.counters = counters;
    }

    /** Result of {@link #transmit}: taken now or before. */
    static final long TAKEN = 1;
    /** Result of {@link #transmit}: the log refuses numbers beyond the window while it is full. */
    static final long WAIT = 0;
    /** Result of {@link #transmit}: the message cannot be encoded (counted). */
    static final long UNENCODABLE = -100;

    /**
     * Writes a message of the link to {@code node} into the peer's log.
     *
     * @param waitingForRoom whether the log refused a message for want of room and has not had room since
     * @return {@link #TAKEN}, {@link #WAIT}, {@link #UNENCODABLE}, or the negative result of the
     *         publication's offer (the caller counts it)
     */
    long transmit(String node, long sequence, Message message, boolean waitingForRoom) {
        synchronized (this) {
            switch (window.admit(sequence, waitingForRoom)) {
                case StreamWindow.IN_STREAM -> {
                    counters.alreadyInLog.increment();
                    return TAKEN;
                }
                case StreamWindow.WAIT -> {
                    counters.backpressured.increment();
                    return WAIT;
                }
                default -> {
                    // write it
                }
            }
            int length = codec.encode(buffer, sequence, message, node);
            if (length < 0) {
                return UNENCODABLE;
            }
            long r = offer(length);
            if (r < 0) {
                return r;
            }
            window.written(sequence);
            return TAKEN;
        }
    }

    /** Writes a control frame the writer puts into the buffer; the offer's result. */
    synchronized long control(ToIntFunction<ExpandableArrayBuffer> writer) {
        return offer(writer.applyAsInt(buffer));
    }

    /** Under the lock: writes a frame from the buffer into the peer's log. */
    private long offer(int length) {
        long r;
        int tries = 0;
        do {
            r = publication.offer(buffer, 0, length);
        } while (r == Publication.ADMIN_ACTION && ++tries < 4);
        if (r > 0) {
            WRITTEN.setOpaque(this, written + 1);
            counters.framesOut.increment();
            counters.bytesOut.add(length);
        }
        return r;
    }

    /**
     * Dates the frames written since the agent last looked: at {@code now} if there were any.
     * Agent only.
     *
     * @return when the agent last saw a frame written (or the publication made)
     */
    long lastWrite(long now) {
        long w = (long) WRITTEN.getOpaque(this);
        if (w != writtenSeen) {
            writtenSeen = w;
            lastWriteNanos = now;
        }
        return lastWriteNanos;
    }

    /** The peer dropped frames after {@code acknowledged}: they must be written again. */
    synchronized void rewind(long acknowledged) {
        window.rewind(acknowledged);
    }

    /** Closes the publication and the client (may block: not on the agent). */
    void close(String nodeId) {
        try {
            publication.close();
        } catch (RuntimeException e) {
            LOG.debug("node {}: closing a publication: {}", nodeId, e.toString());
        }
        try {
            client.close();
        } catch (RuntimeException e) {
            LOG.debug("node {}: closing a client: {}", nodeId, e.toString());
        }
    }
}
