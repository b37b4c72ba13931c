package org.fos.kernel.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

import org.fos.kernel.api.Address;
import org.fos.kernel.api.Capability;
import org.fos.kernel.api.KernelException;
import org.fos.kernel.api.Mailbox;
import org.fos.kernel.api.Message;
import org.fos.kernel.api.NameEntry;
import org.fos.kernel.api.NameEvent;
import org.fos.kernel.api.Names;
import org.fos.kernel.api.Registration;
import org.fos.kernel.api.Right;
import org.fos.kernel.api.Selection;
import org.fos.kernel.api.Status;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class NamesTest {

    private final KernelCore core = new KernelCore("n-test", KernelSettings.DEFAULT, id -> true);
    private final BundleKernel kernel = new BundleKernel(core, 7);
    private final Names names = kernel.names();

    @AfterEach
    void stop() {
        core.shutdown();
    }

    private List<Mailbox> fleet(String name, int members) {
        List<Mailbox> boxes = new ArrayList<>();
        for (int i = 0; i < members; i++) {
            Mailbox box = kernel.createMailbox(name + "#" + i, 64);
            names.register(name, box.capability(), Map.of("member", Integer.toString(i)));
            boxes.add(box);
        }
        return boxes;
    }

    @Test
    void shouldValidateNames() {
        assertThat(Names.isValidName("/sys/fs")).isTrue();
        assertThat(Names.isValidName("/a.b_c-d/1")).isTrue();
        for (String bad : new String[] {null, "", "/", "sys", "/sys/", "//sys", "/sys fs", "/sys/../x/ü", "/" + "a".repeat(200)}) {
            assertThat(Names.isValidName(bad)).as(String.valueOf(bad)).isFalse();
        }
        Mailbox box = kernel.createMailbox("x", 8);
        assertThatThrownBy(() -> names.register("sys/fs", box.capability(), Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("invalid name 'sys/fs'");
        assertThatThrownBy(() -> names.resolve("/no such", Selection.ROUND_ROBIN)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldPublishASendAndCallCapabilityWithAMemberOneAndNeedGrant() {
        Mailbox box = kernel.createMailbox("x", 8);
        Registration r = names.register("/test/a", box.capability(), Map.of("version", "1"));
        Capability published = r.entry().capability();
        assertThat(published.rights()).isEqualTo(Right.SEND.bit() | Right.CALL.bit());
        assertThat(names.resolve("/test/a", Selection.ROUND_ROBIN)).as("this node resolves to the member capability")
                .isEqualTo(r.entry().member());
        assertThat(published.address()).isEqualTo(box.address());
        assertThat(r.entry().properties()).containsEntry("version", "1");
        Capability member = r.entry().member();
        assertThat(member.rights()).isEqualTo(Right.mask(EnumSet.of(Right.SEND, Right.CALL, Right.PEER, Right.ADMIN)));
        assertThat(kernel.check(member)).isEqualTo(Status.OK);
        assertThat(names.find("/test/a").get(0).member()).isEqualTo(member);
        assertThat(r.entry().withMember(null).member()).isNull();
        assertThat(r.entry().toString()).as("no token in logs or the shell").contains("member=cap(")
                .doesNotContain(r.entry().properties().get(NameEntry.MEMBER));
        assertThatThrownBy(() -> names.register("/test/c", box.capability(), Map.of(NameEntry.MEMBER, "63:" + "0".repeat(32))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(NameEntry.MEMBER);
        // a capability narrowed to send and grant publishes no more than send
        Registration narrow = names.register("/test/d", kernel.narrow(box.capability(), EnumSet.of(Right.SEND, Right.GRANT)), Map.of());
        assertThat(narrow.entry().capability().rights()).isEqualTo(Right.SEND.bit());
        assertThat(narrow.entry().member().rights()).isEqualTo(Right.SEND.bit());
        Capability sendOnly = kernel.narrow(box.capability(), EnumSet.of(Right.SEND));
        assertThatThrownBy(() -> names.register("/test/b", sendOnly, Map.of())).hasMessageContaining("NO_RIGHT")
                .hasMessageContaining("GRANT");
        kernel.revoke(box.capability(), box.capability());
        assertThat(kernel.send(Message.of(published, "x", null))).isEqualTo(Status.REVOKED);
    }

    @Test
    void shouldSpreadRoundRobinOverAllMembers() {
        List<Mailbox> boxes = fleet("/test/rr", 3);
        Map<Address, Integer> hits = new HashMap<>();
        for (int i = 0; i < 300; i++) {
            hits.merge(names.resolve("/test/rr", Selection.ROUND_ROBIN).address(), 1, Integer::sum);
        }
        assertThat(hits).hasSize(3).allSatisfy((a, n) -> assertThat(n).isEqualTo(100));
        assertThat(hits.keySet()).containsExactlyInAnyOrderElementsOf(boxes.stream().map(Mailbox::address).toList());
    }

    @Test
    void shouldResolveEveryNameWhenTheCacheFollowsHundreds() {
        Map<String, Address> members = new HashMap<>();
        for (int i = 0; i < 300; i++) {
            String name = "/test/many-" + i;
            members.put(name, fleet(name, 1).get(0).address());
            assertThat(names.resolve(name, Selection.ROUND_ROBIN).address()).as(name).isEqualTo(members.get(name));
        }
        members.forEach((name, member) -> {
            assertThat(names.resolve(name, Selection.ROUND_ROBIN).address()).as(name).isEqualTo(member);
            assertThat(names.resolve(new String(name.toCharArray()), Selection.KEY_AFFINITY, "k").address())
                    .as("an equal name, not the same string").isEqualTo(member);
        });
        assertThatThrownBy(() -> names.resolve("/test/many-none", Selection.ROUND_ROBIN)).isInstanceOf(KernelException.class)
                .satisfies(e -> assertThat(((KernelException) e).status()).isEqualTo(Status.NO_SUCH_NAME));
        assertThatThrownBy(() -> names.resolve(null, null)).isInstanceOf(NullPointerException.class).hasMessage("selection");
    }

    @Test
    void shouldFindEveryFollowedNameWhileOthersAreFollowed() throws Exception {
        int count = 400;
        AtomicReferenceArray<Address> members = new AtomicReferenceArray<>(count);
        AtomicInteger published = new AtomicInteger();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        Thread writer = new Thread(() -> {
            for (int i = 0; i < count; i++) {
                String name = "/test/grow-" + i;
                Address member = fleet(name, 1).get(0).address();
                names.resolve(name, Selection.ROUND_ROBIN); // the cache follows it from here on
                members.set(i, member);
                published.incrementAndGet();
            }
        });
        Runnable reader = () -> {
            while (published.get() < count && failures.isEmpty()) {
                int n = published.get();
                if (n == 0) {
                    continue;
                }
                int i = ThreadLocalRandom.current().nextInt(n);
                try {
                    assertThat(names.resolve("/test/grow-" + i, Selection.ROUND_ROBIN).address()).isEqualTo(members.get(i));
                } catch (Throwable t) {
                    failures.add(t);
                }
            }
        };
        List<Thread> readers = List.of(new Thread(reader), new Thread(reader));
        readers.forEach(Thread::start);
        writer.start();
        writer.join(30_000);
        for (Thread t : readers) {
            t.join(30_000);
        }
        assertThat(failures).isEmpty();
        assertThat(published.get()).isEqualTo(count);
    }

    @Test
    void shouldPickTheLeastLoadedMember() {
        List<Mailbox> boxes = fleet("/test/ll", 3);
        for (int i = 0; i < 5; i++) {
            kernel.send(Message.of(boxes.get(0).capability(), "x", null));
            kernel.send(Message.of(boxes.get(2).capability(), "x", null));
        }
        kernel.send(Message.of(boxes.get(1).capability(), "x", null));
        for (int i = 0; i < 10; i++) {
            assertThat(names.resolve("/test/ll", Selection.LEAST_LOADED).address()).isEqualTo(boxes.get(1).address());
        }
    }

    @Test
    void shouldPreferLocalMembers() {
        List<Mailbox> boxes = fleet("/test/lf", 2);
        for (int i = 0; i < 10; i++) {
            assertThat(boxes.stream().map(Mailbox::address))
                    .contains(names.resolve("/test/lf", Selection.LOCAL_FIRST).address());
        }
    }

    @Test
    void shouldKeepKeysOnTheirMemberAndMoveFewWhenAMemberGoes() {
        List<Mailbox> boxes = fleet("/test/kv", 4);
        Map<String, Address> before = new HashMap<>();
        Map<Address, Integer> load = new HashMap<>();
        for (int k = 0; k < 4000; k++) {
            Address a = names.resolve("/test/kv", Selection.KEY_AFFINITY, "key-" + k).address();
            assertThat(names.resolve("/test/kv", Selection.KEY_AFFINITY, "key-" + k).address()).isEqualTo(a);
            before.put("key-" + k, a);
            load.merge(a, 1, Integer::sum);
        }
        assertThat(load).hasSize(4).allSatisfy((a, n) -> assertThat(n).isBetween(600, 1400));

        Address gone = boxes.get(1).address();
        boxes.get(1).close();
        int moved = 0;
        for (Map.Entry<String, Address> e : before.entrySet()) {
            Address now = names.resolve("/test/kv", Selection.KEY_AFFINITY, e.getKey()).address();
            assertThat(now).isNotEqualTo(gone);
            if (!now.equals(e.getValue())) {
                moved++;
                assertThat(e.getValue()).isEqualTo(gone);
            }
        }
        assertThat(moved).isEqualTo(load.get(gone));
        assertThatThrownBy(() -> names.resolve("/test/kv", Selection.KEY_AFFINITY, null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldKeepTheCacheCoherentOnEveryChange() {
        assertThatThrownBy(() -> names.resolve("/test/c", Selection.ROUND_ROBIN))
                .isInstanceOf(KernelException.class).hasMessageStartingWith("NO_SUCH_NAME");
        Mailbox box = kernel.createMailbox("x", 8);
        Registration r = names.register("/test/c", box.capability(), Map.of());
        assertThat(names.resolve("/test/c", Selection.ROUND_ROBIN).address()).isEqualTo(box.address());
        r.close();
        assertThatThrownBy(() -> names.resolve("/test/c", Selection.ROUND_ROBIN)).hasMessageStartingWith("NO_SUCH_NAME");
        names.register("/test/c", box.capability(), Map.of());
        assertThat(names.resolve("/test/c", Selection.ROUND_ROBIN).address()).isEqualTo(box.address());
        box.close();
        assertThatThrownBy(() -> names.resolve("/test/c", Selection.ROUND_ROBIN)).hasMessageStartingWith("NO_SUCH_NAME");
        assertThat(core.stats().rejected(Status.NO_SUCH_NAME)).isEqualTo(3);
    }

    @Test
    void shouldSendTheSnapshotFirstThenEveryChangeInOrder() {
        fleet("/test/s", 1);
        List<NameEvent> events = new CopyOnWriteArrayList<>();
        var subscription = names.subscribe("/test/s", events::add);
        List<Mailbox> more = fleet("/test/s", 2);
        more.get(0).close();
        await().atMost(10, TimeUnit.SECONDS).until(() -> events.size() == 4);
        assertThat(events).extracting(NameEvent::kind).containsExactly(NameEvent.Kind.SNAPSHOT, NameEvent.Kind.ADDED,
                NameEvent.Kind.ADDED, NameEvent.Kind.REMOVED);
        assertThat(events.get(0).members()).hasSize(1);
        assertThat(events.get(3).members()).hasSize(2);
        assertThat(events.get(3).entry().address()).isEqualTo(more.get(0).address());
        subscription.close();
        fleet("/test/s", 1);
        assertThat(names.find("/test/s")).hasSize(3);
        assertThat(events).hasSize(4);
    }

    @Test
    void shouldListByPrefix() {
        fleet("/sys/fs", 2);
        fleet("/sys/fsx", 1);
        fleet("/sys/names", 1);
        fleet("/user/a", 1);
        assertThat(names.list("/sys/fs")).extracting(e -> e.name()).containsExactly("/sys/fs", "/sys/fs");
        assertThat(names.list("/sys")).hasSize(4);
        assertThat(names.list("/")).hasSize(5);
        assertThatThrownBy(() -> names.list("sys")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldMoveRegistrationsAndFollowersWhenANameStoreServiceComesAndGoes() {
        Mailbox before = kernel.createMailbox("before", 8);
        names.register("/app/a", before.capability(), Map.of());
        Mailbox boot = kernel.createMailbox("naming", 8);
        names.register("/sys/names", boot.capability(), Map.of());
        assertThat(names.resolve("/app/a", Selection.ROUND_ROBIN).address()).isEqualTo(before.address());
        List<NameEvent> events = new CopyOnWriteArrayList<>();
        names.subscribe("/app/a", events::add);

        LocalNameStore external = new LocalNameStore();
        core.setNameStore(external);

        assertThat(external.find("/app/a")).hasSize(1);
        assertThat(external.find("/sys/names")).as("bootstrap names stay in the kernel").isEmpty();
        assertThat(names.find("/sys/names")).hasSize(1);
        Mailbox after = kernel.createMailbox("after", 8);
        names.register("/app/a", after.capability(), Map.of());
        assertThat(external.find("/app/a")).hasSize(2);
        assertThat(names.list("/")).extracting(e -> e.name()).containsExactly("/app/a", "/app/a", "/sys/names");
        assertThat(java.util.stream.IntStream.range(0, 4).mapToObj(i -> names.resolve("/app/a", Selection.ROUND_ROBIN).address()))
                .contains(before.address(), after.address());

        // a registration made elsewhere in the cluster reaches the cache through the store
        Capability remote = new Capability(new Address("n-other", 5), Right.SEND.bit(), 1, 2);
        external.add(new org.fos.kernel.api.NameEntry("/app/a", remote, 77, Map.of()));
        assertThat(names.find("/app/a")).hasSize(3);

        core.setNameStore(null);
        assertThat(names.find("/app/a")).as("back in the kernel's store: this node's registrations").hasSize(2);
        after.close();
        assertThat(names.find("/app/a")).hasSize(1);
        assertThat(external.find("/app/a")).as("the old store is no longer told").hasSize(3);
        await().atMost(10, TimeUnit.SECONDS).until(() -> events.stream().filter(e -> e.kind() == NameEvent.Kind.SNAPSHOT).count() == 3);
    }

    @Test
    void shouldFailARegistrationTheStoreRefusesAndKeepNothing() {
        LocalNameStore real = new LocalNameStore();
        core.setNameStore(new org.fos.kernel.spi.NameStore() {
            @Override
            public void add(org.fos.kernel.api.NameEntry entry) {
                throw new IllegalStateException("store down");
            }

            @Override
            public void remove(org.fos.kernel.api.NameEntry entry) {
                real.remove(entry);
            }

            @Override
            public List<org.fos.kernel.api.NameEntry> find(String name) {
                return real.find(name);
            }

            @Override
            public List<org.fos.kernel.api.NameEntry> list(String prefix) {
                return real.list(prefix);
            }

            @Override
            public AutoCloseable watch(String name, org.fos.kernel.api.NameListener listener) {
                return real.watch(name, listener);
            }
        });
        Mailbox box = kernel.createMailbox("x", 8);
        assertThatThrownBy(() -> names.register("/app/x", box.capability(), Map.of())).isInstanceOf(KernelException.class)
                .hasMessageContaining("UNAVAILABLE").hasMessageContaining("store down");
        assertThat(core.stats().names()).isZero();
    }

    @Test
    void shouldPickReplicasOnDistinctNodesStartingWithTheKeysOwner() {
        // members on three nodes, two of them local mailboxes of this kernel and four remote entries
        LocalNameStore external = new LocalNameStore();
        core.setNameStore(external);
        long id = 100;
        for (String node : List.of("n-b", "n-b", "n-c", "n-c")) {
            external.add(new org.fos.kernel.api.NameEntry("/kv", new Capability(new Address(node, id), Right.SEND.bit(), id, id), id++, Map.of()));
        }
        Mailbox local = kernel.createMailbox("local", 8);
        names.register("/kv", local.capability(), Map.of());
        for (int k = 0; k < 200; k++) {
            List<Capability> r = names.replicas("/kv", "key-" + k, 2);
            assertThat(r).hasSize(2);
            assertThat(r.get(0).address()).isEqualTo(names.resolve("/kv", Selection.KEY_AFFINITY, "key-" + k).address());
            assertThat(r.get(0).address().node()).isNotEqualTo(r.get(1).address().node());
            assertThat(names.replicas("/kv", "key-" + k, 5)).hasSize(3);
        }
        assertThat(names.cached("/kv")).hasSize(5);
        assertThatThrownBy(() -> names.replicas("/kv", null, 2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> names.replicas("/none", "k", 2)).hasMessageStartingWith("NO_SUCH_NAME");
    }

    @Test
    void shouldNotPickALeavingMemberWhileOthersServeButKeepItCached() {
        Mailbox staying = kernel.createMailbox("staying", 8);
        Mailbox leaving = kernel.createMailbox("leaving", 8);
        Registration stays = names.register("/test/elastic", staying.capability(), Map.of());
        Registration first = names.register("/test/elastic", leaving.capability(), Map.of());
        Registration draining = names.register("/test/elastic", leaving.capability(), Map.of(Names.DRAINING_PROPERTY, "true"));
        first.close();
        for (Selection s : Selection.values()) {
            for (int i = 0; i < 20; i++) {
                assertThat(names.resolve("/test/elastic", s, "key-" + i).address()).as(s.name()).isEqualTo(staying.address());
            }
        }
        assertThat(names.cached("/test/elastic")).extracting(NameEntry::address)
                .as("calls sent to the leaving member are still awaited").containsExactly(staying.address(), leaving.address());
        stays.close();
        assertThat(names.resolve("/test/elastic", Selection.ROUND_ROBIN).address()).as("the last member, leaving or not")
                .isEqualTo(leaving.address());
        draining.close();
        assertThat(names.cached("/test/elastic")).isEmpty();
    }
}
