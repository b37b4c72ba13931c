package org.fos.sched.impl;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.fos.fleet.api.FleetRuntime;
import org.fos.sched.api.FleetLoad;
import org.fos.sched.api.NodeReport;
import org.fos.sched.api.Placement;
import org.fos.sched.api.Policy;
import org.fos.sched.api.SchedView;

/**
 * Where a fleet's members should run under its policy, from the scheduler's state: pure, so every
 * scheduler given the same state decides the same. The nodes placed on are those whose latest report
 * is not stale and lists the fleet as placeable; each keeps one member, and the policy's kind says
 * where the ones above that go. Where two nodes are equally good, the one that has members now is
 * kept first, then the smaller id, so that a placement does not move for nothing.
 */
final class Planner {

    private Planner() {
    }

    /**
     * Says why a fleet has no placement, from the scheduler's state: it has no policy, its policy is off,
     * no node reports running it, no node that runs it offers it for placing, or the nodes that do are
     * stale; else no placement has been taken yet, with the latest events about the fleet.
     *
     * @param view the scheduler's state
     * @param fleet the fleet's name
     * @return the reason and what to do, for a user
     */
    static String whyUnplaced(SchedView view, String fleet) {
        Policy policy = null;
        for (Policy p : view.policies()) {
            if (p.fleet().equals(fleet)) {
                policy = p;
            }
        }
        if (policy == null) {
            return "it has no placement policy (fos:policy " + fleet + " spread <members> sets one)";
        }
        String has = "its policy (" + SchedMachine.describe(policy) + ")";
        if (!policy.enabled()) {
            return has + " is switched off (fos:policy " + fleet + " on switches it on)";
        }
        List<String> running = new ArrayList<>();
        List<String> placeable = new ArrayList<>();
        for (NodeReport n : view.nodes()) {
            FleetLoad f = load(n, fleet);
            if (f != null) {
                running.add(n.node());
                if (f.placeable()) {
                    placeable.add(n.node());
                }
            }
        }
        if (running.isEmpty()) {
            return has + " waits for a node that runs the fleet, and none of the " + view.nodes().size() + " node(s) that report to the"
                    + " scheduler does (install its bundle; fos:fleets shows the fleets of every node)";
        }
        if (placeable.isEmpty()) {
            return has + " finds no node to place it on: the nodes that run it (" + String.join(", ", running) + ") do not offer it,"
                    + " as a fleet is placed only while it serves, is not replicated and its version has not failed a placement"
                    + " (fos:fleets " + fleet + " shows how it runs there)";
        }
        if (view.stale().containsAll(placeable)) {
            return has + " finds no node to place it on: the reports of the nodes that run it (" + String.join(", ", placeable)
                    + ") are stale";
        }
        List<String> about = new ArrayList<>();
        for (String e : view.events()) {
            if (e.contains(" " + fleet + " ") || e.endsWith(" " + fleet) || e.contains(" " + fleet + ":")) {
                about.add(e);
            }
        }
        return has + " has not been placed yet" + (about.isEmpty() ? ""
                : "; the latest events about it: " + String.join("; ", about.subList(Math.max(0, about.size() - 3), about.size())));
    }

    /**
     * Plans a fleet.
     *
     * @param policy the fleet's policy
     * @param view the scheduler's state
     * @return the members by node id, or an empty map if no node can take the fleet
     */
    static Map<String, Integer> plan(Policy policy, SchedView view) {
        List<NodeReport> nodes = new ArrayList<>();
        for (NodeReport n : view.nodes()) {
            FleetLoad f = load(n, policy.fleet());
            if (f != null && f.placeable() && !view.stale().contains(n.node())) {
                nodes.add(n);
            }
        }
        Map<String, Integer> out = new TreeMap<>();
        if (nodes.isEmpty()) {
            return out;
        }
        Placement now = view.placement(policy.fleet());
        for (NodeReport n : nodes) {
            out.put(n.node(), 1);
        }
        if (policy.kind() == Policy.Kind.ANTI_AFFINITY) {
            return out;
        }
        int extra = Math.min(policy.members(), nodes.size() * FleetRuntime.MAX_PLACED) - nodes.size();
        if (extra <= 0) {
            return out;
        }
        Comparator<NodeReport> keep = Comparator.comparingInt((NodeReport n) -> now == null ? 0 : -now.on(n.node()));
        Comparator<NodeReport> byId = Comparator.comparing(NodeReport::node);
        switch (policy.kind()) {
            case SPREAD -> {
                int each = extra / nodes.size();
                int rest = extra % nodes.size();
                nodes.sort(keep.thenComparingDouble(Planner::loadPerCore).thenComparing(byId));
                for (int i = 0; i < nodes.size(); i++) {
                    out.merge(nodes.get(i).node(), each + (i < rest ? 1 : 0), Integer::sum);
                }
            }
            case PACK -> {
                nodes.sort(Comparator.comparingInt(NodeReport::cores).reversed().thenComparing(keep).thenComparing(byId));
                fill(nodes, out, extra);
            }
            case AFFINITY -> {
                nodes.sort(Comparator.comparingInt((NodeReport n) -> -serving(n, policy.affinity())).thenComparing(keep)
                        .thenComparing(byId));
                fill(nodes, out, extra);
            }
            default -> throw new IllegalStateException("unhandled " + policy.kind());
        }
        return out;
    }

    /** Fills the nodes in order, each up to its cores (at least one member each), the rest round-robin. */
    private static void fill(List<NodeReport> nodes, Map<String, Integer> out, int extra) {
        int left = extra;
        for (NodeReport n : nodes) {
            int room = Math.max(0, Math.min(Math.max(1, n.cores()), FleetRuntime.MAX_PLACED) - out.get(n.node()));
            int take = Math.min(room, left);
            out.merge(n.node(), take, Integer::sum);
            left -= take;
        }
        for (int i = 0; left > 0; i = (i + 1) % nodes.size()) {
            String id = nodes.get(i).node();
            if (out.get(id) < FleetRuntime.MAX_PLACED) {
                out.merge(id, 1, Integer::sum);
                left--;
            }
        }
    }

    private static double loadPerCore(NodeReport n) {
        return n.load() < 0 ? 0 : n.load() / Math.max(1, n.cores());
    }

    private static int serving(NodeReport n, String fleet) {
        FleetLoad f = fleet == null ? null : load(n, fleet);
        return f == null ? 0 : f.serving();
    }

    static FleetLoad load(NodeReport n, String fleet) {
        for (FleetLoad f : n.fleets()) {
            if (f.fleet().equals(fleet)) {
                return f;
            }
        }
        return null;
    }
}
