package org.fos.transport.tcp.impl;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transport's counters: faults by reason and the traffic totals. The first fault of each reason
 * is logged at WARN with its detail; later ones go to DEBUG only, so hostile input cannot flood the
 * log. Thread-safe and lock-free.
 */
final class Counters {
    private static final Logger LOG = LoggerFactory.getLogger(Counters.class);

    private final String nodeId;
    private final EnumMap<Fault, LongAdder> faults = new EnumMap<>(Fault.class);
    private final EnumMap<Fault, AtomicBoolean> logged = new EnumMap<>(Fault.class);
    final LongAdder accepted = new LongAdder();
    final LongAdder dialled = new LongAdder();
    final LongAdder dialFailures = new LongAdder();
    final LongAdder established = new LongAdder();
    final LongAdder duplicateConnections = new LongAdder();
    final LongAdder framesIn = new LongAdder();
    final LongAdder framesOut = new LongAdder();
    final LongAdder bytesIn = new LongAdder();
    final LongAdder bytesOut = new LongAdder();
    final LongAdder delivered = new LongAdder();
    final LongAdder acksSent = new LongAdder();
    final LongAdder acksReceived = new LongAdder();
    final LongAdder notConnected = new LongAdder();
    final LongAdder backpressured = new LongAdder();
    final LongAdder alreadyInStream = new LongAdder();
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
     * @param where the connection or peer, for the log
     * @param detail what was wrong
     */
    void fault(Fault fault, Object where, String detail) {
        faults.get(fault).increment();
        if (logged.get(fault).compareAndSet(false, true)) {
            LOG.warn("node {}: {} on {}: {} ({}; further {} faults are only counted, see fos:transport)", nodeId, fault, where,
                    detail, fault.closesConnection() ? "connection closed" : "refused", fault);
        } else if (LOG.isDebugEnabled()) {
            LOG.debug("node {}: {} on {}: {}", nodeId, fault, where, detail);
        }
    }

    long count(Fault fault) {
        return faults.get(fault).sum();
    }

    Map<String, Long> snapshot() {
        Map<String, Long> out = new LinkedHashMap<>();
        out.put("accepted", accepted.sum());
        out.put("dialled", dialled.sum());
        out.put("dialFailures", dialFailures.sum());
        out.put("established", established.sum());
        out.put("duplicateConnections", duplicateConnections.sum());
        out.put("framesIn", framesIn.sum());
        out.put("framesOut", framesOut.sum());
        out.put("bytesIn", bytesIn.sum());
        out.put("bytesOut", bytesOut.sum());
        out.put("delivered", delivered.sum());
        out.put("acksSent", acksSent.sum());
        out.put("acksReceived", acksReceived.sum());
        out.put("refusedNotConnected", notConnected.sum());
        out.put("refusedBackpressure", backpressured.sum());
        out.put("skippedAlreadyInStream", alreadyInStream.sum());
        out.put("staleFrames", staleFrames.sum());
        for (Fault f : Fault.values()) {
            out.put("fault." + f.name(), faults.get(f).sum());
        }
        return out;
    }
}
