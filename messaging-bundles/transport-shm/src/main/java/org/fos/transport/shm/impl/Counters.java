package org.fos.transport.shm.impl;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared-memory transport's counters: faults by reason and the traffic totals. The first fault of
 * each reason is logged at WARN with its detail, later ones at DEBUG only, so that a hostile writer
 * cannot flood the log. Thread-safe and lock-free.
 */
final class Counters {
    private static final Logger LOG = LoggerFactory.getLogger(Counters.class);

    private final String nodeId;
    private final EnumMap<Fault, LongAdder> faults = new EnumMap<>(Fault.class);
    private final EnumMap<Fault, AtomicBoolean> logged = new EnumMap<>(Fault.class);
    final LongAdder dialled = new LongAdder();
    final LongAdder dialFailures = new LongAdder();
    final LongAdder established = new LongAdder();
    final LongAdder sessions = new LongAdder();
    final LongAdder framesIn = new LongAdder();
    final LongAdder framesOut = new LongAdder();
    final LongAdder bytesIn = new LongAdder();
    final LongAdder bytesOut = new LongAdder();
    final LongAdder delivered = new LongAdder();
    /** Frames read by a kernel thread waiting for a message, not by the agent. */
    final LongAdder assisted = new LongAdder();
    final LongAdder acksSent = new LongAdder();
    final LongAdder acksReceived = new LongAdder();
    final LongAdder notConnected = new LongAdder();
    final LongAdder backpressured = new LongAdder();
    final LongAdder alreadyInLog = new LongAdder();
    final LongAdder refusedSessionFrames = new LongAdder();
    final LongAdder unauthenticatedFrames = new LongAdder();
    final LongAdder staleFrames = new LongAdder();

    Counters(String nodeId) {
        this.nodeId = nodeId;
        for (Fault f : Fault.values()) {
            faults.put(f, new LongAdder());
            logged.put(f, new AtomicBoolean());
        }
    }

    /**
     * Counts a fault and logs it if it is the first of its reason.
     *
     * @param fault the reason
     * @param where the session or peer, for the log
     * @param detail what was wrong
     */
    void fault(Fault fault, Object where, String detail) {
        faults.get(fault).increment();
        if (logged.get(fault).compareAndSet(false, true)) {
            LOG.warn("node {}: {} on {}: {} ({}; further {} faults are only counted, see fos:transport shm)", nodeId, fault, where,
                    detail, fault.closesLink() ? "link reset or session refused" : "refused", fault);
        } else if (LOG.isDebugEnabled()) {
            LOG.debug("node {}: {} on {}: {}", nodeId, fault, where, detail);
        }
    }

    long count(Fault fault) {
        return faults.get(fault).sum();
    }

    Map<String, Long> snapshot() {
        Map<String, Long> out = new LinkedHashMap<>();
        out.put("dialled", dialled.sum());
        out.put("dialFailures", dialFailures.sum());
        out.put("established", established.sum());
        out.put("sessions", sessions.sum());
        out.put("framesIn", framesIn.sum());
        out.put("framesOut", framesOut.sum());
        out.put("bytesIn", bytesIn.sum());
        out.put("bytesOut", bytesOut.sum());
        out.put("delivered", delivered.sum());
        out.put("readByWaitingThreads", assisted.sum());
        out.put("acksSent", acksSent.sum());
        out.put("acksReceived", acksReceived.sum());
        out.put("refusedNotConnected", notConnected.sum());
        out.put("refusedBackpressure", backpressured.sum());
        out.put("skippedAlreadyInLog", alreadyInLog.sum());
        out.put("refusedSessionFrames", refusedSessionFrames.sum());
        out.put("unauthenticatedFrames", unauthenticatedFrames.sum());
        out.put("staleFrames", staleFrames.sum());
        for (Fault f : Fault.values()) {
            out.put("fault." + f.name(), faults.get(f).sum());
        }
        return out;
    }
}
