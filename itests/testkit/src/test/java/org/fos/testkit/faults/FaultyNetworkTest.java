package org.fos.testkit.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The network against a real echo server on 127.0.0.1: three participants, b listening. Absence
 * of traffic is checked with a short read timeout (a slow machine cannot make it pass wrongly:
 * a blocked link delivers nothing however long one waits).
 */
class FaultyNetworkTest {
    private static final int QUIET_MILLIS = 300;
    @TempDir
    Path dir;
    private ServerSocket echo;
    private final List<Socket> echoed = new ArrayList<>();
    private FaultyNetwork net;
    private int port;

    @BeforeEach
    void start() throws IOException {
        port = FaultyNetwork.freePort();
        echo = new ServerSocket();
        echo.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        Thread t = new Thread(this::serveEcho, "echo");
        t.setDaemon(true);
        t.start();
        net = FaultyNetwork.create(dir, List.of("a", "b", "c"));
        net.expose("b", port);
    }

    private void serveEcho() {
        while (!echo.isClosed()) {
            try {
                Socket s = echo.accept();
                synchronized (echoed) {
                    echoed.add(s);
                }
                Thread t = new Thread(() -> {
                    try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                        in.transferTo(out);
                    } catch (IOException e) {
                        // the test closed it
                    }
                });
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    @AfterEach
    void stop() throws IOException {
        net.close();
        echo.close();
        synchronized (echoed) {
            for (Socket s : echoed) {
                s.close();
            }
        }
    }

    private Socket dial(String from) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(net.address(from, "b"), port), 5_000);
        s.setSoTimeout(60_000);
        return s;
    }

    private static String roundTrip(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        return read(s, text.length());
    }

    private static String read(Socket s, int n) throws IOException {
        byte[] b = s.getInputStream().readNBytes(n);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static void assertQuiet(Socket s) throws IOException {
        int old = s.getSoTimeout();
        s.setSoTimeout(QUIET_MILLIS);
        try {
            int b = s.getInputStream().read();
            throw new AssertionError("expected nothing through a blocked link, read " + b);
        } catch (SocketTimeoutException expected) {
            // nothing came
        } finally {
            s.setSoTimeout(old);
        }
    }

    @Test
    void shouldForwardEachPairThroughItsOwnAddress() throws IOException {
        try (Socket a = dial("a"); Socket c = dial("c")) {
            assertEquals("hello", roundTrip(a, "hello"));
            assertEquals("from c", roundTrip(c, "from c"));
            assertEquals("127.0.1.2", a.getInetAddress().getHostAddress());
            assertEquals("127.0.3.2", c.getInetAddress().getHostAddress());
        }
        assertTrue(net.stats().stream().anyMatch(l -> l.startsWith("a->b:" + port) && l.contains("1 accepted")), net.stats().toString());
    }

    @Test
    void shouldHoldTrafficOfAPartitionedParticipantAndDeliverItAfterTheHeal() throws IOException {
        try (Socket a = dial("a"); Socket c = dial("c")) {
            assertEquals("before", roundTrip(a, "before"));
            net.partition("b");
            assertTrue(net.blocked("a", "b") && net.blocked("b", "a") && net.blocked("c", "b"));
            assertFalse(net.blocked("a", "c"));
            a.getOutputStream().write("during".getBytes(StandardCharsets.UTF_8));
            assertQuiet(a);
            assertQuiet(c);
            net.heal();
            assertEquals("during", read(a, 6));
            assertEquals("after", roundTrip(c, "after"));
        }
    }

    @Test
    void shouldKeepAParticipantNamedAsExceptionReachable() throws IOException {
        net.partition("b", "c");
        try (Socket c = dial("c")) {
            assertEquals("kept", roundTrip(c, "kept"));
        }
        assertTrue(net.blocked("a", "b"));
    }

    @Test
    void shouldHoldANewConnectionUnansweredUntilTheHeal() throws IOException {
        net.partition(List.of("a"), List.of("b", "c"));
        try (Socket a = dial("a")) { // taken by the proxy, but not connected through
            a.getOutputStream().write("queued".getBytes(StandardCharsets.UTF_8));
            assertQuiet(a);
            synchronized (echoed) {
                assertTrue(echoed.isEmpty(), "the echo server saw no connection");
            }
            net.heal();
            assertEquals("queued", read(a, 6));
        }
    }

    @Test
    void shouldBlockOneDirectionOnly() throws IOException {
        try (Socket a = dial("a")) {
            assertEquals("x", roundTrip(a, "x"));
            net.block("b", "a"); // b's answers to a are held; a's bytes reach b
            a.getOutputStream().write("ping".getBytes(StandardCharsets.UTF_8));
            assertQuiet(a);
            Awaitility.await("the echo server got a's bytes").atMost(Duration.ofSeconds(30))
                    .until(() -> net.stats().stream().anyMatch(l -> l.startsWith("a->b:") && l.endsWith(" 6 bytes")));
            net.unblock("b", "a");
            assertEquals("ping", read(a, 4));
        }
    }

    @Test
    void shouldEndConnectionsOnResetAndAcceptNewOnes() throws IOException {
        try (Socket a = dial("a")) {
            assertEquals("x", roundTrip(a, "x"));
            net.resetConnections("a");
            assertTrue(endsSoon(a), "the connection ended");
        }
        try (Socket a = dial("a")) {
            assertEquals("again", roundTrip(a, "again"));
        }
    }

    private static boolean endsSoon(Socket s) {
        try {
            return s.getInputStream().read() < 0;
        } catch (IOException reset) {
            return true;
        }
    }

    @Test
    void shouldBoundTheConnectionsOfAProxy() throws IOException {
        net.partition("b"); // held connections cost nothing upstream: fill one proxy with them
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < FaultyNetwork.MAX_CONNECTIONS_PER_PROXY; i++) {
                held.add(dial("a"));
            }
            Awaitility.await("the proxy took them all").atMost(Duration.ofSeconds(30))
                    .until(() -> net.stats().stream().anyMatch(l -> l.startsWith("a->b:") && l.contains(held.size() + " accepted")));
            try (Socket extra = dial("a")) {
                assertTrue(endsSoon(extra), "one more connection is closed at once");
            }
            assertTrue(net.stats().stream().anyMatch(l -> l.startsWith("a->b:") && l.contains("1 refused")), net.stats().toString());
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }

    @Test
    void shouldCloseEverythingOnClose() throws IOException {
        Socket a = dial("a");
        net.partition("b");
        Socket heldOne = dial("c");
        net.close();
        assertTrue(endsSoon(a));
        assertTrue(endsSoon(heldOne));
        assertThrows(IOException.class, () -> dial("a").close());
        assertThrows(IllegalStateException.class, () -> net.expose("c", port));
        a.close();
        heldOne.close();
    }

    @Test
    void shouldGiveEachParticipantAHostsFileThatResolvesTheOthersToTheirPairs() throws Exception {
        String hosts = Files.readString(net.hostsFile("a"));
        assertTrue(hosts.contains("127.0.1.2 b.fos.test\n"), hosts);
        assertTrue(hosts.contains("127.0.1.3 c.fos.test\n"), hosts);
        assertTrue(hosts.contains("127.0.0.1 a.fos.test\n"), hosts);
        assertTrue(hosts.contains("localhost"), hosts);
        // a JVM with a's hosts file resolves b to a's proxy for b
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), net.jvmOption("a"), "-cp",
                System.getProperty("java.class.path"), Resolve.class.getName(), "b.fos.test", "localhost").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(p.waitFor(1, TimeUnit.MINUTES));
        assertEquals("127.0.1.2 127.0.0.1", out);
    }

    @Test
    void shouldRefuseBadNamesAndUnknownParticipants() {
        assertThrows(IllegalArgumentException.class, () -> FaultyNetwork.create(dir, List.of("a", "a")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FaultyNetwork.create(dir, List.of("node_1")));
        assertTrue(e.getMessage().contains("node_1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> FaultyNetwork.create(dir, List.of("-a")));
        e = assertThrows(IllegalArgumentException.class, () -> net.partition("z"));
        assertTrue(e.getMessage().contains("no participant 'z'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> net.partition(List.of("a"), List.of("a", "b")));
        assertThrows(IllegalArgumentException.class, () -> net.address("a", "a"));
        assertThrows(IllegalArgumentException.class, () -> net.expose("a", 0));
        assertThrows(IllegalArgumentException.class, () -> net.block("a", "a"));
    }

    /** Prints the addresses of the names given, space-separated: run in a child JVM with a hosts file. */
    public static final class Resolve {
        private Resolve() {
        }

        /**
         * Resolves each argument.
         *
         * @param args host names
         * @throws IOException if one does not resolve
         */
        public static void main(String[] args) throws IOException {
            List<String> out = new ArrayList<>();
            for (String a : args) {
                out.add(InetAddress.getByName(a).getHostAddress());
            }
            System.out.println(String.join(" ", out));
        }
    }
}
