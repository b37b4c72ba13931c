package org.fos.transport.shm.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;

import org.agrona.concurrent.UnsafeBuffer;
import org.fos.codec.embed.PayloadCodecs;
import org.fos.kernel.spi.PayloadCodec;
import org.fos.kernel.api.Kernel;
import org.fos.kernel.api.LinkInfo;
import org.fos.kernel.api.Mailbox;
import org.fos.kernel.api.Message;
import org.fos.kernel.api.Status;
import org.fos.kernel.impl.StandaloneKernel;
import org.fos.transport.api.ClusterSecret;
import org.fos.transport.api.FrameDescriptor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kernels in one JVM, each with its own media driver, joined by real shared-memory transports: the
 * handshake with the cluster secret, messages both ways through the real codec, bad frames written
 * into a node's log, a peer that goes away, and who may read the files.
 */
class ShmTransportTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ClusterSecret SECRET = ClusterSecret.of(filled(32, 1));

    @TempDir
    Path dir;

    private final List<Node> nodes = new ArrayList<>();

    /** A kernel outside OSGi with the real codec and a shared-memory transport. */
    private final class Node implements AutoCloseable {
        final String id;
        final StandaloneKernel kernels;
        final Kernel kernel;
        final PayloadCodec codec = PayloadCodecs.create();
        final ShmTransport transport;

        Node(String id, ShmSettings settings) {
            this.id = id;
            this.kernels = StandaloneKernel.start(id, false);
            this.kernel = kernels.kernel(1);
            kernels.codec(codec);
            codec.allow(Tick.class);
            this.transport = new ShmTransport(settings, id, kernels.links(), codec);
            kernels.addTransport(transport);
            nodes.add(this);
        }

        @Override
        public void close() {
            kernels.removeTransport(transport);
            transport.close();
            kernels.shutdown();
        }
    }

    @AfterEach
    void stop() {
        nodes.forEach(Node::close);
    }

    private ShmSettings settings(String node, ClusterSecret secret) {
        return ShmSettings.defaults(dir.resolve("shm").resolve(node), "fos", secret).withHeartbeat(200, 1_500);
    }

    /** Tells every node of the others, as the membership would. */
    private void meet(Node... all) {
        Map<String, ShmEndpoint> endpoints = new HashMap<>();
        for (Node n : all) {
            endpoints.put(n.id, n.transport.endpoint());
        }
        for (Node n : all) {
            n.transport.peers(endpoints);
        }
    }

    private static void awaitLinked(Node from, Node to) {
        await("shared-memory link " + from.id + " -> " + to.id).atMost(WAIT).until(() -> from.transport.isLinked(to.id));
    }

    /** Starts a node with the secret and waits until it and {@code a} are linked both ways. */
    private Node linkedTo(Node a, String id) {
        Node b = new Node(id, settings(id, SECRET));
        meet(a, b);
        awaitLinked(a, b);
        awaitLinked(b, a);
        return b;
    }

    private static Message receive(Mailbox box) throws InterruptedException {
        Message m = box.receive(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(m).as("a message in " + box.address()).isNotNull();
        return m;
    }

    @Test
    void shouldCarryMessagesBothWaysInOrderWhenTwoNodesHoldTheSecret() throws Exception {
        Node a = new Node("node-a", settings("node-a", SECRET));
        Node b = linkedTo(a, "node-b");
        Mailbox server = b.kernel.createMailbox("server", 4096);
        Mailbox client = a.kernel.createMailbox("client", 4096);

        byte[] big = new byte[300_000];
        Arrays.fill(big, (byte) 7);
        assertThat(a.kernel.send(new Message(client.address(), server.capability(), client.capability(), 1L, "big",
                new Tick("a", 0, big)))).isEqualTo(Status.OK);
        Message first = receive(server);
        assertThat(((Tick) first.payload()).data()).isEqualTo(big);
        int n = 2_000;
        for (int i = 1; i <= n; i++) {
            assertThat(a.kernel.send(new Message(client.address(), server.capability(), client.capability(), i, "tick",
                    new Tick("a", i, new byte[] {(byte) i})))).isEqualTo(Status.OK);
        }
        for (int i = 1; i <= n; i++) {
            Message m = receive(server);
            assertThat(((Tick) m.payload()).n()).as("in order").isEqualTo(i);
            assertThat(m.from()).isEqualTo(client.address());
            b.kernel.send(new Message(server.address(), m.replyTo(), null, m.correlationId(), "reply", new Tick("b", i, null)));
        }
        for (int i = 1; i <= n; i++) {
            assertThat(((Tick) receive(client).payload()).n()).isEqualTo(i);
        }
        await("every message acknowledged").atMost(WAIT).until(() -> a.kernel.links().stream().allMatch(l -> l.unacknowledged() == 0));
        LinkInfo link = b.kernel.links().get(0);
        assertThat(link.duplicates()).isZero();
        assertThat(a.transport.info().get("peers").toString()).contains("node-b=established");
        assertThat(a.transport.faults(Fault.AUTH_FAILED)).isZero();
    }

    @Test
    void shouldDeliverEveryMessageOnceAndInOrderWhenWaitingThreadsReadBesideTheAgent() throws Exception {
        Node a = new Node("node-a", settings("node-a", SECRET));
        Node b = linkedTo(a, "node-b");
        Mailbox server = b.kernel.createMailbox("server", 1 << 16);
        int senders = 3;
        int each = 3_000;
        List<Thread> threads = new ArrayList<>();
        for (int s = 0; s < senders; s++) {
            String source = "s" + s;
            Thread t = new Thread(() -> {
                for (int i = 1; i <= each; i++) {
                    Status st = a.kernel.send(new Message(null, server.capability(), null, i, "tick", new Tick(source, i, null)));
                    assertThat(st).isEqualTo(Status.OK);
                }
            }, "sender-" + s);
            threads.add(t);
            t.start();
        }
        Map<String, Long> last = new HashMap<>();
        for (int i = 0; i < senders * each; i++) {
            Tick tick = (Tick) receive(server).payload();
            long previous = last.getOrDefault(tick.sender(), 0L);
            assertThat(tick.n()).as("the next of " + tick.sender()).isEqualTo(previous + 1);
            last.put(tick.sender(), tick.n());
        }
        for (Thread t : threads) {
            t.join(WAIT.toMillis());
        }
        assertThat(server.poll()).as("nothing twice").isNull();

        Mailbox caller = a.kernel.createMailbox("caller", 64);
        Thread echo = new Thread(() -> {
            try {
                for (int i = 1; i <= 500; i++) {
                    Message m = receive(server);
                    b.kernel.send(new Message(server.address(), m.replyTo(), null, m.correlationId(), "reply", new Tick("b", i, null)));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "echo");
        echo.start();
        for (int i = 1; i <= 500; i++) {
            a.kernel.send(new Message(caller.address(), server.capability(), caller.capability(), i, "call", new Tick("a", i, null)));
            assertThat(((Tick) receive(caller).payload()).n()).isEqualTo((long) i);
        }
        echo.join(WAIT.toMillis());

        assertThat(b.kernel.links().get(0).duplicates()).isZero();
        // how many frames the waiting threads read depends on whether they spun (a free core): only shown
        assertThat(b.transport.info().get("counters").toString()).contains("readByWaitingThreads=");
    }

    /**
     * A frame read by a waiting thread is delivered as the agent delivers it. The test thread holds
     * the reading lock, so node-b's agent cannot read and the frame can only come through the test's
     * own {@code assist()} (the lock is reentrant).
     */
    @Test
    void shouldDeliverAFrameThatAWaitingThreadReads() throws Exception {
        Node a = new Node("node-a", settings("node-a", SECRET));
        Node b = linkedTo(a, "node-b");
        Mailbox server = b.kernel.createMailbox("server", 64);
        b.transport.reading.lock();
        try {
            long before = b.transport.counters.assisted.sum();
            assertThat(a.kernel.send(new Message(null, server.capability(), null, 1, "tick", new Tick("a", 1, null))))
                    .isEqualTo(Status.OK);
            await("node-b's waiting thread to read the frame").atMost(WAIT).pollInSameThread().until(() -> b.transport.assist() > 0);
            Message m = server.poll();
            assertThat(m).as("delivered by the thread that read it").isNotNull();
            assertThat(((Tick) m.payload()).n()).isEqualTo(1L);
            assertThat(b.transport.counters.assisted.sum()).isGreaterThan(before);
        } finally {
            b.transport.reading.unlock();
        }
        assertThat(a.kernel.send(new Message(null, server.capability(), null, 2, "tick", new Tick("a", 2, null)))).isEqualTo(Status.OK);
        assertThat(((Tick) receive(server).payload()).n()).as("the agent reads again once the lock is free").isEqualTo(2L);
        // acknowledgements wait for a batch or 100 us; with no message after these two, the agent still sends them
        await("both messages acknowledged, though nothing followed them").atMost(WAIT)
                .until(() -> a.kernel.links().stream().allMatch(l -> l.unacknowledged() == 0));
    }

    @Test
    void shouldNotLinkANodeThatHoldsAnotherSecret() {
        Node a = new Node("node-a", settings("node-a", SECRET));
        Node stranger = new Node("node-x", settings("node-x", ClusterSecret.of(filled(32, 2))));
        meet(a, stranger);
        await("the stranger's proof refused").atMost(WAIT).until(() -> a.transport.faults(Fault.AUTH_FAILED) > 0
                && stranger.transport.faults(Fault.AUTH_FAILED) > 0);
        assertThat(a.transport.isLinked("node-x")).isFalse();
        assertThat(stranger.transport.isLinked("node-a")).isFalse();
    }

    @Test
    void shouldLinkNoNodeOfAnotherHostOrExcludedOrWithoutASecret() {
        Node a = new Node("node-a", settings("node-a", SECRET).withHost("host-1", Set.of("node-c")));
        Node b = new Node("node-b", settings("node-b", SECRET).withHost("host-2", Set.of()));
        Node c = new Node("node-c", settings("node-c", SECRET).withHost("host-1", Set.of()));
        Node off = new Node("node-d", settings("node-d", null));
        assertThat(off.transport.endpoint()).isNull();
        Map<String, ShmEndpoint> endpoints = Map.of("node-a", a.transport.endpoint(), "node-b", b.transport.endpoint(), "node-c",
                c.transport.endpoint());
        a.transport.peers(endpoints);
        off.transport.peers(endpoints);
        @SuppressWarnings("unchecked")
        Map<String, String> members = (Map<String, String>) a.transport.info().get("members");
        assertThat(members.get("node-b")).contains("on host host-2");
        assertThat(members.get("node-c")).contains("excludedNodes");
        assertThat(off.transport.info().get("state").toString()).startsWith("off: no cluster secret");
        assertThat(off.transport.cost("node-a")).isNegative();
    }

    @Test
    void shouldRefuseAndCountBadFramesWrittenIntoTheLogAndServeOn() throws Exception {
        Node a = new Node("node-a", settings("node-a", SECRET));
        Node b = new Node("node-b", settings("node-b", SECRET));
        meet(a, b);
        awaitLinked(a, b);
        Mailbox server = b.kernel.createMailbox("server", 64);
        try (Aeron rogue = Aeron.connect(new Aeron.Context().aeronDirectoryName(b.transport.endpoint().directory().toString()))) {
            write(rogue, b, new byte[] {1, 2, 3}, Fault.TRUNCATED);
            write(rogue, b, header(0x12345678, 1, 1, 0), Fault.BAD_MAGIC);
            write(rogue, b, header(FrameDescriptor.MAGIC, 9, 1, 0), Fault.BAD_VERSION);
            write(rogue, b, header(FrameDescriptor.MAGIC, 1, 77, 0), Fault.BAD_TYPE);
            write(rogue, b, header(FrameDescriptor.MAGIC, 1, 2, 1 << 30), Fault.OVERSIZED);
            write(rogue, b, header(FrameDescriptor.MAGIC, 1, 2, 0), Fault.UNEXPECTED_FRAME);
            write(rogue, b, header(FrameDescriptor.MAGIC, 1, 1, 40), Fault.TRUNCATED);
        }
        assertThat(b.transport.isLinked("node-a")).as("the real link is untouched").isTrue();
        Mailbox client = a.kernel.createMailbox("client", 64);
        a.kernel.send(new Message(client.address(), server.capability(), null, 9L, "after", new Tick("a", 9, null)));
        assertThat(((Tick) receive(server).payload()).n()).isEqualTo(9);
    }

    /** Writes one message into the node's log through a publication of its own and waits until the node counts the fault. */
    private static void write(Aeron rogue, Node target, byte[] frame, Fault expected) {
        long before = target.transport.faults(expected);
        try (ExclusivePublication p = rogue.addExclusivePublication("aeron:ipc", target.transport.endpoint().stream())) {
            await("a subscriber").atMost(WAIT).until(p::isConnected);
            await("the frame written").atMost(WAIT).until(() -> p.offer(new UnsafeBuffer(frame)) > 0);
            await(expected + " counted").atMost(WAIT).until(() -> target.transport.faults(expected) > before);
        }
    }

    private static byte[] header(int magic, int version, int type, int bodyLength) {
        ByteBuffer b = ByteBuffer.allocate(64);
        b.putInt(0, magic);
        b.put(4, (byte) version);
        b.put(5, (byte) type);
        b.putInt(8, bodyLength);
        return b.array();
    }

    @Test
    void shouldTakeANumberPastItsWindowWhenTheNumbersBetweenWentThroughAnotherTransport() {
        Node a = new Node("node-a", settings("node-a", SECRET));
        Node b = new Node("node-b", settings("node-b", SECRET));
        meet(a, b);
        awaitLinked(a, b);
        Mailbox server = b.kernel.createMailbox("server", 64);
        Message m = new Message(null, server.capability(), null, 1L, "tick", new Tick("a", 1, null));
        // the link's first numbers, in order: node-b delivers them and asks for nothing again
        assertThat(a.transport.transmit("node-b", 1, m)).isTrue();
        assertThat(a.transport.transmit("node-b", 2, m)).isTrue();
        assertThat(a.transport.transmit("node-b", 2, m)).as("already in the log: not written twice").isTrue();
        assertThat(a.transport.counters.alreadyInLog.sum()).isEqualTo(1);
        long written = a.transport.counters.framesOut.sum();
        // number 3 went through TCP while shared memory was down: this log's window starts again at 4
        assertThat(a.transport.transmit("node-b", 4, m)).isTrue();
        assertThat(a.transport.counters.framesOut.sum()).isGreaterThan(written);
        assertThat(a.transport.counters.backpressured.sum()).isZero();
    }

    @Test
    void shouldResetTheLinkWithinTheHeartbeatTimeoutWhenThePeerGoesAway() {
        Node a = new Node("node-a", settings("node-a", SECRET));
        Node b = linkedTo(a, "node-b");
        long start = System.nanoTime();
        b.close();
        nodes.remove(b);
        await("node-a notices").atMost(WAIT).until(() -> !a.transport.isLinked("node-b"));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1_500 + 1_000));
        assertThat(a.transport.faults(Fault.PEER_GONE) + a.transport.faults(Fault.HEARTBEAT_TIMEOUT)).isPositive();
    }

    @Test
    void shouldRemoveTheFilesOfAKilledNodesDriverWhenANodeStartsBesideThem() throws Exception {
        Path dead = dir.resolve("shm").resolve("killed-node");
        Files.createDirectories(dead);
        Path cnc = Files.write(dead.resolve("cnc.dat"), new byte[4096]);
        Files.setLastModifiedTime(cnc, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 3_600_000));
        Path fresh = dir.resolve("shm").resolve("starting-node");
        Files.createDirectories(fresh);
        Files.write(fresh.resolve("cnc.dat"), new byte[4096]);
        new Node("node-a", settings("node-a", SECRET));
        assertThat(dead).doesNotExist();
        assertThat(fresh).as("a control file that changed lately may belong to a driver that starts").exists();
    }

    @Test
    void shouldKeepTheFilesWhereOnlyTheNodesUserCanReachThem() throws Exception {
        Node a = new Node("node-a", settings("node-a", SECRET));
        Path driverDir = a.transport.endpoint().directory();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(driverDir.getParent()))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(driverDir))).isEqualTo("rwx------");
        assertThat(driverDir.resolve("cnc.dat")).exists();
    }

    private static byte[] filled(int n, int value) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) value);
        return b;
    }
}
