package org.fos.itests.cluster;

import static org.fos.itests.cluster.ClusterSupport.COMMAND;
import static org.fos.itests.cluster.ClusterSupport.START;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.awaitility.Awaitility;
import org.fos.client.FosClient;
import org.fos.kv.api.KeyValue;
import org.fos.testkit.Cluster;
import org.fos.testkit.NodeProcess;
import org.fos.testkit.faults.FaultyNetwork;
import org.fos.testkit.history.History;
import org.fos.testkit.history.HistoryCheck;
import org.junit.Assume;
import org.junit.Test;

/**
 * The replicated key-value fleet (issue 11) judged by its history under every fault of the issue,
 * one after the other on one cluster and one history: 8 client threads in this JVM, connected as a
 * plain-JVM client to node-a (which runs no member and keeps no replica), read and write 100 keys
 * while node-b, node-c and node-d (two members each, every group on all three) suffer, in turn: one
 * stopped and started; the leader of a group frozen (SIGSTOP) until another leads, then resumed; one
 * cut off from every node; one killed (kill -9), then a second (no majority: calls refused with
 * NO_QUORUM); the third stopped as well, so that the whole cluster is down, and all three started; then node-e joins,
 * and the balancer moves replicas to it until every node keeps 6 of the 24; then {@code fos:move}, run on another node
 * than the one that places the fleet, moves group 0 away from its leader. Every call is recorded;
 * at the end every key is read once more and the history is checked: linearizable per key, no
 * acknowledged write lost, none applied twice, no phantom. The cluster runs on the testkit's faulty
 * network (ADR 0070) so that a partition needs no root; this JVM is its participant {@code client-1}
 * and resolves the nodes' test host names through that participant's hosts file, written over the
 * hosts file the pom gives each test JVM at its start ({@code HostsFileOfThisJvm}).
 */
public class KeyValueFaultsIT {
    private static final Path TICKET = Paths.get("target/kv-faults-client.ticket").toAbsolutePath();
    /** The hosts file this JVM resolves names with (the pom sets it for every test JVM), or null. */
    private static final String HOSTS_FILE = System.getProperty("jdk.net.hosts.file");
    private static final List<String> REPLICA_NODES = List.of("node-b", "node-c", "node-d");
    private static final Pattern GROUP = Pattern.compile("GroupInfo\\[fleet=/sys/kv, group=(\\d+), peers=\\[([^\\]]*)\\], leader=([^,]+),");

    @Test
    public void theHistoryOfEveryFaultUnderLoadIsLinearizableAndLosesNothing() throws Exception {
        Assume.assumeFalse("node processes are the same in the encode-all pass", Boolean.getBoolean("fos.kernel.encodeAllMessages"));
        Assume.assumeTrue("needs a JVM started with -Djdk.net.hosts.file, as the pom starts every test JVM", HOSTS_FILE != null);
        Path hosts = Paths.get(HOSTS_FILE).toAbsolutePath();
        Cluster.Builder builder = Cluster.builder("kv-faults").nodes("node-a", "node-b", "node-c", "node-d", "node-e").later("node-e")
                .faultInjection("client-1")
                .configure("node-a", n -> n.config("org.fos.fleet", Map.of("excludedFleets", "/sys/kv"))
                        .config("org.fos.transport.tcp", Map.of("clientTicket", TICKET.toString())));
        try (Cluster cluster = builder.start()) {
            cluster.awaitMembers(START);
            cluster.node("node-a").awaitNameMembers("/sys/kv", 6, START);
            awaitGroups(cluster, "node-b");
            Awaitility.await("node-a's client ticket").atMost(START).until(() -> Files.exists(TICKET));
            Files.copy(cluster.network().hostsFile("client-1"), hosts, StandardCopyOption.REPLACE_EXISTING);
            try (FosClient client = FosClient.builder(TICKET).callTimeout(Duration.ofSeconds(10)).connect();
                    KeyValueHistory load = new KeyValueHistory(client.fleet(KeyValue.class, KeyValue.NAME), 8, 100, "faults:")) {
                load.awaitProgress(1_000, START);

                phase(load, "stop and start node-c", () -> {
                    cluster.node("node-c").stop(COMMAND);
                    System.out.println("KeyValueFaultsIT: node-c stopped");
                    cluster.node("node-c").start();
                    awaitGroups(cluster, "node-c");
                });

                String leader = leaderOfGroupZero(cluster.node("node-b"));
                String witness = REPLICA_NODES.stream().filter(n -> !n.equals(leader)).findFirst().orElseThrow();
                phase(load, "SIGSTOP " + leader + " (leader of group 0) until another leads it", () -> {
                    cluster.node(leader).pause();
                    Awaitility.await("a leader of group 0 other than " + leader).atMost(START).pollInterval(Duration.ofMillis(200))
                            .until(() -> !leader.equals(leaderOfGroupZero(cluster.node(witness))));
                    load.awaitProgress(500, START);
                    cluster.node(leader).resume();
                });
                awaitGroups(cluster, witness);

                phase(load, "partition node-b from every node", () -> {
                    cluster.partition("node-b");
                    load.awaitProgress(1_000, START);
                    cluster.heal();
                });
                awaitGroups(cluster, "node-c");

                phase(load, "kill -9 node-d", () -> {
                    cluster.kill("node-d");
                    load.awaitProgress(1_000, START);
                });
                long okBefore = load.succeeded();
                phase(load, "kill -9 node-c too: no majority", () -> {
                    cluster.kill("node-c");
                    Map<String, Long> before = load.failures();
                    Awaitility.await("calls refused with NO_QUORUM").atMost(START).pollInterval(Duration.ofMillis(200))
                            .until(() -> load.failures().getOrDefault("NO_QUORUM", 0L) > before.getOrDefault("NO_QUORUM", 0L) + 8);
                    System.out.println("KeyValueFaultsIT: without a majority, " + (load.succeeded() - okBefore)
                            + " calls succeeded after the kill (in flight or before the leaders stepped down); failures " + load.failures());
                });
                phase(load, "stop node-b as well, then start the three", () -> {
                    cluster.node("node-b").stop(COMMAND);
                    for (String n : REPLICA_NODES) {
                        cluster.node(n).start();
                    }
                    awaitGroups(cluster, "node-b");
                    load.awaitProgress(1_000, START);
                });

                phase(load, "node-e joins: the balancer moves replicas to it", () -> {
                    cluster.node("node-e").start();
                    cluster.node("node-e").awaitReady(START);
                    Awaitility.await("every node keeping 6 of the 24 replicas").atMost(Duration.ofMinutes(4))
                            .pollInterval(Duration.ofSeconds(1)).until(() -> {
                                Map<Integer, Group> groups = groups(cluster);
                                Map<String, Integer> spread = new java.util.TreeMap<>();
                                groups.values().forEach(g -> g.peers().forEach(n -> spread.merge(n, 1, Integer::sum)));
                                return groups.size() == 8 && groups.values().stream().allMatch(g -> g.peers().size() == 3 && g.leader() != null)
                                        && spread.size() == 4 && spread.values().stream().allMatch(n -> n == 6);
                            });
                    load.awaitProgress(1_000, START);
                });
                Awaitility.await("every group on 3 nodes with a leader").atMost(START).pollInterval(Duration.ofMillis(500))
                        .until(() -> groups(cluster).values().stream().filter(g -> g.peers().size() == 3 && g.leader() != null).count() == 8);

                phase(load, "fos:move group 0 away from its leader, from node-c", () -> {
                    Group before = groups(cluster).get(0);
                    String to = Stream.of("node-b", "node-c", "node-d", "node-e").filter(n -> !before.peers().contains(n)).findFirst()
                            .orElseThrow();
                    String out = cluster.node("node-c").execute("fos:move /sys/kv 0 " + before.leader() + " " + to, Duration.ofMinutes(4));
                    System.out.println("KeyValueFaultsIT: " + out.trim());
                    assertTrue("fos:move says what it did: " + out, out.contains("Move[fleet=/sys/kv, group=0, from=" + before.leader()));
                    Awaitility.await("group 0 on " + to + " and not on " + before.leader()).atMost(START)
                            .pollInterval(Duration.ofMillis(500)).until(() -> {
                                Group after = groups(cluster).get(0);
                                return after != null && after.peers().contains(to) && !after.peers().contains(before.leader())
                                        && after.peers().size() == 3 && after.leader() != null;
                            });
                    load.awaitProgress(1_000, START);
                });

                History history = load.stopAndReadAll();
                HistoryCheck check = HistoryCheck.of(history.operations());
                System.out.println("KeyValueFaultsIT: " + check.summary() + "; failures by status " + load.failures());
                if (!check.valid() && check.linearizability().first() != null) {
                    System.out.println(check.linearizability().first().explanation());
                }
                check.assertValid(Path.of("target/histories/kv-faults"));
                assertEquals("calls that failed with a status that does not say why", 0L,
                        (long) load.failures().getOrDefault("OK", 0L));
                assertTrue("every key was read back at the end", history.size() > 100);
            }
        } finally {
            // the next test class of this JVM resolves as the system does again
            Files.writeString(hosts, FaultyNetwork.systemHosts());
        }
    }

    private interface Fault {
        void run() throws Exception;
    }

    /** Runs a fault under the load and prints what the clients saw meanwhile. */
    private static void phase(KeyValueHistory load, String what, Fault fault) throws Exception {
        long ok = load.succeeded();
        long t0 = System.nanoTime();
        fault.run();
        System.out.println("KeyValueFaultsIT: " + what + ": " + (System.nanoTime() - t0) / 1_000_000 + " ms, "
                + (load.succeeded() - ok) + " calls succeeded meanwhile; failures so far " + load.failures());
    }

    /** Waits until every group of /sys/kv is on the three replica nodes with a leader, as {@code asker} sees them. */
    private static void awaitGroups(Cluster cluster, String asker) {
        NodeProcess node = cluster.node(asker).awaitReady(START);
        ClusterSupport.awaitGroups(node, "/sys/kv", 8, REPLICA_NODES.size());
    }

    /** A group as {@code fos:groups} shows it. */
    private record Group(List<String> peers, String leader) {
    }

    /** The groups of /sys/kv as a node sees them, by number. */
    private static Map<Integer, Group> groups(NodeProcess asker) {
        Matcher m = GROUP.matcher(asker.execute("fos:groups /sys/kv", COMMAND));
        Map<Integer, Group> out = new java.util.TreeMap<>();
        while (m.find()) {
            out.put(Integer.parseInt(m.group(1)), new Group(List.of(m.group(2).split(", ")), "null".equals(m.group(3)) ? null : m.group(3)));
        }
        return out;
    }

    /**
     * The groups of /sys/kv as the replica nodes that keep them see them: a node describes a group it
     * keeps no replica of without its leader, so each group is taken from a node that keeps it.
     */
    private static Map<Integer, Group> groups(Cluster cluster) {
        Map<Integer, Group> out = new java.util.TreeMap<>();
        for (String n : List.of("node-b", "node-c", "node-d", "node-e")) {
            if (cluster.node(n).isAlive()) {
                groups(cluster.node(n)).forEach((g, view) -> {
                    if (view.leader() != null && view.peers().contains(n)) {
                        out.putIfAbsent(g, view);
                    }
                });
            }
        }
        return out;
    }

    private static String leaderOfGroupZero(NodeProcess asker) {
        Group g = groups(asker).get(0);
        return g == null || g.leader() == null ? "null" : g.leader();
    }
}
