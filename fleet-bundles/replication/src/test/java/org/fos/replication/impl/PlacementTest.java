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
            if (!rebalanceOnce(confs, eligible, pins)) {
                break;
            }
            moves++;
        }
        assertThat(load(confs)).as("24 replicas over 4 nodes").containsOnlyKeys("a", "b", "c", "d")
                .allSatisfy((n, count) -> assertThat(count).isEqualTo(6));
        assertThat(moves).as("one move a replica that had to go").isEqualTo(6);
        assertThat(confs.values()).allSatisfy(c -> assertThat(c).hasSize(3).doesNotHaveDuplicates());
        assertThat(confs.get(5)).contains("a").doesNotContain("d");
    }

    @Test
    void shouldSpreadTheLeadersOfGroupsThatHaveNoneEvenly() {
        Map<Integer, List<String>> confs = ring(8, List.of("a", "b", "c", "d"));
        Map<Integer, String> leaders = Placement.leaders(FLEET, confs, Map.of(), Set.of("a", "b", "c", "d"));
        assertThat(leaders).hasSize(8);
        leaders.forEach((g, n) -> assertThat(confs.get(g)).contains(n));
        assertThat(count(leaders)).containsOnlyKeys("a", "b", "c", "d").allSatisfy((n, c) -> assertThat(c).isEqualTo(2));
        assertThat(Placement.leaders(FLEET, confs, leaders, Set.of("a", "b", "c", "d"))).as("a fixed point").isEqualTo(leaders);
    }

    @Test
    void shouldMoveNoOtherLeaderWhenAGroupLeavesOrRejoinsTheSettledGroups() {
        Set<String> eligible = Set.of("a", "b", "c", "d");
        Map<Integer, List<String>> confs = ring(8, List.of("a", "b", "c", "d"));
        Map<Integer, String> leaders = Placement.leaders(FLEET, confs, Map.of(), eligible);
        for (int changing = 0; changing < 8; changing++) {
            Map<Integer, List<String>> settled = new TreeMap<>(confs);
            settled.remove(changing);
            Map<Integer, String> expected = new TreeMap<>(leaders);
            expected.remove(changing);
            assertThat(new TreeMap<>(Placement.leaders(FLEET, settled, leaders, eligible)))
                    .as("group %d in the middle of a change", changing).isEqualTo(expected);
        }
    }

    @Test
    void shouldMoveTheLeadershipOfAGoneNodeAndOfANodeThatLeadsTwoMoreThanAnother() {
        Map<Integer, List<String>> confs = ring(8, List.of("a", "b", "c", "d"));
        Map<Integer, String> present = new HashMap<>();
        confs.forEach((g, c) -> present.put(g, c.get(0)));
        present.put(0, "b"); // b leads 0, 1 and 5, a only 4: group 0 (a, b, c) goes to a
        Map<Integer, String> leaders = Placement.leaders(FLEET, confs, present, Set.of("a", "b", "c", "d"));
        assertThat(count(leaders).values()).allSatisfy(c -> assertThat(c).isEqualTo(2));
        assertThat(leaders).as("one move").isEqualTo(Map.of(0, "a", 1, "b", 2, "c", 3, "d", 4, "a", 5, "b", 6, "c", 7, "d"));

        Map<Integer, String> withoutA = Placement.leaders(FLEET, confs, leaders, Set.of("b", "c", "d"));
        assertThat(withoutA).hasSize(8).doesNotContainValue("a");
        leaders.forEach((g, n) -> {
            if (!n.equals("a")) {
                assertThat(withoutA.get(g)).as("group %d, led by a live node", g).isEqualTo(n);
            }
        });
    }

    @Test
    void shouldChangeLeadersOnlyAsReplicasMoveWhileANodeJoins() {
        // the controller's rounds: every group takes its step; the settled ones get leaders; the balancer moves one replica
        Map<Integer, List<String>> confs = new TreeMap<>();
        for (int g = 0; g < 8; g++) {
            confs.put(g, new ArrayList<>(List.of("a", "b", "c")));
        }
        Set<String> eligible = Set.of("a", "b", "c", "d");
        Map<Integer, String> present = new TreeMap<>(Placement.leaders(FLEET, confs, Map.of(), Set.of("a", "b", "c")));
        int leadMoves = 0;
        int replicaMoves = 0;
        for (int round = 0; round < 100; round++) {
            Map<Integer, List<String>> settled = new TreeMap<>();
            for (Map.Entry<Integer, List<String>> e : confs.entrySet()) {
                Placement.Step step = Placement.next(FLEET, e.getKey(), e.getValue(), eligible, Set.of(), 3, load(confs));
                if (step != null) {
                    apply(e.getValue(), step);
                    if (!e.getValue().contains(present.get(e.getKey()))) {
                        present.remove(e.getKey());
                    }
                } else {
                    settled.put(e.getKey(), e.getValue());
                }
            }
            for (Map.Entry<Integer, String> lead : Placement.leaders(FLEET, settled, present, eligible).entrySet()) {
                if (!lead.getValue().equals(present.put(lead.getKey(), lead.getValue()))) {
                    leadMoves++;
                }
            }
            if (settled.size() < confs.size()) {
                continue;
            }
            if (!rebalanceOnce(confs, eligible, Map.of())) {
                break;
            }
            replicaMoves++;
        }
        assertThat(replicaMoves).isEqualTo(6);
        assertThat(count(present).values()).as("8 leaders over 4 nodes").containsOnly(2);
        assertThat(leadMoves).as("a group's leader moves when its leader's replica goes, or to even the count out").isLessThanOrEqualTo(8);
    }

    @Test
    void shouldReadAPinAsItIsWrittenAndRefuseAnythingElse() {
        Placement.Pin pin = new Placement.Pin("node-d", "node-a");
        assertThat(Placement.Pin.parse(pin.toString())).isEqualTo(pin);
        assertThat(Placement.Pin.parse(null)).isEqualTo(Placement.Pin.NONE);
        assertThatThrownBy(() -> Placement.Pin.parse("node-d")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a pin");
        assertThatThrownBy(() -> Placement.Pin.parse("node-d,node-a")).isInstanceOf(IllegalArgumentException.class);
    }

    /** The balancer's move of a round, as the controller makes it: the first group, in order, that has one. */
    private static boolean rebalanceOnce(Map<Integer, List<String>> confs, Set<String> eligible, Map<Integer, Placement.Pin> pins) {
        Map<String, Integer> load = load(confs);
        for (Map.Entry<Integer, List<String>> e : confs.entrySet()) {
            Placement.Step move = Placement.rebalance(FLEET, e.getKey(), e.getValue(), eligible, load,
                    pins.getOrDefault(e.getKey(), Placement.Pin.NONE));
            if (move != null) {
                apply(e.getValue(), move);
                return true;
            }
        }
        return false;
    }

    private static void apply(List<String> conf, Placement.Step step) {
        if (step instanceof Placement.Add a) {
            conf.add(a.node());
        } else if (step instanceof Placement.Remove r) {
            conf.remove(r.node());
        }
    }

    /** Groups of three, group g on the nodes g, g+1 and g+2 (modulo their number). */
    private static Map<Integer, List<String>> ring(int groups, List<String> nodes) {
        Map<Integer, List<String>> confs = new TreeMap<>();
        for (int g = 0; g < groups; g++) {
            confs.put(g, List.of(nodes.get(g % nodes.size()), nodes.get((g + 1) % nodes.size()), nodes.get((g + 2) % nodes.size())));
        }
        return confs;
    }

    private static Map<String, Integer> count(Map<Integer, String> leaders) {
        Map<String, Integer> out = new HashMap<>();
        leaders.values().forEach(n -> out.merge(n, 1, Integer::sum));
        return out;
    }

    private static Map<String, Integer> load(Map<Integer, List<String>> confs) {
        Map<String, Integer> load = new HashMap<>();
        confs.values().forEach(c -> c.forEach(n -> load.merge(n, 1, Integer::sum)));
        return load;
    }
}
