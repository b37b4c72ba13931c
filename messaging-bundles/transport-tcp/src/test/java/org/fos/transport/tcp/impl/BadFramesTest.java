package org.fos.transport.tcp.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.fos.transport.tcp.impl.TestWire.ALLOC;
import static org.fos.transport.tcp.impl.TestWire.bytes;
import static org.fos.transport.tcp.impl.TestWire.header;
import static org.fos.transport.tcp.impl.TestWire.readFrame;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;


import org.fos.kernel.api.Capability;
import org.fos.kernel.api.Mailbox;
import org.fos.kernel.api.Message;
import org.fos.kernel.api.Status;
import org.fos.transport.api.FrameDescriptor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bad input sent to a listening transport through a raw socket, while a well-behaved peer stays
 * connected: each bad connection is closed (or the bad frame refused), counted by reason, and the
 * good peer keeps exchanging messages both ways.
 */
class BadFramesTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static TestNode victim;
    private static TestNode good;
    private static Mailbox victimInbox;
    private static Mailbox goodInbox;
    private static final AtomicInteger ROGUES = new AtomicInteger();
    private long round;

    @BeforeAll
    static void start() {
        victim = TestNode.start("victim", Map.of());
        good = TestNode.start("good", victim.asPeer());
        victimInbox = victim.kernel.createMailbox("inbox", 64);
        goodInbox = good.kernel.createMailbox("inbox", 64);
        await().atMost(WAIT).until(() -> good.transport().cost("victim") >= 0 && victim.transport().cost("good") >= 0);
    }

    @AfterAll
    static void stop() {
        good.close();
        victim.close();
    }

    @BeforeEach
    void goodPeerStillTalks() throws InterruptedException {
        assertExchange();
    }

    private void assertExchange() throws InterruptedException {
        TestWire.assertExchange(victim, victimInbox, good, goodInbox, ++round);
    }

    private static Socket connect() throws IOException {
        return TestWire.connect(victim.transport());
    }

    private static byte[] hello(String node, String cluster) {
        return bytes(Frames.hello(ALLOC, new Frames.Hello(node, cluster, 0x1234_5678L, FrameDescriptor.VERSION, false, null, null)));
    }

    /** Reads until the peer closes; fails if it does not close within the wait. */
    private static void assertClosedByPeer(Socket s) throws IOException {
        TestWire.drainUntilClosed(s);
    }

    /** Sends bytes on a fresh connection and waits for the victim to close it and count the fault. */
    private void assertRefused(Fault fault, byte[]... parts) throws IOException {
        long before = victim.transport().faults(fault);
        try (Socket s = connect()) {
            OutputStream out = s.getOutputStream();
            for (byte[] p : parts) {
                out.write(p);
            }
            out.flush();
            assertClosedByPeer(s);
        }
        await(fault + " counted").atMost(WAIT).until(() -> victim.transport().faults(fault) == before + 1);
    }

    @Test
    void shouldCloseAConnectionThatSendsRandomBytes() throws Exception {
        byte[] noise = new byte[200];
        new Random(7).nextBytes(noise);
        noise[0] = 0x00; // never the magic's first byte
        assertRefused(Fault.BAD_MAGIC, noise);
        assertExchange();
    }

    @Test
    void shouldCloseAConnectionWithAWrongMagic() throws Exception {
        assertRefused(Fault.BAD_MAGIC, header(0x48545450, FrameDescriptor.VERSION, FrameDescriptor.TYPE_HELLO, 0, 0));
        assertExchange();
    }

    @Test
    void shouldCloseAConnectionWithAWrongVersion() throws Exception {
        assertRefused(Fault.BAD_VERSION, header(FrameDescriptor.MAGIC, 9, FrameDescriptor.TYPE_HELLO, 0, 0));
        assertExchange();
    }

    @Test
    void shouldCloseAConnectionWithAnUnknownFrameType() throws Exception {
        assertRefused(Fault.BAD_TYPE, header(FrameDescriptor.MAGIC, FrameDescriptor.VERSION, 77, 0, 0));
        assertExchange();
    }

    @Test
    void shouldCloseAConnectionThatAnnouncesAnOversizedFrame() throws Exception {
        assertRefused(Fault.OVERSIZED, header(FrameDescriptor.MAGIC, FrameDescriptor.VERSION, FrameDescriptor.TYPE_HELLO, 0, 1 << 30));
        assertRefused(Fault.OVERSIZED, header(FrameDescriptor.MAGIC, FrameDescriptor.VERSION, FrameDescriptor.TYPE_HELLO, 0, -1));
        // before the handshake a DATA frame is refused from its type, before its body length is looked at
        assertRefused(Fault.UNEXPECTED_FRAME, header(FrameDescriptor.MAGIC, FrameDescriptor.VERSION, FrameDescriptor.TYPE_DATA, 0, 1 << 30));
        assertExchange();
    }

    @Test
    void shouldCountATruncatedFrame() throws Exception {
        byte[] hello = hello("rogue", "fos");
        byte[] part = new byte[hello.length - 5];
        System.arraycopy(hello, 0, part, 0, part.length);
        long before = victim.transport().faults(Fault.TRUNCATED);
        try (Socket s = connect()) {
            s.getOutputStream().write(part);
            s.shutdownOutput();
            assertClosedByPeer(s);
        }
        await("TRUNCATED counted").atMost(WAIT).until(() -> victim.transport().faults(Fault.TRUNCATED) == before + 1);
        assertExchange();
    }

    @Test
    void shouldCloseAConnectionWithAMalformedBody() throws Exception {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(header(FrameDescriptor.MAGIC, FrameDescriptor.VERSION, FrameDescriptor.TYPE_HELLO, 0, 12));
        frame.write(new byte[] {0, 0, 0, 0, 0, 0, 0, 1, 0, 1, (byte) 0xFF, (byte) 0xFF}); // a node id of 65535 bytes in a 12-byte body
        assertRefused(Fault.MALFORMED, frame.toByteArray());
        assertRefused(Fault.MALFORMED, header(FrameDescriptor.MAGIC, FrameDescriptor.VERSION, FrameDescriptor.TYPE_HEARTBEAT, 0x80, 0));
        assertExchange();
    }

    @Test
    void shouldRefuseEveryMalformedFrameKindAtOnce() throws Exception {
        // a HEARTBEAT or an ACK with a body, an AUTH of the wrong length, a HELLO too long to be one: refused from the header
        assertRefused(Fault.MALFORMED, hello("rogue-" + ROGUES.incrementAndGet(), "fos"),
                header(FrameDescriptor.MAGIC, FrameDescriptor.VERSION, FrameDescriptor.TYPE_HEARTBEAT, 0, 8));
        assertRefused(Fault.MALFORMED, header(FrameDescriptor.MAGIC, FrameDescriptor.VERSION, FrameDescriptor.TYPE_AUTH, 0, 31));
        assertRefused(Fault.MALFORMED, header(FrameDescriptor.MAGIC, FrameDescriptor.VERSION, FrameDescriptor.TYPE_HELLO, 0,
                FrameDescriptor.MAX_HELLO_BODY + 1));
        // a node id that is not UTF-8
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(header(FrameDescriptor.MAGIC, FrameDescriptor.VERSION, FrameDescriptor.TYPE_HELLO, 0, 8 + 2 + 2 + 2 + 2 + 3));
        frame.write(new byte[] {0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 2, (byte) 0xC3, (byte) 0x28, 0, 3, 'f', 'o', 's'});
        assertRefused(Fault.MALFORMED, frame.toByteArray());
        assertExchange();
    }

    @Test
    void shouldTellARefusedPeerWhyInARefuseFrame() throws Exception {
        try (Socket s = connect()) {
            s.getOutputStream().write(hello("rogue-" + ROGUES.incrementAndGet(), "other-cluster"));
            byte[] refuse = readFrame(new DataInputStream(s.getInputStream()), FrameDescriptor.TYPE_REFUSE);
            Frames.Refusal r = Frames.readRefusal(io.netty.buffer.Unpooled.wrappedBuffer(refuse));
            assertThat(r.fault()).isEqualTo("WRONG_CLUSTER");
            assertThat(r.detail()).contains("other-cluster");
        }
        assertExchange();
    }

    @Test
    void shouldCloseAConnectionThatSendsDataBeforeTheHandshake() throws Exception {
        assertRefused(Fault.UNEXPECTED_FRAME, bytes(Frames.ack(ALLOC, 5, false)));
        assertExchange();
    }

    @Test
    void shouldRefuseAPeerOfAnotherClusterOrWithTheVictimsNodeId() throws Exception {
        assertRefused(Fault.WRONG_CLUSTER, hello("rogue", "other-cluster"));
        assertRefused(Fault.WRONG_NODE, hello("victim", "fos"));
        assertExchange();
    }

    private static long sequence(byte[] frame) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (frame[FrameDescriptor.SEQUENCE_OFFSET + i] & 0xFF);
        }
        return v;
    }

    @Test
    void shouldDeliverAForgedCapabilityToTheKernelWhichRefusesAndCountsIt() throws Exception {
        Capability real = victimInbox.capability();
        Capability forged = new Capability(real.address(), real.rights(), real.tokenHigh(), real.tokenLow() + 1);
        long forgedBefore = victim.kernel.stats().rejected(Status.FORGED);
        try (Socket s = connect()) {
            OutputStream out = s.getOutputStream();
            DataInputStream in = new DataInputStream(s.getInputStream());
            out.write(hello("rogue-" + ROGUES.incrementAndGet(), "fos"));
            readFrame(in, FrameDescriptor.TYPE_HELLO);
            byte[] payload = victim.codec.encode("let me in");
            out.write(bytes(Frames.data(ALLOC, 1, Message.of(forged, "evil", null), payload)));
            byte[] ack = readFrame(in, FrameDescriptor.TYPE_ACK);
            assertThat(sequence(ack)).as("refused by the kernel, final: acknowledged").isEqualTo(1);
        }
        assertThat(victim.kernel.stats().rejected(Status.FORGED)).isEqualTo(forgedBefore + 1);
        assertThat(victimInbox.poll()).isNull();
        assertExchange();
    }

    @Test
    void shouldRefuseAnUndecodablePayloadButKeepTheConnection() throws Exception {
        long before = victim.transport().faults(Fault.UNDECODABLE_PAYLOAD);
        try (Socket s = connect()) {
            OutputStream out = s.getOutputStream();
            DataInputStream in = new DataInputStream(s.getInputStream());
            out.write(hello("rogue-" + ROGUES.incrementAndGet(), "fos"));
            readFrame(in, FrameDescriptor.TYPE_HELLO);
            byte[] garbage = {(byte) 0xFA, 0x11, 0x22, 0x33};
            out.write(bytes(Frames.data(ALLOC, 1, Message.of(victimInbox.capability(), "junk", null), garbage)));
            byte[] ack = readFrame(in, FrameDescriptor.TYPE_ACK);
            assertThat(sequence(ack)).as("nothing delivered").isZero();
            assertThat(Frames.gap(io.netty.buffer.Unpooled.wrappedBuffer(ack))).as("asks for it again").isTrue();
            out.write(bytes(Frames.heartbeat(ALLOC)));
            out.write(bytes(Frames.data(ALLOC, 1, Message.of(victimInbox.capability(), "fine", null), victim.codec.encode(5L))));
            assertThat(sequence(readFrame(in, FrameDescriptor.TYPE_ACK))).as("the same connection serves on").isEqualTo(1);
        } catch (EOFException e) {
            throw new AssertionError("the victim closed the connection", e);
        }
        assertThat(victim.transport().faults(Fault.UNDECODABLE_PAYLOAD)).isEqualTo(before + 1);
        Message m = victimInbox.receive(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(m.type()).isEqualTo("fine");
        assertExchange();
    }

    @Test
    void shouldCloseAConnectionThatStaysSilent() throws Exception {
        TestNode quick = TestNode.start("quick", new TransportSettings("127.0.0.1", 0, "", "fos", Map.of(), 10, 1 << 20, 5_000, 100,
                10_000, 300, 100, 400, 1 << 20, 4 << 20, 1, null));
        try (Socket s = new Socket()) {
            s.setSoTimeout((int) WAIT.toMillis());
            s.connect(new InetSocketAddress("127.0.0.1", quick.transport().port()));
            assertClosedByPeer(s);
            await().atMost(WAIT).until(() -> quick.transport().faults(Fault.HANDSHAKE_TIMEOUT) == 1);
        } finally {
            quick.close();
        }
    }

    @Test
    void shouldCloseAnEstablishedConnectionThatFallsSilent() throws Exception {
        // a heartbeat timeout of 400 ms, looked for by the connection's own timer (a waiting thread's reads
        // count as well as the event loop's)
        TestNode quick = TestNode.start("quick", new TransportSettings("127.0.0.1", 0, "", "fos", Map.of(), 10, 1 << 20, 5_000, 100,
                10_000, 5_000, 100, 400, 1 << 20, 4 << 20, 1, null));
        try (Socket s = TestWire.connect(quick.transport())) {
            OutputStream out = s.getOutputStream();
            DataInputStream in = new DataInputStream(s.getInputStream());
            out.write(hello("rogue-" + ROGUES.incrementAndGet(), "fos"));
            readFrame(in, FrameDescriptor.TYPE_HELLO);
            assertClosedByPeer(s);
            await().atMost(WAIT).until(() -> quick.transport().faults(Fault.HEARTBEAT_TIMEOUT) == 1);
            assertThat(quick.transport().faults(Fault.HANDSHAKE_TIMEOUT)).isZero();
        } finally {
            quick.close();
        }
    }

    @Test
    void shouldRefuseABadFrameThatAWaitingThreadReadsAndServeOn() throws Exception {
        long before = victim.transport().faults(Fault.BAD_MAGIC);
        CountDownLatch hold = new CountDownLatch(1);
        try (Socket s = connect()) {
            OutputStream out = s.getOutputStream();
            DataInputStream in = new DataInputStream(s.getInputStream());
            out.write(hello("rogue-" + ROGUES.incrementAndGet(), "fos"));
            readFrame(in, FrameDescriptor.TYPE_HELLO);
            await("established").atMost(WAIT).until(() -> victim.transport().connections().stream()
                    .filter(c -> c.peer().startsWith("rogue-")).anyMatch(c -> "ESTABLISHED".equals(c.state())));
            // the event loop is held: only a waiting thread can read what comes now
            TestWire.holdEventLoops(victim.transport(), hold);
            out.write(header(0xDEAD_BEEF, FrameDescriptor.VERSION, FrameDescriptor.TYPE_DATA, 0, 8));
            out.flush();
            await("refused on the waiting thread").atMost(WAIT).until(() -> {
                victim.transport().assist();
                return victim.transport().faults(Fault.BAD_MAGIC) == before + 1;
            });
            hold.countDown();
            assertClosedByPeer(s);
        } finally {
            hold.countDown();
        }
        assertExchange();
    }
}
