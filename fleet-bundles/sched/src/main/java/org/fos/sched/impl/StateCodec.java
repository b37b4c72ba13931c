package org.fos.sched.impl;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.fos.sched.api.FleetLoad;
import org.fos.sched.api.NodeReport;
import org.fos.sched.api.Placement;
import org.fos.sched.api.Policy;

/**
 * The scheduler's records as the plain maps and lists of a {@link org.fos.fleet.api.FleetState},
 * and back; a state that is not what it should be is refused with the field that is wrong, before
 * anything is changed.
 */
final class StateCodec {

    private StateCodec() {
    }

    /** The fields of one map of a state, each read with its path for the error. */
    static final class Fields {
        private final Map<?, ?> map;
        private final String path;

        Fields(Object value, String path) {
            if (!(value instanceof Map<?, ?> m)) {
                throw bad(path, "is not a map");
            }
            this.map = m;
            this.path = path;
        }

        Object get(String name) {
            if (!map.containsKey(name)) {
                throw bad(path + "." + name, "is missing");
            }
            return map.get(name);
        }

        long number(String name) {
            if (!(get(name) instanceof Number n)) {
                throw bad(path + "." + name, "is not a number");
            }
            return n.longValue();
        }

        double decimal(String name) {
            if (!(get(name) instanceof Number n)) {
                throw bad(path + "." + name, "is not a number");
            }
            return n.doubleValue();
        }

        String string(String name) {
            Object v = get(name);
            if (v != null && !(v instanceof String)) {
                throw bad(path + "." + name, "is not a string");
            }
            return (String) v;
        }

        boolean flag(String name) {
            if (!(get(name) instanceof Boolean b)) {
                throw bad(path + "." + name, "is not a boolean");
            }
            return b;
        }

        List<?> list(String name) {
            if (!(get(name) instanceof List<?> l)) {
                throw bad(path + "." + name, "is not a list");
            }
            return l;
        }

        Map<String, Integer> counts(String name) {
            Fields m = new Fields(get(name), path + "." + name);
            Map<String, Integer> out = new TreeMap<>();
            for (Map.Entry<?, ?> e : m.map.entrySet()) {
                out.put((String) e.getKey(), (int) m.number((String) e.getKey()));
            }
            return out;
        }
    }

    static IllegalArgumentException bad(String path, String what) {
        return new IllegalArgumentException("the scheduling fleet's state is not valid: " + path + " " + what);
    }

    static List<Object> reports(Collection<NodeReport> reports) {
        List<Object> out = new ArrayList<>();
        for (NodeReport r : reports) {
            List<Object> fleets = new ArrayList<>();
            for (FleetLoad f : r.fleets()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("fleet", f.fleet());
                m.put("serving", f.serving());
                m.put("queued", f.queued());
                m.put("placeable", f.placeable());
                fleets.add(m);
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("node", r.node());
            m.put("cores", r.cores());
            m.put("load", r.load());
            m.put("atMillis", r.atMillis());
            m.put("fleets", fleets);
            out.add(m);
        }
        return out;
    }

    static List<NodeReport> reports(List<?> list) {
        List<NodeReport> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            Fields f = new Fields(list.get(i), "state.nodes[" + i + "]");
            List<FleetLoad> fleets = new ArrayList<>();
            List<?> fl = f.list("fleets");
            for (int j = 0; j < fl.size(); j++) {
                Fields g = new Fields(fl.get(j), "state.nodes[" + i + "].fleets[" + j + "]");
                fleets.add(new FleetLoad(g.string("fleet"), (int) g.number("serving"), (int) g.number("queued"), g.flag("placeable")));
            }
            out.add(new NodeReport(f.string("node"), (int) f.number("cores"), f.decimal("load"), f.number("atMillis"), fleets));
        }
        return out;
    }

    static List<Object> policies(Collection<Policy> policies) {
        List<Object> out = new ArrayList<>();
        for (Policy p : policies) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("fleet", p.fleet());
            m.put("kind", p.kind().name());
            m.put("members", p.members());
            m.put("affinity", p.affinity());
            m.put("enabled", p.enabled());
            m.put("source", p.source());
            m.put("revision", p.revision());
            out.add(m);
        }
        return out;
    }

    static List<Policy> policies(List<?> list) {
        List<Policy> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String path = "state.policies[" + i + "]";
            Fields f = new Fields(list.get(i), path);
            Policy.Kind kind;
            try {
                kind = Policy.Kind.valueOf(f.string("kind"));
            } catch (IllegalArgumentException | NullPointerException e) {
                throw bad(path + ".kind", "is not a policy kind");
            }
            out.add(new Policy(f.string("fleet"), kind, (int) f.number("members"), f.string("affinity"), f.flag("enabled"),
                    f.string("source"), f.number("revision")));
        }
        return out;
    }

    static List<Object> placements(Collection<Placement> placements) {
        List<Object> out = new ArrayList<>();
        for (Placement p : placements) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("fleet", p.fleet());
            m.put("revision", p.revision());
            m.put("members", new TreeMap<String, Object>(p.members()));
            m.put("reason", p.reason());
            m.put("decidedOn", p.decidedOn());
            m.put("atMillis", p.atMillis());
            out.add(m);
        }
        return out;
    }

    static List<Placement> placements(List<?> list) {
        List<Placement> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            Fields f = new Fields(list.get(i), "state.placements[" + i + "]");
            out.add(new Placement(f.string("fleet"), f.number("revision"), f.counts("members"), f.string("reason"), f.string("decidedOn"),
                    f.number("atMillis")));
        }
        return out;
    }

    static List<String> strings(List<?> list, String path) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof String s)) {
                throw bad(path + "[" + i + "]", "is not a string");
            }
            out.add(s);
        }
        return out;
    }
}
