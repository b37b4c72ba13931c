package org.fos.kernel.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.fos.kernel.api.Address;
import org.fos.kernel.api.Capability;
import org.fos.kernel.api.Mailbox;
import org.fos.kernel.api.Message;
import org.fos.kernel.api.NameEntry;
import org.fos.kernel.api.Right;
import org.fos.kernel.api.Selection;
import org.fos.kernel.api.Status;
import org.fos.kernel.spi.ClientLimits;
import org.fos.kernel.spi.EncodedPayload;
import org.fos.kernel.spi.PayloadCodec;
import org.fos.kernel.spi.Transport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two kernels joined by a transport the test drives by hand: frames are carried, lost, repeated
 * or held as the test says, and the links still deliver every message exactly once, in order.
 */
class LinkTest {

    /** What a transport was given to carry, for the test to deliver or lose. */
    private record Frame(String to, long sequence, Message message) {
    }

    /** A transport between two kernels that only queues; the test moves frames and acknowledgements. */
    private static final class Wire implements Transport {
        final String reaches;
        final List<Frame> frames = new ArrayList<>();
        final List<Long> acks = new ArrayList<>();
        boolean up = true;

        Wire(String reaches) {
            this.reaches = reaches;
        }

        @Override
        public int cost(String nodeId) {
            return up && reaches.equals(nodeId) ? 1 : -1;
        }

        @Override
        public synchronized boolean transmit(String nodeId, long sequence, Message message) {
            frames.add(new Frame(nodeId, sequence, message));
            return true;
        }

        @Override
        public synchronized void acknowledge(String nodeId, long sequence) {
            acks.add(sequence);
        }

        synchronized List<Frame> take() {
            List<Frame> out = new ArrayList<>(frames);
            frames.clear();
            return out;
        }
    }

    private final KernelCore a = new KernelCore("n-a", new KernelSettings(IdleStrategy.DEFAULT, 1024, false, 8, 60_000), id -> true);
    private final KernelCore b = new KernelCore("n-b", new KernelSettings(IdleStrategy.DEFAULT, 1024, false, 8, 60_000), id -> true);
    private final Mailbox inbox = new BundleKernel(b, 1).createMailbox("inbox", 4);

    @AfterEach
    void stop() {
        a.shutdown();
        b.shutdown();
    }

    private Message msg(int i) {
        return Message.of(inbox.capability(), "n", i);
    }

    /** Carries frames from a to b and b's acknowledgements back. */
    private void carry(List<Frame> frames) {
        for (Frame f : frames) {
            long delivered = b.linkTable().deliver("n-a", a.linkTable().epoch(), f.sequence(), f.message());
            a.linkTable().acknowledged("n-b", delivered);
        }
    }

    private List<Object> drain() {
        List<Object> out = new ArrayList<>();
        for (Message m; (m = inbox.poll()) != null;) {
            out.add(m.payload());
        }
        return out;
    }

    @Test
    void shouldNarrowTheCapabilityOfAClientsMessageToWhatItsTicketAllows() {
        BundleKernel kb = new BundleKernel(b, 1);
        Mailbox kv = kb.createMailbox("kv member", 8);
        Mailbox fs = kb.createMailbox("fs member", 8);
        NameEntry kvEntry = kb.register("/sys/kv", kv.capability(), Map.of()).entry();
        NameEntry fsEntry = kb.register("/sys/fs", fs.capability(), Map.of()).entry();
        ClientLimits callKvOnly = new ClientLimits(Right.CALL.bit(), Set.of("/sys/kv"));
        long seq = 0;

        // the member capability (send, call, peer, admin) of /sys/kv: a call-only client keeps send and call
        b.linkTable().deliver("client-1", 5, ++seq, Message.of(kvEntry.member(), "put", 1), callKvOnly);
        Message got = kv.poll();
        assertThat(got.payload()).isEqualTo(1);
        assertThat(got.to().rights()).isEqualTo(Right.SEND.bit() | Right.CALL.bit());
        assertThat(b.check(got.to())).as("a capability the kernel issued").isEqualTo(Status.OK);
        // the same capability again: the narrowed one is derived once
        int capabilities = b.stats().capabilities();
        b.linkTable().deliver("client-1", 5, ++seq, Message.of(kvEntry.member(), "put", 2), callKvOnly);
        assertThat(kv.poll().to()).isEqualTo(got.to());
        assertThat(b.stats().capabilities()).isEqualTo(capabilities);

        // /sys/fs is not a name the ticket lists: the message arrives with send alone, and its server refuses any call
        b.linkTable().deliver("client-1", 5, ++seq, Message.of(fsEntry.capability(), "read", 3), callKvOnly);
        assertThat(fs.poll().to().rights()).isEqualTo(Right.SEND.bit());

        // without limits (a node) the capability is left as it came
        b.linkTable().deliver("n-a", a.linkTable().epoch(), 1, Message.of(kvEntry.member(), "peer", 4));
        assertThat(kv.poll().to()).isEqualTo(kvEntry.member());

        // revoking the member capability revokes what was narrowed from it
        kb.revoke(kv.capability(), kvEntry.member());
        assertThat(b.check(got.to())).isEqualTo(Status.REVOKED);
    }

    @Test
    void shouldCountTheRefusalsServersReport() {
        BundleKernel kb = new BundleKernel(b, 1);
        long before = b.stats().rejected(Status.NO_RIGHT);
        Message m = Message.of(inbox.capability(), "execute", null);
        kb.refused(m, Status.NO_RIGHT);
        assertThat(b.stats().rejected(Status.NO_RIGHT)).isEqualTo(before + 1);
        assertThat(kb.mailboxes().stream().filter(i -> i.address().equals(inbox.address())).findFirst().orElseThrow()
                .rejectedCapability()).isEqualTo(1);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> kb.refused(m, Status.OK)).isInstanceOf(IllegalArgumentException.class);
    }

    /** A member on node n-d, as a capability another node holds. */
    private static final Capability ON_N_D = new Capability(new Address("n-d", 7), Right.SEND.bit(), 11, 12);

    /** Node n-c, which counts a node out of reach after 50 ms without a transport, resolving through {@code store}. */
    private static KernelCore watchful(LocalNameStore store) {
        KernelCore c = new KernelCore("n-c", new KernelSettings(IdleStrategy.DEFAULT, 1024, false, 8, 60_000, 1_000_000, 50),
                id -> true);
        c.setNameStore(store);
        return c;
    }

    @Test
    void shouldFindANodeOutOfReachWhoseMembersLeftTheirNamesBeforeItsLinkFellSilent() {
        LocalNameStore store = new LocalNameStore();
        KernelCore c = watchful(store);
        try {
            Capability remote = ON_N_D;
            NameEntry member = new NameEntry("/t/fleet", remote, 1, Map.of());
            store.add(member);
            Wire wire = new Wire("n-d");
            c.addTransport(wire);
            assertThat(c.resolve("/t/fleet", Selection.ROUND_ROBIN, null).address()).isEqualTo(remote.address());
            assertThat(c.send(Message.of(remote, "call", null))).as("a call to the member: a link to n-d").isEqualTo(Status.OK);
            // n-d's ZooKeeper session expires first: its member leaves the name while the link still stands
            store.remove(member);
            await().atMost(10, TimeUnit.SECONDS).until(() -> c.cached("/t/fleet").isEmpty());
            wire.up = false;
            await().atMost(10, TimeUnit.SECONDS).until(() -> !c.reachable("n-d"));
            wire.up = true;
            await().atMost(10, TimeUnit.SECONDS).until(() -> c.reachable("n-d"));
        } finally {
            c.shutdown();
        }
    }

    @Test
    void shouldLeaveOutTheMembersOfANodeThatNoTransportReachesAndTakeThemBackWhenItIs() {
        LocalNameStore store = new LocalNameStore();
        KernelCore c = watchful(store);
        try {
            Mailbox local = new BundleKernel(c, 1).createMailbox("local member", 4);
            Capability remote = ON_N_D;
            store.add(new NameEntry("/t/fleet", remote, 1, Map.of()));
            store.add(new NameEntry("/t/fleet", local.capability(), 2, Map.of()));
            Wire wire = new Wire("n-d");
            c.addTransport(wire);
            assertThat(c.resolve("/t/fleet", Selection.ROUND_ROBIN, null)).isNotNull();
            Set<Address> picked = new HashSet<>();
            for (int i = 0; i < 10; i++) {
                picked.add(c.resolve("/t/fleet", Selection.ROUND_ROBIN, null).address());
            }
            assertThat(picked).as("both members while n-d is reached").hasSize(2);

            wire.up = false;
            await().atMost(10, TimeUnit.SECONDS).until(() -> !c.reachable("n-d"));
            for (int i = 0; i < 10; i++) {
                assertThat(c.resolve("/t/fleet", Selection.ROUND_ROBIN, null).address()).isEqualTo(local.address());
                assertThat(c.resolve("/t/fleet", Selection.KEY_AFFINITY, "key-" + i).address()).isEqualTo(local.address());
            }
            assertThat(c.reachable("n-c")).as("a node always reaches itself").isTrue();

            wire.up = true;
            await().atMost(10, TimeUnit.SECONDS).until(() -> c.reachable("n-d"));
            picked.clear();
            for (int i = 0; i < 10; i++) {
                picked.add(c.resolve("/t/fleet", Selection.ROUND_ROBIN, null).address());
            }
            assertThat(picked).hasSize(2);
        } finally {
            c.shutdown();
        }
    }

    @Test
    void shouldDeliverOnceInOrderDespiteRepeatsAndLosses() {
        Wire wire = new Wire("n-b");
        a.addTransport(wire);
        a.linkTable().connected("n-b", b.linkTable().epoch());
        for (int i = 1; i <= 3; i++) {
            assertThat(a.send(msg(i))).isEqualTo(Status.OK);
        }
        List<Frame> frames = wire.take();
        carry(List.of(frames.get(0), frames.get(2))); // the second is lost: the third waits for it
        assertThat(drain()).containsExactly(1);
        carry(frames); // everything again: 1 is a repeat, 2 and 3 go in
        assertThat(drain()).containsExactly(2, 3);
        assertThat(a.links().get(0).unacknowledged()).isZero();
        assertThat(b.links().get(0).duplicates()).isEqualTo(1);
        assertThat(b.links().get(0).outOfOrder()).isEqualTo(1);
    }

    @Test
    void shouldKeepMessagesAcrossATransportSwapAndSendThemAgain() {
        Wire first = new Wire("n-b");
        a.addTransport(first);
        a.linkTable().connected("n-b", b.linkTable().epoch());
        a.send(msg(1));
        a.send(msg(2));
        first.take(); // lost with the connection
        a.removeTransport(first);
        assertThat(a.send(msg(3))).as("buffered while no transport reaches n-b").isEqualTo(Status.OK);

        Wire second = new Wire("n-b");
        a.addTransport(second);
        a.linkTable().connected("n-b", b.linkTable().epoch());
        carry(second.take());
        assertThat(drain()).containsExactly(1, 2, 3);
        assertThat(a.links().get(0).retransmitted()).isEqualTo(3);
    }

    @Test
    void shouldRefuseWithFullWhenTheLinkBufferIsFull() {
        Wire wire = new Wire("n-b");
        a.addTransport(wire);
        for (int i = 0; i < 8; i++) {
            assertThat(a.send(msg(i))).isEqualTo(Status.OK);
        }
        assertThat(a.send(msg(9))).isEqualTo(Status.FULL);
        assertThat(a.stats().rejected(Status.FULL)).isEqualTo(1);
    }

    @Test
    void shouldLeaveAMessageForAFullMailboxToBeSentAgain() throws Exception {
        Wire wire = new Wire("n-b");
        a.addTransport(wire);
        a.linkTable().connected("n-b", b.linkTable().epoch());
        for (int i = 1; i <= 6; i++) {
            a.send(msg(i));
        }
        carry(wire.take()); // the mailbox holds 4: 5 and 6 are deferred
        assertThat(a.links().get(0).unacknowledged()).isEqualTo(2);
        assertThat(b.links().get(0).deferred()).isEqualTo(1);
        assertThat(drain()).containsExactly(1, 2, 3, 4);
        a.linkTable().connected("n-b", b.linkTable().epoch()); // sends the unacknowledged again
        carry(wire.take());
        assertThat(drain()).containsExactly(5, 6);
        assertThat(inbox.receive(1, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void shouldStartAfreshWhenThePeerRestarted() {
        Wire wire = new Wire("n-b");
        a.addTransport(wire);
        a.linkTable().connected("n-b", b.linkTable().epoch());
        a.send(msg(1));
        wire.take();
        a.linkTable().connected("n-b", b.linkTable().epoch() + 1); // n-b came back as a new incarnation
        assertThat(a.links().get(0).unacknowledged()).isZero();
        a.send(msg(2));
        assertThat(wire.take()).extracting(Frame::sequence).containsExactly(1L);
    }

    @Test
    void shouldCountAForgedCapabilityOnTheOwningNodeAndTreatItAsFinal() {
        Wire wire = new Wire("n-b");
        a.addTransport(wire);
        a.linkTable().connected("n-b", b.linkTable().epoch());
        var real = inbox.capability();
        var forged = new org.fos.kernel.api.Capability(real.address(), real.rights(), real.tokenHigh() ^ 1, real.tokenLow());
        a.send(Message.of(forged, "n", "bad"));
        a.send(msg(7));
        carry(wire.take());
        assertThat(drain()).containsExactly(7);
        assertThat(b.stats().rejected(Status.FORGED)).isEqualTo(1);
        assertThat(a.stats().rejected(Status.FORGED)).isZero();
        assertThat(a.links().get(0).unacknowledged()).isZero();
    }

    @Test
    void shouldTellTheSenderOfAMessageRefusedForGoodThatItWasNotDeliveredAndNeverAnswerANotice() {
        Wire toB = new Wire("n-b");
        a.addTransport(toB);
        a.linkTable().connected("n-b", b.linkTable().epoch());
        Wire toA = new Wire("n-a");
        b.addTransport(toA);
        b.linkTable().connected("n-a", a.linkTable().epoch());
        Mailbox replies = new BundleKernel(a, 1).createMailbox("replies", 4);
        var real = inbox.capability();
        var forged = new org.fos.kernel.api.Capability(real.address(), real.rights(), real.tokenHigh() ^ 1, real.tokenLow());
        a.send(new Message(null, forged, replies.capability(), 42, "call", "bad"));
        a.send(new Message(null, forged, replies.capability(), 43, Message.UNDELIVERED, "FORGED n-b:1 a notice"));
        a.send(new Message(null, forged, null, 44, "oneWay", "bad"));
        carry(toB.take());
        assertThat(b.stats().rejected(Status.FORGED)).isEqualTo(3);

        List<Frame> notices = toA.take();
        assertThat(notices).as("one notice: none for a notice, none without a reply capability").hasSize(1);
        Message notice = notices.get(0).message();
        assertThat(notice.to()).isEqualTo(replies.capability());
        assertThat(notice.type()).isEqualTo(Message.UNDELIVERED);
        assertThat(notice.correlationId()).isEqualTo(42);
        assertThat((String) notice.payload()).startsWith("FORGED " + real.address() + " ")
                .contains("not one this node issued");
        a.linkTable().deliver("n-b", b.linkTable().epoch(), notices.get(0).sequence(), notice);
        assertThat(replies.poll()).as("the notice reaches the sender's reply mailbox").isEqualTo(notice);
    }

    @Test
    void shouldRefuseAtSendWhatCannotCrossTheWireAndKeepTheLinkFlowing() {
        Wire wire = new Wire("n-b");
        a.addTransport(wire);
        a.linkTable().connected("n-b", b.linkTable().epoch());
        a.setCodec(new PayloadCodec() {
            @Override
            public byte[] encode(Object payload) {
                if (!(payload instanceof String text)) {
                    throw new IllegalArgumentException("type not allowed: " + (payload == null ? "null" : payload.getClass().getName()));
                }
                return text.getBytes(StandardCharsets.UTF_8);
            }

            @Override
            public Object decode(byte[] bytes) {
                return new String(bytes, StandardCharsets.UTF_8);
            }

            @Override
            public AutoCloseable allow(Class<?> type) {
                throw new IllegalArgumentException("strings only");
            }
        });
        a.update(new KernelSettings(IdleStrategy.DEFAULT, 1024, false, 8, 60_000, 16, 1_000));

        assertThat(a.send(Message.of(inbox.capability(), "n", "first"))).isEqualTo(Status.OK);
        assertThat(a.send(Message.of(inbox.capability(), "n", 42))).as("a type the codec refuses").isEqualTo(Status.CODEC_ERROR);
        assertThat(a.send(Message.of(inbox.capability(), "n", "x".repeat(17)))).as("over 16 bytes").isEqualTo(Status.CODEC_ERROR);
        assertThat(a.send(Message.of(inbox.capability(), "n", "second"))).isEqualTo(Status.OK);
        assertThat(a.stats().rejected(Status.CODEC_ERROR)).isEqualTo(2);

        List<Frame> frames = wire.take();
        assertThat(frames).as("only what can cross, numbered without gaps").hasSize(2);
        assertThat(frames.get(0).message().payload()).isInstanceOf(EncodedPayload.class);
        assertThat(frames.get(1).sequence()).isEqualTo(frames.get(0).sequence() + 1);
        // the receiving transport decodes the bytes; the link delivers both in order
        for (Frame f : frames) {
            Message m = f.message();
            Object payload = new String(((EncodedPayload) m.payload()).bytes(), StandardCharsets.UTF_8);
            a.linkTable().acknowledged("n-b", b.linkTable().deliver("n-a", a.linkTable().epoch(), f.sequence(),
                    new Message(m.from(), m.to(), m.replyTo(), m.correlationId(), m.type(), payload)));
        }
        assertThat(drain()).containsExactly("first", "second");
        assertThat(a.links().get(0).unacknowledged()).isZero();
    }
}
