package org.fos.naming.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.fos.cluster.api.ClusterNames;
import org.fos.fleet.api.FleetState;
import org.fos.kernel.api.Address;
import org.fos.kernel.api.Capability;
import org.fos.kernel.api.NameEntry;
import org.fos.kernel.api.NameEvent;
import org.fos.kernel.api.Right;
import org.fos.kernel.api.Status;
import org.fos.naming.api.NameWatcher;
import org.fos.naming.api.WatchStart;
import org.fos.rpc.api.CallContext;
import org.fos.rpc.api.CallOptions;
import org.fos.rpc.api.Dispatcher;
import org.fos.rpc.api.FleetException;
import org.fos.rpc.api.Libfos;
import org.junit.jupiter.api.Test;

/**
 * The naming member on a single node (names in its own map) and in a cluster (names in a
 * {@link ClusterNames}), with watchers that record what they are told: numbering, read-your-writes,
 * prefixes, member capabilities hidden from untrusted callers, watchers that go, and the state
 * handed on at an upgrade.
 */
class NamingMemberTest {

    /** A change as a watcher was told it. */
    record Told(long number, NameEvent event) {
    }

    /** Libfos whose watcher proxies record what they are told; a watcher in {@link #closed} answers CLOSED. */
    static final class Watchers implements Libfos {
        final Map<Address, List<Told>> told = new ConcurrentHashMap<>();
        final Set<Address> closed = ConcurrentHashMap.newKeySet();

        List<Told> of(Capability watcher) {
            return told.getOrDefault(watcher.address(), List.of());
        }

        @Override
        public <T> T proxy(Class<T> protocol, Capability member, CallOptions options) {
            if (protocol != NameWatcher.class) {
                throw new UnsupportedOperationException(protocol.getName());
            }
            NameWatcher w = (number, event) -> {
                if (closed.contains(member.address())) {
                    return CompletableFuture.failedFuture(new FleetException(Status.CLOSED, "mailbox closed", null));
                }
                told.computeIfAbsent(member.address(), a -> new CopyOnWriteArrayList<>()).add(new Told(number, event));
                return CompletableFuture.completedFuture(null);
            };
            return protocol.cast(w);
        }

        @Override
        public <T> T proxy(Class<T> protocol, String name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public <T> T proxy(Class<T> protocol, String name, CallOptions options) {
            throw new UnsupportedOperationException();
        }

        @Override
        public <T> List<T> members(Class<T> protocol, String name, CallOptions options) {
            throw new UnsupportedOperationException();
        }

        @Override
        public <T> Dispatcher dispatcher(Class<T> protocol, T implementation) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Object call(Class<?> protocol, String name, String method, List<String> arguments, CallOptions options) {
            throw new UnsupportedOperationException();
        }
    }

    /** Names in memory that, like ZooKeeper through Curator, tell a name's watchers before add and remove return. */
    static final class Cluster implements ClusterNames {
        final Map<String, List<NameEntry>> names = new HashMap<>();
        final Map<String, List<Consumer<List<NameEntry>>>> watches = new HashMap<>();
        final List<NameEntry> added = new ArrayList<>();

        @Override
        public void add(NameEntry entry) {
            added.add(entry);
            List<NameEntry> members = names.computeIfAbsent(entry.name(), n -> new ArrayList<>());
            if (members.stream().noneMatch(e -> e.registrationId() == entry.registrationId())) {
                members.add(entry);
            }
            changed(entry.name());
        }

        @Override
        public void remove(NameEntry entry) {
            names.getOrDefault(entry.name(), new ArrayList<>()).removeIf(e -> e.registrationId() == entry.registrationId());
            changed(entry.name());
        }

        private void changed(String name) {
            for (Consumer<List<NameEntry>> l : watches.getOrDefault(name, List.of())) {
                l.accept(find(name));
            }
        }

        @Override
        public List<NameEntry> find(String name) {
            return List.copyOf(names.getOrDefault(name, List.of()));
        }

        @Override
        public List<NameEntry> list(String prefix) {
            return names.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).flatMap(e -> e.getValue().stream()).toList();
        }

        @Override
        public AutoCloseable watch(String name, Consumer<List<NameEntry>> listener) {
            watches.computeIfAbsent(name, n -> new ArrayList<>()).add(listener);
            return () -> watches.get(name).remove(listener);
        }
    }

    private final Watchers libfos = new Watchers();

    private static Capability capability(String node, long mailbox) {
        return new Capability(new Address(node, mailbox), Right.SEND.bit() | Right.CALL.bit(), mailbox * 31, mailbox * 17);
    }

    private static NameEntry entry(String name, String node, long mailbox, long id) {
        Capability c = capability(node, mailbox);
        Capability member = new Capability(c.address(), Right.ALL_BITS, 7, 8);
        return new NameEntry(name, c, id, Map.of("role", "test")).withMember(member);
    }

    /** Runs a call as a caller whose capability holds only SEND and CALL would. */
    private static <T> T untrusted(java.util.function.Supplier<T> call) {
        Integer before = CallContext.enterRights(Right.SEND.bit() | Right.CALL.bit());
        try {
            return call.get();
        } finally {
            CallContext.leaveRights(before);
        }
    }

    @Test
    void shouldTellAWatcherEveryChangeOfItsNameNumberedInOrder() {
        NamingMember member = new NamingMember(libfos, null);
        Capability watcher = capability("node-a", 100);
        WatchStart start = member.watch("/sys/kv", watcher);
        assertThat(start.number()).isZero();
        assertThat(start.members()).isEmpty();

        NameEntry one = entry("/sys/kv", "node-a", 1, 11);
        NameEntry two = entry("/sys/kv", "node-b", 2, 12);
        member.add(one, null);
        member.add(entry("/sys/other", "node-a", 3, 13), null);
        member.add(two, null);
        member.remove(one, null);

        List<Told> told = libfos.of(watcher);
        assertThat(told).extracting(Told::number).containsExactly(1L, 2L, 3L);
        assertThat(told).extracting(t -> t.event().kind()).containsExactly(NameEvent.Kind.ADDED, NameEvent.Kind.ADDED,
                NameEvent.Kind.REMOVED);
        assertThat(told.get(1).event().members()).containsExactly(one, two);
        assertThat(told.get(2).event().entry()).isEqualTo(one);
        assertThat(told.get(2).event().members()).containsExactly(two);
        assertThat(member.find("/sys/kv")).containsExactly(two);
    }

    @Test
    void shouldAnswerAddAndRemoveWithTheNumberOfTheCallersOwnWatcherSoItCanWaitForItsChange() {
        NamingMember member = new NamingMember(libfos, null);
        Capability watcher = capability("node-a", 100);
        member.watch("/sys/kv", watcher);
        member.watch("/sys/fs", watcher);

        assertThat(member.add(entry("/sys/kv", "node-a", 1, 11), watcher)).isEqualTo(1);
        assertThat(member.add(entry("/sys/fs", "node-a", 2, 12), watcher)).isEqualTo(2);
        assertThat(member.add(entry("/sys/unwatched", "node-a", 3, 13), watcher)).as("a change it does not watch").isEqualTo(2);
        assertThat(member.remove(entry("/sys/kv", "node-a", 1, 11), watcher)).isEqualTo(3);
        assertThat(member.add(entry("/sys/kv", "node-a", 4, 14), capability("node-z", 9))).as("a watcher the member does not know")
                .isZero();
    }

    @Test
    void shouldKeepAndTellARegistrationOnceWhenItIsAddedAgain() {
        NamingMember member = new NamingMember(libfos, null);
        Capability watcher = capability("node-a", 100);
        member.watch("/sys/kv", watcher);
        NameEntry e = entry("/sys/kv", "node-a", 1, 11);

        member.add(e, null);
        member.add(e, null);
        // the same registration number on another node is another registration
        member.add(entry("/sys/kv", "node-b", 1, 11), null);

        assertThat(member.find("/sys/kv")).hasSize(2);
        assertThat(libfos.of(watcher)).extracting(Told::number).containsExactly(1L, 2L);
        member.remove(entry("/sys/kv", "node-c", 1, 11), null);
        assertThat(member.find("/sys/kv")).as("removing a registration nobody made").hasSize(2);
        assertThat(libfos.of(watcher)).hasSize(2);
    }

    @Test
    void shouldListTheNamesUnderAPrefixByWholeSegments() {
        NamingMember member = new NamingMember(libfos, null);
        for (String name : new String[] {"/sys", "/sys/kv", "/sys/kv/a", "/system", "/sysx/kv", "/app"}) {
            member.add(entry(name, "node-a", name.length(), name.hashCode()), null);
        }
        assertThat(member.list("/sys")).extracting(NameEntry::name).containsExactly("/sys", "/sys/kv", "/sys/kv/a");
        assertThat(member.list("/sys/kv")).extracting(NameEntry::name).containsExactly("/sys/kv", "/sys/kv/a");
        assertThat(member.list("/")).hasSize(6);
        assertThat(member.list("/nothing")).isEmpty();
    }

    @Test
    void shouldHideMemberCapabilitiesFromCallersWithoutPeerOrAdmin() {
        NamingMember member = new NamingMember(libfos, null);
        Capability trustedWatcher = capability("node-a", 100);
        Capability clientWatcher = capability("client-1", 200);
        member.watch("/sys/kv", trustedWatcher);
        untrusted(() -> member.watch("/sys/kv", clientWatcher));
        member.add(entry("/sys/kv", "node-a", 1, 11), null);

        assertThat(member.find("/sys/kv").get(0).member()).isNotNull();
        assertThat(untrusted(() -> member.find("/sys/kv")).get(0).member()).isNull();
        assertThat(untrusted(() -> member.list("/sys")).get(0).member()).isNull();
        assertThat(untrusted(() -> member.find("/sys/kv")).get(0).properties()).containsEntry("role", "test");

        assertThat(libfos.of(trustedWatcher).get(0).event().entry().member()).isNotNull();
        NameEvent toClient = libfos.of(clientWatcher).get(0).event();
        assertThat(toClient.entry().member()).isNull();
        assertThat(toClient.members()).allSatisfy(e -> assertThat(e.member()).isNull());

        // a watcher once watched by an untrusted caller stays untrusted
        member.watch("/sys/fs", clientWatcher);
        assertThat(member.watch("/sys/kv", clientWatcher).members()).allSatisfy(e -> assertThat(e.member()).isNull());
    }

    @Test
    void shouldRefuseInvalidNamesWithTheirReason() {
        NamingMember member = new NamingMember(libfos, null);
        assertThatThrownBy(() -> member.find("no-slash")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no-slash");
        assertThatThrownBy(() -> member.list("/a b")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("/a b");
        assertThatThrownBy(() -> member.watch("", capability("node-a", 1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> member.add(entry("/sys//kv", "node-a", 1, 1), null)).isInstanceOf(IllegalArgumentException.class);
        assertThat(member.list("/")).as("nothing was added").isEmpty();
    }

    @Test
    void shouldStopTellingAWatcherWhoseMailboxIsClosedAndNoOtherWatcher() {
        NamingMember member = new NamingMember(libfos, null);
        Capability gone = capability("node-a", 100);
        Capability staying = capability("node-a", 101);
        member.watch("/sys/kv", gone);
        member.watch("/sys/kv", staying);
        libfos.closed.add(gone.address());

        member.add(entry("/sys/kv", "node-a", 1, 11), null); // the push to the closed watcher fails
        libfos.closed.remove(gone.address());
        member.add(entry("/sys/kv", "node-a", 2, 12), null); // dropped first, then nothing is sent to it
        member.add(entry("/sys/kv", "node-a", 3, 13), null);

        assertThat(libfos.of(gone)).isEmpty();
        assertThat(libfos.of(staying)).extracting(Told::number).containsExactly(1L, 2L, 3L);
        assertThat(member.add(entry("/sys/kv", "node-a", 4, 14), gone)).as("a dropped watcher starts again from 0").isZero();
    }

    @Test
    void shouldStopTellingAWatcherAboutANameItNoLongerWatches() {
        NamingMember member = new NamingMember(libfos, null);
        Capability watcher = capability("node-a", 100);
        member.watch("/sys/kv", watcher);
        member.add(entry("/sys/kv", "node-a", 1, 11), null);
        member.unwatch("/sys/kv", watcher);
        member.unwatch("/sys/never", capability("node-q", 5));
        member.add(entry("/sys/kv", "node-a", 2, 12), null);
        assertThat(libfos.of(watcher)).hasSize(1);
    }

    @Test
    void shouldHandOnEntriesAndWatcherNumbersAtAnUpgrade() {
        NamingMember old = new NamingMember(libfos, null);
        Capability trustedWatcher = capability("node-a", 100);
        Capability clientWatcher = capability("client-1", 200);
        old.watch("/sys/kv", trustedWatcher);
        untrusted(() -> old.watch("/sys/kv", clientWatcher));
        NameEntry kept = entry("/sys/kv", "node-a", 1, 11);
        old.add(kept, null);
        old.add(entry("/sys/fs", "node-b", 2, 12), null);
        FleetState state = old.exportState();
        assertThat(state.version()).isEqualTo(NamingMember.LAYOUT);

        NamingMember next = new NamingMember(libfos, null);
        next.importState(state);
        assertThat(next.find("/sys/kv")).containsExactly(kept);
        assertThat(next.list("/")).hasSize(2);
        assertThat(next.add(entry("/sys/kv", "node-a", 3, 13), trustedWatcher)).as("numbering goes on").isEqualTo(2);
        assertThat(libfos.of(trustedWatcher)).extracting(Told::number).containsExactly(1L, 2L);
        assertThat(libfos.of(clientWatcher).get(1).event().entry().member()).as("an untrusted watcher stays untrusted").isNull();
    }

    @Test
    void shouldLetAWatcherOfAStateWithoutRightsSeeMemberCapabilities() {
        Map<String, Object> watcher = new HashMap<>();
        watcher.put("capability", StateCodec.capability(capability("node-a", 100)));
        watcher.put("number", 5L);
        watcher.put("names", List.of("/sys/kv"));
        NamingMember member = new NamingMember(libfos, null);
        member.importState(new FleetState(NamingMember.LAYOUT, Map.of("entries", List.of(), "watchers", List.of(watcher))));

        member.add(entry("/sys/kv", "node-a", 1, 11), null);
        Told told = libfos.of(capability("node-a", 100)).get(0);
        assertThat(told.number()).isEqualTo(6);
        assertThat(told.event().entry().member()).isNotNull();
    }

    @Test
    void shouldRefuseAStateItCannotReadWithTheReason() {
        NamingMember member = new NamingMember(libfos, null);
        assertThatThrownBy(() -> member.importState(new FleetState(2, Map.of()))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("layout 1, not 2");
        assertThatThrownBy(() -> member.importState(new FleetState(NamingMember.LAYOUT, "text"))).isInstanceOf(
                IllegalArgumentException.class).hasMessageContaining("state is not a map");
        assertThatThrownBy(() -> member.importState(new FleetState(NamingMember.LAYOUT, Map.of("entries", "x", "watchers", List.of()))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("entries is not a list");
        Map<String, Object> bad = Map.of("name", "/sys/kv", "capability", Map.of("node", "node-a"), "id", 1L, "properties", Map.of());
        assertThatThrownBy(() -> member.importState(new FleetState(NamingMember.LAYOUT, Map.of("entries", List.of(bad), "watchers",
                List.of())))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("malformed capability");
        member.importState(new FleetState(NamingMember.LAYOUT, null));
        assertThat(member.list("/")).isEmpty();
    }

    @Test
    void shouldKeepItsNamesWhenAStateFailsHalfWay() {
        NamingMember member = new NamingMember(libfos, null);
        member.add(entry("/sys/kept", "node-a", 3, 13), null);
        FleetState good = member.exportState();
        Map<String, Object> badId = Map.of("name", "/sys/kv", "capability", StateCodec.capability(capability("node-b", 4)), "id", "seven",
                "properties", Map.of());
        List<Object> entries = new java.util.ArrayList<>((List<?>) ((Map<?, ?>) good.data()).get("entries"));
        entries.add(badId);
        assertThatThrownBy(() -> member.importState(new FleetState(NamingMember.LAYOUT, Map.of("entries", entries, "watchers",
                List.of())))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("entry's id is not a whole number: seven");
        Map<String, Object> badName = Map.of("name", 42, "capability", StateCodec.capability(capability("node-b", 4)), "id", 1L,
                "properties", Map.of());
        assertThatThrownBy(() -> member.importState(new FleetState(NamingMember.LAYOUT, Map.of("entries", List.of(badName), "watchers",
                List.of())))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("entry's name is not text: 42");
        assertThat(member.list("/sys/kept")).as("the names it had").hasSize(1);
    }

    @Test
    void shouldKeepNamesInTheClusterAndTellWatchersWhatTheClusterTellsBeforeAddReturns() {
        Cluster cluster = new Cluster();
        NamingMember member = new NamingMember(libfos, cluster);
        Capability watcher = capability("node-a", 100);
        NameEntry elsewhere = entry("/sys/kv", "node-b", 9, 19);
        cluster.add(elsewhere); // added through another node's member
        assertThat(member.watch("/sys/kv", watcher).members()).containsExactly(elsewhere);

        NameEntry mine = entry("/sys/kv", "node-a", 1, 11);
        assertThat(member.add(mine, watcher)).as("the cluster's change was told before add returned").isEqualTo(1);
        assertThat(cluster.find("/sys/kv")).containsExactly(elsewhere, mine);
        assertThat(member.find("/sys/kv")).containsExactly(elsewhere, mine);
        assertThat(untrusted(() -> member.find("/sys/kv"))).allSatisfy(e -> assertThat(e.member()).isNull());

        cluster.remove(elsewhere); // node-b's member went
        assertThat(member.remove(mine, watcher)).isEqualTo(3);
        List<Told> told = libfos.of(watcher);
        assertThat(told).extracting(t -> t.event().kind()).containsExactly(NameEvent.Kind.ADDED, NameEvent.Kind.REMOVED,
                NameEvent.Kind.REMOVED);
        assertThat(told).extracting(t -> t.event().entry()).containsExactly(mine, elsewhere, mine);
        assertThat(told.get(2).event().members()).isEmpty();

        member.deactivate();
        assertThat(cluster.watches.get("/sys/kv")).as("the cluster watch closed").isEmpty();
    }

    @Test
    void shouldAddItsNodesEntriesToTheClusterAgainWhenItTakesOver() {
        NamingMember old = new NamingMember(libfos, new Cluster());
        NameEntry mine = entry("/sys/kv", "node-a", 1, 11);
        old.add(mine, null);
        FleetState state = old.exportState();

        Cluster restarted = new Cluster();
        new NamingMember(libfos, restarted).importState(state);
        assertThat(restarted.added).containsExactly(mine);
        assertThat(restarted.find("/sys/kv")).containsExactly(mine);
    }
}
