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
 * Version 2 of a journal member: it also counts the appends it served, and its state (layout 2)
 * carries that count beside the streams. It takes over the state of version 1 (layout 1, the
 * streams alone) as well as its own, so an upgrade from 1 and a rollback to 2 both work.
 */
@Component(service = Journal.class, scope = ServiceScope.PROTOTYPE)
@Fleet(name = Journal.NAME, members = 2)
public class JournalMember implements Journal, Stateful {
    private final Map<String, List<Long>> streams = new HashMap<>();
    private long appends;

    @Override
    public long append(String stream, long entry) {
        List<Long> s = streams.computeIfAbsent(stream, k -> new ArrayList<>());
        s.add(entry);
        appends++;
        return s.size();
    }

    @Override
    public List<Long> read(String stream) {
        return List.copyOf(streams.getOrDefault(stream, List.of()));
    }

    @Override
    public String version() {
        return "2 (" + appends + " appends served by this member)";
    }

    @Override
    public FleetState exportState() {
        return new FleetState(2, Map.of("streams", new HashMap<>(streams), "appends", appends));
    }

    @Override
    public void importState(FleetState state) {
        Object data = state.data();
        switch (state.version()) {
            case 1 -> readStreams(data);
            case 2 -> {
                Map<?, ?> map = (Map<?, ?>) data;
                readStreams(map.get("streams"));
                appends = ((Number) map.get("appends")).longValue();
            }
            default -> throw new IllegalArgumentException("version 2 reads state layouts 1 and 2, not " + state.version());
        }
    }

    private void readStreams(Object data) {
        ((Map<?, ?>) data).forEach((stream, entries) -> {
            List<Long> s = new ArrayList<>();
            ((List<?>) entries).forEach(e -> s.add(((Number) e).longValue()));
            streams.put((String) stream, s);
        });
    }
}
