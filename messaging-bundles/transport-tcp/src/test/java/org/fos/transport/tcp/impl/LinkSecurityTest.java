package org.fos.transport.tcp.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.fos.transport.tcp.impl.TestWire.ALLOC;
import static org.fos.transport.tcp.impl.TestWire.bytes;
import static org.fos.transport.tcp.impl.TestWire.readFrame;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.buffer.Unpooled;

import org.fos.kernel.api.Mailbox;
import org.fos.kernel.api.Message;
import org.fos.kernel.api.Registration;
import org.fos.kernel.api.Right;
import org.fos.kernel.api.Status;
import org.fos.transport.api.ClusterSecret;
import org.fos.transport.api.FrameDescriptor;
import org.fos.transport.api.LinkChallenge;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A victim and a good peer linked with a cluster secret, attacked through raw sockets as a stranger
 * on the network would: impersonating the good peer, many fake node ids, dripping partial frames, many
 * idle connections. The good link keeps serving (the same connection, never replaced), and the state
 * the victim keeps stays within its limits (asserted on counted state and bytes, never on timing).
 */
class LinkSecurityTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ClusterSecret SECRET = randomSecret();
    private static final int MAX_UNAUTHENTICATED = 16;
    private static final int MAX_CONNECTIONS = 48;
    private static final AtomicInteger ROGUES = new AtomicInteger();

    private static TestNode victim;
    private static TestNode good;
    private static Mailbox victimInbox;
    private static Mailbox goodInbox;
    private long round;

    private static ClusterSecret randomSecret() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return ClusterSecret.of(key);
    }

    /** Long handshake and read timeouts: the attackers' connections are closed by the limits, not by the clock. */
    private static TransportSettings secured(Map<String, InetSocketAddress> peers) {
        TransportSettings l = TransportSettings.loopback(peers);
        return new TransportSettings(l.host(), 0, "", "fos", peers, 10, 1 << 20, 5_000, 100, 10_000, 600_000, 1_000, 600_000,
                1 << 20, 4 << 20, 1, null, new TransportSettings.Limits(MAX_CONNECTIONS, MAX_UNAUTHENTICATED, 60_000), SECRET, null);
    }

    @BeforeAll
    static void start() {
        victim = TestNode.start("victim", secured(Map.of()));
        good = TestNode.start("good", secured(victim.asPeer()));
        // the victim follows a membership that lists the good peer only
        victim.transport().peers("membership", good.asPeer());
        victim.transport().requireKnownPeers(true);
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
        round++;
        TestWire.assertExchange(victim, victimInbox, good, goodInbox, round);
    }

    /** The victim's connection with the good peer: the one that was there before an attack must stay. */
    private static ConnectionInfo goodLink() {
        return victim.transport().connections().stream().filter(c -> c.peer().equals("good") && c.active()).findFirst().orElseThrow();
    }

    private static Socket connect() throws IOException {
        return TestWire.connect(victim.transport());
    }

    private static byte[] hello(String node, byte[] nonce) {
        return bytes(Frames.hello(ALLOC, new Frames.Hello(node, "fos", 0x1234_5678L, FrameDescriptor.VERSION, false, nonce, null)));
    }

    @Test
    void shouldNotLetAHelloThatClaimsTheGoodPeersIdReplaceItsLink() throws Exception {
        ConnectionInfo before = goodLink();
        long established = established(victim);
        long authFailed = victim.transport().faults(Fault.AUTH_FAILED);
        long unauthenticated = victim.transport().faults(Fault.UNAUTHENTICATED);
        // without the challenge: refused at the HELLO
        try (Socket s = connect()) {
            s.getOutputStream().write(hello("good", null));
            byte[] refuse = readFrame(new DataInputStream(s.getInputStream()), FrameDescriptor.TYPE_REFUSE);
            assertThat(Frames.readRefusal(Unpooled.wrappedBuffer(refuse)).fault()).isEqualTo("UNAUTHENTICATED");
        }
        // with a challenge but a proof made with another secret: the victim answers its HELLO and AUTH, then refuses
        try (Socket s = connect()) {
            OutputStream out = s.getOutputStream();
            DataInputStream in = new DataInputStream(s.getInputStream());
            byte[] nonce = LinkChallenge.newNonce();
            out.write(hello("good", nonce));
            Frames.Hello theirs = Frames.readHello(Unpooled.wrappedBuffer(readFrame(in, FrameDescriptor.TYPE_HELLO)));
            readFrame(in, FrameDescriptor.TYPE_AUTH);
            byte[] forged = new LinkChallenge(randomSecret(), "fos").prove(new LinkChallenge.End("good", 0x1234_5678L, nonce),
                    new LinkChallenge.End(theirs.nodeId(), theirs.epoch(), theirs.nonce()));
            out.write(bytes(Frames.auth(ALLOC, forged)));
            byte[] refuse = readFrame(in, FrameDescriptor.TYPE_REFUSE);
            assertThat(Frames.readRefusal(Unpooled.wrappedBuffer(refuse)).fault()).isEqualTo("AUTH_FAILED");
        }
        // replaying the victim's own proof back to it (reflection) fails too
        try (Socket s = connect()) {
            OutputStream out = s.getOutputStream();
            DataInputStream in = new DataInputStream(s.getInputStream());
            out.write(hello("good", LinkChallenge.newNonce()));
            readFrame(in, FrameDescriptor.TYPE_HELLO);
            byte[] theirProof = readFrame(in, FrameDescriptor.TYPE_AUTH);
            out.write(theirProof);
            readFrame(in, FrameDescriptor.TYPE_REFUSE);
        }
        await().atMost(WAIT).until(() -> victim.transport().faults(Fault.AUTH_FAILED) == authFailed + 2);
        assertThat(victim.transport().faults(Fault.UNAUTHENTICATED)).isEqualTo(unauthenticated + 1);
        assertThat(established(victim)).as("no impostor was established").isEqualTo(established);
        ConnectionInfo after = goodLink();
        assertThat(after.remote()).as("the same connection carries the good link").isEqualTo(before.remote());
        assertThat(after.since()).isEqualTo(before.since());
        assertExchange();
    }

    @Test
    void shouldKeepNoStateForFakeNodeIds() throws Exception {
        int fakes = 2_000;
        long refused = victim.transport().faults(Fault.NOT_A_MEMBER);
        long suppressed = suppressedLogLines();
        for (int i = 0; i < fakes; i++) {
            try (Socket s = connect()) {
                s.getOutputStream().write(hello("fake-" + ROGUES.incrementAndGet(), LinkChallenge.newNonce()));
                TestWire.drainUntilClosed(s);
            }
        }
        await().atMost(WAIT).until(() -> victim.transport().faults(Fault.NOT_A_MEMBER) == refused + fakes);
        assertThat(victim.transport().peerCount()).as("only the good peer has state").isEqualTo(1);
        assertThat(suppressedLogLines() - suppressed).as("at most one log line per reason and minute")
                .isGreaterThanOrEqualTo(fakes - 1L);
        assertExchange();
    }

    @Test
    void shouldBoundWhatDrippingAndIdleConnectionsHold() throws Exception {
        int attackers = 300;
        long handshakeLimit = victim.transport().faults(Fault.HANDSHAKE_LIMIT);
        long connectionLimit = victim.transport().faults(Fault.CONNECTION_LIMIT);
        ConnectionInfo before = goodLink();
        List<Socket> sockets = new ArrayList<>();
        try {
            byte[] header = LinkSecurityTest.header(FrameDescriptor.MAX_HELLO_BODY);
            byte[] partialBody = new byte[FrameDescriptor.MAX_HELLO_BODY - 1];
            for (int i = 0; i < attackers; i++) {
                Socket s = connect();
                sockets.add(s);
                OutputStream out = s.getOutputStream();
                if (i % 2 == 0) {
                    // a dripping partial frame: the whole header, then all but one byte of the body
                    try {
                        out.write(header);
                        out.write(partialBody);
                        out.flush();
                    } catch (IOException refusedMeanwhile) {
                        // a connection beyond the limits may be closed before it has written
                    }
                }
                // odd ones stay idle
            }
            int held = MAX_UNAUTHENTICATED;
            await("every attacker beyond the limits refused").atMost(WAIT).until(() -> victim.transport().faults(Fault.HANDSHAKE_LIMIT)
                    + victim.transport().faults(Fault.CONNECTION_LIMIT) == handshakeLimit + connectionLimit + attackers - held);
            await("and closed").atMost(WAIT).until(() -> victim.transport().connectionCount() <= MAX_UNAUTHENTICATED + 2);
            assertThat(victim.transport().bufferedBytes()).as("bytes held for unfinished frames")
                    .isLessThanOrEqualTo((long) MAX_UNAUTHENTICATED * (FrameDescriptor.HEADER_LENGTH + FrameDescriptor.MAX_HELLO_BODY));
            assertThat(victim.transport().info().get("unauthenticatedConnections")).isEqualTo(MAX_UNAUTHENTICATED);
            assertExchange();
            assertThat(goodLink().remote()).isEqualTo(before.remote());
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
        }
        await("the slots are free again").atMost(WAIT).until(() -> victim.transport().info().get("unauthenticatedConnections").equals(0));
        assertExchange();
    }

    private static byte[] header(int bodyLength) {
        return TestWire.header(FrameDescriptor.MAGIC, FrameDescriptor.VERSION, FrameDescriptor.TYPE_HELLO, 0, bodyLength);
    }

    @Test
    void shouldRefuseANodeWithAnotherSecret() throws Exception {
        long refusedByPeer = victim.transport().faults(Fault.REFUSED_BY_PEER);
        victim.transport().peers("membership", Map.of("good", good.endpoint(), "other", InetSocketAddress.createUnresolved("127.0.0.1", 1)));
        try (TestNode other = TestNode.start("other", TransportSettings.loopback(victim.asPeer()).withSecret(randomSecret()))) {
            await().atMost(WAIT).until(() -> other.transport().refusal("victim") != null);
            assertThat(other.transport().refusal("victim")).contains("AUTH_FAILED");
            assertThat(other.transport().cost("victim")).isNegative();
            assertThat(victim.transport().cost("other")).isNegative();
        } finally {
            victim.transport().peers("membership", good.asPeer());
        }
        assertThat(victim.transport().faults(Fault.REFUSED_BY_PEER)).as("told by the other node why").isGreaterThan(refusedByPeer);
        assertExchange();
    }

    @Test
    void shouldLetAClientWithAValidTicketInAndTellOneWithABadTicketWhyAtOnce() throws Exception {
        TicketClaims claims = TicketClaims.issue(null);
        try (TestNode client = TestNode.start("client-ok", TransportSettings.loopback(victim.asPeer())
                .withClient(new TransportSettings.Client(claims.text(), claims.key(SECRET, "fos"))))) {
            await().atMost(WAIT).until(() -> client.transport().cost("victim") >= 0);
            Mailbox inbox = client.kernel.createMailbox("inbox", 4);
            assertThat(client.kernel.send(Message.of(victimInbox.capability(), "from a client", 7L))).isEqualTo(Status.OK);
            assertThat(victimInbox.receive(WAIT.toMillis(), TimeUnit.MILLISECONDS).payload()).isEqualTo(7L);
            assertThat(victim.kernel.send(Message.of(inbox.capability(), "back", 8L))).isEqualTo(Status.OK);
            assertThat(inbox.receive(WAIT.toMillis(), TimeUnit.MILLISECONDS).payload()).isEqualTo(8L);
        }
        await("the client's state goes with its connection").atMost(WAIT).until(() -> victim.transport().peerCount() == 1);

        // claims changed after the key was derived (a later expiry): the key no longer proves them
        TicketClaims expiring = TicketClaims.issue(Instant.now().plusSeconds(3600));
        String stretched = expiring.text().replace("expires=" + expiring.expiresMillis(), "expires=0");
        assertRefusedClient("client-stretched", new TransportSettings.Client(stretched, expiring.key(SECRET, "fos")), "AUTH_FAILED");
        // an expired ticket, with its genuine key
        TicketClaims expired = TicketClaims.issue(Instant.now().minusSeconds(1));
        assertRefusedClient("client-expired", new TransportSettings.Client(expired.text(), expired.key(SECRET, "fos")), "expired");
        // claims that do not parse
        assertRefusedClient("client-garbled", new TransportSettings.Client("id=zz", SECRET.derive("x", "y")), "BAD_TICKET");
        // a ticket without a key, to a node with a secret
        assertRefusedClient("client-keyless", new TransportSettings.Client(claims.text(), null), "UNAUTHENTICATED");
        assertExchange();
    }

    @Test
    void shouldNarrowAClientsMessagesToTheRightsAndNamesItsTicketClaims() throws Exception {
        Mailbox kv = victim.kernel.createMailbox("kv member", 8);
        Mailbox fs = victim.kernel.createMailbox("fs member", 8);
        try (Registration kvName = victim.kernel.names().register("/test/kv", kv.capability(), Map.of());
                Registration fsName = victim.kernel.names().register("/test/fs", fs.capability(), Map.of())) {
            TicketClaims callKv = TicketClaims.issue(Instant.now().plusSeconds(3600), Right.CALL.bit(), Set.of("/test/kv"));
            assertThat(callKv.text()).endsWith(";rights=C;names=/test/kv");
            try (TestNode client = TestNode.start("client-kv", TransportSettings.loopback(victim.asPeer())
                    .withClient(new TransportSettings.Client(callKv.text(), callKv.key(SECRET, "fos"))))) {
                await().atMost(WAIT).until(() -> client.transport().cost("victim") >= 0);
                // even with the member capabilities in hand (send, call, peer, admin), the ticket's rights are what arrive
                assertThat(client.kernel.send(Message.of(kvName.entry().member(), "put", 1L))).isEqualTo(Status.OK);
                Message m = kv.receive(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                assertThat(m.to().rights()).isEqualTo(Right.SEND.bit() | Right.CALL.bit());
                assertThat(client.kernel.send(Message.of(fsName.entry().member(), "read", 2L))).isEqualTo(Status.OK);
                assertThat(fs.receive(WAIT.toMillis(), TimeUnit.MILLISECONDS).to().rights()).as("a name the ticket does not list")
                        .isEqualTo(Right.SEND.bit());
            }
            // claims widened after the key was derived (admin, every name): the key no longer proves them
            String widened = callKv.text().replace(";rights=C;names=/test/kv", "");
            assertRefusedClient("client-widened", new TransportSettings.Client(widened, callKv.key(SECRET, "fos")), "AUTH_FAILED");
            // a claim this node does not know could be a limit it would not apply: refused
            TicketClaims plain = TicketClaims.issue(null);
            String unknown = plain.text() + ";fleets=/x";
            assertRefusedClient("client-unknown-claim", new TransportSettings.Client(unknown, plain.key(SECRET, "fos")), "unknown claim");
        }
        assertExchange();
    }

    @Test
    void shouldCloseAndThenRefuseAClientWhoseTicketWasRevokedSayingWhy() throws Exception {
        Map<String, String> revoked = new java.util.concurrent.ConcurrentHashMap<>();
        victim.transport().revocations(revoked::get);
        try {
            TicketClaims claims = TicketClaims.issue(Instant.now().plusSeconds(3600), Right.CALL.bit(), Set.of());
            TransportSettings.Client ticket = new TransportSettings.Client(claims.text(), claims.key(SECRET, "fos"));
            try (TestNode client = TestNode.start("client-revoked", TransportSettings.loopback(victim.asPeer()).withClient(ticket))) {
                await().atMost(WAIT).until(() -> client.transport().cost("victim") >= 0);
                revoked.put(claims.id(), "lost laptop");
                assertThat(victim.transport().closeClients(claims.id(), "lost laptop")).isEqualTo(1);
                await("the client told why").atMost(WAIT).until(() -> client.transport().refusal("victim") != null);
                assertThat(client.transport().refusal("victim")).contains("BAD_TICKET").contains("revoked: lost laptop");
            }
            assertRefusedClient("client-revoked-again", ticket, "was revoked: lost laptop");
            // a store that cannot be asked: the ticket is not taken
            victim.transport().revocations(id -> {
                throw new IllegalStateException("ZooKeeper is away");
            });
            TicketClaims other = TicketClaims.issue(null);
            assertRefusedClient("client-unknown", new TransportSettings.Client(other.text(), other.key(SECRET, "fos")), "ZooKeeper is away");
        } finally {
            victim.transport().revocations(null);
        }
        assertExchange();
    }

    @Test
    void shouldRefuseAClientThatTakesTheIdOfANodeOfTheCluster() throws Exception {
        TicketClaims claims = TicketClaims.issue(null);
        assertRefusedClient("good", new TransportSettings.Client(claims.text(), claims.key(SECRET, "fos")), "WRONG_NODE");
        assertThat(goodLink().active()).isTrue();
        assertExchange();
    }

    private static void assertRefusedClient(String id, TransportSettings.Client ticket, String reason) {
        try (TestNode client = TestNode.start(id, TransportSettings.loopback(victim.asPeer()).withClient(ticket))) {
            await(id + " told why").atMost(WAIT).until(() -> client.transport().refusal("victim") != null);
            assertThat(client.transport().refusal("victim")).contains(reason);
            assertThat(client.transport().cost("victim")).isNegative();
        }
    }

    private static long suppressedLogLines() {
        return (Long) ((Map<?, ?>) victim.transport().info().get("counters")).get("suppressedLogLines");
    }

    private static long established(TestNode n) {
        return (Long) ((Map<?, ?>) n.transport().info().get("counters")).get("established");
    }
}
