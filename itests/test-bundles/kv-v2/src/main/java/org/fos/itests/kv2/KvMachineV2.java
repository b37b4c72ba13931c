package org.fos.itests.kv2;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

import org.fos.fleet.api.FleetState;
import org.fos.fleet.api.StateMachine;
import org.fos.kv.api.CasResult;
import org.fos.kv.api.Entry;
import org.fos.kv.log.Commands;

/**
 * Version 2's state of one group. State layout 2 is a map from each key to its value and revision;
 * layout 1 (version 1's parallel lists) is migrated when restored. It answers a count with layout
 * {@code 200 + the layout it was restored from} (200 when it started empty), so tests see the
 * migration.
 */
final class KvMachineV2 implements StateMachine {
    static final int LAYOUT = 2;

    private final NavigableMap<String, Entry> entries = new TreeMap<>();
    private int restoredFrom;

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
        throw new IllegalArgumentException("version 2 has no command " + command);
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
            long last = entries.values().stream().mapToLong(Entry::revision).max().orElse(0);
            return new Commands.Counted(entries.size(), last, LAYOUT * 100 + restoredFrom);
        }
        throw new IllegalArgumentException("version 2 has no query " + query);
    }

    @Override
    public FleetState snapshot() {
        Map<String, Object> data = new HashMap<>();
        for (Entry e : entries.values()) {
            data.put(e.key(), Map.of("value", e.value(), "revision", e.revision()));
        }
        return new FleetState(LAYOUT, data);
    }

    @Override
    public void restore(FleetState state) {
        entries.clear();
        switch (state.version()) {
            case 1 -> {
                Map<?, ?> data = (Map<?, ?>) state.data();
                List<?> keys = (List<?>) data.get("keys");
                List<?> values = (List<?>) data.get("values");
                List<?> revisions = (List<?>) data.get("revisions");
                for (int i = 0; i < keys.size(); i++) {
                    String k = (String) keys.get(i);
                    entries.put(k, new Entry(k, (byte[]) values.get(i), ((Number) revisions.get(i)).longValue()));
                }
            }
            case LAYOUT -> ((Map<?, ?>) state.data()).forEach((k, v) -> {
                Map<?, ?> e = (Map<?, ?>) v;
                entries.put((String) k, new Entry((String) k, (byte[]) e.get("value"), ((Number) e.get("revision")).longValue()));
            });
            default -> throw new IllegalArgumentException("version 2 reads state layouts 1 and 2, not " + state.version());
        }
        restoredFrom = state.version();
    }
}
