package org.fos.itests.cluster;

import static org.fos.itests.cluster.ClusterSupport.COMMAND;
import static org.fos.itests.cluster.ClusterSupport.START;
import static org.fos.itests.cluster.ClusterSupport.stopAndVerify;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;

import org.agrona.concurrent.UnsafeBuffer;
import org.awaitility.Awaitility;
import org.fos.testkit.Cluster;
import org.fos.testkit.FosOptions;
import org.fos.testkit.NodeProcess;
import org.junit.AfterClass;
import org.junit.Before;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * Three node processes on this machine linked through shared memory (issue 13): node-a runs the
 * load, node-b the key-value fleet, node-c holds another cluster secret. Calls cross over shared
 * memory; the transport bundles are stopped, started, updated, uninstalled and installed under load
 * and the links move between shared memory and TCP with nothing lost or repeated; bad frames written
 * into node-b's log are refused and counted; a node without the secret gets no shared-memory link;
 * a kill -9 of node-b is noticed within the heartbeat timeout. The tests run in any order: each
 * starts from the whole cluster ({@link #wholeCluster}, which starts again node-b if a test killed
 * it) with node-a and node-b linked through shared memory, and writes what it reads.
 */
public class SharedMemoryClusterIT {
    /** node-a's shared-memory heartbeat: a link that reads nothing for this long is reset. */
    private static final long HEARTBEAT_TIMEOUT_MILLIS = 2_000;
    private static Cluster cluster;
    private static NodeProcess a;
    private static NodeProcess b;
    private static NodeProcess c;

    @BeforeClass
    public static void startCluster() throws Exception {
        Path otherSecret = Path.of("target", "shm-it-other.secret").toAbsolutePath();
        Files.deleteIfExists(otherSecret);
        Files.createFile(otherSecret, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(otherSecret, "ab".repeat(32));
        cluster = ClusterSupport.startWithLoad(Cluster.builder("shm-it").nodes("node-a", "node-b", "node-c").sharedMemory()
                .configure("node-a", n -> n.config("org.fos.fleet", Map.of("excludedFleets", "/sys/kv"))
                        .config("org.fos.transport.shm", Map.of("heartbeatIntervalMillis", "500",
                                "heartbeatTimeoutMillis", Long.toString(HEARTBEAT_TIMEOUT_MILLIS)))
                        .deploy(FosOptions.bundleFile("fos-itest-kvload")))
                .configure("node-c", n -> n.config("org.fos.fleet", Map.of("excludedFleets", "/sys/kv"))
                        .config("org.fos.transport.shm", Map.of("clusterSecret", otherSecret.toString()))), 2, 1);
        a = cluster.node("node-a");
        b = cluster.node("node-b");
        c = cluster.node("node-c");
    }

    /** Every node running and a member, /sys/kv served, node-a and node-b on shared memory: one test kills node-b, another swaps the transports. */
    @Before
    public void wholeCluster() throws Exception {
        ClusterSupport.awaitWhole(cluster, 2, 1);
        awaitRoute(a, "node-b", "shm");
        awaitRoute(b, "node-a", "shm");
        // after node-b's restart node-a's first calls may have gone to the killed node-b's link numbers
        Awaitility.await("node-a's calls to /sys/kv answered").atMost(START).pollInterval(Duration.ofMillis(500))
                .until(() -> !a.execute("fos:call -t 2000 /sys/kv get shm:probe", COMMAND).contains("gogo:"));
    }

    @AfterClass
    public static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** The transport node's link to {@code peer} takes now, as fos:transport shows it. */
    private static String route(NodeProcess node, String peer) {
        Matcher m = Pattern.compile("LinkRoute\\[node=" + Pattern.quote(peer) + ", transport=(\\w+)")
                .matcher(node.executeOk("fos:transport", COMMAND));
        return m.find() ? m.group(1) : "no link";
    }

    private static void awaitRoute(NodeProcess node, String peer, String transport) {
        Awaitility.await(node.nodeId() + "'s link to " + peer + " on " + transport).atMost(START).pollInterval(Duration.ofMillis(100))
                .until(() -> route(node, peer).equals(transport));
    }

    /** A number of a link as fos:transport shows it. */
    private static long link(NodeProcess node, String peer, String field) {
        Matcher m = Pattern.compile("LinkRoute\\[node=" + Pattern.quote(peer) + ",[^\\]]*\\b" + field + "=(\\d+)")
                .matcher(node.executeOk("fos:transport", COMMAND));
        if (!m.find()) {
            throw new AssertionError(node.nodeId() + " shows no link to " + peer);
        }
        return Long.parseLong(m.group(1));
    }

    private static String shmCounters(NodeProcess node) {
        return node.executeMap("fos:transport shm", COMMAND).get("counters");
    }

    private static long shmCounter(NodeProcess node, String name) {
        Matcher m = Pattern.compile("\\b" + Pattern.quote(name) + "=(\\d+)").matcher(shmCounters(node));
        if (!m.find()) {
            throw new AssertionError("no counter " + name + " on " + node.nodeId());
        }
        return Long.parseLong(m.group(1));
    }

    private static String bundleId(NodeProcess node, String symbolicName) {
        Matcher id = Pattern.compile("^\\s*(\\d+)\\|(Active|Resolved|Installed)", Pattern.MULTILINE)
                .matcher(node.executeOk("lb -s " + symbolicName, COMMAND));
        assertTrue(symbolicName + " is installed on " + node.nodeId(), id.find());
        return id.group(1);
    }

    @Test
    public void t1_callsBetweenTheNodesOfThisMachineGoThroughSharedMemory() {
        long before = shmCounter(b, "delivered");
        a.executeOk("fos:call /sys/kv put shm:greeting hello", COMMAND);
        assertTrue(a.executeOk("fos:call /sys/kv get shm:greeting", COMMAND).startsWith("shm:greeting=hello"));
        assertTrue("node-b took the request through shared memory", shmCounter(b, "delivered") > before);
        String links = a.executeOk("fos:transport", COMMAND);
        assertTrue(links, links.contains("reachableBy=shm:1 tcp:10"));
    }

    /** Waits until the load makes 200 more calls; says what both nodes' links and transports show if it does not. */
    private static void progress() {
        long from = ClusterSupport.number(a.executeMap("kvload:status", COMMAND), "acknowledged");
        try {
            Awaitility.await("the load on node-a to make 200 more calls").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                    .until(() -> ClusterSupport.number(a.executeMap("kvload:status", COMMAND), "acknowledged") >= from + 200);
        } catch (RuntimeException | AssertionError e) {
            for (NodeProcess n : new NodeProcess[] {a, b}) {
                for (String command : new String[] {"kvload:status", "fos:transport", "fos:transport tcp", "fos:transport shm"}) {
                    if (n == a || !command.startsWith("kvload")) {
                        System.out.println("SharedMemoryClusterIT: " + n.nodeId() + " " + command + ":\n" + n.execute(command, COMMAND));
                    }
                }
            }
            throw e;
        }
    }

    @Test
    public void t2_swappingTheTransportsUnderLoadLosesRepeatsAndReordersNothing() throws Exception {
        long[] before = undelivered();
        a.executeOk("kvload:start -t 2 -m counters", COMMAND);
        progress();
        String shm = bundleId(a, "org.fos.transport.shm");
        String tcp = bundleId(a, "org.fos.transport.tcp");
        String shmJar = FosOptions.bundleFile("fos-transport-shm").toURI().toString();
        String tcpJar = FosOptions.bundleFile("fos-transport-tcp").toURI().toString();

        a.executeOk("felix:stop " + shm, COMMAND); // shm -> tcp
        awaitRoute(a, "node-b", "tcp");
        progress();
        a.executeOk("felix:start " + shm, COMMAND); // tcp -> shm
        awaitRoute(a, "node-b", "shm");
        progress();
        a.executeOk("felix:update " + tcp + " " + tcpJar, COMMAND); // TCP replaced while shm carries
        progress();
        a.executeOk("felix:update " + shm + " " + shmJar, COMMAND); // shm -> tcp -> shm
        awaitRoute(a, "node-b", "shm");
        progress();
        a.executeOk("felix:uninstall " + shm, COMMAND); // shm -> tcp
        awaitRoute(a, "node-b", "tcp");
        progress();
        Matcher installed = Pattern.compile("Bundle ID: (\\d+)").matcher(a.executeOk("felix:install " + shmJar, COMMAND));
        assertTrue("the shared-memory bundle installed again", installed.find());
        a.executeOk("felix:start " + installed.group(1), COMMAND); // tcp -> shm
        awaitRoute(a, "node-b", "shm");
        progress();
        b.executeOk("felix:stop " + bundleId(b, "org.fos.transport.shm"), COMMAND); // the other side: shm -> tcp
        awaitRoute(a, "node-b", "tcp");
        progress();
        b.executeOk("felix:start " + bundleId(b, "org.fos.transport.shm"), COMMAND);
        awaitRoute(a, "node-b", "shm");
        progress();

        stopAndVerify(a, "SharedMemoryClusterIT swaps", true);
        // every message numbered during the swaps, in each direction, delivered exactly once, in order (go-back-N)
        long[] after = undelivered();
        assertEquals("a -> b: numbered = delivered", before[0], after[0]);
        assertEquals("b -> a: numbered = delivered", before[1], after[1]);
        System.out.println("SharedMemoryClusterIT: after the swaps node-a " + a.executeOk("fos:transport", COMMAND));
    }

    /**
     * Waits until both links between node-a and node-b have nothing unacknowledged and returns what
     * each numbered and the other did not deliver, a -> b and b -> a: 0 on a fresh cluster; a link
     * counts what it numbered for node-b across node-b's restarts, node-b's delivered count starts
     * again with it, so the messages a killed node-b never took stay in the difference.
     */
    private static long[] undelivered() {
        // the four counts are read one after another from two nodes while other messages (names, heartbeats) still
        // flow: one sent and delivered between two reads made a difference one short once (verify of 8994533), so
        // the differences count only when two readings in a row agree, with nothing unacknowledged at either
        long[][] last = new long[1][];
        Awaitility.await("both links acknowledged, the same differences read twice in a row").atMost(START).until(() -> {
            if (link(a, "node-b", "unacknowledged") != 0 || link(b, "node-a", "unacknowledged") != 0) {
                last[0] = null;
                return false;
            }
            long[] now = {link(a, "node-b", "sent") - link(b, "node-a", "delivered"),
                    link(b, "node-a", "sent") - link(a, "node-b", "delivered")};
            boolean same = last[0] != null && Arrays.equals(last[0], now);
            last[0] = now;
            return same;
        });
        return last[0];
    }

    @Test
    public void t3_badFramesWrittenIntoTheLogAreRefusedAndCountedAndTheNodeServesOn() {
        Map<String, String> shm = b.executeMap("fos:transport shm", COMMAND);
        Matcher dir = Pattern.compile("stream=(\\d+);dir=(\\S+)").matcher(shm.get("endpoint"));
        assertTrue(shm.toString(), dir.find());
        try (Aeron rogue = Aeron.connect(new Aeron.Context().aeronDirectoryName(dir.group(2)))) {
            int stream = Integer.parseInt(dir.group(1));
            write(rogue, stream, new byte[] {1, 2, 3}, "TRUNCATED");
            write(rogue, stream, header(0x12345678, 1, 1, 0), "BAD_MAGIC");
            write(rogue, stream, header(0x464F5357, 9, 1, 0), "BAD_VERSION");
            write(rogue, stream, header(0x464F5357, 1, 77, 0), "BAD_TYPE");
            write(rogue, stream, header(0x464F5357, 1, 2, 1 << 30), "OVERSIZED");
            write(rogue, stream, header(0x464F5357, 1, 2, 0), "UNEXPECTED_FRAME");
        }
        System.out.println("SharedMemoryClusterIT: node-b's shared-memory counters after the bad frames: " + shmCounters(b));
        a.executeOk("fos:call /sys/kv put after:bad-frames ok", COMMAND);
        assertTrue(a.executeOk("fos:call /sys/kv get after:bad-frames", COMMAND).startsWith("after:bad-frames=ok"));
        assertEquals("shm", route(a, "node-b"));
    }

    /** Writes one message into node-b's log through a publication of the test's own, and waits until node-b counts the fault. */
    private static void write(Aeron rogue, int stream, byte[] frame, String fault) {
        long before = shmCounter(b, "fault." + fault);
        try (ExclusivePublication p = rogue.addExclusivePublication("aeron:ipc", stream)) {
            Awaitility.await("node-b reads the stream").atMost(START).until(p::isConnected);
            Awaitility.await("the frame written").atMost(START).until(() -> p.offer(new UnsafeBuffer(frame)) > 0);
            Awaitility.await(fault + " counted on node-b").atMost(START).pollInterval(Duration.ofMillis(100))
                    .until(() -> shmCounter(b, "fault." + fault) > before);
        }
    }

    private static byte[] header(int magic, int version, int type, int bodyLength) {
        ByteBuffer buffer = ByteBuffer.allocate(64);
        buffer.putInt(0, magic);
        buffer.put(4, (byte) version);
        buffer.put(5, (byte) type);
        buffer.putInt(8, bodyLength);
        return buffer.array();
    }

    @Test
    public void t4_aNodeWithoutTheSecretGetsNoSharedMemoryLinkAndTheFilesAreTheUsersOnly() throws Exception {
        Awaitility.await("node-c's proofs refused on node-a").atMost(START).until(() -> shmCounter(a, "fault.AUTH_FAILED") > 0);
        awaitRoute(a, "node-c", "tcp");
        assertEquals("tcp", route(c, "node-a"));
        a.executeOk("fos:call /sys/kv put shm:greeting hello", COMMAND);
        assertTrue(a.executeOk("fos:call /sys/kv get shm:greeting", COMMAND).startsWith("shm:greeting=hello"));
        Matcher dir = Pattern.compile("dir=(\\S+)").matcher(b.executeMap("fos:transport shm", COMMAND).get("endpoint"));
        assertTrue(dir.find());
        Path driver = Path.of(dir.group(1));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(driver.getParent())));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(driver)));
        Path secret = Path.of("target", "clusters", "shm-it", "cluster.secret");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secret)));
    }

    @Test
    public void t5_aKilledPeerIsNoticedWithinTheHeartbeatTimeoutAndItsCallsFailWithANamedStatus() throws Exception {
        long killedAt = System.nanoTime();
        cluster.kill("node-b");
        Awaitility.await("node-a's shared-memory link to node-b reset").atMost(START).pollInterval(Duration.ofMillis(50))
                .until(() -> !a.executeMap("fos:transport shm", COMMAND).get("peers").contains("node-b=established"));
        long noticedMillis = (System.nanoTime() - killedAt) / 1_000_000;
        System.out.println("SharedMemoryClusterIT: node-a noticed node-b's death after " + noticedMillis + " ms; " + shmCounters(a));
        assertTrue("noticed within the heartbeat timeout (" + HEARTBEAT_TIMEOUT_MILLIS + " ms) and a little: " + noticedMillis,
                noticedMillis < HEARTBEAT_TIMEOUT_MILLIS + 1_500);
        assertTrue(shmCounter(a, "fault.PEER_GONE") + shmCounter(a, "fault.HEARTBEAT_TIMEOUT") > 0);
        // node-b held every member of /sys/kv: a call fails with a named status, NO_ROUTE once node-a's kernel
        // counts node-b out of reach (unreachableAfterMillis), TIMEOUT if it was sent before
        String failed = a.execute("fos:call -t 2000 /sys/kv get shm:greeting", COMMAND);
        assertTrue("the call fails: " + failed, failed.contains("FleetException")
                && (failed.contains("node node-b cannot be reached") || failed.contains("no reply from /sys/kv")));
    }
}
