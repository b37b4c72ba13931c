package org.fos.transport.api;

/**
 * The range of a link's sequence numbers already in one stream (a TCP connection, a shared-memory
 * log), so that a transport does not write a number twice into a stream that carries what it took,
 * in order, or breaks.
 *
 * <p>When the kernel sends a number of the range again (its retransmit timer fired while the
 * acknowledgement was still on its way), {@link #admit} says {@link #IN_STREAM}: it is not written
 * again. When the peer says it dropped frames (an ACK with the GAP flag), {@link #rewind} cuts the
 * range back so that they are written again. A number beyond the range's end + 1 is refused
 * ({@link #WAIT}) while the stream refuses messages for want of room (the peer would drop it
 * anyway); otherwise the numbers between went through another transport, and the range starts again
 * at this number. Numbers that come out of order make the window give up: from then on every number
 * is written.
 *
 * <p>Not thread-safe: the transport guards it with the lock of its stream.
 *
 * @since 1.2
 */
public final class StreamWindow {
    /** {@link #admit} result: the number is in the stream already; do not write it again. */
    public static final int IN_STREAM = 0;
    /** {@link #admit} result: write it, then call {@link #written}. */
    public static final int WRITE = 1;
    /** {@link #admit} result: the stream refuses it for want of room; the kernel keeps it. */
    public static final int WAIT = 2;

    private boolean hasWindow;
    private boolean inOrder = true;
    private long low;
    private long high;

    /**
     * Says whether a number of the link is to be written into the stream.
     *
     * @param sequence the message's number on the link
     * @param refusingForRoom whether the stream refused a message for want of room and has not had room since
     * @return {@link #IN_STREAM}, {@link #WRITE} or {@link #WAIT}
     */
    public int admit(long sequence, boolean refusingForRoom) {
        if (inOrder && hasWindow && sequence >= low && sequence <= high) {
            return IN_STREAM;
        }
        if (inOrder && hasWindow && sequence > high + 1) {
            if (refusingForRoom) {
                return WAIT;
            }
            hasWindow = false;
        }
        return WRITE;
    }

    /**
     * Records that a number admitted with {@link #WRITE} is in the stream now.
     *
     * @param sequence the number written
     */
    public void written(long sequence) {
        if (!hasWindow) {
            hasWindow = true;
            low = sequence;
            high = sequence;
        } else if (sequence == high + 1) {
            high = sequence;
        } else {
            inOrder = false;
        }
    }

    /**
     * The peer dropped the frames after {@code acknowledged}: they are to be written again.
     *
     * @param acknowledged the highest number the peer delivered
     */
    public void rewind(long acknowledged) {
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
