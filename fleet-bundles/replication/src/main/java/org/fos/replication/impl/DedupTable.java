package org.fos.replication.impl;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The requests a group applied lately, with their outcomes, so that a request delivered again (a
 * retry after a failover, a resend by libfos) gets its first outcome instead of being applied twice.
 * An entry is kept for {@code windowMillis} of the writers' clocks, counted from the newest applied
 * entry (the log carries every writer's clock, so every replica forgets the same entries at the same
 * index), and at most {@code maxEntries} are kept, the oldest forgotten first. Not thread-safe: the
 * group's state machine guards it.
 */
final class DedupTable {

    /** The table as parallel columns, for snapshots. */
    record Columns(List<Long> clients, List<Long> sequences, List<Long> times, List<byte[]> outcomes) {
    }

    private record Key(long client, long sequence) {
    }

    private record Applied(long atMillis, byte[] outcome) {
    }

    private final long windowMillis;
    private final int maxEntries;
    private final LinkedHashMap<Key, Applied> applied = new LinkedHashMap<>();
    private long newest = Long.MIN_VALUE;

    DedupTable(long windowMillis, int maxEntries) {
        if (windowMillis < 1 || maxEntries < 1) {
            throw new IllegalArgumentException("the deduplication window and size must be positive: " + windowMillis + " ms, "
                    + maxEntries + " entries");
        }
        this.windowMillis = windowMillis;
        this.maxEntries = maxEntries;
    }

    /** The outcome of a request applied within the window, or null. */
    byte[] outcome(long client, long sequence) {
        if (client == 0 && sequence == 0) {
            return null;
        }
        Applied a = applied.get(new Key(client, sequence));
        return a == null ? null : a.outcome();
    }

    /** Records an applied request (one without an id is not recorded) and forgets what fell out of the window. */
    void record(long client, long sequence, long atMillis, byte[] outcome) {
        newest = Math.max(newest, atMillis);
        if (client != 0 || sequence != 0) {
            applied.put(new Key(client, sequence), new Applied(atMillis, outcome));
        }
        Iterator<Map.Entry<Key, Applied>> it = applied.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Key, Applied> e = it.next();
            if (applied.size() > maxEntries || e.getValue().atMillis() < newest - windowMillis) {
                it.remove();
            } else {
                break;
            }
        }
    }

    int size() {
        return applied.size();
    }

    Columns columns() {
        List<Long> clients = new ArrayList<>(applied.size());
        List<Long> sequences = new ArrayList<>(applied.size());
        List<Long> times = new ArrayList<>(applied.size());
        List<byte[]> outcomes = new ArrayList<>(applied.size());
        applied.forEach((k, a) -> {
            clients.add(k.client());
            sequences.add(k.sequence());
            times.add(a.atMillis());
            outcomes.add(a.outcome());
        });
        return new Columns(clients, sequences, times, outcomes);
    }

    /** Replaces the table with a snapshot's columns, oldest first. */
    void load(List<Long> clients, List<Long> sequences, List<Long> times, List<byte[]> outcomes) {
        applied.clear();
        newest = Long.MIN_VALUE;
        for (int i = 0; i < clients.size(); i++) {
            record(clients.get(i), sequences.get(i), times.get(i), outcomes.get(i));
        }
    }
}
