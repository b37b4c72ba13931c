package org.fos.health.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.annotation.Annotation;
import java.util.List;
import java.util.Map;

import org.apache.felix.hc.api.FormattingResultLog;
import org.apache.felix.hc.api.Result;
import org.fos.cluster.api.NodeInfo;
import org.fos.fleet.api.FleetInfo;
import org.fos.fleet.api.GroupInfo;
import org.fos.fs.api.FsStats;
import org.junit.jupiter.api.Test;

class ChecksTest {

    private static FleetInfo fleet(String name, FleetInfo.Status status) {
        return new FleetInfo("n1", name, "p.Protocol", "impl", "1.0.0", status, List.of());
    }

    private static DiskSpaceCheck.Config disk(int warnFree, int criticalFree, int warnUsed, int criticalUsed) {
        return new DiskSpaceCheck.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return DiskSpaceCheck.Config.class;
            }

            @Override
            public int imageWarnFreePercent() {
                return warnFree;
            }

            @Override
            public int imageCriticalFreePercent() {
                return criticalFree;
            }

            @Override
            public int fsWarnUsedPercent() {
                return warnUsed;
            }

            @Override
            public int fsCriticalUsedPercent() {
                return criticalUsed;
            }

            @Override
            public long timeoutMillis() {
                return 1_000;
            }
        };
    }

    /** The message of a result's first critical entry. */
    private static String critical(Result r) {
        for (org.apache.felix.hc.api.ResultLog.Entry e : r) {
            if (e.getStatus() == Result.Status.CRITICAL) {
                return e.getMessage();
            }
        }
        throw new AssertionError("no critical entry in " + r);
    }

    @Test
    void shouldBeCriticalWhenTheMembershipDoesNotListThisNode() {
        assertThat(NodeJoinedCheck.judge("n1", List.of(new NodeInfo("n1", Map.of(), true), new NodeInfo("n2", Map.of(), false)))
                .getStatus()).isEqualTo(Result.Status.OK);
        Result r = NodeJoinedCheck.judge("n1", List.of(new NodeInfo("n2", Map.of(), false)));
        assertThat(r.getStatus()).isEqualTo(Result.Status.CRITICAL);
        assertThat(critical(r)).contains("node n1 is not among the cluster's nodes [n2]");
    }

    @Test
    void shouldRankFleetStatesWhenJudgingTheFleets() {
        assertThat(FleetsServingCheck.judge(List.of(fleet("/a", FleetInfo.Status.SERVING)), List.of()).getStatus()).isEqualTo(Result.Status.OK);
        assertThat(FleetsServingCheck.judge(List.of(fleet("/a", FleetInfo.Status.UPGRADING)), List.of()).getStatus())
                .isEqualTo(Result.Status.WARN);
        assertThat(FleetsServingCheck.judge(List.of(fleet("/a", FleetInfo.Status.PAUSED), fleet("/b", FleetInfo.Status.UPGRADING)),
                List.of()).getStatus()).isEqualTo(Result.Status.CRITICAL);
    }

    @Test
    void shouldWarnOfARemovedFleetUnlessThisNodeMustServeIt() {
        assertThat(FleetsServingCheck.judge(List.of(fleet("/a", FleetInfo.Status.SERVING), fleet("/b", FleetInfo.Status.REMOVED)),
                List.of()).getStatus()).isEqualTo(Result.Status.WARN);
        assertThat(FleetsServingCheck.judge(List.of(fleet("/b", FleetInfo.Status.REMOVED)), List.of("/b")).getStatus())
                .isEqualTo(Result.Status.CRITICAL);
    }

    @Test
    void shouldBeCriticalWhenAReplicatedFleetWaitsForTheReplicationAndSayWhy() {
        FleetInfo waiting = new FleetInfo("n1", "/sys/kv", "p.Protocol", null, null, FleetInfo.Status.WAITING, List.of(),
                "it is replicated, and this node's replication service does not run");
        Result r = FleetsServingCheck.judge(List.of(fleet("/a", FleetInfo.Status.SERVING), waiting), List.of());
        assertThat(r.getStatus()).isEqualTo(Result.Status.CRITICAL);
        assertThat(critical(r)).isEqualTo("/sys/kv does not run here: it is replicated, and this node's replication service does not run");
    }

    @Test
    void shouldBeCriticalWhenARequiredFleetDoesNotRunHere() {
        Result r = FleetsServingCheck.judge(List.of(fleet("/a", FleetInfo.Status.SERVING)), List.of("/a", "/sys/kv"));
        assertThat(r.getStatus()).isEqualTo(Result.Status.CRITICAL);
        assertThat(critical(r)).isEqualTo("[/sys/kv] must serve on this node but do(es) not run here");
    }

    @Test
    void shouldReadFleetNamesFromAListOrACommaSeparatedStringAndRefuseBadOnes() {
        assertThat(FleetsServingCheck.names(new String[] {"/b, /a", "/c"})).containsExactly("/a", "/b", "/c");
        assertThatThrownBy(() -> FleetsServingCheck.names(new String[] {"/a, no-slash"})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("fleets: ").hasMessageContaining("no-slash");
    }

    private static LinksUpCheck.Route route(String name, Map<String, Integer> costs) {
        return new LinksUpCheck.Route() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public int cost(String node) {
                return costs.getOrDefault(node, -1);
            }
        };
    }

    @Test
    void shouldBeCriticalWhenNoTransportReachesANode() {
        assertThat(LinksUpCheck.judge("a", List.of(), List.of()).getStatus()).isEqualTo(Result.Status.OK);
        assertThat(LinksUpCheck.judge("a", List.of("b", "c"), List.of(route("tcp", Map.of("b", 10, "c", 10)))).getStatus())
                .isEqualTo(Result.Status.OK);
        Result r = LinksUpCheck.judge("a", List.of("b", "c"), List.of(route("tcp", Map.of("b", 10)), route("shm", Map.of("b", 1))));
        assertThat(r.getStatus()).isEqualTo(Result.Status.CRITICAL);
        assertThat(critical(r)).isEqualTo("no transport reaches [c] from a: messages to them wait in the kernel");
    }

    @Test
    void shouldWarnAndThenBeCriticalAsTheHostSpaceOfAnImageShrinks() {
        DiskSpaceCheck.Config c = disk(10, 2, 90, 98);
        long size = 1000L << 20;
        FormattingResultLog ok = new FormattingResultLog();
        DiskSpaceCheck.image(ok, "/dev/block/d", "/x.img", size, 500L << 20, c);
        assertThat(new Result(ok).getStatus()).isEqualTo(Result.Status.OK);
        FormattingResultLog warn = new FormattingResultLog();
        DiskSpaceCheck.image(warn, "/dev/block/d", "/x.img", size, 50L << 20, c);
        assertThat(new Result(warn).getStatus()).isEqualTo(Result.Status.WARN);
        FormattingResultLog critical = new FormattingResultLog();
        DiskSpaceCheck.image(critical, "/dev/block/d", "/x.img", size, 10L << 20, c);
        assertThat(new Result(critical).getStatus()).isEqualTo(Result.Status.CRITICAL);
        assertThat(critical(new Result(critical))).contains("has 10 MiB free, 1.0% of the device's 1000 MiB");
    }

    @Test
    void shouldJudgeAFileSystemByItsShareInUseAndItsInodes() {
        DiskSpaceCheck.Config c = disk(10, 2, 90, 98);
        FormattingResultLog half = new FormattingResultLog();
        DiskSpaceCheck.fileSystem(half, "/sys/fs", new FsStats("/dev/block/d", 4096, 1000, 500, 100, 50, 4, 200), c);
        assertThat(new Result(half).getStatus()).isEqualTo(Result.Status.OK);
        FormattingResultLog full = new FormattingResultLog();
        DiskSpaceCheck.fileSystem(full, "/sys/fs", new FsStats("/dev/block/d", 4096, 1000, 10, 100, 50, 4, 5), c);
        assertThat(new Result(full).getStatus()).isEqualTo(Result.Status.CRITICAL);
        FormattingResultLog noInodes = new FormattingResultLog();
        DiskSpaceCheck.fileSystem(noInodes, "/sys/fs", new FsStats("/dev/block/d", 4096, 1000, 900, 100, 0, 4, 200), c);
        assertThat(new Result(noInodes).getStatus()).isEqualTo(Result.Status.CRITICAL);
    }

    @Test
    void shouldRefuseThresholdsThatContradictEachOther() {
        assertThatThrownBy(() -> DiskSpaceCheck.validate(disk(2, 10, 90, 98))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("imageCriticalFreePercent (10) must not exceed imageWarnFreePercent (2)");
        assertThatThrownBy(() -> DiskSpaceCheck.validate(disk(10, 2, 101, 98))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("from 0 to 100, was 101");
    }

    private static GroupInfo group(int g, String role, String leader, String... peers) {
        return new GroupInfo("/sys/kv", g, List.of(peers), leader, 3, 10, 10, 0, Map.of(), role);
    }

    /** The messages of a result's entries of one status. */
    private static List<String> messages(Result r, Result.Status status) {
        List<String> out = new java.util.ArrayList<>();
        for (org.apache.felix.hc.api.ResultLog.Entry e : r) {
            if (e.getStatus() == status) {
                out.add(e.getMessage());
            }
        }
        return out;
    }

    @Test
    void shouldCallReplicasHealthyWhenEveryGroupKeptHereHasALeader() {
        Result r = ReplicasCheck.judge("n1", List.of(group(0, "LEADER", "n1", "n1", "n2", "n3"), group(1, "FOLLOWER", "n2", "n1", "n2", "n3"),
                group(2, "NONE", "n4", "n2", "n3", "n4")));
        assertThat(r.getStatus()).isEqualTo(Result.Status.OK);
        assertThat(messages(r, Result.Status.OK)).containsExactly("every group node n1 keeps a replica of has a leader: {/sys/kv=2}");
        assertThat(ReplicasCheck.judge("n1", List.of()).getStatus()).isEqualTo(Result.Status.OK);
    }

    @Test
    void shouldWarnOfAGroupWithoutALeaderAndOfAReplicaStarting() {
        Result r = ReplicasCheck.judge("n1", List.of(group(0, "CANDIDATE", null, "n1", "n2"), group(1, "STARTING", null, "n1", "n2"),
                group(2, "NONE", null, "n2", "n3")));
        assertThat(r.getStatus()).isEqualTo(Result.Status.WARN);
        assertThat(messages(r, Result.Status.WARN)).containsExactly(
                "group 0 of /sys/kv has no leader that node n1 knows (CANDIDATE here, peers [n1, n2]): its writes and linearizable reads wait for one",
                "group 1 of /sys/kv: this node's replica is starting");
    }

    @Test
    void shouldCallItCriticalWhenAGroupCountsThisNodeButItKeepsNoReplica() {
        Result r = ReplicasCheck.judge("n1", List.of(group(0, "NONE", "n2", "n1", "n2", "n3"), group(1, "FOLLOWER", "n2", "n1", "n2")));
        assertThat(r.getStatus()).isEqualTo(Result.Status.CRITICAL);
        assertThat(critical(r)).isEqualTo("group 0 of /sys/kv counts node n1 among its peers [n1, n2, n3], but this node keeps no replica"
                + " of it: its Raft server does not serve the group (see fos:replication)");
    }
}
