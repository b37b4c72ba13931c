package org.fos.itests.console;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.awaitility.Awaitility;
import org.fos.testkit.Cluster;
import org.fos.testkit.FosOptions;
import org.fos.testkit.NodeProcess;
import org.junit.AfterClass;
import org.junit.Before;
import org.junit.BeforeClass;
import org.junit.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.Select;

/**
 * The web console, the Prometheus endpoint and the health checks of a three-node development
 * cluster (node processes and a ZooKeeper server), node-a's pages in a headless Chromium: every fos
 * page loads without a script error and shows what the shell shows (nodes, links, fleets of all
 * three nodes, the replicated groups and their leaders, mailboxes, file systems); bad uploads change
 * nothing; a rolling upgrade of the key-value fleet started from the console goes through every node
 * while node-a drives load, with no call lost or failed, and a failing one is rolled back; the scrape
 * parses and its counters move with traffic; the health checks turn CRITICAL when a fleet stops. The
 * console asks for its own credentials (node-a's are configured, node-b keeps the default ones),
 * listens on the loopback address only and keeps its password out of the logs. One cluster serves
 * every test, in any order: each starts from every node a member and the groups of the key-value
 * fleet served ({@link #wholeCluster}), and reads what it makes or what it saw before it acted.
 */
public class ConsoleIT {
    static final Duration START = Duration.ofMinutes(3);
    static final Duration COMMAND = Duration.ofMinutes(2);
    static final List<String> PAGES = List.of("fos-cluster", "fos-fleets", "fos-upgrades", "fos-mailboxes", "fos-files");
    private static final List<String> NODES = List.of("node-a", "node-b", "node-c");
    private static final String KV = "/sys/kv";
    /** Credentials of node-a, set in its configuration: the default admin/admin must not work there. */
    private static final String USER = "operator";
    private static final String PASSWORD = "console-it-7c41f";
    /** The setting of the most connections a node's HTTP server holds, and node-b's (ADR 0139). */
    private static final String CONNECTIONS = "fos.console.connections";
    private static final int NODE_B_CONNECTIONS = 8;
    private static Cluster cluster;
    private static NodeProcess a;
    private static Browser browser;

    @BeforeClass
    public static void startCluster() throws Exception {
        cluster = Cluster.builder("console-it").nodes(NODES.toArray(String[]::new)).configureAll(n -> n.console(true))
                .configure("node-b", n -> n.jvmOption("-D" + CONNECTIONS + "=" + NODE_B_CONNECTIONS))
                .configure("node-a", n -> n.deploy(FosOptions.bundleFile("fos-itest-kvload")).config(
                        "org.apache.felix.webconsole.internal.servlet.OsgiManager",
                        Map.of("username", USER, "password", PASSWORD, "default.render", "fos-cluster")))
                .start();
        try {
            cluster.awaitMembers(START);
            a = cluster.node("node-a");
            for (NodeProcess n : cluster.nodes()) {
                awaitConsole(n);
            }
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    /**
     * Every node a member, connected through TCP to the other two, and the 8 groups of the key-value
     * fleet on all three with a leader: the first test may come right after the start, one stops the
     * fleet on node-a, others upgrade it.
     */
    @Before
    public void wholeCluster() {
        cluster.awaitMembers(START);
        for (NodeProcess n : cluster.nodes()) {
            Awaitility.await(n.nodeId() + " connected to the other nodes").atMost(START).pollInterval(Duration.ofMillis(500)).until(() -> {
                String tcp = n.executeOk("fos:transport tcp", COMMAND);
                return NODES.stream().filter(id -> !id.equals(n.nodeId())).allMatch(id -> tcp.contains(id + "=connected"));
            });
        }
        Awaitility.await("the 8 groups of " + KV + " on 3 nodes each, with a leader, as node-a sees them").atMost(START)
                .pollInterval(Duration.ofMillis(500)).until(() -> shellGroups(a).values().stream()
                        .filter(g -> g.get("fleet").equals(KV) && g.get("peers").split(", ").length == 3 && !g.get("leader").equals("null"))
                        .count() == 8);
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

    /** The test class's browser, started on first use; the calling test is skipped if there is no Chromium. */
    private static Browser browser() throws IOException {
        if (browser == null) {
            browser = Browser.open();
        }
        browser.errors(); // forget what earlier tests left
        return browser;
    }

    /** Waits until a node's console answers (asking for credentials). */
    static void awaitConsole(NodeProcess n) {
        Awaitility.await("the web console of " + n.nodeId()).atMost(START).pollInterval(Duration.ofMillis(250))
                .ignoreExceptions().until(() -> get(n.httpUrl() + "/system/console/fos-cluster", null).statusCode() == 401);
    }

    static HttpResponse<String> get(String url, String credentials) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
        if (credentials != null) {
            b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The address of a console page with the credentials in it, as a browser takes them. */
    static String page(NodeProcess n, String user, String password, String label) {
        return n.httpUrl().replace("http://", "http://" + user + ":" + password + "@") + "/system/console/" + label;
    }

    /** A page of node-a's console. */
    private static String page(String label) {
        return page(a, USER, PASSWORD, label);
    }

    @Test
    public void a1_theConsoleAsksForItsCredentialsAndRefusesOthers() throws Exception {
        assertEquals(401, get(a.httpUrl() + "/system/console/fos-fleets", null).statusCode());
        assertEquals("the default credentials are replaced by the configured ones", 401,
                get(a.httpUrl() + "/system/console/fos-fleets", "admin:admin").statusCode());
        assertEquals(401, get(a.httpUrl() + "/system/console/fos-fleets", USER + ":wrong").statusCode());
        HttpResponse<String> ok = get(a.httpUrl() + "/system/console/fos-fleets", USER + ":" + PASSWORD);
        assertEquals(ok.body(), 200, ok.statusCode());
        assertTrue(ok.body(), ok.body().contains("id='fos-fleets'"));
        assertEquals("node-b keeps the default credentials", 200,
                get(cluster.node("node-b").httpUrl() + "/system/console/fos-fleets", "admin:admin").statusCode());
    }

    @Test
    public void a2_theConsoleListensOnTheLoopbackAddressOnly() throws Exception {
        InetAddress other = null;
        for (NetworkInterface i : java.util.Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress addr : java.util.Collections.list(i.getInetAddresses())) {
                if (!addr.isLoopbackAddress() && addr instanceof java.net.Inet4Address) {
                    other = addr;
                }
            }
        }
        org.junit.Assume.assumeTrue("this machine has no address but the loopback one to try", other != null);
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(other, a.consolePort()), 2_000);
            throw new AssertionError("the console accepted a connection on " + other + ":" + a.consolePort());
        } catch (IOException refused) {
            // as it must
        }
    }

    /**
     * A stranger who opens connections and sends nothing cannot make node-b's HTTP server hold more
     * than its limit, nor keep others out: at the limit the server closes idle connections after 2 s
     * and takes the waiting ones in turn, so a request that comes after the flood is answered.
     */
    @Test
    public void a3_theHttpServerHoldsAtMostItsConnectionLimitAndStillAnswers() throws Exception {
        NodeProcess b = cluster.node("node-b");
        List<Socket> flood = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < NODE_B_CONNECTIONS + 12; i++) {
                Socket s = new Socket();
                flood.add(s);
                s.connect(new InetSocketAddress("127.0.0.1", b.consolePort()), 2_000);
            }
            // the request's connection waits behind the flood's in the backlog
            HttpResponse<String> health = get(b.httpUrl() + "/system/health", null);
            assertEquals(health.body(), 200, health.statusCode());
            int closed = 0;
            for (Socket s : flood) {
                s.setSoTimeout(50);
                try {
                    if (s.getInputStream().read() < 0) {
                        closed++;
                    }
                } catch (java.net.SocketTimeoutException open) {
                    // still held
                } catch (IOException reset) {
                    closed++;
                }
            }
            assertTrue("idle connections node-b closed to take the request in: " + closed, closed >= flood.size() - (NODE_B_CONNECTIONS - 1));
        } finally {
            for (Socket s : flood) {
                s.close();
            }
        }
        // and the settled limit is what the node's log says
        Path log = b.base().resolve("data/fos.log.0");
        assertTrue(Files.readString(log).contains("holds at most " + NODE_B_CONNECTIONS + " connections"));
    }

    @Test
    public void b1_everyPageLoadsWithoutAScriptErrorAndDrawsItsCharts() throws Exception {
        Browser b = browser();
        for (String label : PAGES) {
            b.load(page(label));
            assertNotNull(label + " is a fos page", b.driver().findElement(By.cssSelector(".fos-page")));
            int charts = b.driver().findElements(By.cssSelector(".fos-chart")).size();
            b.await(label + ": every chart drawn", Duration.ofSeconds(30),
                    d -> d.findElements(By.cssSelector(".fos-chart[data-points]")).size() == charts);
            assertEquals(label + ": script errors", List.of(), b.errors());
        }
        // another node's console, with its default credentials, is that node's own
        b.load(page(cluster.node("node-b"), "admin", "admin", "fos-cluster"));
        assertEquals("node-b", b.driver().findElement(By.cssSelector(".fos-page")).getDomAttribute("data-node"));
        assertEquals(List.of(), b.errors());
    }

    @Test
    public void b2_theClusterPageShowsEveryNodeItsRouteItsTrafficAndItsConsole() throws Exception {
        Awaitility.await("every node's console address in node-a's membership").atMost(START).until(
                () -> NODES.stream().allMatch(id -> a.executeOk("fos:nodes", COMMAND).contains("console=" + cluster.node(id).httpUrl())));
        List<Map<String, String>> shell = ShellRecords.parse(a.executeOk("fos:nodes", COMMAND), "NodeView");
        List<Map<String, String>> routes = ShellRecords.parse(a.executeOk("fos:transport", COMMAND), "LinkRoute");
        String tcp = a.executeOk("fos:transport tcp", COMMAND);
        String namesBefore = a.executeMap("fos:stat", COMMAND).get("names");
        Browser b = browser();
        b.load(page("fos-cluster"));
        String namesAfter = a.executeMap("fos:stat", COMMAND).get("names");
        Map<String, Map<String, String>> nodes = b.table("fos-nodes");
        assertEquals(nodes.toString(), NODES, List.copyOf(nodes.keySet()));
        assertEquals(shell.size(), nodes.size());
        for (Map<String, String> n : shell) {
            String id = n.get("node");
            Map<String, String> row = nodes.get(id);
            assertNotNull(id + " in " + nodes.keySet(), row);
            assertEquals(id, id.equals("node-a") ? "yes" : "", row.get("local"));
            assertTrue(n.get("attributes") + " has the endpoint " + row.get("tcp"), n.get("attributes").contains("tcp=" + row.get("tcp")));
            String route = routes.stream().filter(r -> r.get("node").equals(id)).map(r -> r.get("transport")).findFirst().orElse("in-node");
            assertEquals(id + " as fos:transport routes it: " + routes, id.equals("node-a") ? "in-node" : route + " (cost 10)", row.get("route"));
            assertEquals(id, cluster.node(id).httpUrl() + "/system/console", row.get("console"));
        }
        Map<String, Map<String, String>> traffic = b.table("fos-traffic");
        for (String peer : List.of("node-b", "node-c")) {
            Map<String, String> row = traffic.get("tcp/" + peer);
            assertNotNull(peer + " in " + traffic.keySet(), row);
            assertEquals(peer, "yes", row.get("connected"));
            assertTrue(peer + " as fos:transport tcp shows it: " + tcp, tcp.contains(peer + "=connected"));
            assertTrue(peer + " bytes out " + row, Long.parseLong(row.get("bytesOut")) > 0);
        }
        assertTrue(b.table("fos-transports").containsKey("tcp"));
        String names = b.table("fos-kernel").values().iterator().next().get("names");
        assertTrue("the page's name count " + names + " is fos:stat's (" + namesBefore + ", then " + namesAfter + ")",
                names.equals(namesBefore) || names.equals(namesAfter));
        assertEquals(List.of(), b.errors());
    }

    @Test
    public void b3_theFleetsPageShowsEveryNodesFleetsAndMembersAsFosFleetsDoes() throws Exception {
        List<Map<String, String>> shell = ShellRecords.parse(a.executeOk("fos:fleets", COMMAND), "FleetInfo");
        Browser b = browser();
        b.load(page("fos-fleets"));
        Map<String, Map<String, String>> fleets = b.table("fos-fleets");
        Map<String, Map<String, String>> members = b.table("fos-members");
        for (String id : NODES) {
            assertTrue(id + " runs " + KV + ": " + fleets.keySet(), fleets.containsKey(KV + "@" + id));
        }
        for (Map<String, String> f : shell) {
            String key = f.get("name") + "@" + f.get("node");
            Map<String, String> row = fleets.get(key);
            assertNotNull("the page lists " + key + ": " + fleets.keySet(), row);
            assertEquals(key, f.get("implementation"), row.get("implementation"));
            assertEquals(key, f.get("version"), row.get("version"));
            assertEquals(key, f.get("status"), row.get("status"));
            List<Map<String, String>> shellMembers = ShellRecords.parse(f.get("members"), "MemberInfo");
            assertEquals(key, String.valueOf(shellMembers.size()), row.get("members"));
            for (Map<String, String> m : shellMembers) {
                Map<String, String> member = members.get(f.get("name") + "#" + m.get("index") + "@" + f.get("node"));
                assertNotNull(key + " member " + m, member);
                assertEquals(key, m.get("address"), member.get("address"));
            }
        }
        assertEquals(List.of(), b.errors());
    }

    @Test
    public void b4_theMailboxesPageShowsWhatFosMailboxesShows() throws Exception {
        List<Map<String, String>> before = ShellRecords.parse(a.executeOk("fos:mailboxes", COMMAND), "MailboxInfo");
        Browser b = browser();
        b.load(page("fos-mailboxes"));
        Map<String, Map<String, String>> page = b.table("fos-mailboxes");
        List<Map<String, String>> after = ShellRecords.parse(a.executeOk("fos:mailboxes", COMMAND), "MailboxInfo");
        Set<String> stable = new TreeSet<>();
        after.forEach(m -> stable.add(m.get("address")));
        int checked = 0;
        for (Map<String, String> m : before) {
            if (!stable.contains(m.get("address"))) {
                continue; // closed between the two listings
            }
            Map<String, String> row = page.get(m.get("address"));
            assertNotNull("the page lists mailbox " + m.get("address") + ": " + page.keySet(), row);
            assertEquals(m.get("label"), row.get("label"));
            assertEquals(m.get("capacity"), row.get("capacity"));
            assertTrue(row.get("owner"), row.get("owner").endsWith("(" + m.get("ownerBundleId") + ")"));
            checked++;
        }
        assertTrue("mailboxes compared: " + checked, checked >= 5);
        Map<String, Map<String, String>> rejections = b.table("fos-rejections");
        Map<String, String> stat = a.executeMap("fos:stat", COMMAND);
        assertEquals(stat.get("rejectedForged"), rejections.get("FORGED").get("count"));
        assertEquals(stat.get("rejectedNoSuchName"), rejections.get("NO_SUCH_NAME").get("count"));
    }

    @Test
    public void b5_theFilesPageShowsWhatFsDfShowsAndEveryGroupWithItsJournal() throws Exception {
        Map<String, String> df = ShellRecords.parse(a.executeOk("fs:df", COMMAND), "DiskFree").get(0);
        Set<String> members = new TreeSet<>();
        for (Map<String, String> f : ShellRecords.parse(a.executeOk("fos:fleets /sys/fs", COMMAND), "FleetInfo")) {
            if (f.get("node").equals("node-a")) {
                ShellRecords.parse(f.get("members"), "MemberInfo").forEach(m -> members.add(m.get("address")));
            }
        }
        assertFalse("node-a runs /sys/fs", members.isEmpty());
        Browser b = browser();
        b.load(page("fos-files"));
        Map<String, String> row = b.table("fos-filesystems").get("/sys/fs");
        assertNotNull(row);
        for (String col : List.of("device", "sizeBytes", "usedBytes", "freeBytes", "inodes", "freeInodes", "groups", "largestFreeBytes")) {
            assertEquals(col, df.get(col), row.get(col));
        }
        Map<String, Map<String, String>> groups = b.table("fos-groups");
        assertEquals(groups.toString(), Integer.parseInt(df.get("groups")), groups.size());
        long freeBlocks = 0;
        long freeInodes = 0;
        for (Map<String, String> g : groups.values()) {
            assertTrue(g + " is owned by a member of node-a's /sys/fs " + members, members.contains(g.get("owner")));
            assertTrue(g.toString(), Long.parseLong(g.get("journalBlocks")) > 0);
            assertTrue(g.toString(), Long.parseLong(g.get("journalUsedBlocks")) <= Long.parseLong(g.get("journalBlocks")));
            assertTrue(g.toString(), Long.parseLong(g.get("nextTransaction")) >= 1);
            freeBlocks += Long.parseLong(g.get("freeBlocks"));
            freeInodes += Long.parseLong(g.get("freeInodes"));
        }
        assertEquals("the groups' free space adds up to fs:df's", Long.parseLong(df.get("freeBytes")),
                freeBlocks * Long.parseLong(row.get("blockSize")));
        assertEquals(Long.parseLong(df.get("freeInodes")), freeInodes);
        assertEquals(List.of(), b.errors());
    }

    /** The groups {@code fos:groups} lists on a node, by {@code fleet#group}. */
    private static Map<String, Map<String, String>> shellGroups(NodeProcess n) {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        for (Map<String, String> g : ShellRecords.parse(n.executeOk("fos:groups", COMMAND), "GroupInfo")) {
            out.put(g.get("fleet") + "#" + g.get("group"), g);
        }
        return out;
    }

    /** Whether a group's membership, leader, role and term are the same in two listings. */
    private static boolean settled(Map<String, String> before, Map<String, String> after) {
        return after != null && List.of("peers", "leader", "role", "term").stream().allMatch(k -> before.get(k).equals(after.get(k)));
    }

    @Test
    public void b6_theFleetsPageAndTheMetricsShowTheReplicatedGroupsAndTheirLeadersAsFosGroupsDoes() throws Exception {
        // the 8 groups on 3 nodes each, with a leader: wholeCluster waited for them
        Map<String, Map<String, String>> before = shellGroups(a);
        Browser b = browser();
        b.load(page("fos-fleets"));
        Map<String, Map<String, String>> page = b.table("fos-groups");
        Map<String, PrometheusText.Family> scrape = PrometheusText.available() ? PrometheusText.parse(scrape(a)) : null;
        Map<String, Map<String, String>> after = shellGroups(a);
        assertEquals(page.toString(), before.keySet(), page.keySet());
        int compared = 0;
        for (Map.Entry<String, Map<String, String>> e : before.entrySet()) {
            Map<String, String> shell = e.getValue();
            Map<String, String> row = page.get(e.getKey());
            long commitBefore = Long.parseLong(shell.get("commitIndex"));
            long commitAfter = Long.parseLong(after.get(e.getKey()).get("commitIndex"));
            long commit = Long.parseLong(row.get("commitIndex"));
            assertTrue(e.getKey() + ": the page's commit index " + commit + " lies between fos:groups' " + commitBefore + " and " + commitAfter,
                    commit >= commitBefore && commit <= commitAfter);
            if (!settled(shell, after.get(e.getKey()))) {
                continue; // its leader or term changed while the page was read
            }
            assertEquals(e.getKey(), shell.get("peers"), "[" + row.get("peers") + "]");
            assertEquals(e.getKey(), shell.get("leader"), row.get("leader"));
            assertEquals(e.getKey(), shell.get("role"), row.get("role"));
            assertEquals(e.getKey(), shell.get("term"), row.get("term"));
            if (scrape != null) {
                Map<String, String> labels = Map.of("fleet", shell.get("fleet"), "group", shell.get("group"));
                assertEquals(e.getKey(), "LEADER".equals(shell.get("role")) ? 1.0 : 0.0,
                        scrape.get("fos_replication_group_leader").sum("fos_replication_group_leader", labels), 0.0);
                assertEquals(e.getKey(), Double.parseDouble(shell.get("term")),
                        scrape.get("fos_replication_group_term").sum("fos_replication_group_term", labels), 0.0);
                assertEquals(e.getKey(), 3.0, scrape.get("fos_replication_group_peers").sum("fos_replication_group_peers", labels), 0.0);
                double scraped = scrape.get("fos_replication_group_commit_index").sum("fos_replication_group_commit_index", labels);
                assertTrue(e.getKey() + ": scraped commit index " + scraped, scraped >= commitBefore && scraped <= commitAfter);
            }
            compared++;
        }
        assertTrue("groups compared in full: " + compared, compared >= 4);
        assertNotNull("a chart of the groups' commits", b.driver().findElement(By.id("fos-chart-commits")));
        assertEquals(List.of(), b.errors());
        PrometheusText.assumeParser();
        // each group has one leader: the nodes' leader gauges add up to 1 for every group of every replicated fleet
        // (the key-value fleet's 8, the scheduling fleet's 1) once no election runs
        Awaitility.await("one leader a group in the three nodes' scrapes").atMost(COMMAND).pollInterval(Duration.ofMillis(500))
                .ignoreExceptions().until(() -> {
                    Map<String, Double> leaders = new java.util.TreeMap<>();
                    for (NodeProcess n : cluster.nodes()) {
                        for (PrometheusText.Sample s : PrometheusText.parse(scrape(n)).get("fos_replication_group_leader").samples()) {
                            leaders.merge(s.labels().get("fleet") + " " + s.labels().get("group"), s.value(), Double::sum);
                        }
                    }
                    return leaders.keySet().stream().filter(k -> k.startsWith(KV + " ")).count() == 8
                            && leaders.values().stream().allMatch(v -> v == 1.0);
                });
    }

    @Test
    public void c1_badUploadsAreRefusedWithAReasonAndChangeNothing() throws Exception {
        String before = a.executeOk("fos:fleets " + KV, COMMAND);
        String upgrades = a.executeOk("fos:upgrades", COMMAND);
        Path notAJar = Files.writeString(Path.of("target", "not-a-jar.jar").toAbsolutePath(), "this is text, not a jar");
        Browser b = browser();
        b.load(page("fos-upgrades"));
        review(b, KV, notAJar);
        String error = b.driver().findElement(By.id("fos-upgrade-error")).getText();
        assertTrue(error, error.contains("not-a-jar.jar") && error.contains("not a jar"));
        assertTrue("no review to confirm", b.driver().findElements(By.id("fos-upgrade-confirm")).isEmpty());

        b.load(page("fos-upgrades"));
        review(b, KV, FosOptions.bundleFile("fos-itest-echo").toPath());
        error = b.driver().findElement(By.id("fos-upgrade-error")).getText();
        assertTrue(error, error.contains("but /sys/kv runs org.fos.kv"));

        b.load(page("fos-upgrades"));
        ((org.openqa.selenium.JavascriptExecutor) b.driver()).executeScript(
                "var f = document.createElement('form'); f.method = 'post'; f.action = arguments[0];"
                        + "f.innerHTML = \"<input name='action' value='confirm'><input name='token' value='forged-token'>\";"
                        + "document.body.appendChild(f); f.submit();", a.httpUrl() + "/system/console/fos-upgrades");
        b.await("the forged confirmation answered", Duration.ofSeconds(30), d -> !d.findElements(By.id("fos-upgrade-error")).isEmpty());
        error = b.driver().findElement(By.id("fos-upgrade-error")).getText();
        assertTrue(error, error.contains("expired or was already used"));
        assertEquals(List.of(), b.errors());
        assertEquals("nothing changed", strip(before), strip(a.executeOk("fos:fleets " + KV, COMMAND)));
        assertEquals("no upgrade was started", upgrades, a.executeOk("fos:upgrades", COMMAND));
    }

    /** Fleet output without the counters that move on their own. */
    private static String strip(String fleets) {
        return fleets.replaceAll("served=\\d+", "").replaceAll("depth=\\d+", "");
    }

    static void review(Browser b, String fleet, Path jar) {
        new Select(b.driver().findElement(By.id("fos-upgrade-fleet"))).selectByValue(fleet);
        b.driver().findElement(By.id("fos-upgrade-jar")).sendKeys(jar.toAbsolutePath().toString());
        b.driver().findElement(By.id("fos-upgrade-review")).click();
        b.await("the review of " + jar.getFileName(), Duration.ofSeconds(60),
                d -> !d.findElements(By.id("fos-upgrade-confirm")).isEmpty() || !d.findElements(By.id("fos-upgrade-error")).isEmpty());
    }

    /**
     * Confirms a reviewed upgrade and waits for the page the confirmation leads to. The review page
     * has a summary of its own (the console's last upgrade, or none), which a wait for the upgrade's
     * end would otherwise find before the browser has left it.
     */
    static void confirm(Browser b) {
        b.driver().findElement(By.id("fos-upgrade-confirm")).click();
        b.await("the page after the confirmation", Duration.ofSeconds(60), d -> d.findElements(By.id("fos-upgrade-confirm")).isEmpty());
    }

    @Test
    public void c2_aRollingUpgradeStartedFromTheConsoleLosesNoCallUnderLoad() throws Exception {
        Awaitility.await("kvload on node-a").atMost(START).until(() -> !a.execute("help kvload:start", COMMAND).contains("gogo:"));
        Map<String, Integer> upgradesBefore = new LinkedHashMap<>();
        for (String id : NODES) {
            upgradesBefore.put(id, upgradeReports(cluster.node(id)).size());
        }
        Browser b = browser();
        a.executeOk("kvload:start -t 2 -m counters", COMMAND);
        awaitProgress(50);
        b.load(page("fos-upgrades"));
        review(b, KV, FosOptions.bundleFile("fos-itest-kv-v2").toPath());
        String review = b.driver().findElement(By.id("fos-upgrade-review")).getText();
        assertTrue(review, review.contains("with version 2.0.0") && review.contains("on 3 node(s)") && review.contains("node-a first as the canary"));
        confirm(b);
        b.await("the rolling upgrade to finish", Duration.ofMinutes(4),
                d -> !d.findElements(By.cssSelector("#fos-rolling-summary:not([data-state='RUNNING'])")).isEmpty());
        b.load(page("fos-upgrades")); // settled: the page's script reloads it once the upgrade is done
        assertEquals(b.driver().findElement(By.id("fos-rolling-summary")).getText(), "UPGRADED",
                b.driver().findElement(By.id("fos-rolling-summary")).getDomAttribute("data-state"));
        awaitProgress(50);
        Map<String, String> load = a.executeMap("kvload:stop", COMMAND);
        Map<String, String> verify = a.executeMap("kvload:verify", COMMAND);
        System.out.println("ConsoleIT: load " + load + "; read back " + verify);
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
            List<Map<String, String>> shell = upgradeReports(cluster.node(id));
            assertEquals(id + ": one report more than before: " + shell, upgradesBefore.get(id) + 1, shell.size());
            Map<String, String> report = shell.get(shell.size() - 1);
            Map<String, String> row = history.values().stream().filter(r -> r.get("node").equals(id)).findFirst().orElseThrow(); // newest first
            for (String col : List.of("fleet", "from", "to", "outcome", "queued")) {
                assertEquals(id + " " + col, report.get(col), row.get(col));
            }
            assertEquals(id, String.format(java.util.Locale.ROOT, "%.1f", Long.parseLong(report.get("pauseNanos")) / 1e6),
                    row.get("pause"));
        }
        assertEquals(List.of(), b.errors());
    }

    /** A node's upgrade reports as fos:upgrades lists them, oldest first. */
    private static List<Map<String, String>> upgradeReports(NodeProcess n) {
        return ShellRecords.parse(n.executeOk("fos:upgrades", COMMAND), "UpgradeReport");
    }

    /** Waits until the load on node-a has acknowledged {@code more} more calls than now. */
    private static void awaitProgress(long more) {
        long from = Long.parseLong(a.executeMap("kvload:status", COMMAND).get("acknowledged"));
        Awaitility.await("the load to make " + more + " more calls").atMost(START).pollInterval(Duration.ofMillis(200))
                .until(() -> Long.parseLong(a.executeMap("kvload:status", COMMAND).get("acknowledged")) >= from + more);
    }

    @Test
    public void c3_aFailingUpgradeFromTheConsoleIsRolledBackAndTheHistorySaysWhy() throws Exception {
        String kvBefore = a.executeOk("fos:fleets " + KV, COMMAND);
        java.util.regex.Matcher serving = java.util.regex.Pattern.compile("version=([^,]*), status=SERVING").matcher(kvBefore);
        assertTrue(kvBefore, serving.find());
        String version = serving.group(1);
        assertEquals("version " + version + " serves on every node: " + kvBefore, 3, servingNodes(kvBefore, version));
        Browser b = browser();
        b.load(page("fos-upgrades"));
        review(b, KV, FosOptions.bundleFile("fos-itest-kv-v3").toPath());
        confirm(b);
        b.await("the upgrade to end", Duration.ofMinutes(3),
                d -> !d.findElements(By.cssSelector("#fos-rolling-summary:not([data-state='RUNNING'])")).isEmpty());
        b.load(page("fos-upgrades"));
        assertEquals("ROLLED_BACK", b.driver().findElement(By.id("fos-rolling-summary")).getDomAttribute("data-state"));
        List<Map<String, String>> shell = ShellRecords.parse(a.executeOk("fos:upgrades", COMMAND), "UpgradeReport");
        Map<String, String> last = shell.get(shell.size() - 1);
        assertEquals("ROLLED_BACK", last.get("outcome"));
        Map<String, String> newest = b.table("fos-upgrade-history").values().iterator().next();
        assertEquals("node-a", newest.get("node"));
        assertEquals("ROLLED_BACK", newest.get("outcome"));
        assertTrue("the page's detail is the shell's: " + newest.get("detail"), !last.get("detail").isBlank()
                && newest.get("detail").startsWith(last.get("detail"))); // the shell's record text is cut at its first comma here
        assertEquals(List.of(), b.errors());
        String kv = a.executeOk("fos:fleets " + KV, COMMAND);
        assertEquals("version " + version + ", which served before, serves on every node again: " + kv, 3, servingNodes(kv, version));
    }

    /** On how many nodes fos:fleets output shows a fleet serving at {@code version}. */
    private static int servingNodes(String fleets, String version) {
        return fleets.split(java.util.regex.Pattern.quote("version=" + version + ", status=SERVING"), -1).length - 1;
    }

    private static String scrape(NodeProcess n) throws Exception {
        HttpResponse<String> r = get(n.httpUrl() + "/metrics", null);
        assertEquals(r.body(), 200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse(""), r.headers().firstValue("Content-Type").orElse("")
                .startsWith("text/plain; version=0.0.4"));
        return r.body();
    }

    @Test
    public void d1_thePrometheusScrapeParsesFollowsTheConventionsAndItsCountersMoveWithTraffic() throws Exception {
        PrometheusText.assumeParser();
        Map<String, PrometheusText.Family> before = PrometheusText.parse(scrape(a));
        for (String counter : List.of("fos_kernel_messages_sent", "fos_kernel_messages_received", "fos_kernel_rejections",
                "fos_fleet_requests_served", "fos_fleet_dispatch_failures", "fos_link_messages_sent", "fos_transport_bytes_sent",
                "fos_transport_frames_received")) {
            assertNotNull(counter + " in " + before.keySet(), before.get(counter));
            assertEquals(counter, "counter", before.get(counter).type());
        }
        for (String gauge : List.of("fos_fleet_queue_depth", "fos_fleet_serving", "fos_kernel_mailboxes_open", "fos_transport_connected",
                "fos_replication_group_leader", "fos_replication_group_commit_index", "jvm_memory_used_bytes")) {
            assertNotNull(gauge + " in " + before.keySet(), before.get(gauge));
            assertEquals(gauge, "gauge", before.get(gauge).type());
        }
        for (PrometheusText.Family f : before.values()) {
            assertTrue(f.name() + ": lower case with underscores", f.name().matches("[a-z_][a-z0-9_]*"));
            for (PrometheusText.Sample s : f.samples()) {
                if (f.type().equals("counter")) {
                    assertTrue(s.name() + ": a counter's sample ends in _total", s.name().endsWith("_total") || s.name().endsWith("_created"));
                }
            }
        }
        assertTrue("every rejection status is there", before.get("fos_kernel_rejections").samples().size() >= 12);

        int calls = 20;
        for (int i = 0; i < calls; i++) {
            a.executeOk("fos:call " + KV + " put metrics-" + i + " v" + i, COMMAND);
        }
        String refused = a.execute("fos:call " + KV + " put " + "k".repeat(1100) + " v", COMMAND);
        assertTrue(refused, refused.contains("IllegalArgumentException") && refused.contains("1024")); // each kv version words it its own way
        for (String peer : List.of("node-b", "node-c")) {
            assertTrue(a.executeOk("fos:remote " + peer + " fos:stat", COMMAND).contains("node"));
        }
        Map<String, PrometheusText.Family> after = PrometheusText.parse(scrape(a));

        Map<String, String> kv = Map.of("fleet", KV);
        // a call is two messages of node-a: its request, taken by a mailbox here or forwarded to a member elsewhere, and its reply
        double sent = delta(before, after, "fos_kernel_messages_sent", "fos_kernel_messages_sent_total", Map.of());
        double forwarded = delta(before, after, "fos_kernel_messages_forwarded", "fos_kernel_messages_forwarded_total", Map.of());
        assertTrue("messages counted: " + sent + " accepted here, " + forwarded + " forwarded", sent >= calls && sent + forwarded >= 2 * calls);
        assertTrue("requests served", delta(before, after, "fos_fleet_requests_served", "fos_fleet_requests_served_total", kv) >= 1);
        PrometheusText.Family latency = after.get("fos_fleet_calls_seconds");
        assertNotNull("the call histogram in " + after.keySet(), latency);
        assertEquals("histogram", latency.type());
        Map<String, String> ok = Map.of("fleet", KV, "status", "OK");
        double okCalls = latency.sum("fos_fleet_calls_seconds_count", ok)
                - (before.containsKey("fos_fleet_calls_seconds") ? before.get("fos_fleet_calls_seconds").sum("fos_fleet_calls_seconds_count", ok) : 0);
        assertTrue("OK calls counted: " + okCalls, okCalls >= calls);
        assertEquals("the +Inf bucket holds every call", latency.sum("fos_fleet_calls_seconds_count", ok),
                latency.sum("fos_fleet_calls_seconds_bucket", Map.of("fleet", KV, "status", "OK", "le", "+Inf")), 0.0);
        assertTrue("the method's failure is counted by its status",
                latency.sum("fos_fleet_calls_seconds_count", Map.of("fleet", KV, "status", "FAILED")) >= 1);
        assertTrue("the latency sum grows", latency.sum("fos_fleet_calls_seconds_sum", ok) > 0);
        for (String peer : List.of("node-b", "node-c")) {
            Map<String, String> link = Map.of("peer", peer);
            Map<String, String> tcp = Map.of("peer", peer, "transport", "tcp");
            assertTrue("link messages to " + peer, delta(before, after, "fos_link_messages_sent", "fos_link_messages_sent_total", link) > 0);
            assertTrue("bytes to " + peer, delta(before, after, "fos_transport_bytes_sent", "fos_transport_bytes_sent_total", tcp) > 0);
            assertTrue("frames from " + peer,
                    delta(before, after, "fos_transport_frames_received", "fos_transport_frames_received_total", tcp) > 0);
            assertEquals(peer + " connected", 1.0, after.get("fos_transport_connected").sum("fos_transport_connected", tcp), 0.0);
        }
    }

    private static double delta(Map<String, PrometheusText.Family> before, Map<String, PrometheusText.Family> after, String family, String sample,
            Map<String, String> labels) {
        double was = before.containsKey(family) ? before.get(family).sum(sample, labels) : 0;
        return after.get(family).sum(sample, labels) - was;
    }

    @Test
    public void d2_theHealthEndpointAndFosHealthAgreeAndTurnCriticalWhenAFleetStops() throws Exception {
        for (NodeProcess n : cluster.nodes()) {
            // a group of /sys/sched or /sys/kv may be between two leaders for a moment (WARN)
            Awaitility.await(n.nodeId() + "'s health OK").atMost(START).pollInterval(Duration.ofMillis(500))
                    .until(() -> n.executeMap("fos:health", COMMAND).get("overall").equals("OK"));
            Map<String, String> health = n.executeMap("fos:health", COMMAND);
            assertEquals(n.nodeId() + ": " + health, "OK", health.get("overall"));
            assertTrue(health.get("replicas"), health.get("replicas").matches("OK \\| every group node " + n.nodeId()
                    + " keeps a replica of has a leader: \\{.*/sys/kv=8.*\\}"));
            for (String check : List.of("nodeJoined", "fleetsServing", "linksUp", "diskSpace", "replicas")) {
                assertTrue(check + ": " + health, health.get(check).startsWith("OK"));
            }
            assertTrue(health.get("linksUp"), health.get("linksUp").contains("2 of 2 other node(s) reachable from " + n.nodeId()));
            assertTrue(health.get("nodeJoined"), health.get("nodeJoined").contains("is one of 3 node(s)"));
            assertEquals(200, get(n.httpUrl() + "/system/health", null).statusCode());
        }
        HttpResponse<String> r = get(a.httpUrl() + "/system/health", null);
        assertEquals(r.body(), 200, r.statusCode());
        Map<?, ?> json = new com.fasterxml.jackson.databind.ObjectMapper().readValue(r.body(), Map.class);
        assertEquals(r.body(), "OK", json.get("overallResult"));
        Set<String> names = new TreeSet<>();
        for (Object o : (List<?>) json.get("results")) {
            names.add(String.valueOf(((Map<?, ?>) o).get("name")));
        }
        assertEquals(Set.of("fos disk space", "fos fleets serving", "fos links up", "fos node joined", "fos replicas"), names);
        assertTrue(a.execute("fos:health nothing-carries-this", COMMAND).contains("no health check carries the tag 'nothing-carries-this'"));

        String id = bundleId("org.fos.kv");
        a.executeOk("felix:stop " + id, COMMAND);
        try {
            Awaitility.await("/system/health to say CRITICAL").atMost(COMMAND).pollInterval(Duration.ofMillis(500))
                    .until(() -> get(a.httpUrl() + "/system/health", null).statusCode() == 503);
            Map<String, String> down = a.executeMap("fos:health fleets", COMMAND);
            assertEquals(down.toString(), "CRITICAL", down.get("overall"));
            assertTrue(down.toString(), down.get("fleetsServing").contains("/sys/kv is paused"));
        } finally {
            a.executeOk("felix:start " + id, COMMAND);
        }
        Awaitility.await("/system/health to be OK again").atMost(COMMAND).pollInterval(Duration.ofMillis(500))
                .until(() -> get(a.httpUrl() + "/system/health", null).statusCode() == 200);
    }

    /**
     * With node-b and node-c frozen, the groups of /sys/kv have no majority: node-a's replicas check
     * warns of the groups without a leader (WARN: the endpoint still answers 200, since taking node-a
     * out of a load balancer would not help), and is OK again once they are back.
     */
    @Test
    public void d3_theReplicasCheckWarnsOfGroupsWithoutALeader() throws Exception {
        NodeProcess b = cluster.node("node-b");
        NodeProcess c = cluster.node("node-c");
        b.pause();
        try {
            c.pause();
            try {
                Awaitility.await("node-a's replicas check to warn of a group without a leader").atMost(COMMAND)
                        .pollInterval(Duration.ofMillis(500)).until(() -> {
                            String replicas = a.executeMap("fos:health replication", COMMAND).get("replicas");
                            return replicas.startsWith("WARN") && replicas.contains("of /sys/kv has no leader that node node-a knows");
                        });
                HttpResponse<String> r = get(a.httpUrl() + "/system/health", null);
                assertEquals(r.body(), 200, r.statusCode());
                assertTrue(r.body(), r.body().contains("has no leader that node node-a knows"));
            } finally {
                c.resume();
            }
        } finally {
            b.resume();
        }
        Awaitility.await("node-a's replicas check OK again").atMost(START).pollInterval(Duration.ofMillis(500))
                .until(() -> a.executeMap("fos:health replication", COMMAND).get("replicas").startsWith("OK"));
    }

    /** A bundle's id, from node-a's bundle list. */
    private static String bundleId(String symbolicName) {
        for (String line : a.executeOk("lb -s " + symbolicName, COMMAND).split("\n")) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("^\\s*(\\d+)\\|.*\\|" + java.util.regex.Pattern.quote(symbolicName) + " ").matcher(line);
            if (m.find()) {
                return m.group(1);
            }
        }
        throw new AssertionError("no bundle " + symbolicName);
    }

    @Test
    public void z1_thePasswordIsNotWrittenToTheLogs() throws Exception {
        // the console's credentials in use, refused and accepted, before the logs are read
        assertEquals(401, get(a.httpUrl() + "/system/console/fos-cluster", USER + ":wrong").statusCode());
        for (String label : PAGES) {
            assertEquals(label, 200, get(a.httpUrl() + "/system/console/" + label, USER + ":" + PASSWORD).statusCode());
        }
        for (Path log : List.of(a.dataDir().resolve("fos.log.0"), a.dataDir().resolve("console.log"))) {
            assertTrue(log + " exists", Files.exists(log));
            assertFalse(log + " holds the console password", Files.readString(log).contains(PASSWORD));
        }
    }
}
