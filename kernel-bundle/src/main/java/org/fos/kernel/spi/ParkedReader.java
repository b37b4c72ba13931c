package org.fos.kernel.spi;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A transport's place for one parked thread of the node to wait in (ADR 0124): instead of parking
 * until a reader thread of the transport wakes it, a receiver whose messages come from other nodes
 * waits until one of the transport's connections has something to read, reads it itself and hands
 * it to the kernel as {@link Transport#assist()} would. A request to a parked member, a reply to a
 * parked caller, so wakes one thread, the one it is for, where the transport's reader thread would
 * wake first and then wake it.
 *
 * <p>One thread at a time holds it: {@link Transport#parkedReader()} hands it out, the holder calls
 * {@link #await} once or more and then {@link #release()}. {@link #wake()} may be called by any
 * thread at any time, as {@code LockSupport.unpark} may.
 *
 * @since 1.7
 */
@ConsumerType
public interface ParkedReader {

    /**
     * Waits until a connection has something to read, {@link #wake()} is called (since the holder
     * took this reader, or during the wait) or {@code nanos} pass, then reads what it can and hands
     * it to the kernel. May return early for no reason, as {@code LockSupport.parkNanos} may. Never
     * throws.
     *
     * @param nanos the longest wait, above 0; may be exceeded by up to a millisecond
     * @return the frames read (0 if woken, timed out or only part of a frame came); -1 if something
     *         arrived that this thread cannot read (the transport's own reader has it): the holder
     *         should park as usual for the rest of its wait, or it would wake again at once
     */
    int await(long nanos);

    /** Ends the holder's current or next {@link #await} at once; any thread, never blocks. */
    void wake();

    /** Gives the reader back to the transport; by the holder only, once for each time it got it. */
    void release();
}
