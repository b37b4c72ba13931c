package org.fos.sched.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.fos.fleet.api.FleetState;
import org.fos.sched.api.Decided;
import org.fos.sched.api.Decision;
import org.fos.sched.api.FleetLoad;
import org.fos.sched.api.NodeReport;
import org.fos.sched.api.Policy;
import org.fos.sched.api.SchedView;
import org.fos.sched.log.Commands;
import org.junit.jupiter.api.Test;

class SchedMachineTest {
    private static final String WORK = "/app/work";
    private long index;

    private Object apply(SchedMachine m, Object command) {
        return m.apply(command, ++index);
    }

    private static Commands.Report report(String node, long at) {
        return new Commands.Report(new NodeReport(node, 2, 0.5, at, List.of(new FleetLoad(WORK, 1, 0, true))));
    }

    private static Commands.SetPolicy spread(int members) {
        return new Commands.SetPolicy(new Policy(WORK, Policy.Kind.SPREAD, members, null, true, "test", 0));
    }

    private static Commands.Decide decide(long basedOn, Map<String, Integer> members, String by) {
        return new Commands.Decide(new Decision(WORK, basedOn, members, "test", by), 5_000);
    }

    private SchedMachine withTwoNodesAndAPolicy() {
        SchedMachine m = new SchedMachine();
        apply(m, report("a", 1_000));
        apply(m, report("b", 1_000));
        apply(m, spread(3));
        return m;
    }

    @Test
    void twoDecisionsOnTheSamePlacementLeaveOnePlacement() {
        SchedMachine m = withTwoNodesAndAPolicy();
        Decided first = (Decided) apply(m, decide(0, Map.of("a", 2, "b", 1), "a"));
        Decided second = (Decided) apply(m, decide(0, Map.of("a", 1, "b", 2), "b"));
        assertThat(first.taken()).isTrue();
        assertThat(second.taken()).isFalse();
        assertThat(second.placement()).isEqualTo(first.placement());
        SchedView v = m.view();
        assertThat(v.placements()).hasSize(1);
        assertThat(v.placement(WORK).members()).isEqualTo(Map.of("a", 2, "b", 1));
        assertThat(v.events()).anyMatch(e -> e.contains("refused: based on placement 0"));
        Decided next = (Decided) apply(m, decide(first.placement().revision(), Map.of("a", 1, "b", 2), "b"));
        assertThat(next.taken()).isTrue();
        assertThat(m.view().placement(WORK).decidedOn()).isEqualTo("b");
    }

    @Test
    void aDecisionWithoutAPolicyOrForANodeThatNeverReportedIsNotTaken() {
        SchedMachine m = new SchedMachine();
        apply(m, report("a", 1_000));
        assertThat(((Decided) apply(m, decide(0, Map.of("a", 1), "a"))).taken()).isFalse();
        apply(m, spread(2));
        assertThat(((Decided) apply(m, decide(0, Map.of("a", 1, "zz", 1), "a"))).taken()).isFalse();
        assertThat(m.view().placements()).isEmpty();
    }

    @Test
    void removingThePolicyRemovesThePlacement() {
        SchedMachine m = withTwoNodesAndAPolicy();
        apply(m, decide(0, Map.of("a", 2, "b", 1), "a"));
        assertThat(apply(m, new Commands.RemovePolicy(WORK))).isEqualTo(true);
        assertThat(m.view().placements()).isEmpty();
        assertThat(m.view().policies()).isEmpty();
        assertThat(apply(m, new Commands.RemovePolicy(WORK))).isEqualTo(false);
    }

    @Test
    void nodesBehindTheNewestReportAreStaleThenForgotten() {
        SchedMachine m = withTwoNodesAndAPolicy();
        apply(m, report("a", 1_000 + SchedMachine.STALE_MILLIS + 1));
        assertThat(m.view().stale()).containsExactly("b");
        apply(m, report("a", 1_000 + SchedMachine.FORGET_MILLIS + 1));
        assertThat(m.view().nodes()).extracting(NodeReport::node).containsExactly("a");
    }

    @Test
    void theSnapshotRestoresTheSameState() {
        SchedMachine m = withTwoNodesAndAPolicy();
        apply(m, decide(0, Map.of("a", 2, "b", 1), "a"));
        FleetState s = m.snapshot();
        SchedMachine copy = new SchedMachine();
        copy.restore(s);
        assertThat(copy.view()).isEqualTo(m.view());
        // and it goes on from the same revision
        Decided d = (Decided) apply(copy, decide(m.view().placement(WORK).revision(), Map.of("a", 1, "b", 2), "b"));
        assertThat(d.taken()).isTrue();
    }

    @Test
    void aDamagedSnapshotIsRefusedWithItsFieldAndTheStateStays() {
        SchedMachine m = withTwoNodesAndAPolicy();
        SchedView before = m.view();
        @SuppressWarnings("unchecked")
        Map<String, Object> data = new HashMap<>((Map<String, Object>) m.snapshot().data());
        data.put("policies", List.of(Map.of("fleet", WORK, "kind", "SIDEWAYS", "members", 1, "enabled", true, "source", "x",
                "revision", 1L, "affinity", "")));
        assertThatThrownBy(() -> m.restore(new FleetState(SchedMachine.LAYOUT, data))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("state.policies[0].kind");
        data.remove("policies");
        assertThatThrownBy(() -> m.restore(new FleetState(SchedMachine.LAYOUT, data))).hasMessageContaining("state.policies is missing");
        assertThatThrownBy(() -> m.restore(new FleetState(7, Map.of()))).hasMessageContaining("layout");
        assertThat(m.view()).isEqualTo(before);
    }

    @Test
    void unknownCommandsAndQueriesAreRefused() {
        SchedMachine m = new SchedMachine();
        assertThatThrownBy(() -> m.apply("nonsense", 1)).hasMessageContaining("no command java.lang.String");
        assertThatThrownBy(() -> m.query(null)).hasMessageContaining("no query null");
    }
}
