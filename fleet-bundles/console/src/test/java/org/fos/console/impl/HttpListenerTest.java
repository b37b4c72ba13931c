package org.fos.console.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.eclipse.jetty.server.ConnectionLimit;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HttpListenerTest {
    private final List<Socket> sockets = new ArrayList<>();
    private Server server;
    private ServerConnector felix;

    @AfterEach
    void close() throws Exception {
        for (Socket s : sockets) {
            s.close();
        }
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void shouldReadTheLimitAndRefuseABadOneByName() {
        assertThat(HttpListener.connections(Map.<String, String>of()::get)).isEqualTo(64);
        assertThat(HttpListener.connections(Map.of(HttpListener.CONNECTIONS, " 3 ")::get)).isEqualTo(3);
        assertThatThrownBy(() -> HttpListener.connections(Map.of(HttpListener.CONNECTIONS, "many")::get))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("fos.console.connections must be a number from 1 to 10000, was 'many'");
        assertThatThrownBy(() -> HttpListener.connections(Map.of(HttpListener.CONNECTIONS, "0")::get))
                .hasMessage("fos.console.connections must be a number from 1 to 10000, was 0");
        assertThatThrownBy(() -> HttpListener.connections(Map.of(HttpListener.CONNECTIONS, "10001")::get))
                .hasMessage("fos.console.connections must be a number from 1 to 10000, was 10001");
    }

    /** A running Jetty server with a plain HTTP connector, as Felix starts it. */
    private void startServer() throws Exception {
        server = new Server();
        felix = new ServerConnector(server);
        felix.setHost("127.0.0.1");
        server.addConnector(felix);
        server.start();
    }

    /** Asks the listener for its connector and adds it as Felix's tracker does. */
    private ServerConnector takeOver(HttpListener listener) throws Exception {
        Connector c = listener.createConnector(server);
        server.addConnector(c);
        c.start();
        return (ServerConnector) c;
    }

    private Socket connect(int port) throws IOException {
        Socket s = new Socket();
        sockets.add(s);
        s.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
        return s;
    }

    private ConnectionLimit limit() {
        return server.getBean(ConnectionLimit.class);
    }

    /** Whether the server has closed the socket (its read ends) within 50 ms. */
    private static boolean closedByServer(Socket s) throws IOException {
        s.setSoTimeout(50);
        try {
            return s.getInputStream().read() < 0;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    private static String answer(Socket s) throws IOException {
        s.getOutputStream().write("GET / HTTP/1.1\r\nHost: fos\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        s.setSoTimeout(30_000);
        return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    }

    @Test
    void shouldTakeOverFelixsConnectorAndGiveItBackWhenItGoes() throws Exception {
        startServer();
        HttpListener listener = new HttpListener(4);
        ServerConnector ours = takeOver(listener);
        assertThat(server.getConnectors()).containsExactly(ours);
        assertThat(felix.isStopped()).isTrue();
        assertThat(ours.getHost()).isEqualTo("127.0.0.1");
        assertThat(limit().getMaxConnections()).isEqualTo(4);
        try (Socket s = connect(ours.getLocalPort())) {
            assertThat(answer(s)).startsWith("HTTP/1.1 404");
        }
        // as Felix's tracker does when the service goes, then the component's deactivation
        server.removeConnector(ours);
        ours.stop();
        listener.deactivate();
        assertThat(server.getConnectors()).containsExactly(felix);
        assertThat(felix.isStarted()).isTrue();
        assertThat(limit()).isNull();
        try (Socket s = connect(felix.getLocalPort())) {
            assertThat(answer(s)).startsWith("HTTP/1.1 404");
        }
    }

    @Test
    void shouldRefuseAServerWithoutAPlainHttpConnector() throws Exception {
        server = new Server();
        server.start();
        assertThatThrownBy(() -> new HttpListener(4).createConnector(server)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no plain HTTP connector to take over");
    }

    @Test
    void shouldHoldNoMoreConnectionsThanItsLimitAndCloseIdleOnesWhileAtIt() throws Exception {
        startServer();
        ServerConnector c = takeOver(new HttpListener(4));
        List<Socket> idle = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            idle.add(connect(c.getLocalPort())); // the backlog holds what the server does not accept
        }
        Awaitility.await("the server at its limit").atMost(Duration.ofSeconds(10)).until(() -> limit().getConnections() == 4);
        assertThat(c.isAccepting()).as("accepting at the limit").isFalse();
        // at the limit, connections idle for 2 s are closed and the waiting ones taken in turn, never
        // more than 4 at once, until one that came last is answered
        Socket late = connect(c.getLocalPort());
        assertThat(answer(late)).startsWith("HTTP/1.1 404");
        assertThat(limit().getConnections()).isLessThanOrEqualTo(4);
        long closed = 0;
        for (Socket s : idle) {
            if (closedByServer(s)) {
                closed++;
            }
        }
        assertThat(closed).as("idle connections the server closed to take the late one in").isGreaterThanOrEqualTo(5);
    }

    @Test
    void shouldServeAsUsualBelowItsLimit() throws Exception {
        startServer();
        ServerConnector c = takeOver(new HttpListener(4));
        for (int i = 0; i < 10; i++) {
            try (Socket s = new Socket("127.0.0.1", c.getLocalPort())) {
                assertThat(answer(s)).startsWith("HTTP/1.1 404");
            }
        }
        Awaitility.await("every connection closed").atMost(Duration.ofSeconds(10)).until(() -> limit().getConnections() == 0);
        assertThat(c.isAccepting()).isTrue();
    }
}
