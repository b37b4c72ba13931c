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
 * <li>a group with more replicas than the factor loses its most loaded one;</li>
 * <li>each group has a preferred leader among its live replicas, chosen so that the leaders spread
 * evenly over the nodes; Raft's priorities make it lead whenever it is up to date.</li>
 * </ol>
 * Load is the number of the fleet's groups a node keeps; ties go by rendezvous hashing of the
 * fleet, group and node, so that different groups prefer different nodes.
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
        List<String> live = conf.stream().filter(eligible::contains).toList();
        List<String> waiting = conf.stream().filter(n -> !eligible.contains(n) && !replaceable.contains(n)).toList();
        List<String> replace = conf.stream().filter(n -> !eligible.contains(n) && replaceable.contains(n)).sorted().toList();
        List<String> candidates = rank(fleet, group, eligible.stream().filter(n -> !conf.contains(n)).toList(), load);
        int want = Math.min(replicas, eligible.size() + waiting.size());
        if (live.size() + waiting.size() < want && !candidates.isEmpty()) {
            return new Add(candidates.get(0));
        }
        if (!replace.isEmpty() && !live.isEmpty()) {
            return new Remove(replace.get(0));
        }
        if (conf.size() > replicas && live.size() > 1) {
            List<String> ranked = rank(fleet, group, live, load);
            return new Remove(ranked.get(ranked.size() - 1));
        }
        return null;
    }

    /**
     * The preferred leader of each group: among its live replicas, the one that leads the fewest
     * groups so far, in group order, ties by rendezvous hashing.
     *
     * @param fleet the fleet
     * @param confs the nodes of each group's configuration, by group
     * @param eligible the live nodes that run the fleet
     * @return the preferred leader by group; a group without a live replica has none
     */
    static Map<Integer, String> leaders(String fleet, Map<Integer, List<String>> confs, Set<String> eligible) {
        Map<String, Integer> leading = new HashMap<>();
        Map<Integer, String> out = new LinkedHashMap<>();
        for (Map.Entry<Integer, List<String>> e : new java.util.TreeMap<>(confs).entrySet()) {
            List<String> live = e.getValue().stream().filter(eligible::contains).toList();
            if (live.isEmpty()) {
                continue;
            }
            String best = rank(fleet, e.getKey(), live, leading).get(0);
            out.put(e.getKey(), best);
            leading.merge(best, 1, Integer::sum);
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
