package org.fos.example.journal.impl;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.fos.example.journal.Journal;
import org.fos.fleet.api.Fleet;
import org.fos.fleet.api.FleetState;
import org.fos.fleet.api.Stateful;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ServiceScope;

/**
 * Version 1 of a journal member. The fleet runtime makes two (one instance each, a prototype
 * service) and gives each its own mailbox and thread, so a member needs no locks. Its streams go
 * over to the next version as state layout 1: a map from stream name to the list of entries.
 */
@Component(service = Journal.class, scope = ServiceScope.PROTOTYPE)
@Fleet(name = Journal.NAME, members = 2)
public class JournalMember implements Journal, Stateful {
    private final Map<String, List<Long>> streams = new HashMap<>();

    @Override
    public long append(String stream, long entry) {
        List<Long> s = streams.computeIfAbsent(stream, k -> new ArrayList<>());
        s.add(entry);
        return s.size();
    }

    @Override
    public List<Long> read(String stream) {
        return List.copyOf(streams.getOrDefault(stream, List.of()));
    }

    @Override
    public String version() {
        return "1";
    }

    @Override
    public FleetState exportState() {
        return new FleetState(1, new HashMap<>(streams));
    }

    @Override
    public void importState(FleetState state) {
        if (state.version() != 1 || !(state.data() instanceof Map<?, ?> data)) {
            throw new IllegalArgumentException("version 1 reads state layout 1, not " + state.version());
        }
        data.forEach((stream, entries) -> {
            List<Long> s = new ArrayList<>();
            ((List<?>) entries).forEach(e -> s.add(((Number) e).longValue()));
            streams.put((String) stream, s);
        });
    }
}
