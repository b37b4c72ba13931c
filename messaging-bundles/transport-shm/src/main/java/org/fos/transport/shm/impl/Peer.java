package org.fos.transport.shm.impl;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToIntFunction;

import io.aeron.Publication;
import org.agrona.ExpandableArrayBuffer;

/**
 * One peer node of the shared-memory transport and the state of the link to it. Fields marked
 * "agent" belong to the agent thread; the others are read by kernel threads too.
 */
final class Peer {
    static final int NO_SESSION = Integer.MIN_VALUE;

    final String node;
    /** Where to dial it; null when the membership no longer lists it here. Agent. */
    ShmEndpoint endpoint;
    /** The publication into its driver, or null. Written by the agent, read by kernel threads. */
    volatile Outbound out;
    volatile boolean established;
    /** A kernel thread found its log full: tell the kernel once there is room. */
    volatile boolean resumeWanted;
    /** Why another thread wants the link reset, or null. */
    volatile String broken;
    final AtomicLong ackRequested = new AtomicLong();
    int session = NO_SESSION;
    long peerEpoch;
    long lastReadNanos;
    long handshakeStartNanos;
    int attempts;
    long nextDialNanos;
    boolean dialling;
    long ackWanted;
    long ackSent;
    /** When the oldest message delivered and not yet acknowledged was read ({@link System#nanoTime()}); 0 if none waits. */
    long unackedSince;
    boolean gap;
    volatile String state = "new";

    Peer(String node) {
        this.node = node;
    }

    /**
     * A write the log refused: full (the kernel keeps the message; resume once there is room) or gone
     * (the agent resets the link, unless the link has another publication already).
     */
    void refused(Outbound o, long result, Counters counters) {
        if (result == Publication.BACK_PRESSURED || result == Publication.ADMIN_ACTION) {
            counters.backpressured.increment();
            resumeWanted = true;
        } else {
            counters.notConnected.increment();
            if (out != o) {
                return;
            }
            broken = result == Publication.NOT_CONNECTED ? "its subscription went away" : result == Publication.CLOSED
                    ? "the publication to it was closed" : "its log is at its end (" + result + ")";
        }
    }

    /** The agent writes a control frame (HELLO, AUTH, ACK, HEARTBEAT) into the link; the offer's result. */
    long control(Outbound o, ToIntFunction<ExpandableArrayBuffer> writer, Counters counters) {
        long r = o.control(writer);
        if (r < 0 && r != Publication.BACK_PRESSURED && r != Publication.ADMIN_ACTION) {
            refused(o, r, counters);
        }
        return r;
    }
}
