package org.fos.replication.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

/** The pure placement rules: additions, surplus, pins and the balancer, run to their fixed point. */
class PlacementTest {
    private static final String FLEET = "/sys/kv";

    @Test
    void shouldAddTheLeastLoadedNodeToAGroupShortOfReplicas() {
        Placement.Step step = Placement.next(FLEET, 0, List.of("a", "b"), Set.of("a", "b", "c", "d"), Set.of(), 3,
                Map.of("a", 4, "b", 4, "c", 3, "d", 1));
        assertThat(step).isEqualTo(new Placement.Add("d"));
    }

    @Test
    void shouldRemoveTheNodeAPinLeavesBeforeTheMostLoaded() {
        Placement.Pin pin = new Placement.Pin("d", "b");
        Map<String, Integer> load = Map.of("a", 9, "b", 2, "c", 5, "d", 1);
        assertThat(Placement.next(FLEET, 0, List.of("a", "b", "c", "d"), Set.of("a", "b", "c", "d"), Set.of(), 3, load, pin))
                .isEqualTo(new Placement.Remove("b"));
        assertThat(Placement.next(FLEET, 0, List.of("a", "c", "d"), Set.of("a", "b", "c", "d"), Set.of(), 2, Map.of("a", 1, "c", 1,
                "d", 9), new Placement.Pin("d", null))).as("the most loaded but for the node the pin keeps").isIn(
                        new Placement.Remove("a"), new Placement.Remove("c"));
    }

    @Test
    void shouldNotGiveAGroupBackToTheNodeItsPinLeavesUnlessNoOtherNodeCan() {
        Placement.Pin pin = new Placement.Pin("c", "b");
        assertThat(Placement.next(FLEET, 0, List.of("a", "c"), Set.of("a", "b", "c", "d"), Set.of(), 3, Map.of("b", 0, "d", 5), pin))
                .isEqualTo(new Placement.Add("d"));
        assertThat(Placement.next(FLEET, 0, List.of("a", "c"), Set.of("a", "b", "c"), Set.of(), 3, Map.of(), pin))
                .as("too few replicas is worse than the avoided node").isEqualTo(new Placement.Add("b"));
    }

    @Test
    void shouldMoveNothingWhenTheLoadDiffersByOneAtMost() {
        assertThat(Placement.rebalance(FLEET, 0, List.of("a", "b"), Set.of("a", "b", "c"), Map.of("a", 3, "b", 3, "c", 2),
                Placement.Pin.NONE)).isNull();
        assertThat(Placement.rebalance(FLEET, 0, List.of("a", "b", "c"), Set.of("a", "b", "c"), Map.of("a", 3, "b", 3, "c", 3),
                Placement.Pin.NONE)).as("no node without a replica").isNull();
        assertThat(Placement.rebalance(FLEET, 0, List.of("a", "gone"), Set.of("a", "c"), Map.of("a", 8, "c", 0),
                Placement.Pin.NONE)).as("a group on a gone node is placement's to mend").isNull();
    }

    @Test
    void shouldNotMoveAReplicaThePinKeepsNorToTheNodeItLeaves() {
        Map<String, Integer> load = Map.of("a", 6, "b", 6, "c", 6, "d", 0);
        assertThat(Placement.rebalance(FLEET, 0, List.of("a"), Set.of("a", "b", "c", "d"), load, new Placement.Pin("a", null)))
                .isNull();
        assertThat(Placement.rebalance(FLEET, 0, List.of("a"), Set.of("a", "d"), load, new Placement.Pin("a", "d"))).isNull();
        assertThat(Placement.rebalance(FLEET, 0, List.of("a", "b"), Set.of("a", "b", "c", "d"), load, new Placement.Pin("a", null)))
                .isEqualTo(new Placement.Add("d"));
    }

    @Test
    void shouldSpreadEveryReplicaEvenlyWhenANodeJoinsAndKeepThePinsOfMovesByHand() {
        // 8 groups of 3 on a, b and c, and d joins; group 5 is pinned to a, and away from d, by an earlier move
        Map<Integer, List<String>> confs = new TreeMap<>();
        for (int g = 0; g < 8; g++) {
            confs.put(g, new ArrayList<>(List.of("a", "b", "c")));
        }
        Map<Integer, Placement.Pin> pins = Map.of(5, new Placement.Pin("a", "d"));
        Set<String> eligible = Set.of("a", "b", "c", "d");
        int moves = 0;
        for (int round = 0; round < 100; round++) {
            Map<String, Integer> load = load(confs);
            boolean changed = false;
            for (Map.Entry<Integer, List<String>> e : confs.entrySet()) {
                Placement.Step step = Placement.next(FLEET, e.getKey(), e.getValue(), eligible, Set.of(), 3, load,
                        pins.getOrDefault(e.getKey(), Placement.Pin.NONE));
                if (step != null) {
                    apply(e.getValue(), step);
                    changed = true;
                    load = load(confs);
                }
            }
            if (changed) {
                continue;
            }
            Placement.Step move = null;
            for (Map.Entry<Integer, List<String>> e : confs.entrySet()) {
                move = Placement.rebalance(FLEET, e.getKey(), e.getValue(), eligible, load,
                        pins.getOrDefault(e.getKey(), Placement.Pin.NONE));
                if (move != null) {
                    apply(e.getValue(), move);
                    moves++;
                    break;
                }
            }
            if (move == null) {
                break;
            }
        }
        assertThat(load(confs)).as("24 replicas over 4 nodes").containsOnlyKeys("a", "b", "c", "d")
                .allSatisfy((n, count) -> assertThat(count).isEqualTo(6));
        assertThat(moves).as("one move a replica that had to go").isEqualTo(6);
        assertThat(confs.values()).allSatisfy(c -> assertThat(c).hasSize(3).doesNotHaveDuplicates());
        assertThat(confs.get(5)).contains("a").doesNotContain("d");
    }

    @Test
    void shouldReadAPinAsItIsWrittenAndRefuseAnythingElse() {
        Placement.Pin pin = new Placement.Pin("node-d", "node-a");
        assertThat(Placement.Pin.parse(pin.toString())).isEqualTo(pin);
        assertThat(Placement.Pin.parse(null)).isEqualTo(Placement.Pin.NONE);
        assertThatThrownBy(() -> Placement.Pin.parse("node-d")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a pin");
        assertThatThrownBy(() -> Placement.Pin.parse("node-d,node-a")).isInstanceOf(IllegalArgumentException.class);
    }

    private static void apply(List<String> conf, Placement.Step step) {
        if (step instanceof Placement.Add a) {
            conf.add(a.node());
        } else if (step instanceof Placement.Remove r) {
            conf.remove(r.node());
        }
    }

    private static Map<String, Integer> load(Map<Integer, List<String>> confs) {
        Map<String, Integer> load = new HashMap<>();
        confs.values().forEach(c -> c.forEach(n -> load.merge(n, 1, Integer::sum)));
        return load;
    }
}
