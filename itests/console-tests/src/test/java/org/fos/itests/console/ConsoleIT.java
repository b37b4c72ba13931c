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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.awaitility.Awaitility;
import org.fos.testkit.FosOptions;
import org.fos.testkit.NodeProcess;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.FixMethodOrder;
import org.junit.Test;
import org.junit.runners.MethodSorters;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.Select;

/**
 * The web console of one node process, in a headless Chromium: every fos page loads without a
 * script error and shows what the shell shows; an upgrade started from the console goes through
 * and its report is the shell's; bad uploads change nothing; the console asks for its own
 * credentials, listens on the loopback address only and keeps its password out of the logs.
 */
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class ConsoleIT {
    static final Duration START = Duration.ofMinutes(3);
    static final Duration COMMAND = Duration.ofMinutes(1);
    static final List<String> PAGES = List.of("fos-cluster", "fos-fleets", "fos-upgrades", "fos-mailboxes", "fos-files");
    /** Credentials of this test's node, set in its configuration: the default admin/admin must not work then. */
    private static final String USER = "operator";
    private static final String PASSWORD = "console-it-7c41f";
    private static NodeProcess node;
    private static Browser browser;

    @BeforeClass
    public static void startNode() throws Exception {
        node = NodeProcess.builder("console-a").config("org.apache.felix.webconsole.internal.servlet.OsgiManager",
                Map.of("username", USER, "password", PASSWORD, "default.render", "fos-cluster")).start();
        node.awaitReady(START);
        awaitConsole(node);
    }

    @AfterClass
    public static void stopNode() {
        if (browser != null) {
            browser.close();
        }
        if (node != null) {
            node.close();
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

    private static String page(String label) {
        return page(node, USER, PASSWORD, label);
    }

    @Test
    public void a1_theConsoleAsksForItsCredentialsAndRefusesOthers() throws Exception {
        assertEquals(401, get(node.httpUrl() + "/system/console/fos-fleets", null).statusCode());
        assertEquals("the default credentials are replaced by the configured ones", 401,
                get(node.httpUrl() + "/system/console/fos-fleets", "admin:admin").statusCode());
        assertEquals(401, get(node.httpUrl() + "/system/console/fos-fleets", USER + ":wrong").statusCode());
        HttpResponse<String> ok = get(node.httpUrl() + "/system/console/fos-fleets", USER + ":" + PASSWORD);
        assertEquals(ok.body(), 200, ok.statusCode());
        assertTrue(ok.body(), ok.body().contains("id='fos-fleets'"));
    }

    @Test
    public void a2_theConsoleListensOnTheLoopbackAddressOnly() throws Exception {
        InetAddress other = null;
        for (NetworkInterface i : java.util.Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress a : java.util.Collections.list(i.getInetAddresses())) {
                if (!a.isLoopbackAddress() && a instanceof java.net.Inet4Address) {
                    other = a;
                }
            }
        }
        org.junit.Assume.assumeTrue("this machine has no address but the loopback one to try", other != null);
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(other, node.consolePort()), 2_000);
            throw new AssertionError("the console accepted a connection on " + other + ":" + node.consolePort());
        } catch (IOException refused) {
            // as it must
        }
    }

    @Test
    public void a3_thePasswordIsNotWrittenToTheLogs() throws Exception {
        for (Path log : List.of(node.dataDir().resolve("fos.log"), node.dataDir().resolve("console.log"))) {
            if (Files.exists(log)) {
                assertFalse(log + " holds the console password", Files.readString(log).contains(PASSWORD));
            }
        }
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
    }

    @Test
    public void b2_theFleetsPageShowsWhatFosFleetsShows() throws Exception {
        List<Map<String, String>> shell = ShellRecords.parse(node.executeOk("fos:fleets", COMMAND), "FleetInfo");
        assertFalse("fos:fleets lists fleets", shell.isEmpty());
        Browser b = browser();
        b.load(page("fos-fleets"));
        Map<String, Map<String, String>> fleets = b.table("fos-fleets");
        Map<String, Map<String, String>> members = b.table("fos-members");
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
    public void b3_theMailboxesPageShowsWhatFosMailboxesShows() throws Exception {
        List<Map<String, String>> before = ShellRecords.parse(node.executeOk("fos:mailboxes", COMMAND), "MailboxInfo");
        Browser b = browser();
        b.load(page("fos-mailboxes"));
        Map<String, Map<String, String>> page = b.table("fos-mailboxes");
        List<Map<String, String>> after = ShellRecords.parse(node.executeOk("fos:mailboxes", COMMAND), "MailboxInfo");
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
        Map<String, String> stat = node.executeMap("fos:stat", COMMAND);
        assertEquals(stat.get("rejectedForged"), rejections.get("FORGED").get("count"));
        assertEquals(stat.get("rejectedNoSuchName"), rejections.get("NO_SUCH_NAME").get("count"));
    }

    @Test
    public void b4_theClusterPageShowsWhatFosNodesShows() throws Exception {
        List<Map<String, String>> shell = ShellRecords.parse(node.executeOk("fos:nodes", COMMAND), "NodeView");
        Browser b = browser();
        b.load(page("fos-cluster"));
        Map<String, Map<String, String>> nodes = b.table("fos-nodes");
        assertEquals(shell.size(), nodes.size());
        for (Map<String, String> n : shell) {
            Map<String, String> row = nodes.get(n.get("node"));
            assertNotNull(n.get("node") + " in " + nodes.keySet(), row);
            assertTrue(n.get("attributes") + " has the endpoint " + row.get("tcp"), n.get("attributes").contains("tcp=" + row.get("tcp")));
            assertEquals("yes", row.get("local"));
        }
        assertTrue("the console publishes its own address: " + shell,
                shell.get(0).get("attributes").contains("console=" + node.httpUrl() + "/system/console"));
        assertTrue(b.table("fos-transports").containsKey("tcp"));
        assertEquals(node.executeMap("fos:stat", COMMAND).get("names"), b.table("fos-kernel").values().iterator().next().get("names"));
    }

    @Test
    public void b5_theFilesPageShowsWhatFsDfShowsAndEveryGroupWithItsJournal() throws Exception {
        Map<String, String> df = ShellRecords.parse(node.executeOk("fs:df", COMMAND), "DiskFree").get(0);
        Map<String, String> fsFleet = ShellRecords.parse(node.executeOk("fos:fleets /sys/fs", COMMAND), "FleetInfo").get(0);
        Set<String> members = new TreeSet<>();
        ShellRecords.parse(fsFleet.get("members"), "MemberInfo").forEach(m -> members.add(m.get("address")));
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
            assertTrue(g + " is owned by a member of /sys/fs " + members, members.contains(g.get("owner")));
            assertTrue(g.toString(), Long.parseLong(g.get("journalBlocks")) > 0);
            assertTrue(g.toString(), Long.parseLong(g.get("journalUsedBlocks")) <= Long.parseLong(g.get("journalBlocks")));
            assertTrue(g.toString(), Long.parseLong(g.get("nextTransaction")) >= 1);
            freeBlocks += Long.parseLong(g.get("freeBlocks"));
            freeInodes += Long.parseLong(g.get("freeInodes"));
        }
        assertEquals("the groups' free space adds up to fs:df's", Long.parseLong(df.get("freeBytes")),
                freeBlocks * Long.parseLong(b.table("fos-filesystems").get("/sys/fs").get("blockSize")));
        assertEquals(Long.parseLong(df.get("freeInodes")), freeInodes);
        assertEquals(List.of(), b.errors());
    }

    @Test
    public void c1_badUploadsAreRefusedWithAReasonAndChangeNothing() throws Exception {
        String before = node.executeOk("fos:fleets /sys/kv", COMMAND);
        Path notAJar = Files.writeString(Path.of("target", "not-a-jar.jar").toAbsolutePath(), "this is text, not a jar");
        Browser b = browser();
        b.load(page("fos-upgrades"));
        review(b, "/sys/kv", notAJar);
        String error = b.driver().findElement(By.id("fos-upgrade-error")).getText();
        assertTrue(error, error.contains("not-a-jar.jar") && error.contains("not a jar"));
        assertTrue("no review to confirm", b.driver().findElements(By.id("fos-upgrade-confirm")).isEmpty());

        b.load(page("fos-upgrades"));
        review(b, "/sys/kv", FosOptions.bundleFile("fos-itest-echo").toPath());
        error = b.driver().findElement(By.id("fos-upgrade-error")).getText();
        assertTrue(error, error.contains("but /sys/kv runs org.fos.kv"));

        b.load(page("fos-upgrades"));
        ((org.openqa.selenium.JavascriptExecutor) b.driver()).executeScript(
                "var f = document.createElement('form'); f.method = 'post'; f.action = arguments[0];"
                        + "f.innerHTML = \"<input name='action' value='confirm'><input name='token' value='forged-token'>\";"
                        + "document.body.appendChild(f); f.submit();", node.httpUrl() + "/system/console/fos-upgrades");
        b.await("the forged confirmation answered", Duration.ofSeconds(30), d -> !d.findElements(By.id("fos-upgrade-error")).isEmpty());
        error = b.driver().findElement(By.id("fos-upgrade-error")).getText();
        assertTrue(error, error.contains("expired or was already used"));
        assertEquals(List.of(), b.errors());
        assertEquals("nothing changed", strip(before), strip(node.executeOk("fos:fleets /sys/kv", COMMAND)));
        assertEquals("", node.executeOk("fos:upgrades", COMMAND));
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

    @Test
    public void c2_anUpgradeStartedFromTheConsoleGoesThroughAndItsReportIsTheShells() throws Exception {
        Browser b = browser();
        b.load(page("fos-upgrades"));
        review(b, "/sys/kv", FosOptions.bundleFile("fos-itest-kv-v2").toPath());
        String review = b.driver().findElement(By.id("fos-upgrade-review")).getText();
        assertTrue(review, review.contains("with version 2.0.0") && review.contains(node.executeMap("fos:stat", COMMAND).get("node")));
        b.driver().findElement(By.id("fos-upgrade-confirm")).click();
        b.await("the upgrade to finish", Duration.ofMinutes(2), d -> {
            var s = d.findElements(By.cssSelector("#fos-rolling-summary[data-state='UPGRADED']"));
            return !s.isEmpty();
        });
        b.load(page("fos-upgrades"));
        Map<String, String> progress = b.table("fos-rolling").values().iterator().next();
        assertEquals("2.0.0", progress.get("version"));
        assertEquals("UPGRADED", progress.get("step"));
        List<Map<String, String>> shell = ShellRecords.parse(node.executeOk("fos:upgrades", COMMAND), "UpgradeReport");
        assertEquals(1, shell.size());
        Map<String, String> row = b.table("fos-upgrade-history").values().iterator().next();
        for (String col : List.of("fleet", "from", "to", "outcome", "queued")) {
            assertEquals(col, shell.get(0).get(col), row.get(col));
        }
        assertEquals(String.format(java.util.Locale.ROOT, "%.1f", Long.parseLong(shell.get(0).get("pauseNanos")) / 1e6), row.get("pause"));
        assertEquals(List.of(), b.errors());
        assertTrue(node.executeOk("fos:fleets /sys/kv", COMMAND).contains("version=2.0.0, status=SERVING"));
    }

    @Test
    public void c3_aFailingUpgradeFromTheConsoleIsRolledBackAndTheHistorySaysWhy() throws Exception {
        Browser b = browser();
        b.load(page("fos-upgrades"));
        review(b, "/sys/kv", FosOptions.bundleFile("fos-itest-kv-v3").toPath());
        b.driver().findElement(By.id("fos-upgrade-confirm")).click();
        b.await("the upgrade to end", Duration.ofMinutes(3),
                d -> !d.findElements(By.cssSelector("#fos-rolling-summary:not([data-state='RUNNING'])")).isEmpty());
        b.load(page("fos-upgrades"));
        assertEquals("ROLLED_BACK", b.driver().findElement(By.id("fos-rolling-summary")).getDomAttribute("data-state"));
        List<Map<String, String>> shell = ShellRecords.parse(node.executeOk("fos:upgrades", COMMAND), "UpgradeReport");
        Map<String, String> last = shell.get(shell.size() - 1);
        assertEquals("ROLLED_BACK", last.get("outcome"));
        Map<String, String> newest = b.table("fos-upgrade-history").values().iterator().next();
        assertEquals("ROLLED_BACK", newest.get("outcome"));
        assertTrue("the page's detail is the shell's: " + newest.get("detail"), !last.get("detail").isBlank()
                && newest.get("detail").startsWith(last.get("detail"))); // the shell's record text is cut at its first comma here
        assertEquals(List.of(), b.errors());
        assertTrue("version 2 serves on", node.executeOk("fos:fleets /sys/kv", COMMAND).contains("version=2.0.0, status=SERVING"));
    }

    private static String scrape() throws Exception {
        HttpResponse<String> r = get(node.httpUrl() + "/metrics", null);
        assertEquals(r.body(), 200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse(""), r.headers().firstValue("Content-Type").orElse("")
                .startsWith("text/plain; version=0.0.4"));
        return r.body();
    }

    @Test
    public void d1_thePrometheusScrapeParsesFollowsTheConventionsAndItsCountersMoveWithTraffic() throws Exception {
        PrometheusText.assumeParser();
        Map<String, PrometheusText.Family> before = PrometheusText.parse(scrape());
        for (String counter : List.of("fos_kernel_messages_sent", "fos_kernel_messages_received", "fos_kernel_rejections",
                "fos_fleet_requests_served", "fos_fleet_dispatch_failures", "fos_link_messages_sent", "fos_transport_faults")) {
            if (counter.startsWith("fos_link")) {
                continue; // a node of its own has no link
            }
            assertNotNull(counter + " in " + before.keySet(), before.get(counter));
            assertEquals(counter, "counter", before.get(counter).type());
        }
        for (String gauge : List.of("fos_fleet_queue_depth", "fos_fleet_serving", "fos_kernel_mailboxes_open", "jvm_memory_used_bytes")) {
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
            node.executeOk("fos:call /sys/kv put metrics-" + i + " v" + i, COMMAND);
        }
        String refused = node.execute("fos:call /sys/kv put " + "k".repeat(1100) + " v", COMMAND);
        assertTrue(refused, refused.contains("key is 1100 characters"));
        Map<String, PrometheusText.Family> after = PrometheusText.parse(scrape());

        Map<String, String> kv = Map.of("fleet", "/sys/kv");
        assertTrue("messages counted", delta(before, after, "fos_kernel_messages_sent", "fos_kernel_messages_sent_total", Map.of()) >= 2 * calls);
        assertTrue("requests served", delta(before, after, "fos_fleet_requests_served", "fos_fleet_requests_served_total", kv) >= calls + 1);
        PrometheusText.Family latency = after.get("fos_fleet_calls_seconds");
        assertNotNull("the call histogram in " + after.keySet(), latency);
        assertEquals("histogram", latency.type());
        Map<String, String> ok = Map.of("fleet", "/sys/kv", "status", "OK");
        double okCalls = latency.sum("fos_fleet_calls_seconds_count", ok)
                - (before.containsKey("fos_fleet_calls_seconds") ? before.get("fos_fleet_calls_seconds").sum("fos_fleet_calls_seconds_count", ok) : 0);
        assertTrue("OK calls counted: " + okCalls, okCalls >= calls);
        assertEquals("the +Inf bucket holds every call", latency.sum("fos_fleet_calls_seconds_count", ok),
                latency.sum("fos_fleet_calls_seconds_bucket", Map.of("fleet", "/sys/kv", "status", "OK", "le", "+Inf")), 0.0);
        assertTrue("the method's failure is counted by its status",
                latency.sum("fos_fleet_calls_seconds_count", Map.of("fleet", "/sys/kv", "status", "FAILED")) >= 1);
        assertTrue("the latency sum grows", latency.sum("fos_fleet_calls_seconds_sum", ok) > 0);
    }

    private static double delta(Map<String, PrometheusText.Family> before, Map<String, PrometheusText.Family> after, String family, String sample,
            Map<String, String> labels) {
        return after.get(family).sum(sample, labels) - before.get(family).sum(sample, labels);
    }

    @Test
    public void d2_theHealthEndpointAndFosHealthAgreeAndTurnCriticalWhenAFleetStops() throws Exception {
        HttpResponse<String> r = get(node.httpUrl() + "/system/health", null);
        assertEquals(r.body(), 200, r.statusCode());
        Map<?, ?> json = new com.fasterxml.jackson.databind.ObjectMapper().readValue(r.body(), Map.class);
        assertEquals(r.body(), "OK", json.get("overallResult"));
        Set<String> names = new TreeSet<>();
        for (Object o : (List<?>) json.get("results")) {
            names.add(String.valueOf(((Map<?, ?>) o).get("name")));
        }
        assertEquals(Set.of("fos disk space", "fos fleets serving", "fos links up", "fos node joined"), names);
        Map<String, String> shell = node.executeMap("fos:health", COMMAND);
        assertEquals(shell.toString(), "OK", shell.get("overall"));
        for (String check : List.of("nodeJoined", "fleetsServing", "linksUp", "diskSpace")) {
            assertTrue(check + ": " + shell, shell.get(check).startsWith("OK"));
        }
        assertTrue(node.execute("fos:health nothing-carries-this", COMMAND).contains("no health check carries the tag 'nothing-carries-this'"));

        String id = bundleId("org.fos.kv");
        node.executeOk("felix:stop " + id, COMMAND);
        try {
            Awaitility.await("/system/health to say CRITICAL").atMost(COMMAND).pollInterval(Duration.ofMillis(500))
                    .until(() -> get(node.httpUrl() + "/system/health", null).statusCode() == 503);
            Map<String, String> down = node.executeMap("fos:health fleets", COMMAND);
            assertEquals(down.toString(), "CRITICAL", down.get("overall"));
            assertTrue(down.toString(), down.get("fleetsServing").contains("/sys/kv is paused"));
        } finally {
            node.executeOk("felix:start " + id, COMMAND);
        }
        Awaitility.await("/system/health to be OK again").atMost(COMMAND).pollInterval(Duration.ofMillis(500))
                .until(() -> get(node.httpUrl() + "/system/health", null).statusCode() == 200);
    }

    /** A bundle's id, from the shell's bundle list. */
    private static String bundleId(String symbolicName) {
        for (String line : node.executeOk("lb -s " + symbolicName, COMMAND).split("\n")) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("^\\s*(\\d+)\\|.*\\|" + java.util.regex.Pattern.quote(symbolicName) + " ").matcher(line);
            if (m.find()) {
                return m.group(1);
            }
        }
        throw new AssertionError("no bundle " + symbolicName);
    }
}
