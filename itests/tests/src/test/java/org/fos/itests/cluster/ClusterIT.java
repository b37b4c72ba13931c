package org.fos.itests.cluster;

import static org.fos.itests.cluster.ClusterSupport.COMMAND;
import static org.fos.itests.cluster.ClusterSupport.START;
import static org.fos.itests.cluster.ClusterSupport.awaitProgress;
import static org.fos.itests.cluster.ClusterSupport.endpoint;
import static org.fos.itests.cluster.ClusterSupport.number;
import static org.fos.itests.cluster.ClusterSupport.stopAndVerify;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;
import org.fos.client.FosClient;
import org.fos.fleet.api.NodeAdmin;
import org.fos.fs.api.FileSystemFleet;
import org.fos.kernel.api.Status;
import org.fos.kv.api.KeyValue;
import org.fos.rpc.api.FleetException;
import org.fos.testkit.Cluster;
import org.fos.testkit.FosOptions;
import org.fos.testkit.NodeProcess;
import org.junit.AfterClass;
import org.junit.Before;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * Three node processes and a ZooKeeper server, each running the key-value fleet (its groups on all
 * three, so that one can die); node-a also runs the clients. The tests run in any order: each starts
 * from the whole cluster ({@link #wholeCluster}, which starts again a node an earlier test killed) and
 * makes what it reads.
 */
public class ClusterIT {

    /**
     * A member-to-member method of the file-system fleet, written out by hand as an attacker would: it
     * is in no exported package (org.fos.fs.peers.FsPeers), and calling it needs PEER.
     */
    public interface PeerMethod {
        /**
         * The file-system members' group statistics, asked as a member would.
         *
         * @param group the group
         * @return never, for a caller without PEER
         */
        CompletionStage<String> peerGroupStats(int group);
    }

    /** Where node-a keeps its client ticket, for a plain JVM (this test's) to connect. */
    private static final Path TICKET = Paths.get("target/cluster-it-client.ticket").toAbsolutePath();
    private static Cluster cluster;
    private static NodeProcess a;
    private static NodeProcess b;
    private static NodeProcess c;

    @BeforeClass
    public static void startCluster() throws Exception {
        cluster = ClusterSupport.startWithLoad(Cluster.builder("cluster-it").nodes("node-a", "node-b", "node-c")
                .configure("node-a", n -> n.config("org.fos.transport.tcp", Map.of("clientTicket", TICKET.toString()))
                        .deploy(FosOptions.bundleFile("fos-itest-kvload"))), 6, 3);
        a = cluster.node("node-a");
        b = cluster.node("node-b");
        c = cluster.node("node-c");
    }

    /** Every node running, a member, with its key-value members and groups: one test may have killed node-b. */
    @Before
    public void wholeCluster() throws IOException {
        ClusterSupport.awaitWhole(cluster, 6, 3);
    }

    @AfterClass
    public static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    public void t1_everyNodeListsEveryNode() {
        for (NodeProcess n : cluster.nodes()) {
            String nodes = n.executeOk("fos:nodes", COMMAND);
            for (String id : new String[] {"node-a", "node-b", "node-c"}) {
                assertTrue(n.nodeId() + " lists " + id + ": " + nodes, nodes.contains("node=" + id + ","));
            }
            assertTrue(nodes, nodes.contains("node=" + n.nodeId() + ", local=true"));
        }
    }

    @Test
    public void t2_aClientOnNodeACallsMembersOnNodesBAndC() {
        for (int i = 0; i < 40; i++) {
            a.executeOk("fos:call /sys/kv put cross:" + i + " value-" + i, COMMAND);
        }
        assertEquals("cross:7=value-7 (revision", a.executeOk("fos:call /sys/kv get cross:7", COMMAND).substring(0, 25));
        String fleets = a.executeOk("fos:fleets /sys/kv", COMMAND);
        for (String node : new String[] {"node-b", "node-c"}) {
            Matcher m = Pattern.compile("FleetInfo\\[node=" + node + ", name=/sys/kv.*?members=\\[(.*?)\\]\\]").matcher(fleets);
            assertTrue(fleets, m.find());
            long served = Pattern.compile("served=(\\d+)").matcher(m.group(1)).results().mapToLong(r -> Long.parseLong(r.group(1))).sum();
            assertTrue(node + " served calls from node-a: " + m.group(1), served > 0);
        }
        // the names of the whole cluster, from any node
        String names = c.executeOk("fos:names /sys", COMMAND);
        assertEquals(6, ClusterSupport.count(names, "NameEntry[name=/sys/kv,"));
        assertEquals(3, ClusterSupport.count(names, "NameEntry[name=/sys/nodes,"));
        // and a command run on another node
        assertTrue(a.executeOk("fos:remote node-c fos:stat", COMMAND).contains("node-c"));
        // one whose arguments fit none of the command's forms answers its forms along with the error
        String wrong = a.execute("fos:remote node-c fos:call /sys/kv", COMMAND);
        assertTrue(wrong, wrong.contains("gogo: IllegalStateException: on node node-c: fos:call: these arguments fit none of its forms,"
                + " which are:") && wrong.contains("call - call a method of a fleet") && wrong.contains("Cannot coerce call("));
        // a remote command that asks every node's /sys/nodes, its own node's too, whose member runs the command
        for (String node : new String[] {"node-c", "node-a"}) {
            String remoteFleets = a.executeOk("fos:remote " + node + " fos:fleets /sys/kv", COMMAND);
            for (NodeProcess n : cluster.nodes()) {
                assertTrue(node + " listed " + remoteFleets, remoteFleets.contains("FleetInfo[node=" + n.nodeId() + ", name=/sys/kv,"));
            }
        }
    }

    @Test
    public void t2b_everyNodeKeepsItsOwnFileSystem() {
        // /sys/fs and /dev/block/disk0 are fleets per node: each node resolves them to its own members
        for (NodeProcess n : cluster.nodes()) {
            n.executeOk("fs:write /whose " + n.nodeId(), COMMAND);
        }
        for (NodeProcess n : cluster.nodes()) {
            assertEquals(n.nodeId(), n.executeOk("fs:cat /whose", COMMAND).trim());
            String fsck = n.executeOk("fs:fsck", COMMAND);
            assertTrue(n.nodeId() + ": " + fsck, fsck.contains("clean=true"));
        }
        assertEquals(6, ClusterSupport.count(a.executeOk("fos:names /sys/fs", COMMAND), "NameEntry[name=/sys/fs,"));
    }

    @Test
    public void t2c_aPlainJvmConnectedToNodeAReachesMembersOnNodesBAndC() throws Exception {
        a.executeOk("fs:write /whose node-a", COMMAND);
        Awaitility.await("node-a's client ticket").atMost(START).until(() -> Files.exists(TICKET));
        try (FosClient client = FosClient.connect(TICKET)) {
            KeyValue kv = client.fleet(KeyValue.class, KeyValue.NAME);
            for (int i = 0; i < 40; i++) {
                kv.put("plain:" + i, ("value-" + i).getBytes(StandardCharsets.UTF_8));
            }
            for (int i = 0; i < 40; i++) {
                assertEquals("value-" + i, new String(kv.get("plain:" + i).value(), StandardCharsets.UTF_8));
            }
            // the client dialled the nodes whose members it called
            for (NodeProcess n : new NodeProcess[] {b, c}) {
                String transport = n.executeOk("fos:transport tcp", COMMAND);
                assertTrue(n.nodeId() + ": " + transport, transport.contains("peer=" + client.clientId()));
            }
            // a fleet per node resolves to the connected node's members
            assertEquals("node-a", Files.readString(client.fileSystem().getPath("/whose")).trim());
        }
    }

    @Test
    public void t2d_aClientsTicketAllowsOnlyTheRightsAndNamesItClaims() throws Exception {
        Path kvCall = Paths.get("target/cluster-it-kv-call.ticket").toAbsolutePath();
        String issued = a.executeOk("fos:ticket -n /sys/kv -r call -e 1h " + kvCall, COMMAND);
        assertTrue(issued, issued.contains("/sys/kv") && issued.contains("rights") && Files.exists(kvCall));
        long refusedBefore = noRightRefusals();
        try (FosClient client = FosClient.connect(kvCall)) {
            KeyValue kv = client.fleet(KeyValue.class, KeyValue.NAME);
            kv.put("ticket:kv", "allowed".getBytes(StandardCharsets.UTF_8));
            assertEquals("allowed", new String(kv.get("ticket:kv").value(), StandardCharsets.UTF_8));
            FileSystemFleet fs = client.fleet(FileSystemFleet.class, "/sys/fs");
            assertNoRight("a name the ticket does not list", () -> fs.stat(0, 1L).toCompletableFuture().get(1, TimeUnit.MINUTES));
            PeerMethod peer = client.fleet(PeerMethod.class, "/sys/fs");
            assertNoRight("a peer method", () -> peer.peerGroupStats(0).toCompletableFuture().get(1, TimeUnit.MINUTES));
            assertNoRight("NodeAdmin.execute", () -> client.fleet(NodeAdmin.class, NodeAdmin.NAME).execute("fos:stat"));
        }
        Awaitility.await("the three refusals counted").atMost(COMMAND).until(() -> noRightRefusals() >= refusedBefore + 3);

        // the node's own ticket keeps its meaning (call and admin on every name), yet a peer method stays the members'
        try (FosClient client = FosClient.connect(TICKET)) {
            NodeAdmin.CommandOutput out = client.fleet(NodeAdmin.class, NodeAdmin.NAME).execute("fos:stat");
            assertFalse(out.text(), out.failed());
            PeerMethod peer = client.fleet(PeerMethod.class, "/sys/fs");
            assertNoRight("a peer method with the node's own ticket",
                    () -> peer.peerGroupStats(0).toCompletableFuture().get(1, TimeUnit.MINUTES));
        }

        // an expired ticket is refused at once, with its reason
        Path brief = Paths.get("target/cluster-it-brief.ticket").toAbsolutePath();
        a.executeOk("fos:ticket -n /sys/kv -e 2s " + brief, COMMAND);
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(brief)) {
            p.load(in);
        }
        Matcher expires = Pattern.compile("expires=(\\d+)").matcher(p.getProperty("ticket.claims"));
        assertTrue(p.toString(), expires.find());
        long at = Long.parseLong(expires.group(1));
        Awaitility.await("the brief ticket expired").atMost(COMMAND).until(() -> System.currentTimeMillis() > at);
        try (FosClient client = FosClient.connect(brief)) {
            fail("an expired ticket connected: " + client);
        } catch (IOException e) {
            assertTrue(e.toString(), e.toString().contains("expired"));
        }

        // a ticket revoked on another node is refused at once, with its reason
        a.executeOk("fos:ticket -n /sys/kv -e 1h " + kvCall, COMMAND);
        try (FosClient client = FosClient.connect(kvCall)) {
            client.fleet(KeyValue.class, KeyValue.NAME).put("ticket:before-revoke", new byte[] {1});
        }
        Properties issuedClaims = new Properties();
        try (InputStream in = Files.newInputStream(kvCall)) {
            issuedClaims.load(in);
        }
        Matcher id = Pattern.compile("id=([0-9a-f]{16})").matcher(issuedClaims.getProperty("ticket.claims"));
        assertTrue(issuedClaims.toString(), id.find());
        String revoked = b.executeOk("fos:revoke " + id.group(1) + " lost laptop", COMMAND);
        assertTrue(revoked, revoked.contains("lost laptop"));
        try (FosClient client = FosClient.connect(kvCall)) {
            fail("a revoked ticket connected: " + client);
        } catch (IOException e) {
            assertTrue(e.toString(), e.toString().contains("revoked: lost laptop"));
        }
    }

    /** Asserts that a call is refused with NO_RIGHT. */
    private static void assertNoRight(String what, Callable<?> call) throws Exception {
        try {
            call.call();
            fail(what + " was allowed");
        } catch (ExecutionException e) {
            assertTrue(what + ": " + e.getCause(), e.getCause() instanceof FleetException f && f.status() == Status.NO_RIGHT);
        } catch (FleetException e) {
            assertEquals(what + ": " + e, Status.NO_RIGHT, e.status());
        }
    }

    /** The calls the nodes' members refused for want of a right, summed over the nodes. */
    private static long noRightRefusals() {
        long sum = 0;
        for (NodeProcess n : new NodeProcess[] {a, b, c}) {
            sum += number(n.executeMap("fos:stat", COMMAND), "rejectedNoRight");
        }
        return sum;
    }

    @Test
    public void t3_badFramesAreRefusedAndTheNodeServesOn() throws Exception {
        String[] hostPort = endpoint(a, "node-b").split(":");
        InetSocketAddress target = new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1]));
        byte[] random = new byte[512];
        new Random(42).nextBytes(random);
        assertClosedAfter(target, random, "random bytes");
        assertClosedAfter(target, header(0x12345678, 1, 1, 16), "a wrong magic");
        assertClosedAfter(target, header(0x464F5357, 9, 1, 16), "a wrong version");
        assertClosedAfter(target, header(0x464F5357, 1, 1, 1 << 30), "an oversized frame");
        assertClosedAfter(target, header(0x464F5357, 1, 77, 0), "an unknown frame type");
        try (Socket s = new Socket()) {
            s.connect(target, 5_000);
            s.getOutputStream().write(header(0x464F5357, 1, 1, 100), 0, 40); // truncated: the peer goes away
        }
        Map<String, String> t = b.executeMap("fos:transport tcp", COMMAND);
        String counters = t.get("counters");
        System.out.println("ClusterIT: node-b's transport after the bad frames: " + counters);
        for (String fault : new String[] {"BAD_MAGIC", "BAD_VERSION", "OVERSIZED", "BAD_TYPE"}) {
            assertTrue(fault + " counted: " + counters, Pattern.compile("fault\\." + fault + "=[1-9]").matcher(counters).find());
        }
        // a capability forged on node-a travels in a well-formed frame; node-b, which owns the mailbox, refuses it
        long forgedBefore = number(b.executeMap("fos:stat", COMMAND), "rejectedForged");
        assertEquals("OK", a.executeOk("kvload:forge /sys/kv node-b", COMMAND).trim());
        Awaitility.await("node-b counts the forged capability").atMost(START)
                .until(() -> number(b.executeMap("fos:stat", COMMAND), "rejectedForged") == forgedBefore + 1);
        // everyone else is still served
        a.executeOk("fos:call /sys/kv put after:bad-frames ok", COMMAND);
        assertTrue(a.executeOk("fos:call /sys/kv get after:bad-frames", COMMAND).startsWith("after:bad-frames=ok"));
    }

    private static byte[] header(int magic, int version, int type, int bodyLength) {
        ByteBuffer b = ByteBuffer.allocate(64);
        b.putInt(0, magic);
        b.put(4, (byte) version);
        b.put(5, (byte) type);
        b.putInt(8, bodyLength);
        return b.array();
    }

    private static void assertClosedAfter(InetSocketAddress target, byte[] bytes, String what) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(target, 5_000);
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(bytes);
            out.flush();
            InputStream in = s.getInputStream();
            try {
                while (in.read() >= 0) {
                    // the node may say nothing before it closes
                }
            } catch (SocketTimeoutException e) {
                throw new AssertionError("node-b kept the connection open after " + what, e);
            } catch (IOException reset) {
                // closed by the node: what we wanted
            }
        }
    }

    @Test
    public void t4_updatingTheTransportBundleUnderLoadLosesAndRepeatsNothing() throws Exception {
        a.executeOk("kvload:start -t 2 -m counters", COMMAND);
        awaitProgress(a, 200);
        String lb = a.executeOk("lb -s org.fos.transport.tcp", COMMAND);
        Matcher id = Pattern.compile("^\\s*(\\d+)\\|Active", Pattern.MULTILINE).matcher(lb);
        assertTrue(lb, id.find());
        String jar = FosOptions.bundleFile("fos-transport-tcp").toURI().toString();
        a.executeOk("update " + id.group(1) + " " + jar, COMMAND);
        awaitProgress(a, 300);
        Map<String, String> report = stopAndVerify(a, "ClusterIT transport update", true);
        System.out.println("ClusterIT: longest call during the transport update " + report.get("maxLatencyMillis") + " ms");
    }

    @Test
    public void t5_killingNodeBUnderLoadLosesNoAcknowledgedWrite() throws Exception {
        a.executeOk("kvload:start -t 2 -m puts -c 30000", COMMAND);
        awaitProgress(a, 200);
        long killedAt = System.nanoTime();
        cluster.kill("node-b");
        a.awaitNameMembers("/sys/kv", 4, START);
        long failedOver = System.nanoTime();
        awaitProgress(a, 300);
        Map<String, String> report = stopAndVerify(a, "ClusterIT kill -9", true);
        System.out.printf("ClusterIT: node-b killed; its members left the names after %.1f s (session timeout 4 s);"
                + " the longest stretch without a successful call was %s ms; %s calls failed, %s were sent again%n",
                (failedOver - killedAt) / 1e9, report.get("maxGapMillis"), report.get("failed"), report.get("retried"));
        assertTrue("calls went on after node-b died", number(report, "acknowledged") > 500);
    }
}
