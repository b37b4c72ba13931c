package org.fos.itests.console;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.fos.testkit.Cluster;
import org.fos.testkit.FosOptions;
import org.fos.testkit.NodeProcess;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.FixMethodOrder;
import org.junit.Test;
import org.junit.runners.MethodSorters;
import org.openqa.selenium.By;

/**
 * The web console of a three-node development cluster in a headless Chromium: node-a's pages show
 * every node, its links and the fleets of all three as node-a's shell shows them, link to the other
 * nodes' consoles, and a rolling upgrade of the key-value fleet started from node-a's console goes
 * through every node while node-a drives load, with no call lost or failed.
 */
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class ConsoleClusterIT {
    private static final Duration START = Duration.ofMinutes(3);
    private static final Duration COMMAND = Duration.ofMinutes(2);
    private static final List<String> NODES = List.of("node-a", "node-b", "node-c");
    private static Cluster cluster;
    private static NodeProcess a;
    private static Browser browser;

    @BeforeClass
    public static void startCluster() throws Exception {
        cluster = Cluster.builder("console-it").nodes(NODES.toArray(String[]::new))
                .configure("node-a", n -> n.deploy(FosOptions.bundleFile("fos-itest-kvload"))).start();
        try {
            cluster.awaitMembers(START);
            a = cluster.node("node-a");
            a.awaitNameMembers("/sys/kv", 6, START);
            Awaitility.await("kvload on node-a").atMost(START).until(() -> !a.execute("help kvload:start", COMMAND).contains("gogo:"));
            for (NodeProcess n : cluster.nodes()) {
                ConsoleIT.awaitConsole(n);
            }
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    @AfterClass
    public static void stopCluster() {
        if (browser != null) {
            browser.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private static Browser browser() throws IOException {
        if (browser == null) {
            browser = Browser.open();
        }
        browser.errors();
        return browser;
    }

    private static String page(NodeProcess n, String label) {
        return ConsoleIT.page(n, "admin", "admin", label);
    }

    @Test
    public void t1_theClusterPageShowsEveryNodeItsRouteAndItsConsole() throws Exception {
        Browser b = browser();
        Awaitility.await("every node's console address in node-a's membership").atMost(START).until(
                () -> NODES.stream().allMatch(id -> a.executeOk("fos:nodes", COMMAND).contains("console=" + cluster.node(id).httpUrl())));
        b.load(page(a, "fos-cluster"));
        Map<String, Map<String, String>> nodes = b.table("fos-nodes");
        assertEquals(nodes.toString(), NODES, List.copyOf(nodes.keySet()));
        List<Map<String, String>> routes = ShellRecords.parse(a.executeOk("fos:transport", COMMAND), "LinkRoute");
        for (String id : NODES) {
            Map<String, String> row = nodes.get(id);
            String shell = routes.stream().filter(r -> r.get("node").equals(id)).map(r -> r.get("transport")).findFirst().orElse("in-node");
            assertEquals(id + " as fos:transport routes it: " + routes, id.equals("node-a") ? "in-node" : shell + " (cost 10)", row.get("route"));
            assertEquals(id, cluster.node(id).httpUrl() + "/system/console", row.get("console"));
        }
        Map<String, Map<String, String>> traffic = b.table("fos-traffic");
        String transport = a.executeOk("fos:transport tcp", COMMAND);
        for (String peer : List.of("node-b", "node-c")) {
            Map<String, String> row = traffic.get("tcp/" + peer);
            assertNotNull(peer + " in " + traffic.keySet(), row);
            assertEquals(peer, "yes", row.get("connected"));
            assertTrue(peer + " as fos:transport tcp shows it: " + transport, transport.contains(peer + "=connected"));
            assertTrue(peer + " bytes out " + row, Long.parseLong(row.get("bytesOut")) > 0);
        }
        for (String label : ConsoleIT.PAGES) {
            b.load(page(a, label));
            int charts = b.driver().findElements(By.cssSelector(".fos-chart")).size();
            b.await(label + ": every chart drawn", Duration.ofSeconds(30),
                    d -> d.findElements(By.cssSelector(".fos-chart[data-points]")).size() == charts);
            assertEquals(label + " on node-a: script errors", List.of(), b.errors());
        }
        // the link to node-b's console opens node-b's own cluster page
        b.load(page(cluster.node("node-b"), "fos-cluster"));
        assertEquals("node-b", b.driver().findElement(By.cssSelector(".fos-page")).getDomAttribute("data-node"));
        assertEquals(List.of(), b.errors());
    }

    @Test
    public void t2_theFleetsPageShowsEveryNodesFleetsAsTheShellDoes() throws Exception {
        Browser b = browser();
        List<Map<String, String>> shell = ShellRecords.parse(a.executeOk("fos:fleets", COMMAND), "FleetInfo");
        b.load(page(a, "fos-fleets"));
        Map<String, Map<String, String>> fleets = b.table("fos-fleets");
        for (String id : NODES) {
            assertTrue(id + " runs /sys/kv: " + fleets.keySet(), fleets.containsKey("/sys/kv@" + id));
        }
        for (Map<String, String> f : shell) {
            Map<String, String> row = fleets.get(f.get("name") + "@" + f.get("node"));
            assertNotNull(f.toString(), row);
            assertEquals(f.get("version"), row.get("version"));
            assertEquals(f.get("status"), row.get("status"));
            assertEquals(String.valueOf(ShellRecords.parse(f.get("members"), "MemberInfo").size()), row.get("members"));
        }
        assertEquals(List.of(), b.errors());
    }

    @Test
    public void t3_aRollingUpgradeStartedFromTheConsoleLosesNoCallUnderLoad() throws Exception {
        Browser b = browser();
        a.executeOk("kvload:start -t 2 -m counters", COMMAND);
        awaitProgress(200);
        b.load(page(a, "fos-upgrades"));
        ConsoleIT.review(b, "/sys/kv", FosOptions.bundleFile("fos-itest-kv-v2").toPath());
        String review = b.driver().findElement(By.id("fos-upgrade-review")).getText();
        assertTrue(review, review.contains("on 3 node(s)") && review.contains("node-a first as the canary"));
        b.driver().findElement(By.id("fos-upgrade-confirm")).click();
        b.await("the rolling upgrade to finish", Duration.ofMinutes(4),
                d -> !d.findElements(By.cssSelector("#fos-rolling-summary:not([data-state='RUNNING'])")).isEmpty());
        b.load(page(a, "fos-upgrades")); // settled: the page's script reloads it once the upgrade is done
        assertEquals(b.driver().findElement(By.id("fos-rolling-summary")).getText(), "UPGRADED",
                b.driver().findElement(By.id("fos-rolling-summary")).getDomAttribute("data-state"));
        awaitProgress(200);
        Map<String, String> load = a.executeMap("kvload:stop", COMMAND);
        Map<String, String> verify = a.executeMap("kvload:verify", COMMAND);
        System.out.println("ConsoleClusterIT: load " + load + "; read back " + verify);
        assertEquals("failed calls: " + load.get("failures"), "0", load.get("failed"));
        assertTrue("calls were made", Long.parseLong(load.get("acknowledged")) > 0);
        assertEquals("acknowledged writes lost", "0", verify.get("lost"));
        assertEquals("writes read back with another value", "0", verify.get("wrong"));
        assertEquals("counters off (an increment lost or applied twice)", "0", verify.get("counterMismatches"));

        Map<String, Map<String, String>> progress = b.table("fos-rolling");
        assertEquals(progress.toString(), NODES, List.copyOf(progress.keySet()));
        for (Map<String, String> n : progress.values()) {
            assertEquals(n.toString(), "2.0.0", n.get("version"));
            assertEquals(n.toString(), "UPGRADED", n.get("step"));
            assertEquals(n.toString(), "SERVING", n.get("status"));
        }
        Map<String, Map<String, String>> history = b.table("fos-upgrade-history");
        for (String id : NODES) {
            List<Map<String, String>> shell = ShellRecords.parse(cluster.node(id).executeOk("fos:upgrades", COMMAND), "UpgradeReport");
            assertEquals(id + ": " + shell, 1, shell.size());
            Map<String, String> row = history.values().stream().filter(r -> r.get("node").equals(id)).findFirst().orElseThrow();
            for (String col : List.of("fleet", "from", "to", "outcome", "queued")) {
                assertEquals(id + " " + col, shell.get(0).get(col), row.get(col));
            }
        }
        assertEquals(List.of(), b.errors());
    }

    /** Waits until the load on node-a has acknowledged {@code more} more calls than now. */
    private static void awaitProgress(long more) {
        long from = Long.parseLong(a.executeMap("kvload:status", COMMAND).get("acknowledged"));
        Awaitility.await("the load to make " + more + " more calls").atMost(START).pollInterval(Duration.ofMillis(200))
                .until(() -> Long.parseLong(a.executeMap("kvload:status", COMMAND).get("acknowledged")) >= from + more);
    }

    @Test
    public void t4_everyNodeIsHealthyReachesTheOthersAndCountsItsLinksTraffic() throws Exception {
        for (NodeProcess n : cluster.nodes()) {
            Map<String, String> health = n.executeMap("fos:health", COMMAND);
            assertEquals(n.nodeId() + ": " + health, "OK", health.get("overall"));
            assertTrue(health.get("linksUp"), health.get("linksUp").contains("2 of 2 other node(s) reachable from " + n.nodeId()));
            assertTrue(health.get("nodeJoined"), health.get("nodeJoined").contains("is one of 3 node(s)"));
            assertEquals(200, ConsoleIT.get(n.httpUrl() + "/system/health", null).statusCode());
        }
        PrometheusText.assumeParser();
        Map<String, PrometheusText.Family> before = PrometheusText.parse(ConsoleIT.get(a.httpUrl() + "/metrics", null).body());
        a.executeOk("kvload:start -t 2", COMMAND);
        awaitProgress(200);
        a.executeMap("kvload:stop", COMMAND);
        Map<String, PrometheusText.Family> after = PrometheusText.parse(ConsoleIT.get(a.httpUrl() + "/metrics", null).body());
        for (String peer : List.of("node-b", "node-c")) {
            Map<String, String> labels = Map.of("peer", peer);
            assertTrue("link messages to " + peer, grew(before, after, "fos_link_messages_sent", "fos_link_messages_sent_total", labels));
            assertTrue("bytes to " + peer, grew(before, after, "fos_transport_bytes_sent", "fos_transport_bytes_sent_total",
                    Map.of("peer", peer, "transport", "tcp")));
            assertTrue("frames from " + peer, grew(before, after, "fos_transport_frames_received", "fos_transport_frames_received_total",
                    Map.of("peer", peer, "transport", "tcp")));
            assertEquals(peer + " connected", 1.0, after.get("fos_transport_connected").sum("fos_transport_connected",
                    Map.of("peer", peer, "transport", "tcp")), 0.0);
        }
        assertTrue("kv calls from node-a, by fleet", after.get("fos_fleet_calls_seconds").sum("fos_fleet_calls_seconds_count",
                Map.of("fleet", "/sys/kv", "status", "OK")) >= 200);
    }

    private static boolean grew(Map<String, PrometheusText.Family> before, Map<String, PrometheusText.Family> after, String family,
            String sample, Map<String, String> labels) {
        double was = before.containsKey(family) ? before.get(family).sum(sample, labels) : 0;
        return after.get(family).sum(sample, labels) > was;
    }
}
