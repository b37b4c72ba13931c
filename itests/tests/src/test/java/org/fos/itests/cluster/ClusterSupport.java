package org.fos.itests.cluster;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;
import org.fos.testkit.Cluster;
import org.fos.testkit.NodeProcess;

/** What the cluster tests share: starting a cluster with a load, numbers from shell output, a node's endpoint, and driving and judging kvload. */
final class ClusterSupport {
    static final Duration START = Duration.ofMinutes(3);
    static final Duration COMMAND = Duration.ofMinutes(2);

    private ClusterSupport() {
    }

    /** A number from a map a command printed. */
    static long number(Map<String, String> map, String key) {
        String v = map.get(key);
        if (v == null) {
            throw new AssertionError("no '" + key + "' in " + map);
        }
        return Long.parseLong(v);
    }

    /** How often {@code what} occurs in {@code text}. */
    static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    /** The endpoint a node publishes for its TCP transport, from another node's fos:nodes. */
    static String endpoint(NodeProcess asker, String node) {
        String nodes = asker.executeOk("fos:nodes", COMMAND);
        Matcher m = Pattern.compile("node=" + Pattern.quote(node) + ", local=\\w+, attributes=\\{[^}]*tcp=([0-9.]+:[0-9]+)").matcher(nodes);
        if (!m.find()) {
            throw new AssertionError("node " + node + " publishes no endpoint: " + nodes);
        }
        return m.group(1);
    }

    /**
     * Starts a cluster whose node-a runs kvload, and waits until every node is a member, node-a sees
     * {@code kvMembers} members of {@code /sys/kv}, every group of {@code /sys/kv} is on
     * {@code replicas} nodes with a leader, and kvload's commands are there. A cluster that does not
     * get there is stopped before the failure is thrown, so no node process outlives it.
     */
    static Cluster startWithLoad(Cluster.Builder builder, int kvMembers, int replicas) throws IOException {
        Cluster cluster = builder.start();
        try {
            awaitWhole(cluster, kvMembers, replicas);
            return cluster;
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    /**
     * Makes a cluster of {@link #startWithLoad} whole again for a test that may come after any other:
     * starts every node an earlier test killed or stopped, in its folder, and waits as
     * {@link #startWithLoad} does (members, {@code kvMembers} members of {@code /sys/kv}, every group
     * on {@code replicas} nodes with a leader, kvload's commands). A whole cluster passes at once.
     */
    static void awaitWhole(Cluster cluster, int kvMembers, int replicas) throws IOException {
        awaitKeyValue(cluster, kvMembers, replicas);
        awaitCommand(cluster.node("node-a"), "kvload:start");
    }

    /**
     * {@link #awaitWhole} without the load: starts every node an earlier test killed or stopped, in
     * its folder, and waits until every node is a member, node-a sees {@code kvMembers} members of
     * {@code /sys/kv} and every group of {@code /sys/kv} is on {@code replicas} nodes with a leader.
     */
    static void awaitKeyValue(Cluster cluster, int kvMembers, int replicas) throws IOException {
        for (NodeProcess n : cluster.nodes()) {
            if (!n.isAlive()) {
                n.restart();
            }
        }
        cluster.awaitMembers(START);
        cluster.node("node-a").awaitNameMembers("/sys/kv", kvMembers, START);
        awaitGroups(cluster.nodes(), "/sys/kv", 8, replicas);
    }

    /** Waits until one of the nodes (those that run the fleet see its groups) sees every group on {@code replicas} nodes, with a leader. */
    static void awaitGroups(java.util.List<NodeProcess> nodes, String fleet, int groups, int replicas) {
        Awaitility.await("the " + groups + " groups of " + fleet + " on " + replicas + " nodes each, with a leader")
                .atMost(START).pollInterval(Duration.ofMillis(500))
                .until(() -> nodes.stream().anyMatch(n -> readyGroups(n, fleet, replicas) == groups));
    }

    /** Waits until a node that runs a replicated fleet sees each of its groups on {@code replicas} nodes, with a leader. */
    static void awaitGroups(NodeProcess node, String fleet, int groups, int replicas) {
        Awaitility.await("the " + groups + " groups of " + fleet + " on " + replicas + " nodes each, with a leader, as "
                + node.nodeId() + " sees them").atMost(START).pollInterval(Duration.ofMillis(500))
                .until(() -> readyGroups(node, fleet, replicas) == groups);
    }

    /** How many groups of a fleet a node sees on {@code replicas} nodes with a leader (none if it does not run the fleet). */
    private static int readyGroups(NodeProcess node, String fleet, int replicas) {
        if (!node.isAlive()) {
            return 0;
        }
        Pattern group = Pattern.compile("GroupInfo\\[fleet=" + Pattern.quote(fleet) + ", group=\\d+, peers=\\[([^\\]]*)\\], leader=([^,]+),");
        Matcher m = group.matcher(node.execute("fos:groups " + fleet, COMMAND));
        int ready = 0;
        while (m.find()) {
            if (m.group(1).split(", ").length == replicas && !"null".equals(m.group(2))) {
                ready++;
            }
        }
        return ready;
    }

    /** Waits until a node's shell knows a command (its bundle deployed and started). */
    static void awaitCommand(NodeProcess node, String command) {
        Awaitility.await(command + " on " + node.nodeId()).atMost(START)
                .until(() -> !node.execute("help " + command, COMMAND).contains("gogo:"));
    }

    /** Waits until the load running on a node has acknowledged {@code more} more calls than now. */
    static void awaitProgress(NodeProcess node, long more) {
        long from = number(node.executeMap("kvload:status", COMMAND), "acknowledged");
        Awaitility.await("the load on " + node.nodeId() + " to make " + more + " more calls").atMost(START)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> number(node.executeMap("kvload:status", COMMAND), "acknowledged") >= from + more);
    }

    /** Stops the load, reads every acknowledged write back, and checks nothing was lost or applied twice. */
    static Map<String, String> stopAndVerify(NodeProcess node, String test, boolean noFailures) {
        Map<String, String> report = node.executeMap("kvload:stop", COMMAND);
        Map<String, String> verify = node.executeMap("kvload:verify", COMMAND);
        System.out.println(test + ": load " + report + "; read back " + verify);
        if (noFailures) {
            assertEquals("failed calls " + report.get("failures"), 0, number(report, "failed"));
        }
        assertTrue("calls were made", number(report, "acknowledged") > 0);
        assertEquals("acknowledged writes lost", 0, number(verify, "lost"));
        assertEquals("writes read back with another value", 0, number(verify, "wrong"));
        assertEquals("counters off (an increment lost or applied twice)", 0, number(verify, "counterMismatches"));
        return report;
    }

    /**
     * A stranger's trust: any server certificate, so that a test client reaches the handshake and
     * the server is the one that must refuse.
     */
    static javax.net.ssl.X509TrustManager trustEverything() {
        return new javax.net.ssl.X509TrustManager() {
            @Override
            public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType) {
                // only ever a client
            }

            @Override
            public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType) {
                // trusts whatever it reaches: the server is the one to refuse
            }

            @Override
            public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                return new java.security.cert.X509Certificate[0];
            }
        };
    }
}
