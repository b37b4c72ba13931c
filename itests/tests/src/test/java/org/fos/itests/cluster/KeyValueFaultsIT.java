package org.fos.itests.cluster;

import static org.fos.itests.cluster.ClusterSupport.START;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Map;

import org.awaitility.Awaitility;
import org.fos.client.FosClient;
import org.fos.kv.api.KeyValue;
import org.fos.testkit.Cluster;
import org.fos.testkit.history.History;
import org.fos.testkit.history.HistoryCheck;
import org.junit.Assume;
import org.junit.Test;

/**
 * The key-value fleet of today under faults, judged by its history: 8 client threads in this JVM
 * (a plain-JVM client connected to node-a, which runs no member), reads and writes over 100 keys,
 * every call recorded, then every key read once more, and the history checked (linearizable, no
 * stale read, lost write, duplicate or phantom). The suite runs the fault that today's fleet
 * survives: kill -9 of a node with members (3 of 3 runs linearizable, 3,232-3,300 operations).
 * {@code -Dfos.kvFault=pause} (SIGSTOP until the node's members left the names) and
 * {@code -Dfos.kvFault=restart} (stop 0 and start) run the faults issue 11 reports as broken; today
 * they fail: 23 of 100 keys not linearizable with 40 stale reads and 26 duplicates after a pause, 28
 * keys with 51 stale reads and 322 lost acknowledged writes after a restart. The replicated fleet
 * of issue 11 is to pass them too.
 */
public class KeyValueFaultsIT {
    private static final Path TICKET = Paths.get("target/kv-faults-client.ticket").toAbsolutePath();

    @Test
    public void theHistoryOfAFaultUnderLoadPassesTheChecks() throws Exception {
        Assume.assumeFalse("node processes are the same in the encode-all pass", Boolean.getBoolean("fos.kernel.encodeAllMessages"));
        String fault = System.getProperty("fos.kvFault", "kill");
        try (Cluster cluster = ClusterSupport.startWithLoad(Cluster.builder("kv-faults").nodes("node-a", "node-b", "node-c")
                .configure("node-a", n -> n.config("org.fos.fleet", Map.of("excludedFleets", "/sys/kv"))
                        .config("org.fos.transport.tcp", Map.of("clientTicket", TICKET.toString()))
                        .deploy(org.fos.testkit.FosOptions.bundleFile("fos-itest-kvload"))), 4)) {
            Awaitility.await("node-a's client ticket").atMost(START).until(() -> Files.exists(TICKET));
            try (FosClient client = FosClient.builder(TICKET).callTimeout(Duration.ofSeconds(10)).connect();
                    KeyValueHistory load = new KeyValueHistory(client.fleet(KeyValue.class, KeyValue.NAME), 8, 100, "faults:" + fault + ":")) {
                load.awaitProgress(1_500, START);
                long t0 = System.nanoTime();
                switch (fault) {
                    case "kill" -> cluster.kill("node-c");
                    case "pause" -> {
                        // frozen until its ZooKeeper session expired and its members left the names
                        cluster.node("node-c").pause();
                        cluster.node("node-a").awaitNameMembers("/sys/kv", 2, START);
                        load.awaitProgress(200, START);
                        cluster.node("node-c").resume();
                    }
                    case "restart" -> cluster.restart("node-c", Duration.ofMinutes(1)).awaitReady(START);
                    default -> throw new IllegalArgumentException("fos.kvFault must be kill, pause or restart, was " + fault);
                }
                System.out.println("KeyValueFaultsIT: " + fault + " took " + (System.nanoTime() - t0) / 1_000_000 + " ms");
                try {
                    load.awaitProgress(1_500, START);
                } catch (org.awaitility.core.ConditionTimeoutException stalled) {
                    if (fault.equals("kill")) {
                        throw stalled; // the fleet fails over a killed node today: it must go on serving
                    }
                    System.out.println("KeyValueFaultsIT, " + fault + ": the load stalled: " + load.completed() + " calls, "
                            + load.unknown() + " without an answer; checking what it recorded");
                }
                History history = load.stopAndReadAll();
                HistoryCheck check = HistoryCheck.of(history.operations());
                System.out.println("KeyValueFaultsIT, " + fault + ": " + check.summary());
                if (!check.valid() && check.linearizability().first() != null) {
                    System.out.println(check.linearizability().first().explanation());
                }
                check.assertValid(Path.of("target/histories/kv-" + fault));
            }
        }
    }
}
