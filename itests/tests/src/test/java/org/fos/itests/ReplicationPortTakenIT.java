package org.fos.itests;

import static org.junit.Assert.assertTrue;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;
import org.fos.testkit.NodeProcess;
import org.junit.Test;

/**
 * A node whose kept Raft port another process took while it was stopped (ADR 0107): it starts, its
 * replication does not, and it says so (fos:replication with the port and what to do, fos:fleets with
 * the replicated fleets WAITING) instead of ending the whole process as Ratis did; once the port is free
 * and the replication bundle restarted, the key-value fleet serves the data written before.
 */
public class ReplicationPortTakenIT {
    private static final Duration START = Duration.ofMinutes(5);
    private static final Duration COMMAND = Duration.ofMinutes(2);

    @Test
    public void aTakenRaftPortStopsTheReplicationNotTheNode() throws Exception {
        try (NodeProcess node = NodeProcess.builder("port-taken").base(Paths.get("target/nodes/port-taken")).jvmOption("-Xmx256m").start()) {
            node.awaitReady(START);
            Awaitility.await("/sys/kv to take a write").atMost(START).ignoreExceptions()
                    .until(() -> node.executeOk("fos:call /sys/kv put before kept", COMMAND).contains("PutResult"));
            node.stop(COMMAND);
            int port = Integer.parseInt(Files.readString(node.dataDir().resolve("raft").resolve("port")).trim());

            try (ServerSocket squatter = new ServerSocket()) {
                squatter.bind(new InetSocketAddress("127.0.0.1", port));
                node.restart().awaitReady(START);
                Awaitility.await("/sys/kv to wait for the replication").atMost(START)
                        .until(() -> node.execute("fos:fleets /sys/kv", COMMAND).contains("status=WAITING"));
                String fleet = node.execute("fos:fleets /sys/kv", COMMAND);
                assertTrue(fleet, fleet.contains("replication service does not run"));
                String why = node.execute("fos:replication", COMMAND);
                assertTrue(why, why.contains("this node's replication does not run") && why.contains("127.0.0.1:" + port)
                        && why.contains("in use by another process"));
                assertTrue("the node still runs", node.isAlive());
                String names = node.executeOk("fos:fleets /sys/names", COMMAND);
                assertTrue(names, names.contains("SERVING"));
            }

            Matcher id = Pattern.compile("(?m)^\\s*(\\d+)\\|Active.*fos replication").matcher(node.executeOk("lb replication", COMMAND));
            assertTrue("the replication bundle is listed", id.find());
            node.executeOk("stop " + id.group(1), COMMAND);
            node.executeOk("start " + id.group(1), COMMAND);
            Awaitility.await("/sys/kv to serve again").atMost(START).ignoreExceptions()
                    .until(() -> node.executeOk("fos:call /sys/kv get before", COMMAND).contains("kept"));
            String fleet = node.executeOk("fos:fleets /sys/kv", COMMAND);
            assertTrue(fleet, fleet.contains("status=SERVING"));
        }
    }
}
