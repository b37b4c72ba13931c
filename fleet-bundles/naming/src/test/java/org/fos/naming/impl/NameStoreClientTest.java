package org.fos.naming.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.fos.kernel.api.Capability;
import org.fos.kernel.api.Kernel;
import org.fos.kernel.api.Mailbox;
import org.fos.kernel.api.NameEntry;
import org.fos.kernel.api.NameEvent;
import org.fos.kernel.embed.EmbeddedKernel;
import org.fos.naming.api.NameService;
import org.fos.rpc.api.Dispatcher;
import org.fos.rpc.embed.EmbeddedLibfos;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The name store client against a naming member served on an embedded kernel, as the fleet runtime
 * serves it: offered while the fleet has a member, read-your-writes, changes of other clients, a
 * missed change, closed watches and a closed client.
 */
class NameStoreClientTest {
    private static final long NAMING = 3;

    private final EmbeddedKernel node = EmbeddedKernel.start("naming-test");
    private final EmbeddedLibfos rpc = EmbeddedLibfos.start(node, null);
    private final List<NameStoreClient> clients = new ArrayList<>();
    private final BlockingQueue<Boolean> offers = new LinkedBlockingQueue<>();
    private Thread member;
    private Mailbox memberBox;

    @AfterEach
    void stop() throws InterruptedException {
        for (NameStoreClient c : clients) {
            c.close();
        }
        if (member != null) {
            member.interrupt();
            member.join();
        }
        rpc.close();
        node.close();
    }

    /** Serves /sys/names with one member: a mailbox under the name and a thread that dispatches its private protocol. */
    private void serveNamingFleet() {
        Kernel kernel = node.kernel(NAMING);
        NamingMember naming = new NamingMember(rpc.libfos(NAMING, "naming"), null);
        Mailbox box = kernel.createMailbox("naming", 1024);
        memberBox = box;
        Dispatcher d = rpc.libfos(NAMING, "naming").dispatcher(NamePeers.class, naming);
        member = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    box.drain(d::dispatch, 64, 50, TimeUnit.MILLISECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "naming member");
        member.start();
        kernel.names().register(NameService.NAME, box.capability(), Map.of());
    }

    private NameStoreClient client(long owner) {
        NameStoreClient c = new NameStoreClient(node.kernel(owner), rpc.libfos(owner, "client " + owner), (store, available) -> offers.add(
                available));
        clients.add(c);
        return c;
    }

    private NameEntry entry(String name, long registration) {
        Capability c = node.kernel(9).createMailbox("registered " + registration, 16).capability();
        return new NameEntry(name, c, registration, Map.of());
    }

    private static NameEvent next(BlockingQueue<NameEvent> events) throws InterruptedException {
        NameEvent e = events.poll(30, TimeUnit.SECONDS);
        assertThat(e).as("a change within 30 s").isNotNull();
        return e;
    }

    @Test
    void shouldOfferItselfOnceTheNamingFleetHasAMemberAndWithdrawWhenClosed() throws InterruptedException {
        NameStoreClient c = client(2);
        serveNamingFleet();
        assertThat(offers.poll(30, TimeUnit.SECONDS)).isTrue();

        c.close();
        clients.remove(c);
        assertThat(offers.poll(30, TimeUnit.SECONDS)).isFalse();
        assertThat(offers).isEmpty();
    }

    @Test
    void shouldHaveToldItsListenersOfItsOwnChangeWhenAddAndRemoveReturn() {
        serveNamingFleet();
        NameStoreClient c = client(2);
        List<NameEvent> events = new CopyOnWriteArrayList<>();
        c.watch("/sys/kv", events::add);
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.kind()).isEqualTo(NameEvent.Kind.SNAPSHOT);
            assertThat(e.members()).isEmpty();
        });

        NameEntry e = entry("/sys/kv", 1);
        c.add(e);
        assertThat(events).hasSize(2);
        assertThat(events.get(1).kind()).isEqualTo(NameEvent.Kind.ADDED);
        assertThat(events.get(1).entry()).isEqualTo(e);
        assertThat(c.find("/sys/kv")).containsExactly(e);

        c.remove(e);
        assertThat(events).hasSize(3);
        assertThat(events.get(2).kind()).isEqualTo(NameEvent.Kind.REMOVED);
        assertThat(c.find("/sys/kv")).isEmpty();
        assertThat(c.list("/sys")).isEmpty();
    }

    @Test
    void shouldTellItsListenersTheChangesOfAnotherClientInOrder() throws InterruptedException {
        serveNamingFleet();
        NameStoreClient watching = client(2);
        NameStoreClient other = client(4);
        BlockingQueue<NameEvent> events = new LinkedBlockingQueue<>();
        watching.watch("/sys/kv", events::add);
        assertThat(next(events).kind()).isEqualTo(NameEvent.Kind.SNAPSHOT);

        NameEntry one = entry("/sys/kv", 1);
        NameEntry two = entry("/sys/kv", 2);
        other.add(one);
        other.add(two);
        other.remove(one);

        assertThat(next(events).entry()).isEqualTo(one);
        NameEvent second = next(events);
        assertThat(second.entry()).isEqualTo(two);
        assertThat(second.members()).containsExactly(one, two);
        NameEvent third = next(events);
        assertThat(third.kind()).isEqualTo(NameEvent.Kind.REMOVED);
        assertThat(third.members()).containsExactly(two);
    }

    @Test
    void shouldTakeEveryWatchedNameAfreshWhenItMissedAChangeAndIgnoreAChangeToldTwice() {
        serveNamingFleet();
        NameStoreClient c = client(2);
        List<NameEvent> events = new CopyOnWriteArrayList<>();
        c.watch("/sys/kv", events::add);
        NameEntry e = entry("/sys/kv", 1);
        c.add(e); // change 1

        NameEvent bogus = new NameEvent("/sys/kv", NameEvent.Kind.ADDED, entry("/sys/kv", 99), List.of());
        c.changed(1, bogus); // told twice: already taken
        assertThat(events).hasSize(2);

        c.changed(5, bogus); // 2 to 4 were missed: the watched names are taken afresh from the fleet, then 5 applies
        assertThat(events).hasSize(4);
        assertThat(events.get(2).kind()).isEqualTo(NameEvent.Kind.SNAPSHOT);
        assertThat(events.get(2).members()).containsExactly(e);
        assertThat(events.get(3)).isSameAs(bogus);
    }

    @Test
    void shouldStopTellingAListenerWhoseWatchClosed() throws Exception {
        serveNamingFleet();
        NameStoreClient c = client(2);
        NameStoreClient other = client(4);
        List<NameEvent> closed = new CopyOnWriteArrayList<>();
        BlockingQueue<NameEvent> open = new LinkedBlockingQueue<>();
        AutoCloseable kv = c.watch("/sys/kv", closed::add);
        c.watch("/sys/fs", open::add);
        assertThat(next(open).kind()).isEqualTo(NameEvent.Kind.SNAPSHOT);
        kv.close();

        other.add(entry("/sys/kv", 1));
        other.add(entry("/sys/fs", 2));

        // changes come in order: once the later one arrived, the earlier one would have
        assertThat(next(open).entry().name()).isEqualTo("/sys/fs");
        assertThat(closed).singleElement().extracting(NameEvent::kind).isEqualTo(NameEvent.Kind.SNAPSHOT);
    }

    @Test
    void shouldCloseTheWatchesItEndsWithoutCallingTheFleetWhenTheFleetNoLongerAnswers() throws Exception {
        serveNamingFleet();
        AutoCloseable[] kernelsWatch = new AutoCloseable[1];
        // as a kernel does: when the store is withdrawn, the watches it holds there end
        NameStoreClient c = new NameStoreClient(node.kernel(2), rpc.libfos(2, "client 2"), (store, available) -> {
            if (!available) {
                try {
                    kernelsWatch[0].close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
            offers.add(available);
        });
        assertThat(offers.poll(30, TimeUnit.SECONDS)).isTrue();
        kernelsWatch[0] = c.watch("/sys/kv", e -> { });
        // the member stops answering, as a restarted node's members do: what is sent to them is dropped
        member.interrupt();
        member.join();
        member = null;

        int waiting = memberBox.depth();
        c.close();
        assertThat(memberBox.depth()).as("close sent the fleet nothing (an unwatch would wait its 10 s for an answer)")
                .isEqualTo(waiting);
        assertThat(offers.poll(30, TimeUnit.SECONDS)).isFalse();
    }

    @Test
    void shouldRefuseChangesOnceClosed() throws InterruptedException {
        serveNamingFleet();
        NameStoreClient c = client(2);
        c.close();
        clients.remove(c);
        assertThatThrownBy(() -> c.add(entry("/sys/kv", 1))).isInstanceOf(IllegalStateException.class).hasMessageContaining("stopping");
        assertThatThrownBy(() -> c.remove(entry("/sys/kv", 1))).isInstanceOf(IllegalStateException.class);
    }
}
