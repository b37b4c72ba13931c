package org.fos.transport.tcp.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;

import org.fos.kernel.api.Capability;
import org.fos.kernel.api.LinkInfo;
import org.fos.kernel.api.Mailbox;
import org.fos.kernel.api.Message;
import org.fos.kernel.api.Status;
import org.fos.transport.api.FrameDescriptor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Kernels in one JVM joined by real TCP transports on loopback: messages cross both ways through the
 * real codec, capabilities are checked by the owning kernel, and restarts of transports and of whole
 * nodes lose and repeat nothing.
 */
class TcpTransportTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final List<TestNode> nodes = new ArrayList<>();

    @AfterEach
    void stop() {
        nodes.forEach(TestNode::close);
    }

    private TestNode node(TestNode n) {
        nodes.add(n);
        return n;
    }

    /** A node that dials {@code to}, once it is connected. */
    private TestNode dialling(String id, TestNode to) {
        TestNode n = node(TestNode.start(id, to.asPeer()));
        awaitConnected(n, to.id);
        return n;
    }

    private static void awaitConnected(TestNode from, String to) {
        await("link " + from.id + " -> " + to).atMost(WAIT).until(() -> from.transport() != null && from.transport().cost(to) >= 0);
    }

    private static Message receive(Mailbox box) throws InterruptedException {
        Message m = box.receive(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(m).as("a message in " + box.address()).isNotNull();
        return m;
    }

    @Test
    void shouldCarryMessagesBothWaysWithPayloadsThroughTheCodec() throws Exception {
        TestNode b = node(TestNode.start("node-b", Map.of()));
        TestNode a = dialling("node-a", b);
        awaitConnected(b, "node-a");
        Mailbox server = b.kernel.createMailbox("server", 64);
        Mailbox client = a.kernel.createMailbox("client", 64);

        byte[] data = {1, 2, 3, 4, 5};
        Message request = new Message(client.address(), server.capability(), client.capability(), 42L, "ask", new Tick("a", 7, data));
        assertThat(a.kernel.send(request)).isEqualTo(Status.OK);
        Message got = receive(server);
        assertThat(got.type()).isEqualTo("ask");
        assertThat(got.correlationId()).isEqualTo(42L);
        assertThat(got.from()).isEqualTo(client.address());
        assertThat(got.replyTo()).isEqualTo(client.capability());
        assertThat(got.to()).isEqualTo(server.capability());
        Tick tick = (Tick) got.payload();
        assertThat(tick.sender()).isEqualTo("a");
        assertThat(tick.n()).isEqualTo(7);
        assertThat(tick.data()).containsExactly(data);

        assertThat(b.kernel.send(new Message(server.address(), got.replyTo(), null, 42L, "answer", List.of("x", 1L, Map.of("k", true)))))
                .isEqualTo(Status.OK);
        Message reply = receive(client);
        assertThat(reply.payload()).isEqualTo(List.of("x", 1L, Map.of("k", true)));
        assertThat(reply.from()).isEqualTo(server.address());
        assertThat(reply.replyTo()).isNull();

        await("acknowledged").atMost(WAIT).until(() -> a.kernel.links().stream().allMatch(l -> l.unacknowledged() == 0)
                && b.kernel.links().stream().allMatch(l -> l.unacknowledged() == 0));
        assertThat(a.transport().connections()).extracting(ConnectionInfo::state).containsOnly("ESTABLISHED");
    }

    @Test
    void shouldRefuseAForgedCapabilityOnTheOwningNodeAndCountIt() throws Exception {
        TestNode b = node(TestNode.start("node-b", Map.of()));
        TestNode a = dialling("node-a", b);
        Mailbox inbox = b.kernel.createMailbox("inbox", 16);
        Capability real = inbox.capability();
        Capability forged = new Capability(real.address(), real.rights(), real.tokenHigh() ^ 1, real.tokenLow());

        assertThat(a.kernel.send(Message.of(forged, "evil", "x"))).as("only the owner can tell").isEqualTo(Status.OK);
        assertThat(a.kernel.send(Message.of(real, "good", "y"))).isEqualTo(Status.OK);

        assertThat(receive(inbox).type()).isEqualTo("good");
        await("FORGED counted on node-b").atMost(WAIT).until(() -> b.kernel.stats().rejected(Status.FORGED) == 1);
        assertThat(a.kernel.stats().rejected(Status.FORGED)).isZero();
        assertThat(inbox.poll()).isNull();
        await("the forged message is final: acknowledged").atMost(WAIT)
                .until(() -> a.kernel.links().get(0).unacknowledged() == 0);
    }

    /** Receives every message of a mailbox on its own thread and checks numbers per sender. */
    private static final class Counter extends Thread {
        final Mailbox box;
        final Map<String, Long> last = new ConcurrentHashMap<>();
        final AtomicLong received = new AtomicLong();
        final AtomicReference<String> error = new AtomicReference<>();
        volatile boolean running = true;

        Counter(Mailbox box) {
            super("counter-" + box.address());
            this.box = box;
            setDaemon(true);
        }

        @Override
        public void run() {
            try {
                while (running) {
                    Message m = box.receive(50, TimeUnit.MILLISECONDS);
                    if (m == null) {
                        continue;
                    }
                    Tick t = (Tick) m.payload();
                    long before = last.getOrDefault(t.sender(), 0L);
                    if (t.n() != before + 1) {
                        error.compareAndSet(null, "from " + t.sender() + ": got " + t.n() + " after " + before);
                    }
                    last.put(t.sender(), t.n());
                    received.incrementAndGet();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Sends numbered ticks, retrying while the link answers FULL. */
    private static Thread sender(TestNode from, Capability to, long count, CountDownLatch done) {
        return sender(from, from.id, to, count, n -> 16, done);
    }

    /** Sends numbered ticks from {@code name}, of {@code size(n)} bytes of data, retrying while the link answers FULL. */
    private static Thread sender(TestNode from, String name, Capability to, long count, java.util.function.LongUnaryOperator size,
            CountDownLatch done) {
        Thread t = new Thread(() -> {
            for (long n = 1; n <= count; n++) {
                Status s;
                while ((s = from.kernel.send(Message.of(to, "tick", new Tick(name, n, new byte[(int) size.applyAsLong(n)])))) == Status.FULL) {
                    Thread.onSpinWait();
                    Thread.yield();
                }
                if (s != Status.OK) {
                    throw new AssertionError("send " + n + " from " + from.id + " answered " + s);
                }
            }
            done.countDown();
        }, "sender-" + name);
        t.setDaemon(true);
        return t;
    }

    @Test
    void shouldLoseAndRepeatNothingWhenTransportsRestartUnderAStream() throws Exception {
        TestNode b = node(TestNode.start("node-b", Map.of()));
        Map<String, InetSocketAddress> toB = b.asPeer();
        TestNode a = node(TestNode.start("node-a", toB));
        TestNode c = node(TestNode.start("node-c", toB));
        awaitConnected(a, "node-b");
        awaitConnected(c, "node-b");
        Mailbox inbox = b.kernel.createMailbox("inbox", 4096);
        Counter counter = new Counter(inbox);
        counter.start();

        long each = 30_000;
        CountDownLatch done = new CountDownLatch(2);
        sender(a, inbox.capability(), each, done).start();
        sender(c, inbox.capability(), each, done).start();

        await("a third through").atMost(WAIT).until(() -> counter.received.get() > each / 2);
        a.restartTransport(); // the sender's side goes away and comes back on another port
        long mark = counter.received.get();
        try {
            await("flowing again").atMost(WAIT).until(() -> counter.received.get() > mark + each / 4);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // seen once in a full build on a loaded machine, never again in 28 runs of this class: say where it stood
            throw new AssertionError("the stream did not flow again after node-a's transport restarted: received " + counter.received.get()
                    + " (" + mark + " at the restart), last per sender " + counter.last + ", error " + counter.error.get()
                    + "; links of node-a " + a.kernel.links() + ", transport " + a.transport().info() + "; links of node-b "
                    + b.kernel.links() + ", transport " + b.transport().info() + "; links of node-c " + c.kernel.links(), e);
        }
        b.restartTransport(); // the receiver's side, on the same port: both senders dial it again
        assertThat(done.await(WAIT.toSeconds() * 2, TimeUnit.SECONDS)).as("senders finished").isTrue();

        await("everything delivered").atMost(WAIT).until(() -> counter.received.get() >= 2 * each || counter.error.get() != null);
        counter.running = false;
        counter.join();
        assertThat(counter.error.get()).isNull();
        assertThat(counter.last).containsEntry("node-a", each).containsEntry("node-c", each);
        assertThat(counter.received.get()).isEqualTo(2 * each);
        assertThat(inbox.poll()).as("no duplicate after the last").isNull();
        Map<String, LinkInfo> links = new HashMap<>();
        b.kernel.links().forEach(l -> links.put(l.node(), l));
        assertThat(links.get("node-a").delivered()).isEqualTo(each);
        assertThat(links.get("node-c").delivered()).isEqualTo(each);
    }

    private static Map<?, ?> counters(TestNode n) {
        return (Map<?, ?>) n.transport().info().get("counters");
    }

    @Test
    void shouldKeepEachSendersOrderWhenSendingThreadsWriteTheSocketThemselves() throws Exception {
        TestNode b = node(TestNode.start("node-b", Map.of()));
        TestNode a = dialling("node-a", b);
        Mailbox inbox = b.kernel.createMailbox("inbox", 4096);
        Counter counter = new Counter(inbox);
        counter.start();

        // four threads share one link, with frames of a few bytes and, now and then, of 32 KiB
        int threads = 4;
        long each = 5_000;
        CountDownLatch done = new CountDownLatch(threads);
        for (int i = 0; i < threads; i++) {
            int k = i;
            sender(a, "t" + i, inbox.capability(), each, n -> (n + k) % 16 == 0 ? 32 << 10 : (n * 7919 + k) % 300, done).start();
        }
        assertThat(done.await(WAIT.toSeconds() * 2, TimeUnit.SECONDS)).as("senders finished").isTrue();
        await("everything delivered").atMost(WAIT).until(() -> counter.received.get() >= threads * each || counter.error.get() != null);
        counter.running = false;
        counter.join();

        assertThat(counter.error.get()).isNull();
        for (int i = 0; i < threads; i++) {
            assertThat(counter.last).containsEntry("t" + i, each);
        }
        assertThat(inbox.poll()).isNull();
        assertThat((Long) counters(a).get("writtenBySender")).as("the senders wrote frames themselves").isPositive();
        for (TestNode n : List.of(a, b)) {
            counters(n).forEach((name, count) -> {
                if (name.toString().startsWith("fault.")) {
                    assertThat(count).as(n.id + " " + name).isEqualTo(0L);
                }
            });
        }
    }

    @Test
    void shouldLetAWaitingThreadReadItsMessageWhileTheEventLoopIsHeld() throws Exception {
        TestNode b = node(TestNode.start("node-b", Map.of()));
        TestNode a = dialling("node-a", b);
        awaitConnected(b, "node-a");
        Mailbox inbox = b.kernel.createMailbox("inbox", 16);
        CountDownLatch hold = new CountDownLatch(1);
        try {
            TestWire.holdEventLoops(b.transport(), hold);
            assertThat(a.kernel.send(Message.of(inbox.capability(), "tick", new Tick("a", 1, new byte[100])))).isEqualTo(Status.OK);
            // node-b's event loop is held: the message arrives only if a waiting thread reads it
            AtomicReference<Message> got = new AtomicReference<>();
            await("read by a waiting thread").atMost(WAIT).until(() -> {
                b.transport().assist();
                got.compareAndSet(null, inbox.poll());
                return got.get() != null;
            });
            assertThat(((Tick) got.get().payload()).n()).isEqualTo(1);
            assertThat((Long) counters(b).get("readByWaitingThreads")).isPositive();
        } finally {
            hold.countDown();
        }
        await("acknowledged").atMost(WAIT).until(() -> a.kernel.links().stream().allMatch(l -> l.unacknowledged() == 0));
        assertThat(a.kernel.send(Message.of(inbox.capability(), "tick", new Tick("a", 2, new byte[0])))).isEqualTo(Status.OK);
        assertThat(((Tick) receive(inbox).payload()).n()).isEqualTo(2);
    }

    @Test
    void shouldCutFramesInOrderWhenWaitingThreadsAndTheEventLoopReadPartsOfThem() throws Exception {
        TestNode b = node(TestNode.start("node-b", Map.of()));
        TestNode a = dialling("node-a", b);
        awaitConnected(b, "node-a");
        Mailbox inbox = b.kernel.createMailbox("inbox", 16);
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    b.transport().assist();
                    Thread.onSpinWait();
                }
            } catch (Throwable t) {
                failed.set(t);
            }
        }, "assisting");
        reader.setDaemon(true);
        reader.start();
        try {
            // one message at a time, as a call goes: every third of them larger than a waiting thread
            // reads at once, so its frame is cut from the reads of both kinds of reader
            Random random = new Random(42);
            for (int n = 1; n <= 600; n++) {
                byte[] data = new byte[n % 3 == 0 ? FrameDecoder.READ_BYTES * 2 + random.nextInt(1000) : random.nextInt(200)];
                random.nextBytes(data);
                assertThat(a.kernel.send(Message.of(inbox.capability(), "tick", new Tick("a", n, data)))).isEqualTo(Status.OK);
                Tick got = (Tick) receive(inbox).payload();
                assertThat(got.n()).isEqualTo(n);
                assertThat(got.data()).isEqualTo(data);
            }
        } finally {
            reader.interrupt();
            reader.join();
        }
        assertThat(failed.get()).isNull();
        assertThat((Long) counters(b).get("readByWaitingThreads")).as("the waiting thread read frames").isPositive();
        counters(b).forEach((name, count) -> {
            if (name.toString().startsWith("fault.")) {
                assertThat(count).as(name.toString()).isEqualTo(0L);
            }
        });
        assertThat(inbox.poll()).isNull();
    }

    @Test
    void shouldNoticeAPeerThatLeavesWhileWaitingThreadsReadTheLink() throws Exception {
        // silence is noticed only after a minute here: a close must be noticed from the end of the stream
        TransportSettings patient = new TransportSettings("127.0.0.1", 0, "", "fos", Map.of(), 10, 1 << 20, 5_000, 100, 10_000,
                5_000, 20_000, 60_000, 1 << 20, 4 << 20, 1, null);
        TestNode b = node(TestNode.start("node-b", patient));
        TestNode a = node(TestNode.start("node-a", new TransportSettings("127.0.0.1", 0, "", "fos", b.asPeer(), 10, 1 << 20, 5_000,
                100, 10_000, 5_000, 20_000, 60_000, 1 << 20, 4 << 20, 1, null)));
        awaitConnected(a, "node-b");
        awaitConnected(b, "node-a");
        Mailbox inbox = b.kernel.createMailbox("inbox", 1024);
        Thread reader = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                b.transport().assist();
                Thread.onSpinWait();
            }
        }, "assisting");
        reader.setDaemon(true);
        reader.start();
        try {
            // while a thread keeps reading, node-b's event loop stops watching the socket
            AtomicLong n = new AtomicLong();
            await("reads lent to the waiting thread").atMost(WAIT).until(() -> {
                assertThat(a.kernel.send(Message.of(inbox.capability(), "tick", new Tick("a", n.incrementAndGet(), new byte[8]))))
                        .isEqualTo(Status.OK);
                while (inbox.poll() != null) {
                    // taken
                }
                return (Long) counters(b).get("readsLent") > 0;
            });

            a.stopTransport();

            await("node-b notices node-a left").atMost(WAIT).until(() -> b.transport().cost("node-a") < 0);
            assertThat(b.transport().faults(Fault.HEARTBEAT_TIMEOUT)).isZero();
        } finally {
            reader.interrupt();
            reader.join();
        }
    }

    /** Loopback settings whose connections send a heartbeat after two minutes of silence, and give up after five. */
    private static TransportSettings quiet(Map<String, InetSocketAddress> peers) {
        return new TransportSettings("127.0.0.1", 0, "", "fos", peers, 10, 1 << 20, 5_000, 100, 10_000, 5_000, 120_000, 300_000,
                1 << 20, 4 << 20, 1, null);
    }

    /** Node-a, node-b, a receiver on node-b parked in node-b's parked reader, and what it got. */
    private record Parked(TestNode a, TestNode b, Mailbox inbox, AtomicReference<Message> got, Thread receiver) {

        /** Sends tick {@code n} of {@code bytes} bytes of data from {@code from} to the receiver's mailbox. */
        void send(TestNode from, long n, int bytes) {
            assertThat(from.kernel.send(Message.of(inbox.capability(), "tick", new Tick(from.id, n, new byte[bytes])))).isEqualTo(Status.OK);
        }

        /** Waits until the receiver got a message and returns; checks it is tick {@code n}. */
        void awaitTick(String why, long n) throws InterruptedException {
            await(why).atMost(WAIT).until(() -> got.get() != null);
            assertThat(((Tick) got.get().payload()).n()).isEqualTo(n);
            receiver.join();
        }
    }

    /**
     * Starts node-b, whose receivers park, node-a dialling it and a receiver on node-b parked in its reader.
     *
     * @param quiet whether the connection sends no heartbeats within a test: nothing comes over the network
     *        unasked to wake a parked reader
     */
    private Parked parkedOnB(boolean quiet) throws InterruptedException {
        TestNode b = node(TestNode.startParked("node-b", quiet ? quiet(Map.of()) : TransportSettings.loopback(Map.of())));
        TestNode a = node(TestNode.start("node-a", quiet ? quiet(b.asPeer()) : TransportSettings.loopback(b.asPeer())));
        awaitConnected(a, "node-b");
        return parkedReceiver(a, b);
    }

    /** Starts a receiver on node-b that parks while it waits for a message from node-a, once it is parked in node-b's parked reader. */
    private static Parked parkedReceiver(TestNode a, TestNode b) throws InterruptedException {
        awaitConnected(b, "node-a");
        Mailbox inbox = b.kernel.createMailbox("inbox", 16);
        // a message from node-a first: a mailbox fed by links parks its receiver in the transport's reader
        assertThat(a.kernel.send(Message.of(inbox.capability(), "tick", new Tick("a", 1, new byte[8])))).isEqualTo(Status.OK);
        assertThat(((Tick) receive(inbox).payload()).n()).isEqualTo(1);
        AtomicReference<Message> got = new AtomicReference<>();
        Thread receiver = parkInReader(b, inbox, got);
        return new Parked(a, b, inbox, got, receiver);
    }

    /** Starts a thread that receives one message from {@code inbox} into {@code got}, once it is parked in node-b's reader. */
    private static Thread parkInReader(TestNode b, Mailbox inbox, AtomicReference<Message> got) {
        Thread receiver = new Thread(() -> {
            try {
                got.set(inbox.receive(WAIT.toMillis() * 4, TimeUnit.MILLISECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "parked-receiver");
        receiver.setDaemon(true);
        receiver.start();
        await("the receiver parks in node-b's parked reader").atMost(WAIT).until(() -> b.transport().parkedReaderHeld());
        return receiver;
    }

    @Test
    void shouldLetAParkedReceiverReadItsMessageWhileTheEventLoopIsHeld() throws Exception {
        Parked parked = parkedOnB(false);
        TestNode a = parked.a();
        TestNode b = parked.b();
        CountDownLatch hold = new CountDownLatch(1);
        try {
            TestWire.holdEventLoops(b.transport(), hold);
            parked.send(a, 2, 100);
            // node-b's event loop is held: the receiver gets the message only if it reads it itself
            parked.awaitTick("read by the parked receiver", 2);
            assertThat((Long) counters(b).get("readByParkedThreads")).isPositive();
        } finally {
            hold.countDown();
        }
        await("acknowledged").atMost(WAIT).until(() -> a.kernel.links().stream().allMatch(l -> l.unacknowledged() == 0));
    }

    @Test
    void shouldWatchTheSocketsAgainWhenAReceiverParksAfterARareHolding() throws Exception {
        Parked parked = parkedOnB(false);
        TestNode a = parked.a();
        TestNode b = parked.b();
        parked.send(a, 2, 8);
        parked.awaitTick("the first parked receiver", 2);
        // the first holding followed none: it was rare, and the reader stopped watching the sockets as it ended
        assertThat(b.transport().parkedReaderWatching()).isFalse();

        AtomicReference<Message> got = new AtomicReference<>();
        Thread receiver = parkInReader(b, parked.inbox(), got);
        CountDownLatch hold = new CountDownLatch(1);
        try {
            TestWire.holdEventLoops(b.transport(), hold);
            long readParked = (Long) counters(b).get("readByParkedThreads");
            parked.send(a, 3, 8);
            // node-b's event loop is held: the reader wakes for the message only if it watches the socket again
            await("read by the second parked receiver").atMost(WAIT).until(() -> got.get() != null);
            assertThat(((Tick) got.get().payload()).n()).isEqualTo(3);
            assertThat((Long) counters(b).get("readByParkedThreads")).as("woken by the reader's selector").isGreaterThan(readParked);
        } finally {
            hold.countDown();
        }
        receiver.join();
    }

    @Test
    void shouldWakeAReceiverParkedInTheReaderForAMessageOfItsOwnNode() throws Exception {
        Parked parked = parkedOnB(true);

        // only the sender's wake-up ends the wait, two minutes before its timeout
        parked.send(parked.b(), 2, 0);

        parked.awaitTick("the local message wakes the receiver", 2);
    }

    @Test
    void shouldReleaseTheSocketOfAConnectionThatClosesWhileAThreadParksInTheReader() throws Exception {
        Parked parked = parkedOnB(false);
        TestNode a = parked.a();
        TestNode b = parked.b();
        Connection c = b.transport().active("node-a");
        java.nio.channels.SocketChannel socket = c.plainSocket();
        assertThat(socket.isRegistered()).isTrue();

        c.close();

        // a socket is closed for good once every selector it is registered with has dropped it: the parked
        // reader's selector drops it now, not when its thread next wakes
        await("node-b's socket released").atMost(WAIT).until(() -> !socket.isRegistered() && !socket.isOpen());
        assertThat(parked.receiver().isAlive()).isTrue();
        // the new connection, established while the receiver waits in the reader, is read by it
        awaitConnected(a, "node-b");
        awaitConnected(b, "node-a");
        parked.send(a, 2, 8);
        parked.awaitTick("the receiver reads on over the new connection", 2);
    }

    @Test
    void shouldLetAReceiverThatWaitsInTheReaderWaitOnWhenTheTransportStops() throws Exception {
        Parked parked = parkedOnB(false);

        parked.b().stopTransport(); // closes the reader's selector under the waiting receiver

        parked.send(parked.b(), 2, 0);
        parked.awaitTick("the receiver, woken by the closing selector, waits on as usual", 2);
    }

    @Test
    void shouldHandOnMessagesForOthersWhileAReceiverWaitsInTheReaderAndAfterItLeaves() throws Exception {
        Parked parked = parkedOnB(true);
        TestNode a = parked.a();
        TestNode b = parked.b();
        Mailbox other = b.kernel.createMailbox("other", 1024);
        AtomicLong n = new AtomicLong(100);
        // the receiver waits in the reader for a long time: node-b's event loop lends it its reads, and the
        // receiver hands on what comes for the other mailbox
        await("reads lent to the parked reader").atMost(WAIT).until(() -> {
            assertThat(a.kernel.send(Message.of(other.capability(), "tick", new Tick("a", n.incrementAndGet(), new byte[8]))))
                    .isEqualTo(Status.OK);
            await("tick " + n.get()).atMost(WAIT).until(() -> other.poll() != null);
            return (Long) counters(b).get("readsLent") > 0 && b.transport().parkedReaderHeldLong(System.nanoTime());
        });

        parked.send(b, 2, 0);
        parked.awaitTick("the receiver leaves the reader", 2);

        // no thread waits in the reader now (this one polls): the event loop reads again
        for (int i = 0; i < 3; i++) {
            assertThat(a.kernel.send(Message.of(other.capability(), "tick", new Tick("a", n.incrementAndGet(), new byte[8]))))
                    .isEqualTo(Status.OK);
            AtomicReference<Message> got = new AtomicReference<>();
            await("tick " + n.get() + ", read by the event loop").atMost(WAIT).until(() -> got.compareAndSet(null, other.poll()) && got.get() != null);
            assertThat(((Tick) got.get().payload()).n()).isEqualTo(n.get());
        }
        assertThat(b.transport().parkedReaderHeld()).isFalse();
    }

    /**
     * Frames of 500,000 bytes leave from buffers of their own, frames of 10,000 from the stream's buffer, which the
     * next write reuses: the rest of either is queued intact.
     */
    @ParameterizedTest
    @ValueSource(ints = {500_000, 10_000})
    void shouldWriteWhatTheSocketDidNotTakeAfterItInOrder(int size) throws Exception {
        try (ServerSocket slow = new ServerSocket()) {
            slow.setReceiveBufferSize(4096);
            slow.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
            TestNode a = node(TestNode.start("node-a", Map.of("slow", InetSocketAddress.createUnresolved("127.0.0.1", slow.getLocalPort()))));
            try (Socket peer = slow.accept()) {
                peer.setSoTimeout((int) WAIT.toMillis());
                ByteBuf hello = Frames.hello(UnpooledByteBufAllocator.DEFAULT, new Frames.Hello("slow", "fos", 99, FrameDescriptor.VERSION, false, null, null));
                peer.getOutputStream().write(ByteBufUtil.getBytes(hello));
                hello.release();
                awaitConnected(a, "slow");
                // the peer reads nothing yet but acknowledges each big frame, so the connection stays idle
                // and this thread writes the next itself, until one is larger than the socket takes at once:
                // its rest, and the frames after it, wait in order
                Capability far = new Capability(new org.fos.kernel.api.Address("slow", 1), 1, 5, 6);
                long big = 0;
                while ((Long) counters(a).get("writtenBySenderInPart") == 0) {
                    assertThat(big * size).as("the socket's buffers fill").isLessThan(32_000_000L);
                    if (big > 0) {
                        ByteBuf ack = Frames.ack(UnpooledByteBufAllocator.DEFAULT, big, false);
                        peer.getOutputStream().write(ByteBufUtil.getBytes(ack));
                        ack.release();
                        await("acknowledged").atMost(WAIT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).until(() -> a.kernel.links().get(0).unacknowledged() == 0);
                    }
                    byte[] payload = new byte[size];
                    java.util.Arrays.fill(payload, mark(big + 1));
                    assertThat(a.kernel.send(Message.of(far, "big", payload))).isEqualTo(Status.OK);
                    big++;
                }
                assertThat((Long) counters(a).get("writtenBySender")).isEqualTo(big);
                // even acknowledged (which no honest peer does before it read them), frames wait behind the rest
                ByteBuf ack = Frames.ack(UnpooledByteBufAllocator.DEFAULT, big, false);
                peer.getOutputStream().write(ByteBufUtil.getBytes(ack));
                ack.release();
                await("acknowledged").atMost(WAIT).until(() -> a.kernel.links().get(0).unacknowledged() == 0);
                int count = (int) big + 50;
                for (long i = big + 1; i <= count; i++) {
                    assertThat(a.kernel.send(Message.of(far, "small", new byte[(int) i]))).isEqualTo(Status.OK);
                }
                java.io.DataInputStream in = new java.io.DataInputStream(new java.io.BufferedInputStream(peer.getInputStream()));
                byte[] header = new byte[FrameDescriptor.HEADER_LENGTH];
                long expected = 1;
                while (expected <= count) {
                    in.readFully(header);
                    ByteBuf h = io.netty.buffer.Unpooled.wrappedBuffer(header);
                    assertThat(h.getInt(FrameDescriptor.MAGIC_OFFSET)).as("frame " + expected + " starts where the last ended").isEqualTo(FrameDescriptor.MAGIC);
                    byte[] body = new byte[h.getInt(FrameDescriptor.BODY_LENGTH_OFFSET)];
                    in.readFully(body);
                    if (h.getByte(FrameDescriptor.TYPE_OFFSET) == FrameDescriptor.TYPE_DATA) {
                        assertThat(h.getLong(FrameDescriptor.SEQUENCE_OFFSET)).isEqualTo(expected);
                        if (expected <= big) {
                            assertThat(body[body.length - 1]).as("the last byte of big frame " + expected).isEqualTo(mark(expected));
                            assertThat(body[body.length - size]).as("the first byte of its payload").isEqualTo(mark(expected));
                        }
                        expected++;
                    }
                }
                assertThat((Long) counters(a).get("writtenBySender")).as("the rest and the frames after it by the event loop").isEqualTo(big);
            }
        }
    }

    /** The byte every payload byte of big frame {@code n} has. */
    private static byte mark(long n) {
        return (byte) (0x21 + n % 90);
    }

    @Test
    void shouldStartAfreshWithAPeerThatRestartedWithANewEpoch() throws Exception {
        TestNode b = node(TestNode.start("node-b", Map.of()));
        TestNode a = dialling("node-a", b);
        Mailbox first = b.kernel.createMailbox("inbox", 16);
        a.kernel.send(Message.of(first.capability(), "one", new Tick("a", 1, new byte[0])));
        assertThat(receive(first).type()).isEqualTo("one");
        long oldEpoch = b.kernels.links().epoch();
        TransportSettings samePort = TransportSettings.loopback(Map.of()).withPort(b.endpoint().getPort());

        b.close(); // the whole node goes away
        nodes.remove(b);
        await("node-a notices").atMost(WAIT).until(() -> a.transport().cost("node-b") < 0);
        assertThat(a.kernel.send(Message.of(first.capability(), "lost", "for the old incarnation"))).isEqualTo(Status.OK);

        TestNode b2 = node(TestNode.start("node-b", samePort));
        assertThat(b2.kernels.links().epoch()).isNotEqualTo(oldEpoch);
        awaitConnected(a, "node-b");
        Mailbox fresh = b2.kernel.createMailbox("inbox", 16);
        assertThat(a.kernel.send(Message.of(fresh.capability(), "two", new Tick("a", 2, new byte[0])))).isEqualTo(Status.OK);
        Message m = receive(fresh);
        assertThat(m.type()).isEqualTo("two");
        assertThat(fresh.poll()).isNull();
        await("numbered afresh and acknowledged").atMost(WAIT).until(() -> a.kernel.links().get(0).unacknowledged() == 0);
        assertThat(b2.kernel.links().get(0).delivered()).as("the new incarnation numbers from 1").isEqualTo(1);
    }

    @Test
    void shouldKeepAnIdleLinkAliveWithHeartbeats() throws Exception {
        // heartbeats every 50 ms; a connection that reads nothing for 1 s is closed
        TransportSettings quick = new TransportSettings("127.0.0.1", 0, "", "fos", Map.of(), 10, 1 << 20, 5_000, 100, 10_000,
                5_000, 50, 1_000, 1 << 20, 4 << 20, 1, null);
        TestNode b = node(TestNode.start("node-b", quick));
        TestNode a = node(TestNode.start("node-a", new TransportSettings("127.0.0.1", 0, "", "fos", b.asPeer(), 10, 1 << 20,
                5_000, 100, 10_000, 5_000, 50, 1_000, 1 << 20, 4 << 20, 1, null)));
        awaitConnected(a, "node-b");
        awaitConnected(b, "node-a");
        ConnectionInfo first = a.transport().connections().get(0);
        long sinceB = b.transport().connections().get(0).framesOut();
        // no message for more than two read timeouts: each side writes heartbeats, and neither is cut off
        await("heartbeats both ways").atMost(WAIT).until(() -> a.transport().connections().get(0).framesOut() >= first.framesOut() + 50
                && b.transport().connections().get(0).framesOut() >= sinceB + 50);
        assertThat(a.transport().counters().get("fault.HEARTBEAT_TIMEOUT")).isZero();
        assertThat(b.transport().counters().get("fault.HEARTBEAT_TIMEOUT")).isZero();
        assertThat(a.transport().connections()).singleElement().satisfies(c -> assertThat(c.since()).isEqualTo(first.since()));

        // and it still carries messages
        Mailbox inbox = b.kernel.createMailbox("inbox", 16);
        assertThat(a.kernel.send(Message.of(inbox.capability(), "tick", 7L))).isEqualTo(Status.OK);
        assertThat(receive(inbox).payload()).isEqualTo(7L);
    }

    @Test
    void shouldReconnectWhenTheServerSideComesBack() throws Exception {
        TestNode b = node(TestNode.start("node-b", Map.of()));
        TestNode a = dialling("node-a", b);
        Mailbox inbox = b.kernel.createMailbox("inbox", 16);

        b.stopTransport();
        await("node-a sees node-b go").atMost(WAIT).until(() -> a.transport().cost("node-b") < 0);
        assertThat(a.kernel.send(Message.of(inbox.capability(), "waiting", 1L))).as("kept by the link").isEqualTo(Status.OK);
        await("a few failed dials").atMost(WAIT).until(() -> a.transport().info().get("counters") instanceof Map<?, ?> m
                && ((Number) m.get("dialFailures")).longValue() >= 2);

        b.restartTransport();
        Message m = receive(inbox);
        assertThat(m.payload()).isEqualTo(1L);
        awaitConnected(b, "node-a");
        assertThat(inbox.poll()).isNull();
    }

    @Test
    void shouldBoundItsOutputWhenThePeerStopsReading() throws Exception {
        int high = 256 << 10;
        try (ServerSocket slow = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            TransportSettings s = new TransportSettings("127.0.0.1", 0, "", "fos",
                    Map.of("slow", InetSocketAddress.createUnresolved("127.0.0.1", slow.getLocalPort())), 10, 1 << 20, 5_000, 100,
                    10_000, 5_000, 1_000, 60_000, 64 << 10, high, 1, null);
            TestNode a = node(TestNode.start("node-a", s));
            try (Socket peer = slow.accept()) {
                ByteBuf hello = Frames.hello(UnpooledByteBufAllocator.DEFAULT, new Frames.Hello("slow", "fos", 99, FrameDescriptor.VERSION, false, null, null));
                peer.getOutputStream().write(ByteBufUtil.getBytes(hello));
                hello.release();
                awaitConnected(a, "slow"); // and then the peer reads nothing more
                Capability far = new Capability(new org.fos.kernel.api.Address("slow", 1), 1, 5, 6);
                byte[] chunk = new byte[16 << 10];
                int ok = 0;
                for (int i = 0; i < 4000; i++) { // 64 MiB offered
                    if (a.kernel.send(Message.of(far, "big", chunk)) == Status.OK) {
                        ok++;
                    }
                }
                assertThat(ok).as("the kernel's link keeps them").isEqualTo(4000);
                await("the output fills up").atMost(WAIT).until(() -> !a.transport().connections().get(0).writable());
                ConnectionInfo c = a.transport().connections().get(0);
                assertThat(c.queuedBytes()).as("waiting output stays under about twice the high water mark")
                        .isLessThanOrEqualTo(2L * high + (32 << 10));
                assertThat(((Map<?, ?>) a.transport().info().get("counters")).get("refusedBackpressure")).isNotEqualTo(0L);
                assertThat(a.transport().cost("slow")).as("still connected").isNotNegative();
            }
        }
    }
}
