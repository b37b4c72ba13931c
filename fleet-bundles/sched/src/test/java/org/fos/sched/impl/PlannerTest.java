package org.fos.sched.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.fos.sched.api.FleetLoad;
import org.fos.sched.api.NodeReport;
import org.fos.sched.api.Placement;
import org.fos.sched.api.Policy;
import org.fos.sched.api.SchedView;
import org.junit.jupiter.api.Test;

class PlannerTest {
    private static final String WORK = "/app/work";

    private static NodeReport node(String id, int cores, double load, FleetLoad... fleets) {
        return new NodeReport(id, cores, load, 1_000, List.of(fleets));
    }

    private static FleetLoad work(boolean placeable) {
        return new FleetLoad(WORK, 1, 0, placeable);
    }

    private static Policy policy(Policy.Kind kind, int members, String affinity) {
        return new Policy(WORK, kind, members, affinity, true, "test", 1);
    }

    private static SchedView view(List<NodeReport> nodes, List<String> stale, Placement... now) {
        return new SchedView(1, nodes, stale, List.of(), List.of(now), List.of());
    }

    @Test
    void spreadGivesEveryNodeOneAndTheRestEvenlyToTheLeastLoaded() {
        SchedView v = view(List.of(node("a", 2, 1.8, work(true)), node("b", 2, 0.2, work(true)), node("c", 2, 1.0, work(true))), List.of());
        assertThat(Planner.plan(policy(Policy.Kind.SPREAD, 5, null), v)).isEqualTo(Map.of("a", 1, "b", 2, "c", 2));
        assertThat(Planner.plan(policy(Policy.Kind.SPREAD, 7, null), v)).isEqualTo(Map.of("a", 2, "b", 3, "c", 2));
    }

    @Test
    void fewerMembersThanNodesStillKeepsOneANode() {
        SchedView v = view(List.of(node("a", 2, 0, work(true)), node("b", 2, 0, work(true))), List.of());
        assertThat(Planner.plan(policy(Policy.Kind.SPREAD, 1, null), v)).isEqualTo(Map.of("a", 1, "b", 1));
    }

    @Test
    void spreadKeepsTheNodesThatHaveTheExtraMembersWhenLoadsChange() {
        Placement now = new Placement(WORK, 4, Map.of("a", 2, "b", 1), "before", "a", 1);
        SchedView v = view(List.of(node("a", 2, 5.0, work(true)), node("b", 2, 0.0, work(true))), List.of(), now);
        assertThat(Planner.plan(policy(Policy.Kind.SPREAD, 3, null), v)).isEqualTo(Map.of("a", 2, "b", 1));
    }

    @Test
    void packFillsTheNodesWithMostCoresFirstUpToTheirCores() {
        SchedView v = view(List.of(node("a", 2, 0, work(true)), node("b", 8, 0, work(true)), node("c", 4, 0, work(true))), List.of());
        assertThat(Planner.plan(policy(Policy.Kind.PACK, 10, null), v)).isEqualTo(Map.of("a", 1, "b", 8, "c", 1));
        assertThat(Planner.plan(policy(Policy.Kind.PACK, 13, null), v)).isEqualTo(Map.of("a", 1, "b", 8, "c", 4));
        // more than all the cores: the rest go round the nodes in the same order
        assertThat(Planner.plan(policy(Policy.Kind.PACK, 16, null), v)).isEqualTo(Map.of("a", 2, "b", 9, "c", 5));
    }

    @Test
    void affinityPrefersTheNodesWhereTheOtherFleetHasMostMembers() {
        FleetLoad fs3 = new FleetLoad("/sys/fs", 3, 0, false);
        FleetLoad fs1 = new FleetLoad("/sys/fs", 1, 0, false);
        SchedView v = view(List.of(node("a", 4, 0, work(true), fs1), node("b", 4, 0, work(true), fs3), node("c", 4, 0, work(true))), List.of());
        assertThat(Planner.plan(policy(Policy.Kind.AFFINITY, 7, "/sys/fs"), v)).isEqualTo(Map.of("a", 2, "b", 4, "c", 1));
    }

    @Test
    void antiAffinityIsOneANodeWhateverTheCount() {
        SchedView v = view(List.of(node("a", 4, 0, work(true)), node("b", 4, 0, work(true))), List.of());
        assertThat(Planner.plan(policy(Policy.Kind.ANTI_AFFINITY, 9, null), v)).isEqualTo(Map.of("a", 1, "b", 1));
    }

    @Test
    void staleNodesNodesWithoutTheFleetAndUnplaceableOnesAreLeftOut() {
        List<NodeReport> nodes = new ArrayList<>(List.of(node("a", 2, 0, work(true)), node("b", 2, 0, work(false)), node("c", 2, 0),
                node("d", 2, 0, work(true))));
        SchedView v = view(nodes, List.of("d"));
        assertThat(Planner.plan(policy(Policy.Kind.SPREAD, 4, null), v)).isEqualTo(Map.of("a", 4));
        assertThat(Planner.plan(policy(Policy.Kind.SPREAD, 4, null), view(List.of(node("c", 2, 0)), List.of()))).isEmpty();
    }

    @Test
    void theSameStateGivesTheSamePlanWhateverTheOrderOfTheReports() {
        List<NodeReport> nodes = List.of(node("c", 2, 0.5, work(true)), node("a", 2, 0.5, work(true)), node("b", 2, 0.5, work(true)));
        List<NodeReport> reversed = new ArrayList<>(nodes);
        java.util.Collections.reverse(reversed);
        for (Policy.Kind k : List.of(Policy.Kind.SPREAD, Policy.Kind.PACK)) {
            assertThat(Planner.plan(policy(k, 5, null), view(nodes, List.of())))
                    .isEqualTo(Planner.plan(policy(k, 5, null), view(reversed, List.of())));
        }
    }

    @Test
    void saysWhyAFleetHasNoPlacementAndWhatToDo() {
        Policy spread = policy(Policy.Kind.SPREAD, 5, null);
        Policy off = new Policy(WORK, Policy.Kind.SPREAD, 5, null, false, "test", 1);
        NodeReport other = node("a", 2, 0, new FleetLoad("/app/other", 1, 0, true));
        assertThat(Planner.whyUnplaced(new SchedView(1, List.of(other), List.of(), List.of(), List.of(), List.of()), WORK))
                .isEqualTo("it has no placement policy (fos:policy /app/work spread <members> sets one)");
        assertThat(Planner.whyUnplaced(new SchedView(1, List.of(other), List.of(), List.of(off), List.of(), List.of()), WORK))
                .isEqualTo("its policy (spread, 5 members, switched off) is switched off (fos:policy /app/work on switches it on)");
        assertThat(Planner.whyUnplaced(new SchedView(1, List.of(other), List.of(), List.of(spread), List.of(), List.of()), WORK))
                .startsWith("its policy (spread, 5 members) waits for a node that runs the fleet, and none of the 1 node(s)");
        List<NodeReport> unplaceable = List.of(other, node("b", 2, 0, work(false)), node("c", 2, 0, work(false)));
        assertThat(Planner.whyUnplaced(new SchedView(1, unplaceable, List.of(), List.of(spread), List.of(), List.of()), WORK))
                .startsWith("its policy (spread, 5 members) finds no node to place it on: the nodes that run it (b, c) do not offer it");
        List<NodeReport> placeable = List.of(node("b", 2, 0, work(true)), node("c", 2, 0, work(false)));
        assertThat(Planner.whyUnplaced(new SchedView(1, placeable, List.of("b"), List.of(spread), List.of(), List.of()), WORK))
                .endsWith("the reports of the nodes that run it (b) are stale");
        List<String> events = List.of("r1 policy of /app/work set: spread, 5 members (test)", "r2 policy of /app/workers set: pack, 1 members (test)",
                "r3 decision of b for /app/work refused: node x has not reported");
        assertThat(Planner.whyUnplaced(new SchedView(3, placeable, List.of(), List.of(spread), List.of(), events), WORK))
                .isEqualTo("its policy (spread, 5 members) has not been placed yet; the latest events about it: " + events.get(0) + "; "
                        + events.get(2));
    }
}
