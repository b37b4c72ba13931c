package org.fos.replication.impl;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.fos.fleet.api.FleetState;
import org.fos.fleet.api.Replicas;
import org.fos.fleet.api.ReplicatedFleet;
import org.fos.fleet.api.StateMachine;

/** A replicated fleet for the tests: each group a map of keys to values; a write returns the log index. */
final class Ledger implements ReplicatedFleet {

    /** Writes a key. */
    record Put(String key, String value) {
    }

    /** Reads a key. */
    record Get(String key) {
    }

    final int layout;
    volatile Replicas replicas;

    Ledger(int layout) {
        this.layout = layout;
    }

    @Override
    public StateMachine newStateMachine(int group) {
        return new Machine(layout);
    }

    @Override
    public Set<Class<?>> commandTypes() {
        return Set.of(Put.class, Get.class);
    }

    @Override
    public void replicas(Replicas r) {
        this.replicas = r;
    }

    /** One group's map; layout 2 stores values upper-cased and reads layout 1 by converting it. */
    static final class Machine implements StateMachine {
        final int layout;
        final Map<String, String> values = new TreeMap<>();
        int applied;

        Machine(int layout) {
            this.layout = layout;
        }

        @Override
        public Object apply(Object command, long index) {
            Put p = (Put) command;
            if (p.value().equals("refuse")) {
                throw new IllegalArgumentException("refused " + p.key());
            }
            values.put(p.key(), layout == 2 ? p.value().toUpperCase(java.util.Locale.ROOT) : p.value());
            applied++;
            return index;
        }

        @Override
        public Object query(Object query) {
            return values.get(((Get) query).key());
        }

        @Override
        public FleetState snapshot() {
            return new FleetState(layout, Map.of("keys", List.copyOf(values.keySet()), "values", List.copyOf(values.values())));
        }

        @Override
        public void restore(FleetState snapshot) {
            if (snapshot.version() > layout) {
                throw new IllegalArgumentException("layout " + snapshot.version() + " is newer than " + layout);
            }
            @SuppressWarnings("unchecked")
            Map<String, List<String>> data = (Map<String, List<String>>) snapshot.data();
            values.clear();
            for (int i = 0; i < data.get("keys").size(); i++) {
                String v = data.get("values").get(i);
                values.put(data.get("keys").get(i), layout == 2 && snapshot.version() == 1 ? v.toUpperCase(java.util.Locale.ROOT) : v);
            }
        }
    }
}
