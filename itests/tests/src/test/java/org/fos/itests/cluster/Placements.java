package org.fos.itests.cluster;

import static org.fos.itests.cluster.ClusterSupport.COMMAND;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.fos.testkit.NodeProcess;

/** The scheduling fleet's placements as the shell commands print them: {@code fos:placement}, {@code fos:sched}, {@code fos:groups}. */
final class Placements {
    private static final Pattern PLACEMENT = Pattern.compile("Placement\\[fleet=(\\S+), revision=(\\d+), members=\\{([^}]*)\\}");
    private static final Pattern ENTRY = Pattern.compile("([\\w.-]+)=(\\d+)");

    private Placements() {
    }

    /**
     * One placement: its revision and the members a node.
     *
     * @param revision the revision
     * @param members the members by node
     */
    record Placed(long revision, Map<String, Integer> members) {
        int total() {
            return members.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    /** Every placement of a fleet in a command's output (a fleet must have one at most). */
    static List<Placed> all(String output, String fleet) {
        List<Placed> out = new ArrayList<>();
        Matcher m = PLACEMENT.matcher(output);
        while (m.find()) {
            if (m.group(1).equals(fleet)) {
                Map<String, Integer> members = new TreeMap<>();
                Matcher e = ENTRY.matcher(m.group(3));
                while (e.find()) {
                    members.put(e.group(1), Integer.parseInt(e.group(2)));
                }
                out.add(new Placed(Long.parseLong(m.group(2)), members));
            }
        }
        return out;
    }

    /** The placement of a fleet as a node reads it from /sys/sched, or null if it has none (or the read fails). */
    static Placed of(NodeProcess node, String fleet) {
        List<Placed> all = all(node.execute("fos:placement", COMMAND), fleet);
        if (all.size() > 1) {
            throw new AssertionError(fleet + " has " + all.size() + " placements on " + node.nodeId() + ": " + all);
        }
        return all.isEmpty() ? null : all.get(0);
    }

    /** Whether the node's runtime serves exactly what the placement asks of it, with no member leaving. */
    static boolean settled(NodeProcess node, String fleet, int target) {
        String sched = node.execute("fos:sched", COMMAND);
        return sched.contains("PlacedMembers[node=" + node.nodeId() + ", fleet=" + fleet + ", target=" + target + ", serving=" + target
                + ", draining=0,");
    }

    /** Whether the node's runtime has no placement of the fleet (it went back to its own sizing). */
    static boolean unplaced(NodeProcess node, String fleet) {
        return !node.execute("fos:sched", COMMAND).contains("PlacedMembers[node=" + node.nodeId() + ", fleet=" + fleet + ",");
    }

    /** The node that leads /sys/sched's group, as a node sees it, or null. */
    static String schedLeader(NodeProcess node) {
        Matcher m = Pattern.compile("fleet=/sys/sched, group=0, peers=\\[[^]]*\\], leader=([\\w.-]+)").matcher(node.execute("fos:groups",
                COMMAND));
        return m.find() ? m.group(1) : null;
    }

    /** The revisions of the placements of a fleet the scheduler's events list, in order. */
    static List<Long> decided(String placementOutput, String fleet) {
        List<Long> out = new ArrayList<>();
        Matcher m = Pattern.compile("placement (\\d+) of " + Pattern.quote(fleet) + " by").matcher(placementOutput);
        while (m.find()) {
            out.add(Long.parseLong(m.group(1)));
        }
        return out;
    }
}
