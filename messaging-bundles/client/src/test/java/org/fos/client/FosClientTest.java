package org.fos.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.fos.codec.embed.PayloadCodecs;
import org.fos.kernel.api.Capability;
import org.fos.kernel.api.Kernel;
import org.fos.kernel.api.Mailbox;
import org.fos.kernel.api.NameEntry;
import org.fos.kernel.api.Right;
import org.fos.kernel.api.Status;
import org.fos.kernel.embed.EmbeddedKernel;
import org.fos.kernel.spi.PayloadCodec;
import org.fos.naming.api.NameService;
import org.fos.naming.impl.NamePeers;
import org.fos.naming.impl.NamingMember;
import org.fos.rpc.api.Dispatcher;
import org.fos.rpc.api.FleetException;
import org.fos.rpc.embed.EmbeddedLibfos;
import org.fos.transport.tcp.embed.EmbeddedTcp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plain-JVM client against a node over real sockets: a kernel in this JVM with the TCP transport
 * listening on loopback and the naming fleet served on it, as a node serves it (the member of
 * {@code fos-naming}). The client connects with a ticket written as the node writes one, and is
 * refused with the reason for a missing or malformed ticket, a stale naming capability, another
 * cluster's name, a closed port, a host that does not resolve, and TLS without a key store.
 */
class FosClientTest {
    private static final Duration CONNECT = Duration.ofSeconds(3);

    @TempDir
    Path dir;

    private EmbeddedKernel node;
    private EmbeddedTcp tcp;
    private EmbeddedLibfos rpc;
    private Thread naming;
    private Capability names;
    private NamingMember member;
    private Mailbox namingBox;

    @AfterEach
    void stop() throws InterruptedException {
        if (naming != null) {
            naming.interrupt();
            naming.join();
        }
        if (rpc != null) {
            rpc.close();
        }
        if (tcp != null) {
            tcp.close();
        }
        if (node != null) {
            node.close();
        }
    }

    /** Starts node-a: TCP on a free loopback port in cluster {@code fos}, and /sys/names served by a naming member. */
    private void startNode() {
        node = EmbeddedKernel.start("node-a");
        PayloadCodec codec = PayloadCodecs.create();
        node.codec(codec);
        tcp = EmbeddedTcp.builder().listen("127.0.0.1", 0).cluster("fos").start(node, codec);
        rpc = EmbeddedLibfos.start(node, codec);
        Kernel kernel = node.kernel(3);
        Mailbox box = kernel.createMailbox("naming", 1024);
        namingBox = box;
        member = new NamingMember(rpc.libfos(3, "naming"), null);
        Dispatcher d = rpc.libfos(3, "naming").dispatcher(NamePeers.class, member);
        naming = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    box.drain(d::dispatch, 64, 50, TimeUnit.MILLISECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "naming member");
        naming.start();
        kernel.names().register(NameService.NAME, box.capability(), Map.of());
        names = kernel.narrow(box.capability(), EnumSet.of(Right.SEND, Right.CALL));
    }

    /** Writes a ticket as a node writes its {@code clientTicket}, with the parts given. */
    private Path ticket(String nodeId, String endpoint, String cluster, boolean tls, Capability naming) throws IOException {
        return ticket(dir.resolve("client-" + System.nanoTime() + ".ticket"), nodeId, endpoint, cluster, tls, naming);
    }

    /** Writes a ticket into a file, replacing it at once as a node does (a temporary file moved over it). */
    private Path ticket(Path file, String nodeId, String endpoint, String cluster, boolean tls, Capability naming) throws IOException {
        Path written = Files.createTempFile(dir, "ticket", ".tmp");
        Files.writeString(written, String.join("\n", "node=" + nodeId, "endpoint=" + endpoint, "cluster=" + cluster, "tls=" + tls,
                "names.mailbox=" + naming.address().mailbox(), "names.rights=" + Right.letters(naming.rights()),
                "names.token=" + HexFormat.of().toHexDigits(naming.tokenHigh()) + HexFormat.of().toHexDigits(naming.tokenLow())) + "\n",
                StandardCharsets.UTF_8);
        return Files.move(written, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Stops node-a as a node process stops: its transport, libfos, naming member and kernel. */
    private void stopNode() throws InterruptedException {
        stop();
        naming = null;
        rpc = null;
        tcp = null;
        node = null;
    }

    /** Writes node-a's ticket of its current run into a file, replacing it at once as a node does. */
    private Path nodeTicket(Path file) throws IOException {
        return ticket(file, "node-a", "127.0.0.1:" + tcp.port(), "fos", false, names);
    }

    private Path goodTicket() throws IOException {
        return ticket("node-a", "127.0.0.1:" + tcp.port(), "fos", false, names);
    }

    private static FosClient connect(Path ticket) throws IOException {
        return FosClient.builder(ticket).clientId("client-test").connectTimeout(CONNECT).callTimeout(Duration.ofSeconds(30)).connect();
    }

    @Test
    void shouldConnectWithTheNodesTicketAndCallItsFleets() throws IOException {
        startNode();
        NameEntry echo = new NameEntry("/app/echo", node.kernel(5).createMailbox("echo", 16).capability(), 1, Map.of("role", "test"));
        member.add(echo, null); // as the node's name store adds what the node registers
        try (FosClient client = connect(goodTicket())) {
            assertThat(client.node()).isEqualTo("node-a");
            assertThat(client.clientId()).isEqualTo("client-test");
            List<NameEntry> found = client.fleet(NameService.class, NameService.NAME).find("/app/echo");
            assertThat(found).singleElement().satisfies(e -> {
                assertThat(e.address()).isEqualTo(echo.address());
                assertThat(e.properties()).containsEntry("role", "test");
            });
            assertThat(client.toString()).contains("client-test").contains("node-a");
        }
        // the node serves on for the next client
        try (FosClient again = connect(goodTicket())) {
            assertThat(again.fleet(NameService.class, NameService.NAME).find("/app/echo")).hasSize(1);
        }
    }

    @Test
    void shouldCloseAtOnceAndFailACallStillWaitingWithClosedWhenTheNodeNoLongerAnswers() throws Exception {
        startNode();
        FosClient client = connect(goodTicket());
        NameService fleet = client.fleet(NameService.class, NameService.NAME);
        assertThat(fleet.find("/app/echo")).isEmpty();
        // the naming member stops answering, as the members of a node that restarted do: what is sent to them is dropped
        naming.interrupt();
        naming.join();
        naming = null;
        CompletableFuture<List<NameEntry>> pending = CompletableFuture.supplyAsync(() -> fleet.find("/app/echo"));
        Awaitility.await("the call's request is in the member's mailbox").atMost(Duration.ofSeconds(10)).until(() -> namingBox.depth() > 0);
        assertThat(pending).as("the call waits for an answer").isNotDone();

        int waiting = namingBox.depth();
        client.close();
        assertThat(namingBox.depth()).as("close sent the fleet nothing (each unwatch would wait its 10 s timeout)").isEqualTo(waiting);
        assertThatThrownBy(() -> pending.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class).cause()
                .isInstanceOf(FleetException.class).satisfies(e -> assertThat(((FleetException) e).status()).isEqualTo(Status.CLOSED));
    }

    @Test
    void shouldConnectAgainWhenTheNodeRestartedAndWroteANewTicketAndItsProxiesCallThroughTheNewConnection() throws Exception {
        startNode();
        Path file = nodeTicket(dir.resolve("node.ticket"));
        try (FosClient client = connect(file)) {
            NameService fleet = client.fleet(NameService.class, NameService.NAME);
            assertThat(fleet.find("/app/echo")).isEmpty();
            String firstEndpoint = client.toString();

            stopNode();
            startNode(); // another port, another naming member: the old ticket is of no use any more
            NameEntry echo = new NameEntry("/app/echo", node.kernel(5).createMailbox("echo", 16).capability(), 1, Map.of());
            member.add(echo, null);
            nodeTicket(file);

            Awaitility.await("the client connected again with the new ticket").atMost(Duration.ofSeconds(20))
                    .until(() -> client.reconnects() == 1);
            assertThat(fleet.find("/app/echo")).as("the proxy from before the restart calls the new node")
                    .singleElement().satisfies(e -> assertThat(e.address()).isEqualTo(echo.address()));
            assertThat(client.toString()).isNotEqualTo(firstEndpoint).contains("127.0.0.1:" + tcp.port());
        }
    }

    @Test
    void shouldStayWithItsNodeWhileTheTicketFileNamesAnotherOrIsMalformedAndFollowTheNextTicketOfItsOwn() throws Exception {
        startNode();
        Path file = nodeTicket(dir.resolve("node.ticket"));
        try (FosClient client = connect(file)) {
            NameService fleet = client.fleet(NameService.class, NameService.NAME);
            Capability elsewhere = new Capability(new org.fos.kernel.api.Address("node-z", 7), names.rights(), 1, 2);
            ticket(file, "node-z", "127.0.0.1:" + tcp.port(), "fos", false, elsewhere);
            awaitTicketRead(client);
            assertThat(client.reconnects()).as("a ticket of another node is not followed").isZero();
            assertThat(fleet.find("/app/none")).isEmpty();

            Files.writeString(file, "node=node-a\n");
            awaitTicketRead(client);
            assertThat(client.reconnects()).as("a malformed ticket is not followed").isZero();
            assertThat(fleet.find("/app/none")).isEmpty();

            stopNode();
            startNode();
            nodeTicket(file);
            Awaitility.await("the client connected again with node-a's next ticket").atMost(Duration.ofSeconds(20))
                    .until(() -> client.reconnects() == 1);
            assertThat(client.node()).isEqualTo("node-a");
            assertThat(fleet.find("/app/none")).isEmpty();
        }
    }

    /** Waits until the client read its ticket file twice more: once after what the test wrote, at least. */
    private static void awaitTicketRead(FosClient client) {
        long before = client.ticketChecks();
        Awaitility.await("the client read its ticket again").atMost(Duration.ofSeconds(10))
                .until(() -> client.ticketChecks() >= before + 2);
    }

    @Test
    void shouldRefuseATicketWhoseNamingCapabilityTheNodeDoesNotKnow() throws IOException {
        startNode();
        Capability stale = new Capability(names.address(), names.rights(), names.tokenHigh() ^ 1, names.tokenLow());
        assertThatThrownBy(() -> connect(ticket("node-a", "127.0.0.1:" + tcp.port(), "fos", false, stale)))
                .isInstanceOf(IOException.class).hasMessageContaining("did not answer through the ticket's naming capability")
                .hasMessageContaining("read it again");
    }

    @Test
    void shouldRefuseATicketOfAnotherCluster() throws IOException {
        startNode();
        assertThatThrownBy(() -> connect(ticket("node-a", "127.0.0.1:" + tcp.port(), "other", false, names)))
                .isInstanceOf(IOException.class).hasMessageContaining("node-a");
    }

    @Test
    void shouldSayWhenNothingListensAtTheTicketsEndpoint() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Capability someNames = new Capability(new org.fos.kernel.api.Address("node-a", 7), Right.SEND.bit() | Right.CALL.bit(), 1, 2);
        long started = System.nanoTime();
        assertThatThrownBy(() -> connect(ticket("node-a", "127.0.0.1:" + port, "fos", false, someNames))).isInstanceOf(IOException.class)
                .hasMessageContaining("did not take the connection within " + CONNECT.toMillis() + " ms")
                .hasMessageContaining("is it running");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("it gives up after the connect timeout").isLessThan(
                CONNECT.multipliedBy(5));
    }

    @Test
    void shouldRefuseAnEndpointWhoseHostDoesNotResolve() throws IOException {
        Capability someNames = new Capability(new org.fos.kernel.api.Address("node-a", 7), Right.SEND.bit() | Right.CALL.bit(), 1, 2);
        assertThatThrownBy(() -> connect(ticket("node-a", "no-such-host.invalid:7000", "fos", false, someNames)))
                .isInstanceOf(IOException.class).hasMessageContaining("node-a");
    }

    @Test
    void shouldRefuseAMissingOrMalformedTicketNamingWhatIsWrong() throws IOException {
        assertThatThrownBy(() -> connect(dir.resolve("none.ticket"))).isInstanceOf(NoSuchFileException.class);
        Path noToken = dir.resolve("no-token.ticket");
        Files.writeString(noToken, "node=node-a\nendpoint=127.0.0.1:7000\ncluster=fos\ntls=false\nnames.mailbox=7\n");
        assertThatThrownBy(() -> connect(noToken)).isInstanceOf(IOException.class).hasMessageContaining("no-token.ticket")
                .hasMessageContaining("names.token");
        Path badTls = dir.resolve("bad-tls.ticket");
        Files.writeString(badTls, "node=node-a\nendpoint=127.0.0.1:7000\ncluster=fos\ntls=maybe\nnames.mailbox=7\nnames.token="
                + "0".repeat(32) + "\n");
        assertThatThrownBy(() -> connect(badTls)).isInstanceOf(IOException.class).hasMessageContaining("tls must be true or false");
    }

    @Test
    void shouldAskForAKeyStoreWhenTheNodeSpeaksTls() throws IOException {
        Capability someNames = new Capability(new org.fos.kernel.api.Address("node-a", 7), Right.SEND.bit() | Right.CALL.bit(), 1, 2);
        assertThatThrownBy(() -> connect(ticket("node-a", "127.0.0.1:7000", "fos", true, someNames))).isInstanceOf(IOException.class)
                .hasMessageContaining("speaks TLS").hasMessageContaining("FosClient.Builder.tls");
    }

    /**
     * A default client's waiting threads park at once (ADR 0132): none of the replies of its calls is
     * read by a waiting thread that spins or yields. Told to spin, its caller reads replies itself.
     */
    @Test
    void shouldParkItsWaitingThreadsAtOnceByDefaultAndSpinOnlyWhenToldTo() throws IOException {
        startNode();
        try (FosClient parked = connect(goodTicket())) {
            NameService names = parked.fleet(NameService.class, NameService.NAME);
            for (int i = 0; i < 200; i++) {
                assertThat(names.find("/app/none")).isEmpty();
            }
            assertThat(counter(parked, "framesIn")).isGreaterThanOrEqualTo(200);
            assertThat(counter(parked, "readByWaitingThreads")).as("frames read by a spinning or yielding waiter").isZero();
        }
        try (FosClient spinning = FosClient.builder(goodTicket()).clientId("client-spins").connectTimeout(CONNECT)
                .idle(Duration.ofSeconds(1), Duration.ofSeconds(1)).connect()) {
            NameService names = spinning.fleet(NameService.class, NameService.NAME);
            for (int i = 0; i < 200; i++) {
                assertThat(names.find("/app/none")).isEmpty();
            }
            assertThat(counter(spinning, "readByWaitingThreads")).as("frames the spinning caller read itself").isPositive();
        }
    }

    private static long counter(FosClient client, String name) {
        Object counters = client.transportInfo().get("counters");
        assertThat(counters).as("the transport's counters").isInstanceOf(Map.class);
        Object value = ((Map<?, ?>) counters).get(name);
        assertThat(value).as("counter " + name).isInstanceOf(Long.class);
        return (Long) value;
    }

    @Test
    void shouldRefuseIdleTimesThatAreNegativeOrAYieldShorterThanTheSpin() {
        FosClient.Builder b = FosClient.builder(dir.resolve("x.ticket"));
        assertThatThrownBy(() -> b.idle(Duration.ofNanos(-1), Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be 0 or more");
        assertThatThrownBy(() -> b.idle(Duration.ZERO, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.idle(Duration.ofMillis(2), Duration.ofMillis(1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must not be less than the idle spin");
        assertThat(b.idle(Duration.ofMillis(1), Duration.ofMillis(1))).isSameAs(b);
    }

    @Test
    void shouldRefuseTimeoutsThatAreNotPositive() {
        FosClient.Builder b = FosClient.builder(dir.resolve("x.ticket"));
        assertThatThrownBy(() -> b.callTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(
                "call timeout must be positive");
        assertThatThrownBy(() -> b.connectTimeout(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.connectTimeout(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FosClient.builder(null)).isInstanceOf(NullPointerException.class).hasMessage("ticket");
    }
}
