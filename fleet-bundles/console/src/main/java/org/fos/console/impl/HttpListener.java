package org.fos.console.impl;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.apache.felix.http.jetty.ConnectorFactory;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.ConnectionLimit;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds what a stranger can make the node's HTTP server hold: the server (Felix's Jetty) that the
 * web console, the Prometheus endpoint and the health endpoint share (ADR 0139).
 *
 * <p>Felix's HTTP bundle offers no connection limit, only {@link ConnectorFactory} services whose
 * connectors it adds to its server. This factory takes over Felix's plain HTTP connector: it stops
 * and removes that connector and returns one of its own on the same address, with the same HTTP
 * settings and idle timeout, an accept backlog of {@value #BACKLOG}, and a Jetty
 * {@link ConnectionLimit} over every connector of the server (an HTTPS one that
 * {@code etc/org.apache.felix.http.cfg} turns on included): at most {@value #CONNECTIONS}
 * connections at once (64 unless set), and while at the limit the server accepts no more and closes
 * connections idle for {@value #LIMITED_IDLE_MILLIS} ms, so that idle connections held open cannot
 * keep everyone else out. When this component goes away (the bundle stopped or updated), Felix
 * removes this connector and Felix's own comes back, unbounded, until the component returns. The
 * component is immediate: when Felix stops its server, it lets go of this factory, and a delayed
 * component would be deactivated then and give a stopping server its connector back.
 */
@Component(service = ConnectorFactory.class, immediate = true)
public final class HttpListener implements ConnectorFactory {
    private static final Logger LOG = LoggerFactory.getLogger(HttpListener.class);

    /** The setting (system property, else framework property) with the most connections the server holds at once. */
    public static final String CONNECTIONS = "fos.console.connections";
    /** The most connections unless {@value #CONNECTIONS} says otherwise. */
    public static final int DEFAULT_CONNECTIONS = 64;
    /** The most connections {@value #CONNECTIONS} may allow. */
    public static final int MAX_CONNECTIONS = 10_000;
    /** How long a connection may stay idle while the server holds its limit, in milliseconds. */
    public static final long LIMITED_IDLE_MILLIS = 2_000;
    /** How many connections may wait to be accepted. */
    public static final int BACKLOG = 64;

    private final int connections;
    /** What this factory did to each server it made a connector for, to undo it. */
    private final Map<Server, Takeover> takeovers = new IdentityHashMap<>();

    /** What a takeover changed on a server: Felix's connector it replaced, the limit it added and on which connectors. */
    private record Takeover(ServerConnector felix, ConnectionLimit limit, List<Connector> bounded, Connection.Listener shortIdle) {
    }

    /**
     * Gives a connection opened while the server holds its limit the short idle timeout. Jetty's
     * {@link ConnectionLimit} shortens the idle timeout of the connections open when it reaches the
     * limit, but not of the one whose accepting reached it, which is not open yet: that one, and each
     * one accepted as another closes, would keep the connector's own (60 s) and hold a place that
     * long while others wait.
     */
    private static final class ShortIdleAtLimit implements Connection.Listener {
        private final ConnectionLimit limit;

        ShortIdleAtLimit(ConnectionLimit limit) {
            this.limit = limit;
        }

        @Override
        public void onOpened(Connection connection) {
            if (limit.getConnections() >= limit.getMaxConnections()) {
                connection.getEndPoint().setIdleTimeout(limit.getIdleTimeout());
            }
        }

        @Override
        public void onClosed(Connection connection) {
            // nothing: the limit counts
        }
    }

    /**
     * Reads the limit; a bad one fails the component with a message that names the setting.
     *
     * @param context the bundle's context, for the framework properties
     */
    @Activate
    public HttpListener(BundleContext context) {
        this(connections(key -> {
            String system = System.getProperty(key);
            return system != null ? system : context.getProperty(key);
        }));
    }

    HttpListener(int connections) {
        this.connections = connections;
    }

    /** The checked limit from a lookup of properties (null where one is not set). */
    static int connections(Function<String, String> property) {
        String value = property.apply(CONNECTIONS);
        if (value == null || value.isBlank()) {
            return DEFAULT_CONNECTIONS;
        }
        int n;
        try {
            n = Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(CONNECTIONS + " must be a number from 1 to " + MAX_CONNECTIONS + ", was '" + value + "'");
        }
        if (n < 1 || n > MAX_CONNECTIONS) {
            throw new IllegalArgumentException(CONNECTIONS + " must be a number from 1 to " + MAX_CONNECTIONS + ", was " + n);
        }
        return n;
    }

    @Override
    public Connector createConnector(Server server) {
        ServerConnector felix = plainHttp(server);
        if (felix == null) {
            throw new IllegalStateException("the HTTP server has no plain HTTP connector to take over (is org.apache.felix.http.enable false?)");
        }
        HttpConnectionFactory http = felix.getConnectionFactory(HttpConnectionFactory.class);
        ServerConnector ours = new ServerConnector(server, felix.getAcceptors(), felix.getSelectorManager().getSelectorCount(),
                new HttpConnectionFactory(http.getHttpConfiguration()));
        ours.setHost(felix.getHost());
        ours.setPort(felix.getPort());
        ours.setIdleTimeout(felix.getIdleTimeout());
        ours.setAcceptQueueSize(BACKLOG);
        try {
            felix.stop();
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop Felix's HTTP connector to take it over", e);
        }
        server.removeConnector(felix);
        List<Connector> bounded = new ArrayList<>(List.of(server.getConnectors()));
        bounded.add(ours);
        ConnectionLimit limit = new ConnectionLimit(connections, bounded.toArray(Connector[]::new));
        limit.setIdleTimeout(LIMITED_IDLE_MILLIS);
        server.addBean(limit);
        try {
            limit.start(); // a bean added to a running server is not started by it
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the HTTP server's connection limit", e);
        }
        Connection.Listener shortIdle = new ShortIdleAtLimit(limit);
        bounded.forEach(c -> c.addBean(shortIdle));
        synchronized (takeovers) {
            takeovers.keySet().removeIf(s -> !s.isRunning()); // servers Felix has stopped (a restart makes a new one)
            takeovers.put(server, new Takeover(felix, limit, bounded, shortIdle));
        }
        LOG.info("fos console: HTTP on {}:{} holds at most {} connections (idle ones closed after {} ms while at the limit)",
                ours.getHost() == null ? "*" : ours.getHost(), ours.getPort(), connections, LIMITED_IDLE_MILLIS);
        return ours;
    }

    /** Felix's plain HTTP connector of a server: a server connector that speaks HTTP/1.1 and nothing else, or null. */
    private static ServerConnector plainHttp(Server server) {
        for (Connector c : server.getConnectors()) {
            if (c instanceof ServerConnector s) {
                List<ConnectionFactory> factories = List.copyOf(s.getConnectionFactories());
                if (factories.size() == 1 && factories.get(0) instanceof HttpConnectionFactory) {
                    return s;
                }
            }
        }
        return null;
    }

    /**
     * Takes the limits off and gives each server still running Felix's connector back: Felix has
     * stopped and removed this factory's connectors already.
     */
    @Deactivate
    void deactivate() {
        synchronized (takeovers) {
            takeovers.forEach((server, t) -> {
                t.bounded().forEach(c -> c.removeBean(t.shortIdle()));
                server.removeBean(t.limit());
                try {
                    t.limit().stop();
                    if (server.isRunning()) {
                        server.addConnector(t.felix());
                        t.felix().start();
                        LOG.info("fos console: Felix's HTTP connector serves again on port {}, without a connection limit", t.felix().getPort());
                    }
                } catch (Exception e) {
                    LOG.warn("fos console: cannot give the HTTP server back its own connector", e);
                }
            });
            takeovers.clear();
        }
    }
}
