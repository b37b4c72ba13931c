package org.fos.replication.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.apache.ratis.proto.RaftProtos.LeaderInfoProto;
import org.apache.ratis.proto.RaftProtos.RaftPeerProto;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.proto.RaftProtos.ServerRpcProto;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;

class HandOverWatchTest {
    private static final long SILENT = 2_000;

    private static RoleInfoProto leaderSaw(long bMillis, long cMillis) {
        return RoleInfoProto.newBuilder().setLeaderInfo(LeaderInfoProto.newBuilder()
                .addFollowerInfo(follower("b", bMillis)).addFollowerInfo(follower("c", cMillis))).build();
    }

    private static ServerRpcProto follower(String id, long elapsed) {
        return ServerRpcProto.newBuilder().setId(RaftPeerProto.newBuilder().setId(ByteString.copyFromUtf8(id)))
                .setLastRpcElapsedTimeMs(elapsed).build();
    }

    private static List<RaftPeer> conf(int a, int b, int c) {
        return List.of(GroupAdmin.peer("a", "h:1", a), GroupAdmin.peer("b", "h:2", b), GroupAdmin.peer("c", "h:3", c));
    }

    @Test
    void shouldNameAFollowerOfHigherPrioritySilentLongerThanTheLimit() {
        assertThat(HandOverWatch.silentAhead("a", conf(0, 1, 0), leaderSaw(SILENT + 1, 10), SILENT)).containsExactly("b");
    }

    @Test
    void shouldLeaveAFollowerOfHigherPriorityThatAnswers() {
        assertThat(HandOverWatch.silentAhead("a", conf(0, 1, 0), leaderSaw(SILENT, 10), SILENT)).isEmpty();
    }

    @Test
    void shouldLeaveASilentFollowerWithoutPriority() {
        assertThat(HandOverWatch.silentAhead("a", conf(0, 1, 0), leaderSaw(10, 60_000), SILENT)).isEmpty();
        assertThat(HandOverWatch.silentAhead("a", conf(1, 1, 0), leaderSaw(60_000, 60_000), SILENT)).as("not ahead of the leader")
                .isEmpty();
    }

    @Test
    void shouldNameNothingForANodeThatDoesNotLead() {
        assertThat(HandOverWatch.silentAhead("a", conf(0, 1, 0), RoleInfoProto.getDefaultInstance(), SILENT)).isEmpty();
    }
}
