package org.fos.cluster.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.KeeperException;
import org.fos.cluster.api.NodeInfo;
import org.fos.kernel.api.Address;
import org.fos.kernel.api.Capability;
import org.fos.kernel.api.NameEntry;
import org.fos.transport.api.ClusterSecret;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two nodes on a real ZooKeeper server: membership, published attributes, names, and a node that dies. */
class ZooKeeperClusterTest {

    private static final ClusterSecret SECRET = ClusterSecret.ofHex("5a".repeat(32));
    private TestingServer server;
    /** The server's folder: the embedded ZooKeeper writes its configuration beside its data folder, in /tmp by default. */
    @TempDir
    Path zk;
    private ZooKeeperCluster a;
    private ZooKeeperCluster b;

    @BeforeEach
    void start() throws Exception {
        server = new TestingServer(new InstanceSpec(zk.resolve("data").toFile(), -1, -1, -1, true, -1), true);
        a = new ZooKeeperCluster("node-a", server.getConnectString(), "test", SECRET, Duration.ofSeconds(2), Duration.ofSeconds(10));
        b = new ZooKeeperCluster("node-b", server.getConnectString(), "test", SECRET, Duration.ofSeconds(2), Duration.ofSeconds(10));
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
    void shouldPublishAnAttributeGivenBeforeZooKeeperCreatedTheNodesEntry() throws Exception {
        // a node whose services publish as they start, while ZooKeeper does not answer yet
        server.stop();
        ZooKeeperCluster c = new ZooKeeperCluster("node-c", server.getConnectString(), "test", SECRET, Duration.ofSeconds(2),
                Duration.ofSeconds(20));
        try {
            CompletableFuture<Void> published = CompletableFuture.runAsync(() -> c.membership.publish("tcp", "127.0.0.1:7103"));
            assertThat(published).isNotDone();
            server.restart();
            published.get(20, TimeUnit.SECONDS);
            await().atMost(10, TimeUnit.SECONDS).until(() -> a.membership.nodes().stream()
                    .anyMatch(n -> n.id().equals("node-c") && "127.0.0.1:7103".equals(n.attributes().get("tcp"))));
        } finally {
            c.close();
        }
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

    /** A raw ZooKeeper client, logged in with the digest scheme as the given password, or not at all. */
    private CuratorFramework raw(String password) {
        CuratorFrameworkFactory.Builder builder = CuratorFrameworkFactory.builder().connectString(server.getConnectString())
                .retryPolicy(new RetryOneTime(100));
        if (password != null) {
            builder.authorization("digest", (ZooKeeperCluster.USER + ":" + password).getBytes(StandardCharsets.UTF_8));
        }
        CuratorFramework c = builder.build();
        c.start();
        return c;
    }

    @Test
    void shouldTellAClaimToEveryNodeWithoutClaimingIt() {
        assertThat(b.membership.claimed("tickets/revoked/00aa11bb22cc33dd")).isNull();
        assertThat(a.membership.claim("tickets/revoked/00aa11bb22cc33dd", "lost laptop")).isEqualTo("lost laptop");
        assertThat(b.membership.claimed("tickets/revoked/00aa11bb22cc33dd")).isEqualTo("lost laptop");
        assertThat(b.membership.claim("tickets/revoked/00aa11bb22cc33dd", "again")).as("the first claim stays").isEqualTo("lost laptop");
        assertThat(new LocalMembership("solo").claimed("tickets/revoked/00aa11bb22cc33dd")).isNull();
    }

    @Test
    void shouldTellEveryNodeTheLastRecordAndRefuseBadKeys() {
        assertThat(b.membership.recorded("raft-pins/sys/kv/3")).isNull();
        a.membership.record("raft-pins/sys/kv/3", "node-d");
        assertThat(b.membership.recorded("raft-pins/sys/kv/3")).isEqualTo("node-d");
        b.membership.record("raft-pins/sys/kv/3", "node-e");
        assertThat(a.membership.recorded("raft-pins/sys/kv/3")).as("the last record wins").isEqualTo("node-e");
        assertThatThrownBy(() -> a.membership.record("../escape", "x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("invalid claim key");
        assertThatThrownBy(() -> a.membership.record("raft-pins/x", "two\nlines"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("one line");
        LocalMembership solo = new LocalMembership("solo");
        solo.record("raft-pins/sys/kv/3", "solo");
        assertThat(solo.recorded("raft-pins/sys/kv/3")).isEqualTo("solo");
    }

    @Test
    void shouldKeepNoUsableCapabilityInZooKeeper() throws Exception {
        long high = 0x1234_5678_9ABC_DEF0L;
        long low = 0x0FED_CBA9_8765_4321L;
        long memberHigh = 0x1111_2222_3333_4444L;
        long memberLow = 0x5555_6666_7777_0001L;
        NameEntry e = new NameEntry("/sys/kv", new Capability(new Address("node-a", 9), 9, high, low), 9, Map.of())
                .withMember(new Capability(new Address("node-a", 9), 57, memberHigh, memberLow));
        a.names.add(e);
        await().atMost(10, TimeUnit.SECONDS).until(() -> b.names.find("/sys/kv").size() == 1);
        assertThat(b.names.find("/sys/kv")).as("a node with the secret opens the tokens").containsExactly(e);
        assertThat(b.names.find("/sys/kv").get(0).member()).isEqualTo(e.member());

        try (CuratorFramework member = raw(ZooKeeperCluster.password(SECRET, "test"))) {
            String path = "/fos/test/names/|sys|kv/node-a~9";
            String text = new String(member.getData().forPath(path), StandardCharsets.UTF_8);
            Properties record = new Properties();
            record.load(new StringReader(text));
            // keys, not the text: a sealed token's base64 may spell "low" by chance
            assertThat(record.stringPropertyNames()).as("no key names a token's halves")
                    .noneMatch(k -> k.contains("high") || k.contains("low"));
            assertThat(text).contains("sealed=").contains("mailbox=9")
                    .doesNotContain(Long.toString(high)).doesNotContain(Long.toString(low))
                    .doesNotContainIgnoringCase(Long.toHexString(high)).doesNotContainIgnoringCase(Long.toHexString(low))
                    .as("the member capability is sealed too").contains("member.sealed=").doesNotContain(NameEntry.MEMBER)
                    .doesNotContainIgnoringCase(Long.toHexString(memberHigh)).doesNotContainIgnoringCase(Long.toHexString(memberLow));
            // what ZooKeeper holds names the mailbox, but any token made up for it is not the capability
            Capability guessed = new Capability(e.address(), 1, 0, 0);
            assertThat(guessed).isNotEqualTo(e.capability());
        }
    }

    @Test
    void shouldRefuseClientsWithoutTheClustersPassword() throws Exception {
        a.names.add(entry("/sys/kv", "node-a", 1));
        a.membership.publish("tcp", "127.0.0.1:7101");
        String entryPath = "/fos/test/names/|sys|kv/node-a~1";
        for (String password : new String[] {null, ZooKeeperCluster.password(ClusterSecret.ofHex("6b".repeat(32)), "test")}) {
            try (CuratorFramework stranger = raw(password)) {
                assertThat(stranger.blockUntilConnected(10, TimeUnit.SECONDS)).isTrue();
                assertThatThrownBy(() -> stranger.getData().forPath(entryPath)).isInstanceOf(KeeperException.NoAuthException.class);
                assertThatThrownBy(() -> stranger.getData().forPath("/fos/test/nodes/node-a"))
                        .isInstanceOf(KeeperException.NoAuthException.class);
                assertThatThrownBy(() -> stranger.setData().forPath("/fos/test/nodes/node-a", "tcp=6.6.6.6:1".getBytes(StandardCharsets.UTF_8)))
                        .isInstanceOf(KeeperException.NoAuthException.class);
                assertThatThrownBy(() -> stranger.create().forPath("/fos/test/names/|sys|kv/evil~1", new byte[0]))
                        .isInstanceOf(KeeperException.NoAuthException.class);
                assertThatThrownBy(() -> stranger.create().forPath("/fos/test/names/|sys|fs", new byte[0]))
                        .isInstanceOf(KeeperException.NoAuthException.class);
                assertThatThrownBy(() -> stranger.delete().forPath(entryPath)).isInstanceOf(KeeperException.NoAuthException.class);
            }
        }
        assertThat(b.names.find("/sys/kv")).hasSize(1);
    }

    @Test
    void shouldCloseATreeThatAnEarlierVersionLeftOpen() throws Exception {
        String open = "/fos/legacy/names/|app|y";
        try (CuratorFramework old = raw(null)) {
            assertThat(old.blockUntilConnected(10, TimeUnit.SECONDS)).isTrue();
            old.create().creatingParentsIfNeeded().forPath(open, new byte[0]);
        }
        ZooKeeperCluster c = new ZooKeeperCluster("node-c", server.getConnectString(), "legacy", SECRET, Duration.ofSeconds(2),
                Duration.ofSeconds(10));
        try (CuratorFramework stranger = raw(null)) {
            await("the legacy tree is closed").atMost(10, TimeUnit.SECONDS).until(() -> {
                try {
                    stranger.getData().forPath(open);
                    return false;
                } catch (KeeperException.NoAuthException refused) {
                    return true;
                }
            });
            assertThatThrownBy(() -> stranger.create().forPath("/fos/legacy/names/|app|z", new byte[0]))
                    .isInstanceOf(KeeperException.NoAuthException.class);
        } finally {
            c.close();
        }
    }
}
