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
