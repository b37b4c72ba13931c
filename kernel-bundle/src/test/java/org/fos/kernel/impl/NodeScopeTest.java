package org.fos.kernel.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.fos.kernel.api.Address;
import org.fos.kernel.api.Capability;
import org.fos.kernel.api.NameEntry;
import org.fos.kernel.api.Names;
import org.fos.kernel.api.Right;
import org.junit.jupiter.api.Test;

class NodeScopeTest {

    private static NameEntry member(String node, long mailbox, boolean scoped) {
        return new NameEntry("/sys/fs", new Capability(new Address(node, mailbox), Right.SEND.bit(), mailbox, 7), mailbox,
                scoped ? Map.of(Names.SCOPE_PROPERTY, Names.SCOPE_NODE) : Map.of());
    }

    private static final List<NameEntry> SCOPED = List.of(member("node-c", 3, true), member("node-b", 4, true),
            member("node-c", 5, true), member("node-b", 6, true));

    @Test
    void aNodeScopedFleetResolvesToTheMembersOfThisNode() {
        assertThat(NameCache.resolvable(SCOPED, "node-c", null)).containsExactly(SCOPED.get(0), SCOPED.get(2));
        assertThat(NameCache.resolvable(SCOPED, "node-b", "node-c")).containsExactly(SCOPED.get(1), SCOPED.get(3));
    }

    @Test
    void withoutMembersHereItTakesTheHomeNodesThenTheFirstNodes() {
        assertThat(NameCache.resolvable(SCOPED, "client-1", "node-c")).containsExactly(SCOPED.get(0), SCOPED.get(2));
        assertThat(NameCache.resolvable(SCOPED, "client-1", "node-z")).containsExactly(SCOPED.get(1), SCOPED.get(3));
        assertThat(NameCache.resolvable(SCOPED, "node-a", null)).containsExactly(SCOPED.get(1), SCOPED.get(3));
    }

    @Test
    void aFleetWithoutTheScopeSpansEveryNode() {
        List<NameEntry> spread = List.of(member("node-c", 3, false), member("node-b", 4, false));
        assertThat(NameCache.resolvable(spread, "node-c", null)).isEqualTo(spread);
        assertThat(NameCache.resolvable(List.of(), "node-c", "node-b")).isEmpty();
    }
}
