package org.fos.fleet.impl;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.fos.fleet.api.CoreMap;

/**
 * Space partitioning for the runtime: each member of a pinned fleet on a core of its own (among
 * those not kept for clients), every other member anywhere; and the map {@code fos:sched} shows.
 */
final class CorePlacement {

    private CorePlacement() {
    }

    /** Places every member of the fleets: pinned ones on their cores, the others anywhere. */
    static void place(Map<String, FleetController> controllers, Set<String> pinned, int cores, int clientCores) {
        List<Member> order = new ArrayList<>();
        pinnedMembers(controllers, pinned).forEach(e -> order.add(e.getValue()));
        Map<Member, Integer> plan = new IdentityHashMap<>();
        Cores.plan(cores, clientCores, order).forEach(plan::put);
        for (FleetController c : controllers.values()) {
            for (Member m : c.membersNow()) {
                m.pin(plan.getOrDefault(m, -1));
            }
        }
    }

    /** Where the members of pinned fleets run, as their threads last applied it. */
    static CoreMap map(Map<String, FleetController> controllers, Set<String> pinned, String node, int cores, int clientCores) {
        List<CoreMap.Pinned> out = new ArrayList<>();
        for (Map.Entry<String, Member> e : pinnedMembers(controllers, pinned)) {
            Member m = e.getValue();
            Cores.Applied a = m.applied();
            boolean current = a != null && a.core() == m.wantedCore();
            out.add(new CoreMap.Pinned(e.getKey(), m.index, m.wantedCore(), current ? a.threadId() : -1, current && a.bound(),
                    current ? a.note() : "not applied yet: the member's thread binds itself before its next receive"));
        }
        return new CoreMap(node, cores, clientCores, out);
    }

    /** The members of pinned fleets in a stable order: by fleet name, then index. */
    private static List<Map.Entry<String, Member>> pinnedMembers(Map<String, FleetController> controllers, Set<String> pinned) {
        List<Map.Entry<String, Member>> out = new ArrayList<>();
        for (String name : new TreeSet<>(controllers.keySet())) {
            FleetController c = controllers.get(name);
            if (c == null || !pinned.contains(name)) {
                continue;
            }
            List<Member> ms = new ArrayList<>(c.membersNow());
            ms.sort(Comparator.comparingInt(m -> m.index));
            ms.forEach(m -> out.add(Map.entry(name, m)));
        }
        return out;
    }
}
