package org.fos.testkit.faults;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One TCP proxy of a {@link FaultyNetwork}: it listens on the address that one participant uses
 * for another's port and forwards each connection to the real port on 127.0.0.1. Bytes from the
 * dialling participant pass only while {@code forward} is open, bytes back only while {@code
 * backward} is; a connection made while either is blocked is held, unanswered, until both open
 * (then it is connected through). Each direction of a connection holds at most one buffer of
 * {@value #BUFFER_BYTES} bytes, and at most {@code maxConnections} connections are kept: one more
 * is closed at once.
 */
final class LinkProxy implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LinkProxy.class);
    static final int BUFFER_BYTES = 16 * 1024;
    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;
    /** How long a close waits for the acceptor to leave its accept. */
    private static final long ACCEPTOR_EXIT_MILLIS = 10_000;

    private final String name;
    private final String from;
    private final String to;
    private final InetSocketAddress target;
    private final Link forward;
    private final Link backward;
    private final int maxConnections;
    private final ServerSocket server;
    private final Thread acceptor;
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private volatile boolean closed;

    LinkProxy(String from, String to, InetSocketAddress listen, InetSocketAddress target, Link forward, Link backward, int maxConnections)
            throws IOException {
        this.from = from;
        this.to = to;
        this.name = from + "->" + to + ":" + target.getPort();
        this.target = target;
        this.forward = forward;
        this.backward = backward;
        this.maxConnections = maxConnections;
        this.server = new ServerSocket();
        server.setReuseAddress(true);
        try {
            server.bind(listen, 64);
        } catch (IOException e) {
            server.close();
            throw new IOException("proxy " + name + " cannot listen on " + listen + ": " + e.getMessage(), e);
        }
        acceptor = new Thread(this::accept, "fos-proxy-" + name);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Whether this proxy carries traffic between the participant and another. */
    boolean touches(String participant) {
        return from.equals(participant) || to.equals(participant);
    }

    InetSocketAddress listenAddress() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    private void accept() {
        while (!closed) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("proxy {} stops accepting: {}", name, e.toString());
                }
                return;
            }
            if (connections.size() >= maxConnections) {
                refused.incrementAndGet();
                closeQuietly(s);
                continue;
            }
            accepted.incrementAndGet();
            Connection c = new Connection(s);
            connections.add(c);
            Thread t = new Thread(c::run, "fos-proxy-" + name + "-" + accepted.get());
            t.setDaemon(true);
            t.start();
        }
    }

    /** Closes every connection it carries now (both sides see a reset or end of stream); the listener stays. */
    void resetConnections() {
        for (Connection c : List.copyOf(connections)) {
            c.close();
        }
    }

    /** A short account: connections now, accepted, refused for the bound, bytes carried. */
    String stats() {
        return name + ": " + connections.size() + " open, " + accepted.get() + " accepted, " + refused.get() + " refused, " + bytes.get()
                + " bytes";
    }

    int openConnections() {
        return connections.size();
    }

    /**
     * Closes the listener and every connection. Returns once the acceptor has left its accept: until
     * then the kernel keeps the listening socket (the blocked call holds it) and completes connections
     * into its backlog, so a dial just after a close that returned at once could still connect.
     */
    @Override
    public void close() {
        closed = true;
        closeQuietly(server);
        if (Thread.currentThread() != acceptor) {
            try {
                acceptor.join(ACCEPTOR_EXIT_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (acceptor.isAlive()) {
                LOG.warn("proxy {}: its acceptor has not left accept {} ms after the close", name, ACCEPTOR_EXIT_MILLIS);
            }
        }
        resetConnections();
    }

    /** One connection through the proxy: held while blocked, then two pumps. */
    private final class Connection {
        private final Socket client;
        private final List<Socket> sockets = new ArrayList<>();
        private boolean done;

        Connection(Socket client) {
            this.client = client;
            sockets.add(client);
        }

        void run() {
            Socket upstream = null;
            try {
                client.setTcpNoDelay(true);
                // a connection made across a blocked link is held, unanswered, until the link opens
                if (!forward.awaitOpen() || !backward.awaitOpen()) {
                    return;
                }
                upstream = new Socket();
                synchronized (this) {
                    if (done) {
                        return;
                    }
                    sockets.add(upstream);
                }
                upstream.setTcpNoDelay(true);
                upstream.connect(target, CONNECT_TIMEOUT_MILLIS);
                Socket up = upstream;
                Thread back = new Thread(() -> pump(up, client, backward), Thread.currentThread().getName() + "-back");
                back.setDaemon(true);
                back.start();
                pump(client, upstream, forward);
            } catch (IOException e) {
                // the target is down, or a side went away
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                if (upstream == null || upstream.isClosed() || !upstream.isConnected()) {
                    close();
                }
            }
        }

        /** Copies one direction, holding while its link is blocked; at the end, ends the other side's output. */
        private void pump(Socket from, Socket to, Link link) {
            byte[] buffer = new byte[BUFFER_BYTES];
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                while (link.awaitOpen()) {
                    int n = in.read(buffer);
                    if (n < 0) {
                        to.shutdownOutput();
                        if (from.isOutputShutdown()) {
                            close();
                        }
                        return;
                    }
                    if (!link.awaitOpen()) {
                        break;
                    }
                    out.write(buffer, 0, n);
                    bytes.addAndGet(n);
                }
                close();
            } catch (SocketException e) {
                close();
            } catch (IOException e) {
                close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
            }
        }

        void close() {
            List<Socket> all;
            synchronized (this) {
                done = true;
                all = List.copyOf(sockets);
            }
            all.forEach(LinkProxy::closeQuietly);
            connections.remove(this);
        }
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
