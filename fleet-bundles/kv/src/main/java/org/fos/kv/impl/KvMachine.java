package org.fos.kv.impl;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

import org.fos.fleet.api.FleetState;
import org.fos.kv.log.Commands;
import org.fos.fleet.api.StateMachine;
import org.fos.kv.api.CasResult;
import org.fos.kv.api.Entry;

/**
 * One group's keys, in a sorted map; a write's revision is its log index. State layout
 * {@value #LAYOUT}: parallel lists of keys, values and revisions. Called from one thread at a time
 * (the replication runtime guarantees it).
 */
final class KvMachine implements StateMachine {
    /** The layout this version writes and reads. */
    static final int LAYOUT = 1;
    static final int MAX_SCAN = 10_000;

    private final NavigableMap<String, Entry> entries = new TreeMap<>();

    @Override
    public Object apply(Object command, long index) {
        if (command instanceof Commands.Put p) {
            entries.put(p.key(), new Entry(p.key(), p.value(), index));
            return index;
        }
        if (command instanceof Commands.Delete d) {
            return entries.remove(d.key()) != null;
        }
        if (command instanceof Commands.CompareAndSet c) {
            Entry current = entries.get(c.key());
            long now = current == null ? 0 : current.revision();
            if (now != c.expectedRevision()) {
                return new CasResult(false, now);
            }
            entries.put(c.key(), new Entry(c.key(), c.value(), index));
            return new CasResult(true, index);
        }
        throw new IllegalArgumentException("the key-value fleet has no command " + (command == null ? "null" : command.getClass().getName()));
    }

    @Override
    public Object query(Object query) {
        if (query instanceof Commands.Get g) {
            return entries.get(g.key());
        }
        if (query instanceof Commands.Scan s) {
            List<Entry> out = new ArrayList<>();
            for (Entry e : entries.tailMap(s.prefix(), true).values()) {
                if (!e.key().startsWith(s.prefix()) || out.size() == s.limit()) {
                    break;
                }
                out.add(e);
            }
            return out;
        }
        if (query instanceof Commands.Count) {
            long last = 0;
            for (Entry e : entries.values()) {
                last = Math.max(last, e.revision());
            }
            return new Commands.Counted(entries.size(), last, LAYOUT);
        }
        throw new IllegalArgumentException("the key-value fleet has no query " + (query == null ? "null" : query.getClass().getName()));
    }

    @Override
    public FleetState snapshot() {
        List<String> keys = new ArrayList<>(entries.size());
        List<byte[]> values = new ArrayList<>(entries.size());
        List<Long> revisions = new ArrayList<>(entries.size());
        for (Entry e : entries.values()) {
            keys.add(e.key());
            values.add(e.value());
            revisions.add(e.revision());
        }
        Map<String, Object> data = new HashMap<>();
        data.put("keys", keys);
        data.put("values", values);
        data.put("revisions", revisions);
        return new FleetState(LAYOUT, data);
    }

    /**
     * Restores a layout-1 state.
     *
     * @throws IllegalArgumentException if the layout is another or the data is malformed
     */
    @Override
    public void restore(FleetState state) {
        if (state.version() != LAYOUT) {
            throw new IllegalArgumentException("this version reads state layout " + LAYOUT + ", not " + state.version());
        }
        if (!(state.data() instanceof Map<?, ?> map) || !(map.get("keys") instanceof List<?> keys)
                || !(map.get("values") instanceof List<?> values) || !(map.get("revisions") instanceof List<?> revisions)) {
            throw new IllegalArgumentException("state layout 1 needs the lists keys, values and revisions");
        }
        if (keys.size() != values.size() || keys.size() != revisions.size()) {
            throw new IllegalArgumentException("state layout 1 has " + keys.size() + " keys, " + values.size() + " values and "
                    + revisions.size() + " revisions");
        }
        entries.clear();
        for (int i = 0; i < keys.size(); i++) {
            if (!(keys.get(i) instanceof String k) || !(values.get(i) instanceof byte[] v) || !(revisions.get(i) instanceof Number r)) {
                throw new IllegalArgumentException("state layout 1 has a malformed entry at " + i);
            }
            entries.put(k, new Entry(k, v, r.longValue()));
        }
    }
}
