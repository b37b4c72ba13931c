package org.fos.replication.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.ratis.client.RaftClient;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.proto.RaftProtos.StateMachineLogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.fos.codec.embed.PayloadCodecs;
import org.fos.kernel.spi.PayloadCodec;
import org.fos.fleet.api.FleetState;
import org.fos.fleet.api.GroupInfo;
import org.fos.kernel.api.Status;
import org.fos.rpc.api.CallContext;
import org.fos.rpc.api.FleetException;
import org.fos.rpc.api.RequestId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real Raft servers on loopback, in this JVM, sharing one membership. A test that hangs (a close
 * waiting on Ratis) fails after 5 min, on a thread of its own, with every thread's stack.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RaftNodeTest {
    /** Generous: other builds may share this machine's two cores. */
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    private final SharedMembership membership = new SharedMembership();
    private final PayloadCodec codec = PayloadCodecs.create();
    private final Map<String, RaftNode> nodes = new HashMap<>();

    @AfterEach
    @Timeout(value = 2, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void stop() {
        nodes.values().forEach(RaftNode::close);
    }

    private Settings settings(String node, long requestTimeoutMillis) {
        return new Settings("127.0.0.1", 0, "", dir.resolve(node), 500, 1_000, requestTimeoutMillis, 3_000, 300, 300, 40, 600_000, 10_000,
                false, "", "", "PKCS12", "", "", "PKCS12", false, java.util.Set.of());
    }

    private RaftNode start(String node) throws Exception {
        return start(node, 6_000);
    }

    private RaftNode start(String node, long requestTimeoutMillis) throws Exception {
        RaftNode n = new RaftNode(settings(node, requestTimeoutMillis), node, membership.view(node), codec);
        nodes.put(node, n);
        return n;
    }

    private void stopNode(String node) {
        nodes.remove(node).close();
        membership.leave(node);
    }

    private static <T> T join(java.util.concurrent.CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    private static Object put(Ledger l, String key, String value) throws Exception {
        return join(l.replicas.write(l.replicas.groupOf(key), new Ledger.Put(key, value), Long.class));
    }

    private static String get(Ledger l, String key) throws Exception {
        return join(l.replicas.read(l.replicas.groupOf(key), new Ledger.Get(key), String.class));
    }

    private static Ledger open(RaftNode n, int groups, int replicas) {
        Ledger l = new Ledger(1);
        l.replicas(n.open("/test/ledger", groups, replicas, l).replicas());
        return l;
    }

    @Test
    void shouldKeepEveryWriteOfASingleNodeAcrossARestart() throws Exception {
        RaftNode n = start("solo");
        Ledger l = open(n, 4, 3);
        for (int i = 0; i < 100; i++) {
            assertThat((Long) put(l, "k" + i, "v" + i)).isPositive();
        }
        assertThat(get(l, "k7")).isEqualTo("v7");
        assertThat(n.counters().snapshots.sum()).as("40 entries a snapshot, 100 writes over 4 groups").isPositive();
        assertThat(n.serverState()).isEqualTo("RUNNING");
        stopNode("solo");
        assertThat(n.serverState()).isEqualTo("CLOSED");

        RaftNode again = start("solo");
        Ledger l2 = open(again, 4, 3);
        for (int i = 0; i < 100; i++) {
            assertThat(get(l2, "k" + i)).isEqualTo("v" + i);
        }
        assertThat(l2.replicas.describe()).hasSize(4).allSatisfy(g -> assertThat(g.peers()).containsExactly("solo"));
    }

    @Test
    void shouldFailWithAClearErrorNotEndTheProcessWhenAnotherProcessTookTheKeptPortAndServeOnceItIsFree() throws Exception {
        Ledger l = open(start("solo"), 2, 1);
        put(l, "k", "before");
        stopNode("solo");
        int kept = Integer.parseInt(Files.readString(dir.resolve("solo").resolve("port")).trim());
        try (ServerSocket squatter = new ServerSocket()) {
            squatter.bind(new InetSocketAddress("127.0.0.1", kept));
            assertThatThrownBy(() -> start("solo")).isInstanceOf(IOException.class)
                    .hasMessageContaining("cannot serve Raft on 127.0.0.1:" + kept)
                    .hasMessageContaining("kept in " + dir.resolve("solo").resolve("port"))
                    .hasMessageContaining("in use by another process");
            assertThat(nodes).doesNotContainKey("solo");
        }
        // this JVM is still here (Ratis would have ended it), and the node starts on its port once it is free
        RaftNode again = start("solo");
        assertThat(again.endpoint()).endsWith(":" + kept);
        Ledger l2 = open(again, 2, 1);
        assertThat(get(l2, "k")).isEqualTo("before");
    }

    @Test
    void shouldNameAConfiguredPortThatIsTaken() throws Exception {
        try (ServerSocket squatter = new ServerSocket()) {
            squatter.bind(new InetSocketAddress("127.0.0.1", 0));
            int port = squatter.getLocalPort();
            Settings s = settings("fixed", 6_000);
            Settings fixed = new Settings(s.host(), port, s.advertisedHost(), s.storage(), s.electionTimeoutMinMillis(),
                    s.electionTimeoutMaxMillis(), s.requestTimeoutMillis(), s.replaceAfterMillis(), s.placementPeriodMillis(),
                    s.settleMillis(), s.snapshotEveryEntries(), s.dedupWindowMillis(), s.dedupMaxEntries(), s.tls(), s.keyStore(),
                    s.keyStorePassword(), s.keyStoreType(), s.trustStore(), s.trustStorePassword(), s.trustStoreType(),
                    s.plainTextOnNetwork(), s.rebalanceOff());
            assertThatThrownBy(() -> new RaftNode(fixed, "fixed", membership.view("fixed"), codec)).isInstanceOf(IOException.class)
                    .hasMessageContaining("the configured port " + port + " is in use by another process")
                    .hasMessageContaining("free the port or configure another one");
        }
    }

    @Test
    void shouldRefuseACommandOnEveryReplicaAndKeepServing() throws Exception {
        Ledger l = open(start("solo"), 2, 1);
        assertThatThrownBy(() -> put(l, "k", "refuse")).hasCauseInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("refused k");
        put(l, "k", "fine");
        assertThat(get(l, "k")).isEqualTo("fine");
    }

    @Test
    void shouldApplyARequestDeliveredTwiceOnce() throws Exception {
        Ledger l = open(start("solo"), 1, 1);
        RequestId outer = CallContext.enter(new RequestId(42, 7));
        Object first;
        Object again;
        try {
            first = put(l, "k", "one");
            again = put(l, "k", "two");
        } finally {
            CallContext.leave(outer);
        }
        assertThat(again).isEqualTo(first);
        assertThat(get(l, "k")).isEqualTo("one");
        assertThat(nodes.get("solo").counters().deduplicated.sum()).isEqualTo(1);
    }

    @Test
    void shouldReplicateOverThreeNodesAndSurviveOneGoing() throws Exception {
        List<Ledger> ledgers = new ArrayList<>();
        for (String id : List.of("a", "b", "c")) {
            ledgers.add(open(start(id), 6, 3));
        }
        await().atMost(WAIT).untilAsserted(() -> assertThat(ledgers.get(0).replicas.describe())
                .allSatisfy(g -> assertThat(g.peers()).containsExactlyInAnyOrder("a", "b", "c")));
        for (int i = 0; i < 60; i++) {
            put(ledgers.get(i % 3), "k" + i, "v" + i);
        }
        for (int i = 0; i < 60; i++) {
            assertThat(get(ledgers.get((i + 1) % 3), "k" + i)).isEqualTo("v" + i);
        }
        await().atMost(WAIT).untilAsserted(() -> {
            Map<String, Integer> leaders = new HashMap<>();
            for (GroupInfo g : ledgers.get(0).replicas.describe()) {
                assertThat(g.leader()).isNotNull();
                leaders.merge(g.leader(), 1, Integer::sum);
            }
            assertThat(leaders).as("leaders spread over the nodes").containsOnlyKeys("a", "b", "c")
                    .allSatisfy((n, count) -> assertThat(count).isEqualTo(2));
        });

        stopNode("c");
        for (int i = 0; i < 60; i++) {
            put(ledgers.get(i % 2), "k" + i, "w" + i);
        }
        for (int i = 0; i < 60; i++) {
            assertThat(get(ledgers.get((i + 1) % 2), "k" + i)).isEqualTo("w" + i);
        }
        // gone past the grace period (3 s here): the groups go on without it
        await().atMost(WAIT).untilAsserted(() -> assertThat(ledgers.get(0).replicas.describe())
                .allSatisfy(g -> assertThat(g.peers()).containsExactlyInAnyOrder("a", "b")));

        // back: it gets its replicas again, catching up from snapshots (one every 40 entries here)
        Ledger c = open(start("c"), 6, 3);
        await().atMost(WAIT).untilAsserted(() -> assertThat(ledgers.get(0).replicas.describe())
                .allSatisfy(g -> assertThat(g.peers()).containsExactlyInAnyOrder("a", "b", "c")));
        await().atMost(WAIT).untilAsserted(() -> {
            for (int i = 0; i < 60; i++) {
                assertThat(join(c.replicas.readStale(c.replicas.groupOf("k" + i), new Ledger.Get("k" + i), String.class)))
                        .isEqualTo("w" + i);
            }
        });
    }

    @Test
    void shouldGiveANodeThatJoinsReplicasAndMoveAGroupByHandKeepingItsState() throws Exception {
        List<Ledger> ledgers = new ArrayList<>();
        for (String id : List.of("a", "b")) {
            ledgers.add(open(start(id), 4, 2));
        }
        await().atMost(WAIT).untilAsserted(() -> assertThat(ledgers.get(0).replicas.describe())
                .allSatisfy(g -> assertThat(g.peers()).containsExactlyInAnyOrder("a", "b")));
        for (int i = 0; i < 40; i++) {
            put(ledgers.get(i % 2), "k" + i, "v" + i);
        }

        // c joins: the balancer moves replicas to it until the loads differ by one at most (4, 4, 0 -> 3, 3, 2)
        Ledger c = open(start("c"), 4, 2);
        await().atMost(WAIT).untilAsserted(() -> {
            Map<String, Integer> load = new HashMap<>();
            for (GroupInfo g : ledgers.get(0).replicas.describe()) {
                assertThat(g.peers()).hasSize(2);
                g.peers().forEach(p -> load.merge(p, 1, Integer::sum));
            }
            assertThat(load).containsOnlyKeys("a", "b", "c").allSatisfy((n, count) -> assertThat(count).isBetween(2, 3));
        });
        long rebalanced = nodes.values().stream().mapToLong(n -> n.counters().rebalances.sum()).sum();
        assertThat(rebalanced).as("replicas the balancer moved").isEqualTo(2);

        // a group moved by hand from a node that keeps it to one that does not, under writes, with its state
        GroupInfo moved = ledgers.get(0).replicas.describe().stream().filter(g -> !g.peers().contains("c")).findFirst().orElseThrow();
        String from = moved.peers().get(0);
        assertThatThrownBy(() -> nodes.get("a").move("/test/ledger", moved.group(), "c", from))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has no replica on c");
        assertThatThrownBy(() -> nodes.get("a").move("/test/ledger", 99, from, "c"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("group must be from 0 to 3");
        assertThatThrownBy(() -> nodes.get("a").move("/test/ledger", moved.group(), from, "nobody"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not up or does not run");
        CompletableFuture<Move> move = CompletableFuture.supplyAsync(() -> nodes.get("c").move("/test/ledger", moved.group(), from, "c"));
        List<String> written = new ArrayList<>();
        for (int i = 0; !move.isDone() || i < 20; i++) {
            String key = "m" + i;
            if (ledgers.get(0).replicas.groupOf(key) == moved.group()) {
                put(c, key, "w" + i);
                written.add(key);
            }
        }
        Move done = move.get(120, TimeUnit.SECONDS);
        assertThat(done.before()).contains(from).doesNotContain("c");
        assertThat(done.after()).contains("c").doesNotContain(from).hasSize(2);
        assertThat(nodes.get("c").counters().moves.sum()).isEqualTo(1);
        for (String key : written) {
            assertThat(get(ledgers.get(1), key)).as(key).isEqualTo("w" + key.substring(1));
        }
        for (int i = 0; i < 40; i++) {
            assertThat(get(c, "k" + i)).isEqualTo("v" + i);
        }
        // the pin holds: placement rounds on the node that places the fleet neither move the group back nor leave it short
        for (int round = 0; round < 3; round++) {
            nodes.get("a").placementRound();
        }
        assertThat(ledgers.get(0).replicas.describe().get(moved.group()).peers()).contains("c").doesNotContain(from);
    }

    @Test
    void shouldGiveANodeTheReplicaItsGroupsConfigurationNamesWhenItHasNone() throws Exception {
        List<Ledger> ledgers = new ArrayList<>();
        for (String id : List.of("a", "b", "c")) {
            ledgers.add(open(start(id), 2, 3));
        }
        await().atMost(WAIT).untilAsserted(() -> assertThat(ledgers.get(0).replicas.describe())
                .allSatisfy(g -> assertThat(g.peers()).containsExactlyInAnyOrder("a", "b", "c")));
        put(ledgers.get(0), "k", "v");
        // what a creation that timed out half-way leaves: the configuration names c, c has no replica
        RaftNode c = nodes.get("c");
        org.apache.ratis.protocol.RaftGroupId id = c.groupId("/test/ledger", ledgers.get(0).replicas.groupOf("k"));
        org.apache.ratis.protocol.RaftClientReply removed = c.server().groupManagementAsync(
                org.apache.ratis.protocol.GroupManagementRequest.newRemove(org.apache.ratis.protocol.ClientId.randomId(),
                        c.server().getId(), 0, id, true, false)).get(60, TimeUnit.SECONDS);
        assertThat(removed.isSuccess()).as("replica removed: %s", removed).isTrue();
        assertThat(c.division(id)).isNull();

        await().atMost(WAIT).untilAsserted(() -> assertThat(c.division(id)).as("c's replica given back").isNotNull());
        await().atMost(WAIT).untilAsserted(() -> assertThat(
                join(ledgers.get(2).replicas.readStale(ledgers.get(2).replicas.groupOf("k"), new Ledger.Get("k"), String.class)))
                .isEqualTo("v"));
    }

    @Test
    void shouldRefuseWritesWithNoQuorumWhenTwoOfThreeAreGone() throws Exception {
        // the shortest request timeout the settings take (twice the longest election): a refusal waits it out
        long requestTimeoutMillis = 2_000;
        List<Ledger> ledgers = new ArrayList<>();
        for (String id : List.of("a", "b", "c")) {
            ledgers.add(open(start(id, requestTimeoutMillis), 2, 3));
        }
        await().atMost(WAIT).untilAsserted(() -> assertThat(ledgers.get(0).replicas.describe())
                .allSatisfy(g -> assertThat(g.peers()).hasSize(3)).allSatisfy(g -> assertThat(g.leader()).isNotNull()));
        put(ledgers.get(0), "k", "v");
        stopNode("b");
        stopNode("c");
        long start = System.nanoTime();
        assertThatThrownBy(() -> put(ledgers.get(0), "k", "lost")).hasCauseInstanceOf(FleetException.class)
                .satisfies(e -> assertThat(((FleetException) e.getCause()).status()).isEqualTo(Status.NO_QUORUM));
        assertThatThrownBy(() -> get(ledgers.get(0), "k")).hasCauseInstanceOf(FleetException.class)
                .satisfies(e -> assertThat(((FleetException) e.getCause()).status()).isEqualTo(Status.NO_QUORUM));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("refused within the request timeout, twice").isLessThan(WAIT);
    }

    @Test
    void shouldHandTheStateToANewVersionAndLeaveItSuspendedWhenItCannotReadIt() throws Exception {
        RaftNode n = start("solo");
        Ledger v1 = new Ledger(1);
        var handle = n.open("/test/ledger", 2, 1, v1);
        v1.replicas(handle.replicas());
        put(v1, "k", "low");
        Map<Integer, FleetState> states = handle.suspend();
        assertThat(states).isNotEmpty();
        CompletableFuture<Object> queued = v1.replicas.write(v1.replicas.groupOf("q"), new Ledger.Put("q", "queued"), Long.class)
                .toCompletableFuture().thenApply(x -> x);
        Ledger tooOld = new Ledger(0);
        assertThatThrownBy(() -> handle.resume(tooOld, states)).hasMessageContaining("cannot restore");
        assertThat(queued).isNotDone();
        Ledger v2 = new Ledger(2);
        v2.replicas(handle.replicas());
        handle.resume(v2, states);
        join(queued);
        assertThat(get(v2, "k")).isEqualTo("LOW");
        assertThat(get(v2, "q")).as("the write that waited was applied by the new version").isEqualTo("QUEUED");
    }

    /**
     * A replica whose node is closing gives Ratis a failed future, never an exception: Ratis's
     * updater stops applying at an exception, short of the index a closing server joins it at, and
     * the close waited forever (a CI run held for 80 min by a follower's close).
     */
    @Test
    void shouldFailAnEntryToRatisInsteadOfThrowingWhenTheReplicaIsClosing() throws Exception {
        RaftNode n = start("solo");
        GroupMachine m = new GroupMachine(new Directory.Identity("/test/ledger", 0), n.codec(), new DedupTable(10_000, 100), n);
        m.stopping();
        LogEntryProto entry = LogEntryProto.newBuilder().setTerm(1).setIndex(7)
                .setStateMachineLogEntry(StateMachineLogEntryProto.newBuilder().setLogData(ByteString.copyFromUtf8("unread")))
                .build();
        TransactionContext trx = TransactionContext.newBuilder().setStateMachine(m).setServerRole(RaftPeerRole.FOLLOWER)
                .setLogEntry(entry).build();

        CompletableFuture<Message> applied = m.applyTransaction(trx);

        assertThat(applied).failsWithin(Duration.ofSeconds(5)).withThrowableThat().havingCause()
                .isInstanceOf(FleetException.class).withMessageContaining("closed");
        assertThat(m.getLastAppliedTermIndex().getIndex()).as("not applied, so no snapshot covers the entry").isLessThan(7);
        m.notifyTermIndexUpdated(1, 8);
        assertThat(m.getLastAppliedTermIndex().getIndex()).as("nor does a later entry of Ratis's own").isLessThan(7);
    }

    /**
     * A replica that stops while requests reach it fails them, but that is not the fleet's failure:
     * the caller hears UNAVAILABLE (the request may be tried again, a write may still be applied),
     * never FAILED, which says a fleet method threw. Before, a KeyValueFaultsIT run saw one or two
     * calls a run reported FAILED this way.
     */
    @Test
    void shouldReportAReplicaStoppingUnderARequestAsUnavailableNotAsTheFleetsFailure() throws Exception {
        RaftNode n = start("solo", 2_000);
        Ledger l = new Ledger(1);
        var handle = n.open("/test/ledger", 1, 1, l);
        l.replicas(handle.replicas());
        put(l, "k", "before");
        handle.suspend();
        n.machines().iterator().next().stopping();

        assertThatThrownBy(() -> put(l, "k", "after")).cause().isInstanceOfSatisfying(FleetException.class, e -> {
            assertThat(e.status()).isEqualTo(Status.UNAVAILABLE);
            assertThat(e).hasMessageContaining("its replica was stopping").hasMessageContaining("is closed on node solo");
        });
        // the read is refused by the closed replica, or (in some runs) waits for an applied index the replica,
        // having left the write above unapplied, no longer reaches: either way the caller hears that the replica
        // stops, not that the group has no quorum
        assertThatThrownBy(() -> get(l, "k")).cause().isInstanceOfSatisfying(FleetException.class, e -> {
            assertThat(e.status()).as(e.getMessage()).isEqualTo(Status.UNAVAILABLE);
            assertThat(e).hasMessageMatching("(?s).*(is closed on node solo|its replica on node solo is stopping).*");
        });
    }

    /** A write committed while the fleet is suspended, with the node closed under it, is applied after the restart. */
    @Test
    void shouldCloseWhileACommittedWriteWaitsForTheFleetAndApplyItAfterARestart() throws Exception {
        RaftNode n = start("solo");
        Ledger v1 = new Ledger(1);
        var handle = n.open("/test/ledger", 1, 1, v1);
        v1.replicas(handle.replicas());
        put(v1, "k", "before");
        handle.suspend();
        CompletableFuture<Long> waiting = v1.replicas.write(v1.replicas.groupOf("q"), new Ledger.Put("q", "waited"), Long.class)
                .toCompletableFuture();
        GroupMachine m = n.machines().iterator().next();
        long applied = m.getLastAppliedTermIndex().getIndex();
        await().atMost(WAIT).until(() -> n.server().getDivision(m.getGroupId()).getRaftLog().getLastCommittedIndex() > applied);
        assertThat(waiting).isNotDone();

        stopNode("solo");
        assertThat(waiting).as("the caller hears of the close").failsWithin(WAIT);

        RaftNode again = start("solo");
        Ledger l2 = open(again, 1, 1);
        assertThat(get(l2, "k")).isEqualTo("before");
        assertThat(get(l2, "q")).as("the committed write was applied after the restart").isEqualTo("waited");
    }

    /**
     * A node that dies while its group's leader hands over to it (it has the priority, and is up to
     * date) leaves a Ratis leader that hands over again and again and refuses every write; the
     * leader's node notices that the follower it hands over to does not answer and makes it step down
     * ({@link HandOverWatch}), and the placement would too once the membership lost the node. Here the target is kept from campaigning (its elections paused),
     * so that the hand-over cannot finish before it goes.
     */
    @Test
    void shouldTakeWritesAgainWhenTheNodeALeaderHandsOverToIsGone() throws Exception {
        List<String> ids = List.of("a", "b", "c");
        List<Ledger> ledgers = new ArrayList<>();
        for (String id : ids) {
            ledgers.add(open(start(id), 1, 3));
        }
        await().atMost(WAIT).untilAsserted(() -> assertThat(ledgers.get(0).replicas.describe()).allSatisfy(g -> {
            assertThat(g.peers()).hasSize(3);
            assertThat(g.leader()).isNotNull();
        }));
        put(ledgers.get(0), "k", "before");
        String leader = ledgers.get(0).replicas.describe().get(0).leader();
        String target = ids.stream().filter(n -> !n.equals(leader)).findFirst().orElseThrow();
        RaftNode at = nodes.get(leader);
        RaftGroup group = at.server().getDivision(at.groupId("/test/ledger", 0)).getGroup();
        try (RaftClient c = at.newClient(group, RetryPolicies.noRetry())) {
            GroupAdmin.check(c.getLeaderElectionManagementApi(RaftPeerId.valueOf(target)).pause());
            List<RaftPeer> prioritized = new ArrayList<>();
            for (RaftPeer p : group.getPeers()) {
                prioritized.add(GroupAdmin.peer(p.getId().toString(), p.getAddress(), p.getId().toString().equals(target) ? 1 : 0));
            }
            GroupAdmin.check(c.admin().setConfiguration(prioritized));
        }
        stopNode(target);

        Ledger survivor = ledgers.get(ids.indexOf(leader));
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(put(survivor, "k", "after")).isNotNull());
        assertThat(get(survivor, "k")).isEqualTo("after");
    }
}
