package org.fos.cluster.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.fos.kernel.spi.NodeDirectory;
import org.junit.jupiter.api.Test;

class MembershipDirectoryTest {

    @Test
    void shouldShowTheMembershipsNodesAndTheirChangesWhenWatched() throws Exception {
        NodeDirectory directory = new MembershipDirectory(new LocalMembership("node-a"));
        List<List<NodeDirectory.Node>> seen = new CopyOnWriteArrayList<>();

        AutoCloseable watch = directory.watch(seen::add);
        try {
            AutoCloseable published = directory.publish("tcp", "127.0.0.1:7101");

            assertThat(directory.localNode()).isEqualTo("node-a");
            assertThat(directory.nodes()).containsExactly(new NodeDirectory.Node("node-a", Map.of("tcp", "127.0.0.1:7101"), true));
            assertThat(seen).containsExactly(List.of(new NodeDirectory.Node("node-a", Map.of(), true)),
                    List.of(new NodeDirectory.Node("node-a", Map.of("tcp", "127.0.0.1:7101"), true)));
            published.close();
            assertThat(directory.nodes().get(0).attributes()).isEmpty();
        } finally {
            watch.close();
        }
        int calls = seen.size();
        directory.publish("shm", "x").close();
        assertThat(seen).as("no call after the watch closed").hasSize(calls);
    }

    @Test
    void shouldKeepTheFirstClaimWhenClaimedTwice() {
        NodeDirectory directory = new MembershipDirectory(new LocalMembership("node-a"));

        assertThat(directory.claimed("revoked/0123456789abcdef")).isNull();
        assertThat(directory.claim("revoked/0123456789abcdef", "lost laptop")).isEqualTo("lost laptop");
        assertThat(directory.claim("revoked/0123456789abcdef", "other")).isEqualTo("lost laptop");
        assertThat(directory.claimed("revoked/0123456789abcdef")).isEqualTo("lost laptop");
    }

    @Test
    void shouldRefuseAnAttributeKeyTheMembershipRefuses() {
        NodeDirectory directory = new MembershipDirectory(new LocalMembership("node-a"));

        assertThatThrownBy(() -> directory.publish("bad key", "x")).isInstanceOf(IllegalArgumentException.class);
    }
}
