package org.fos.transport.tcp.impl;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transport's counters: faults by reason and the traffic totals. A fault is logged at WARN with
 * its detail at most once per reason within {@code refusalLogIntervalMillis}, with the number of those
 * of its reason that were only counted since; the others go to DEBUG, so hostile input cannot flood
 * the log. Thread-safe and lock-free.
 */
final class Counters {
    private static final Logger LOG = LoggerFactory.getLogger(Counters.class);

    private final String nodeId;
    private final EnumMap<Fault, LongAdder> faults = new EnumMap<>(Fault.class);
    private final EnumMap<Fault, AtomicLong> nextLog = new EnumMap<>(Fault.class);
    private final EnumMap<Fault, LongAdder> unlogged = new EnumMap<>(Fault.class);
    private final long logIntervalNanos;
    /** Lines the rate limit kept out of the log. */
    final LongAdder suppressedLogLines = new LongAdder();
    final LongAdder accepted = new LongAdder();
    final LongAdder dialled = new LongAdder();
    final LongAdder dialFailures = new LongAdder();
    final LongAdder established = new LongAdder();
    final LongAdder duplicateConnections = new LongAdder();
    final LongAdder framesIn = new LongAdder();
    final LongAdder framesOut = new LongAdder();
    /** DATA frames the sending thread wrote to the socket itself, the event loop not woken. */
    final LongAdder writtenBySender = new LongAdder();
    /** Of those, the writes the socket took only part of: the rest went to the event loop. */
    final LongAdder writtenBySenderInPart = new LongAdder();
    /** Frames a thread of the node that waited for a message read from the socket itself, the event loop not woken (ADR 0123). */
    final LongAdder readByWaitingThreads = new LongAdder();
    /** Frames a thread of the node read after it parked in the transport's reader and woke for them (ADR 0124). */
    final LongAdder readByParkedThreads = new LongAdder();
    /** Times an event loop stopped watching a socket for reads because waiting threads read it (ADR 0123). */
    final LongAdder readsLent = new LongAdder();
    final LongAdder bytesIn = new LongAdder();
    final LongAdder bytesOut = new LongAdder();
    final LongAdder delivered = new LongAdder();
    final LongAdder acksSent = new LongAdder();
    final LongAdder acksReceived = new LongAdder();
    final LongAdder notConnected = new LongAdder();
    final LongAdder backpressured = new LongAdder();
    final LongAdder alreadyInStream = new LongAdder();
    final LongAdder staleFrames = new LongAdder();

    Counters(String nodeId, long logIntervalMillis) {
        this.nodeId = nodeId;
        this.logIntervalNanos = TimeUnit.MILLISECONDS.toNanos(logIntervalMillis);
        long now = System.nanoTime();
        for (Fault f : Fault.values()) {
            faults.put(f, new LongAdder());
            nextLog.put(f, new AtomicLong(now));
            unlogged.put(f, new LongAdder());
        }
    }

    /**
     * Counts a fault and logs it unless one of its reason was logged within the interval.
     *
     * @param fault the reason
     * @param where the connection or peer, for the log
     * @param detail what was wrong
     */
    void fault(Fault fault, Object where, String detail) {
        faults.get(fault).increment();
        AtomicLong next = nextLog.get(fault);
        long now = System.nanoTime();
        long due = next.get();
        if (now - due >= 0 && next.compareAndSet(due, now + logIntervalNanos)) {
            long since = unlogged.get(fault).sumThenReset();
            LOG.warn("node {}: {} on {}: {} ({}; {} more of this reason since the last line; at most one line per {} ms, all counted"
                    + " in fos:transport)", nodeId, fault, where, detail, fault.closesConnection() ? "connection closed" : "refused",
                    since, TimeUnit.NANOSECONDS.toMillis(logIntervalNanos));
        } else {
            unlogged.get(fault).increment();
            suppressedLogLines.increment();
            if (LOG.isDebugEnabled()) {
                LOG.debug("node {}: {} on {}: {}", nodeId, fault, where, detail);
            }
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
        out.put("writtenBySender", writtenBySender.sum());
        out.put("writtenBySenderInPart", writtenBySenderInPart.sum());
        out.put("readByWaitingThreads", readByWaitingThreads.sum());
        out.put("readByParkedThreads", readByParkedThreads.sum());
        out.put("readsLent", readsLent.sum());
        out.put("bytesIn", bytesIn.sum());
        out.put("bytesOut", bytesOut.sum());
        out.put("delivered", delivered.sum());
        out.put("acksSent", acksSent.sum());
        out.put("acksReceived", acksReceived.sum());
        out.put("refusedNotConnected", notConnected.sum());
        out.put("refusedBackpressure", backpressured.sum());
        out.put("skippedAlreadyInStream", alreadyInStream.sum());
        out.put("staleFrames", staleFrames.sum());
        out.put("suppressedLogLines", suppressedLogLines.sum());
        for (Fault f : Fault.values()) {
            out.put("fault." + f.name(), faults.get(f).sum());
        }
        return out;
    }
}
