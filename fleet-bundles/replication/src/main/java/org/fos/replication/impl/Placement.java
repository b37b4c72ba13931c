package org.fos.replication.impl;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where a fleet's groups should be, decided from what is: a pure function, the same on every node.
 * One step at a time, so that every Raft configuration change adds or removes one voter:
 * <ol>
 * <li>a group with fewer replicas than it should have (the factor, or every node that runs the fleet
 * if fewer) gains the least loaded node that runs the fleet and keeps none of its replicas;</li>
 * <li>a group with a replica on a node gone longer than the grace period gains a replacement first,
 * then loses the gone node (a gone node without a replacement stays: it may come back);</li>
 * <li>a group with more replicas than the factor loses the node its pin says to leave, else its most
 * loaded one that its pin does not keep;</li>
 * <li>each group has a preferred leader among its live replicas, chosen so that the leaders spread
 * evenly over the nodes and kept while they are spread well enough ({@link #leaders}); Raft's
 * priorities make it lead whenever it is up to date.</li>
 * </ol>
 * Load is the number of the fleet's groups a node keeps; ties go by rendezvous hashing of the
 * fleet, group and node, so that different groups prefer different nodes.
 * <p>When every group is where it should be, {@link #rebalance} moves one replica at a time from the
 * most to the least loaded node while they differ by more than one (a node that joins receives
 * replicas this way): it adds the replica, and the surplus rule above removes the old one. A group
 * moved by hand ({@code fos:move}) carries a {@link Pin}: the node it was moved to keeps it, and the
 * node it left does not get it back.
 */
final class Placement {

    /** One change to a group. */
    sealed interface Step permits Add, Remove, Lead {
    }

    /**
     * Give the group a replica on a node.
     *
     * @param node the node
     */
    record Add(String node) implements Step {
    }

    /**
     * Take the group's replica off a node.
     *
     * @param node the node
     */
    record Remove(String node) implements Step {
    }

    /**
     * Make a node the group's preferred leader (highest priority).
     *
     * @param node the node
     */
    record Lead(String node) implements Step {
    }

    /**
     * What a move by hand asks of a group's placement: keep a replica on one node, and none on another.
     *
     * @param keep the node the group was moved to, or null
     * @param avoid the node it was moved from, or null
     */
    record Pin(String keep, String avoid) {
        /** No pin. */
        static final Pin NONE = new Pin(null, null);

        /**
         * Reads a pin as {@link #toString()} writes it.
         *
         * @param text for example {@code node-d,-node-a}; null for none
         * @return the pin
         * @throws IllegalArgumentException if the text is not a pin
         */
        static Pin parse(String text) {
            if (text == null || text.isBlank()) {
                return NONE;
            }
            String[] parts = text.split(",");
            if (parts.length != 2 || !parts[1].startsWith("-") || parts[0].isBlank() || parts[1].length() < 2) {
                throw new IllegalArgumentException("not a pin: '" + text + "' (expected <keep>,-<avoid>)");
            }
            return new Pin(parts[0], parts[1].substring(1));
        }

        @Override
        public String toString() {
            return keep + ",-" + avoid;
        }
    }

    private Placement() {
    }

    /**
     * The nodes a new group starts on.
     *
     * @param fleet the fleet
     * @param group the group
     * @param eligible the live nodes that run the fleet
     * @param replicas the factor
     * @param load the number of the fleet's groups each node keeps now
     * @return the nodes, at most {@code replicas}
     */
    static List<String> initial(String fleet, int group, Set<String> eligible, int replicas, Map<String, Integer> load) {
        List<String> ranked = rank(fleet, group, eligible, load);
        return List.copyOf(ranked.subList(0, Math.min(replicas, ranked.size())));
    }

    /**
     * The next change a group needs, if any, for its membership; see the class description.
     *
     * @param fleet the fleet
     * @param group the group
     * @param conf the nodes of its Raft configuration now
     * @param eligible the live nodes that run the fleet
     * @param replaceable the nodes gone for longer than the grace period
     * @param replicas the factor
     * @param load the number of the fleet's groups each node keeps now
     * @return the step, or null if the group is where it should be
     */
    static Step next(String fleet, int group, List<String> conf, Set<String> eligible, Set<String> replaceable, int replicas,
            Map<String, Integer> load) {
        return next(fleet, group, conf, eligible, replaceable, replicas, load, Pin.NONE);
    }

    /**
     * The next change a group needs, if any, for its membership and its pin; see the class description.
     *
     * @param fleet the fleet
     * @param group the group
     * @param conf the nodes of its Raft configuration now
     * @param eligible the live nodes that run the fleet
     * @param replaceable the nodes gone for longer than the grace period
     * @param replicas the factor
     * @param load the number of the fleet's groups each node keeps now
     * @param pin what a move by hand asked of the group
     * @return the step, or null if the group is where it should be
     */
    static Step next(String fleet, int group, List<String> conf, Set<String> eligible, Set<String> replaceable, int replicas,
            Map<String, Integer> load, Pin pin) {
        List<String> live = conf.stream().filter(eligible::contains).toList();
        List<String> waiting = conf.stream().filter(n -> !eligible.contains(n) && !replaceable.contains(n)).toList();
        List<String> replace = conf.stream().filter(n -> !eligible.contains(n) && replaceable.contains(n)).sorted().toList();
        List<String> outside = eligible.stream().filter(n -> !conf.contains(n)).toList();
        List<String> candidates = rank(fleet, group, outside.stream().filter(n -> !n.equals(pin.avoid())).toList(), load);
        if (candidates.isEmpty()) {
            candidates = rank(fleet, group, outside, load); // the node a move left, rather than too few replicas
        }
        int want = Math.min(replicas, eligible.size() + waiting.size());
        if (live.size() + waiting.size() < want && !candidates.isEmpty()) {
            return new Add(candidates.get(0));
        }
        if (!replace.isEmpty() && !live.isEmpty()) {
            return new Remove(replace.get(0));
        }
        if (conf.size() > replicas && live.size() > 1) {
            if (live.contains(pin.avoid())) {
                return new Remove(pin.avoid());
            }
            List<String> ranked = rank(fleet, group, live.stream().filter(n -> !n.equals(pin.keep())).toList(), load);
            return new Remove(ranked.get(ranked.size() - 1));
        }
        return null;
    }

    /**
     * A move that evens out the load, for a group that is where it should be: a replica for the least
     * loaded node without one, when the group has a replica on a node (its pin does not keep) that keeps
     * more than one group more. The surplus rule of {@link #next} then removes the old replica.
     *
     * @param fleet the fleet
     * @param group the group
     * @param conf the nodes of its Raft configuration now
     * @param eligible the live nodes that run the fleet
     * @param load the number of the fleet's groups each node keeps now
     * @param pin what a move by hand asked of the group
     * @return an {@link Add}, or null if moving one of this group's replicas would not even out the load
     */
    static Step rebalance(String fleet, int group, List<String> conf, Set<String> eligible, Map<String, Integer> load, Pin pin) {
        if (!eligible.containsAll(conf)) {
            return null; // a group with a replica on a gone node is placement's, not the balancer's
        }
        List<String> to = rank(fleet, group, eligible.stream().filter(n -> !conf.contains(n) && !n.equals(pin.avoid())).toList(), load);
        List<String> from = rank(fleet, group, conf.stream().filter(n -> !n.equals(pin.keep())).toList(), load);
        if (to.isEmpty() || from.isEmpty()) {
            return null;
        }
        String least = to.get(0);
        String most = from.get(from.size() - 1);
        return load.getOrDefault(most, 0) - load.getOrDefault(least, 0) > 1 ? new Add(least) : null;
    }

    /**
     * The preferred leader of each settled group. A group keeps the one it has (the replica its
     * configuration gives the priority) while that replica is live and leads at most one group more
     * than the least busy of the group's other live replicas; otherwise, and for a group without one,
     * the preferred leader is the live replica that leads the fewest groups, ties by rendezvous
     * hashing. Groups go in order; the count of groups a node leads starts from every group's present
     * preferred leader, the groups in the middle of a change included, so that a group that leaves
     * or rejoins the settled ones between two rounds moves no other group's leader. Each move lowers
     * the sum of the squares of those counts, so successive rounds reach a fixed point, and there no
     * node leads two groups more than another replica of one of them could.
     *
     * @param fleet the fleet
     * @param confs the nodes of each settled group's configuration, by group: the groups whose leader may change
     * @param present each group's present preferred leader, by group, for every group whose configuration is
     *     known (settled or not); a group without one is absent
     * @param eligible the live nodes that run the fleet
     * @return the preferred leader by settled group; a group without a live replica has none
     */
    static Map<Integer, String> leaders(String fleet, Map<Integer, List<String>> confs, Map<Integer, String> present,
            Set<String> eligible) {
        Map<String, Integer> leading = new HashMap<>();
        present.forEach((g, n) -> {
            List<String> conf = confs.get(g);
            if (eligible.contains(n) && (conf == null || conf.contains(n))) {
                leading.merge(n, 1, Integer::sum);
            }
        });
        Map<Integer, String> out = new LinkedHashMap<>();
        for (Map.Entry<Integer, List<String>> e : new java.util.TreeMap<>(confs).entrySet()) {
            int g = e.getKey();
            List<String> live = e.getValue().stream().filter(eligible::contains).toList();
            if (live.isEmpty()) {
                continue;
            }
            String current = present.get(g);
            if (current == null || !live.contains(current)) {
                String best = rank(fleet, g, live, leading).get(0);
                out.put(g, best);
                leading.merge(best, 1, Integer::sum);
                continue;
            }
            List<String> others = rank(fleet, g, live.stream().filter(n -> !n.equals(current)).toList(), leading);
            if (!others.isEmpty() && leading.get(current) > leading.getOrDefault(others.get(0), 0) + 1) {
                out.put(g, others.get(0));
                leading.merge(current, -1, Integer::sum);
                leading.merge(others.get(0), 1, Integer::sum);
            } else {
                out.put(g, current);
            }
        }
        return out;
    }

    /** Nodes from least to most loaded, ties by rendezvous hashing (highest first). */
    static List<String> rank(String fleet, int group, java.util.Collection<String> nodes, Map<String, Integer> load) {
        List<String> out = new ArrayList<>(new TreeSet<>(nodes));
        out.sort(Comparator.<String>comparingInt(n -> load.getOrDefault(n, 0))
                .thenComparing(Comparator.<String>comparingLong(n -> hrw(fleet, group, n)).reversed()));
        return out;
    }

    private static long hrw(String fleet, int group, String node) {
        byte[] bytes = (fleet + '\u0000' + group + '\u0000' + node).getBytes(StandardCharsets.UTF_8);
        long h = 0xcbf29ce484222325L;
        for (byte b : bytes) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return h;
    }
}
