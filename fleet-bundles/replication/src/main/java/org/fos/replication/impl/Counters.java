package org.fos.replication.impl;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** What the replication of one node counts; shown by {@code fos:groups}. Thread-safe. */
final class Counters {
    final LongAdder writes = new LongAdder();
    final LongAdder reads = new LongAdder();
    final LongAdder staleReads = new LongAdder();
    /** Requests served by this node's own division, without a network hop. */
    final LongAdder local = new LongAdder();
    /** Requests sent to another node's division through a Raft client. */
    final LongAdder forwarded = new LongAdder();
    /** Requests that found no quorum within the request timeout. */
    final LongAdder noQuorum = new LongAdder();
    /** Requests applied before: answered with their first outcome. */
    final LongAdder deduplicated = new LongAdder();
    final LongAdder snapshots = new LongAdder();
    /** Configuration changes placement made. */
    final LongAdder reconfigurations = new LongAdder();
    /** Groups moved by hand ({@code fos:move}). */
    final LongAdder moves = new LongAdder();
    /** Replicas the balancer added to even out the load. */
    final LongAdder rebalances = new LongAdder();

    Map<String, Long> snapshot() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("writes", writes.sum());
        m.put("reads", reads.sum());
        m.put("staleReads", staleReads.sum());
        m.put("local", local.sum());
        m.put("forwarded", forwarded.sum());
        m.put("noQuorum", noQuorum.sum());
        m.put("deduplicated", deduplicated.sum());
        m.put("snapshots", snapshots.sum());
        m.put("reconfigurations", reconfigurations.sum());
        m.put("moves", moves.sum());
        m.put("rebalances", rebalances.sum());
        return m;
    }
}
