package org.fos.itests.cluster;

import static org.fos.itests.cluster.ClusterSupport.COMMAND;
import static org.fos.itests.cluster.ClusterSupport.START;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;
import org.fos.client.FosClient;
import org.fos.testkit.Cluster;
import org.fos.testkit.FosOptions;
import org.fos.testkit.NodeProcess;
import org.junit.AfterClass;
import org.junit.Before;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * The scheduling fleet /sys/sched on a cluster of three node processes, each running the elastic test
 * fleet: policies set from any node place the fleet's members over the nodes and every node follows
 * the one placement; bad policies are refused; the scheduler's deciding node killed right after a
 * change leaves one placement, and the node is placed on again when it comes back; a load over the
 * cluster grows the fleet on every node to its max and back to its min, every call run once. A
 * cluster of its own, so that no earlier test's long-dead node is in its groups.
 */
public class SchedulingIT {
    /** Where node-a keeps its client ticket, for this test's plain JVM to connect. */
    private static final Path TICKET = Paths.get("target/sched-it-client.ticket").toAbsolutePath();
    private static Cluster cluster;
    private static NodeProcess a;
    private static NodeProcess b;
    private static NodeProcess c;

    @BeforeClass
    public static void startCluster() throws Exception {
        cluster = Cluster.builder("sched-it").nodes("node-a", "node-b", "node-c")
                .configure("node-a", n -> n.config("org.fos.transport.tcp", Map.of("clientTicket", TICKET.toString())))
                .configureAll(n -> n.deploy(FosOptions.bundleFile("fos-itest-elastic"))).start();
        a = cluster.node("node-a");
        b = cluster.node("node-b");
        c = cluster.node("node-c");
    }

    /** Every node running, a member, with its key-value members and groups, and the scheduler's group on all three. */
    @Before
    public void wholeCluster() throws IOException {
        ClusterSupport.awaitKeyValue(cluster, 6, 3);
        awaitSchedGroup();
    }

    @AfterClass
    public static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** Waits until /sys/sched's group is on the three nodes with a leader. */
    private static void awaitSchedGroup() {
        Awaitility.await("/sys/sched's group on three nodes with a leader").atMost(START).pollInterval(Duration.ofMillis(500))
                .until(() -> Pattern.compile("fleet=/sys/sched, group=0, peers=\\[[\\w.-]+, [\\w.-]+, [\\w.-]+\\], leader=node-")
                        .matcher(a.execute("fos:groups", COMMAND)).find());
    }

    /** The elastic test fleet, on every node, which the scheduling tests place. */
    private static final String WORK = "/test/elastic";

    /** Waits until /sys/sched has a placement of WORK over the given nodes with the given total, and each of them serves it. */
    private static Placements.Placed awaitPlaced(NodeProcess reader, List<NodeProcess> on, int total) {
        Placements.Placed[] seen = new Placements.Placed[1];
        Awaitility.await("a placement of " + total + " members of " + WORK + " over " + on.size() + " nodes, served").atMost(START)
                .pollInterval(Duration.ofMillis(500)).until(() -> {
                    Placements.Placed p = Placements.of(reader, WORK);
                    if (p == null || p.total() != total || p.members().size() != on.size()) {
                        return false;
                    }
                    for (NodeProcess n : on) {
                        if (p.members().get(n.nodeId()) == null || !Placements.settled(n, WORK, p.members().get(n.nodeId()))) {
                            return false;
                        }
                    }
                    seen[0] = p;
                    return true;
                });
        return seen[0];
    }

    @Test
    public void t6_theSchedulerPlacesAFleetsMembersOverTheNodesAndRefusesBadPolicies() {
        try {
            b.executeOk("fos:policy " + WORK + " spread 5", COMMAND);
            Placements.Placed spread = awaitPlaced(c, cluster.nodes(), 5);
            assertEquals("spread: " + spread, List.of(1, 2, 2), spread.members().values().stream().sorted().toList());
            // another kind, set from another node: every node follows the one placement
            c.executeOk("fos:policy " + WORK + " pack 4", COMMAND);
            Placements.Placed pack = awaitPlaced(a, cluster.nodes(), 4);
            assertTrue(pack + " replaced " + spread, pack.revision() > spread.revision());
            assertEquals("pack fills one node up to its cores: " + pack, List.of(1, 1, 2), pack.members().values().stream().sorted().toList());
            // bad input: clear errors, nothing changed
            assertTrue(a.execute("fos:policy " + WORK + " sideways 2", COMMAND).contains("'sideways' is not one of spread, pack"));
            assertTrue(a.execute("fos:policy " + WORK + " spread 0", COMMAND).contains("members must be from 1 to 1024"));
            assertTrue(a.execute("fos:policy /sys/kv spread 3", COMMAND).contains("/sys/kv is a system fleet"));
            assertTrue(a.execute("fos:policy " + WORK + " dance", COMMAND).contains("'dance' is not off, on or remove"));
            assertTrue(a.execute("fos:placement /no/such/fleet", COMMAND).contains("has no placement: it has no placement policy"));
            try {
                a.executeOk("fos:policy /app/nowhere spread 2", COMMAND);
                String why = a.execute("fos:placement /app/nowhere", COMMAND);
                assertTrue(why, why.contains("fleet /app/nowhere has no placement: its policy (spread, 2 members) waits for a node that"
                        + " runs the fleet, and none of the 3 node(s)"));
            } finally {
                a.execute("fos:policy /app/nowhere remove", COMMAND);
            }
            assertEquals(pack, Placements.of(b, WORK));
            // switched off: every node gives the fleet back to its own sizing
            a.executeOk("fos:policy " + WORK + " off", COMMAND);
            Awaitility.await("every node gives " + WORK + " back its own sizing").atMost(START).pollInterval(Duration.ofMillis(500))
                    .until(() -> cluster.nodes().stream().allMatch(n -> Placements.unplaced(n, WORK)));
        } finally {
            a.execute("fos:policy " + WORK + " remove", COMMAND);
        }
    }

    @Test
    public void t7_aSchedulerKilledMidDecisionLeavesOnePlacementAndARestartedNodeGetsMembersBack() throws Exception {
        try {
            a.executeOk("fos:policy " + WORK + " spread 6", COMMAND);
            awaitPlaced(a, cluster.nodes(), 6);
            awaitSchedGroup();
            String leader = Placements.schedLeader(a);
            assertTrue("/sys/sched has a leader: " + a.execute("fos:groups", COMMAND), leader != null);
            List<NodeProcess> survivors = cluster.nodes().stream().filter(n -> !n.nodeId().equals(leader)).toList();
            // a new policy, and the deciding node killed while its next round decides it
            survivors.get(0).executeOk("fos:policy " + WORK + " spread 5", COMMAND);
            cluster.kill(leader);
            // the survivors elect another scheduler; once the dead node is stale, one placement over the two survivors
            Placements.Placed after = awaitPlaced(survivors.get(1), survivors, 5);
            for (NodeProcess n : survivors) {
                String view = n.executeOk("fos:placement", COMMAND);
                assertEquals(n.nodeId() + " reads the one placement: " + view, List.of(after), Placements.all(view, WORK));
                List<Long> decided = Placements.decided(view, WORK);
                for (int i = 1; i < decided.size(); i++) {
                    assertTrue("each placement replaced the one before: " + decided, decided.get(i) > decided.get(i - 1));
                }
            }
            // the killed node comes back, reports, and the scheduler gives it members again
            ClusterSupport.awaitKeyValue(cluster, 6, 3);
            Placements.Placed back = awaitPlaced(a, cluster.nodes(), 5);
            assertTrue(back + " after " + after, back.revision() > after.revision());
        } finally {
            ClusterSupport.awaitKeyValue(cluster, 6, 3);
            a.execute("fos:policy " + WORK + " remove", COMMAND);
        }
    }

    /** What {@code Work.counts()} says on one node, through its own members. */
    private static long[] workCounts(NodeProcess n) {
        Matcher m = Pattern.compile("Counts\\[runs=(\\d+), jobs=(\\d+), duplicates=(\\d+)\\]").matcher(
                n.executeOk("fos:call -s local-first " + WORK + " counts", COMMAND));
        assertTrue(m.find());
        return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3))};
    }

    /** The members of WORK serving on a node, from its fos:sched. */
    private static int workServing(NodeProcess n) {
        Matcher m = Pattern.compile("fleet=" + Pattern.quote(WORK) + ",[^\\]]*?serving=\\[([^\\]]*)\\]").matcher(n.executeOk("fos:sched " + WORK,
                COMMAND));
        assertTrue(m.find());
        return m.group(1).isBlank() ? 0 : m.group(1).split(",").length;
    }

    @Test
    public void t8_aLoadOverTheClusterGrowsTheElasticFleetOnEveryNodeToItsMaxAndBackWithEveryCallRunOnce() throws Exception {
        Awaitility.await("node-a's client ticket").atMost(START).until(() -> Files.exists(TICKET));
        long[][] before = new long[3][];
        for (int i = 0; i < 3; i++) {
            before[i] = workCounts(cluster.nodes().get(i));
        }
        java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.concurrent.atomic.AtomicLong jobs = new java.util.concurrent.atomic.AtomicLong(1_000_000_000L * (1 + new Random().nextInt(1000)));
        java.util.concurrent.atomic.AtomicLong answered = new java.util.concurrent.atomic.AtomicLong();
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Thread> callers = new java.util.ArrayList<>();
        try (FosClient client = FosClient.connect(TICKET)) {
            org.fos.itests.elastic.Work work = client.fleet(org.fos.itests.elastic.Work.class, WORK);
            // synchronous callers each keep one call out: with 9 members busy (3 a node) the other 27 wait in the
            // members' mailboxes, 3 a member, above the fleet's target of 2, so every node grows to its max
            for (int t = 0; t < 36; t++) {
                Thread th = new Thread(() -> {
                    while (running.get()) {
                        try {
                            work.run(jobs.incrementAndGet(), 2_000);
                            answered.incrementAndGet();
                        } catch (RuntimeException e) {
                            failures.add(e);
                        }
                    }
                }, "cluster-elastic-load-" + t);
                callers.add(th);
                th.start();
            }
            // the load rises: every node's members grow to the fleet's max (3)
            Awaitility.await("every node serves " + WORK + " with 3 members").atMost(START).pollInterval(Duration.ofMillis(500))
                    .until(() -> cluster.nodes().stream().allMatch(n -> workServing(n) == 3));
            running.set(false);
            for (Thread th : callers) {
                th.join(60_000);
            }
        } finally {
            running.set(false);
        }
        // and falls: back to the min (1) on every node
        Awaitility.await("every node back to 1 member of " + WORK).atMost(START).pollInterval(Duration.ofMillis(500))
                .until(() -> cluster.nodes().stream().allMatch(n -> workServing(n) == 1));
        assertEquals("calls that failed: " + failures, List.of(), failures);
        long ran = 0;
        for (int i = 0; i < 3; i++) {
            long[] after = workCounts(cluster.nodes().get(i));
            assertEquals(cluster.nodes().get(i).nodeId() + " ran no job twice", before[i][2], after[2]);
            assertEquals(cluster.nodes().get(i).nodeId() + " ran each job once", after[0] - before[i][0], after[1] - before[i][1]);
            ran += after[1] - before[i][1];
        }
        assertEquals("every answered call ran once, on one node", answered.get(), ran);
    }
}
