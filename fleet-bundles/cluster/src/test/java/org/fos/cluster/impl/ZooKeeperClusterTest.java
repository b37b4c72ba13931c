package org.fos.cluster.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.apache.curator.test.TestingServer;
import org.fos.cluster.api.NodeInfo;
import org.fos.kernel.api.Address;
import org.fos.kernel.api.Capability;
import org.fos.kernel.api.NameEntry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two nodes on a real ZooKeeper server: membership, published attributes, names, and a node that dies. */
class ZooKeeperClusterTest {

    private TestingServer server;
    private ZooKeeperCluster a;
    private ZooKeeperCluster b;

    @BeforeEach
    void start() throws Exception {
        server = new TestingServer(true);
        a = new ZooKeeperCluster("node-a", server.getConnectString(), "test", Duration.ofSeconds(2), Duration.ofSeconds(10));
        b = new ZooKeeperCluster("node-b", server.getConnectString(), "test", Duration.ofSeconds(2), Duration.ofSeconds(10));
        assertThat(a.awaitConnected(Duration.ofSeconds(10))).isTrue();
        assertThat(b.awaitConnected(Duration.ofSeconds(10))).isTrue();
    }

    @AfterEach
    void stop() throws Exception {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
        server.close();
    }

    private static NameEntry entry(String name, String node, long id) {
        return new NameEntry(name, new Capability(new Address(node, id), 1, id * 7, id * 11), id, Map.of("member", Long.toString(id)));
    }

    @Test
    void shouldSeeEveryNodeAndWhatItPublishes() {
        await().atMost(10, TimeUnit.SECONDS).until(() -> a.membership.nodes().size() == 2 && b.membership.nodes().size() == 2);
        a.membership.publish("tcp", "127.0.0.1:7101");
        await().atMost(10, TimeUnit.SECONDS).until(() -> b.membership.nodes().stream()
                .anyMatch(n -> n.id().equals("node-a") && "127.0.0.1:7101".equals(n.attributes().get("tcp"))));
        assertThat(b.membership.nodes()).extracting(NodeInfo::local).containsExactly(false, true);
    }

    @Test
    void shouldShareNamesAndToldAChangeBeforeAddReturns() {
        List<List<NameEntry>> seenByA = new CopyOnWriteArrayList<>();
        a.names.watch("/sys/kv", seenByA::add);
        NameEntry e1 = entry("/sys/kv", "node-a", 1);
        a.names.add(e1);
        assertThat(seenByA.get(seenByA.size() - 1)).containsExactly(e1);
        assertThat(a.names.find("/sys/kv")).containsExactly(e1);
        await().atMost(10, TimeUnit.SECONDS).until(() -> b.names.find("/sys/kv").size() == 1);

        NameEntry e2 = entry("/sys/kv", "node-b", 2);
        b.names.add(e2);
        b.names.add(e2); // twice is harmless
        assertThat(b.names.find("/sys/kv")).containsExactly(e1, e2);
        await().atMost(10, TimeUnit.SECONDS).until(() -> a.names.find("/sys/kv").size() == 2);
        assertThat(a.names.list("/")).hasSize(2);
        assertThat(a.names.list("/sys")).hasSize(2);
        assertThat(a.names.list("/sy")).isEmpty();
        a.names.remove(e1);
        assertThat(a.names.find("/sys/kv")).containsExactly(e2);
    }

    @Test
    void shouldDropTheNamesAndMembershipOfANodeWhoseSessionDies() throws Exception {
        a.names.add(entry("/app/x", "node-a", 1));
        b.names.add(entry("/app/x", "node-b", 2));
        await().atMost(10, TimeUnit.SECONDS).until(() -> a.names.find("/app/x").size() == 2);
        ZooKeeperCluster dying = b;
        b = null;
        dying.close(); // its session ends: its ephemeral entries go
        await().atMost(10, TimeUnit.SECONDS).until(() -> a.names.find("/app/x").size() == 1
                && a.membership.nodes().size() == 1);
        assertThat(a.names.find("/app/x")).extracting(e -> e.address().node()).containsExactly("node-a");
    }
}
