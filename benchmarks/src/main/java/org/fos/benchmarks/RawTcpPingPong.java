package org.fos.benchmarks;

import java.io.Closeable;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;

/**
 * The raw TCP baseline: a blocking-socket ping-pong over loopback with TCP_NODELAY on both ends.
 * A request is {@code requestBytes} bytes that start with two ints; the server thread reads it
 * whole and answers with {@code replyBytes} bytes that start with their sum. Nothing but the bytes:
 * no framing, no codec, no threads besides the caller and the server. {@link NonBlocking} is the same
 * ping-pong on non-blocking sockets, whose two threads either never sleep (they read again and again
 * until the bytes are in, the waiting of a fos caller and member that spin) or wait in a selector of
 * their own until the socket has bytes (the waiting of a fos caller and member that park, ADR 0124).
 */
final class RawTcpPingPong extends RawPingPongEnds {
    private final ServerSocket server;
    private final Socket client;
    private final OutputStream out;
    private final DataInputStream in;
    private final ByteBuffer request;
    private final ByteBuffer reply;

    /**
     * Starts the server thread and connects.
     *
     * @param requestBytes bytes of a request, at least 8
     * @param replyBytes bytes of a reply, at least 4
     * @throws UncheckedIOException if the sockets cannot be opened
     */
    RawTcpPingPong(int requestBytes, int replyBytes) {
        checkSizes(requestBytes, replyBytes);
        request = ByteBuffer.allocate(requestBytes);
        reply = ByteBuffer.allocate(replyBytes);
        try {
            server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            startServer(() -> serve(requestBytes, replyBytes), "raw-tcp-server");
            client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
            client.setTcpNoDelay(true);
            out = client.getOutputStream();
            in = new DataInputStream(client.getInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException("the raw TCP ping-pong did not start", e);
        }
    }

    private static void checkSizes(int requestBytes, int replyBytes) {
        if (requestBytes < 2 * Integer.BYTES || replyBytes < Integer.BYTES) {
            throw new IllegalArgumentException("a request holds two ints and a reply one: " + requestBytes + " and " + replyBytes
                    + " bytes are too few");
        }
    }

    private void serve(int requestBytes, int replyBytes) {
        try (Socket s = server.accept()) {
            s.setTcpNoDelay(true);
            DataInputStream sin = new DataInputStream(s.getInputStream());
            OutputStream sout = s.getOutputStream();
            ByteBuffer req = ByteBuffer.allocate(requestBytes);
            ByteBuffer rep = ByteBuffer.allocate(replyBytes);
            while (running) {
                sin.readFully(req.array());
                rep.putInt(0, req.getInt(0) + req.getInt(Integer.BYTES));
                sout.write(rep.array());
            }
        } catch (IOException e) {
            if (running) {
                throw new UncheckedIOException("the raw TCP server failed", e);
            }
        }
    }

    @Override
    int call(int a, int b) {
        request.putInt(0, a).putInt(Integer.BYTES, b);
        try {
            out.write(request.array());
            in.readFully(reply.array());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return reply.getInt(0);
    }

    @Override
    Closeable clientSocket() {
        return client;
    }

    @Override
    Closeable serverSocket() {
        return server;
    }

    /**
     * The same ping-pong on non-blocking sockets. Spinning: the caller and the server thread read again
     * at once while nothing has arrived ({@link Thread#onSpinWait}), so neither ever sleeps in the
     * kernel and no wake-up is paid. Selecting: each waits in a selector of its own until its socket
     * has bytes, then reads them, one wake-up a hop, as a fos receiver parked in its transport's
     * selector does.
     */
    static final class NonBlocking extends RawPingPongEnds {
        private final java.nio.channels.ServerSocketChannel server;
        private final SocketChannel client;
        /** The caller's selector, or null when spinning. */
        private final Selector clientSelector;
        private final boolean selecting;
        private final ByteBuffer request;
        private final ByteBuffer reply;

        /**
         * Starts the server thread and connects.
         *
         * @param requestBytes bytes of a request, at least 8
         * @param replyBytes bytes of a reply, at least 4
         * @param selecting whether the two threads wait in selectors instead of spinning
         * @throws UncheckedIOException if the sockets cannot be opened
         */
        NonBlocking(int requestBytes, int replyBytes, boolean selecting) {
            checkSizes(requestBytes, replyBytes);
            this.selecting = selecting;
            request = ByteBuffer.allocateDirect(requestBytes);
            reply = ByteBuffer.allocateDirect(replyBytes);
            try {
                server = java.nio.channels.ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
                startServer(() -> serve(requestBytes, replyBytes), selecting ? "raw-tcp-selecting-server" : "raw-tcp-spinning-server");
                client = SocketChannel.open(server.getLocalAddress());
                client.setOption(StandardSocketOptions.TCP_NODELAY, true);
                client.configureBlocking(false);
                clientSelector = selecting ? watching(client) : null;
            } catch (IOException e) {
                throw new UncheckedIOException("the non-blocking raw TCP ping-pong did not start", e);
            }
        }

        /** A selector of its own that watches the socket for reads. */
        private static Selector watching(SocketChannel s) throws IOException {
            Selector selector = Selector.open();
            s.register(selector, SelectionKey.OP_READ);
            return selector;
        }

        private void serve(int requestBytes, int replyBytes) {
            try (SocketChannel s = server.accept()) {
                s.setOption(StandardSocketOptions.TCP_NODELAY, true);
                s.configureBlocking(false);
                try (Selector selector = selecting ? watching(s) : null) {
                    ByteBuffer req = ByteBuffer.allocateDirect(requestBytes);
                    ByteBuffer rep = ByteBuffer.allocateDirect(replyBytes);
                    while (running) {
                        if (!readFully(s, req.clear(), selector)) {
                            return;
                        }
                        rep.clear().putInt(0, req.getInt(0) + req.getInt(Integer.BYTES));
                        writeFully(s, rep);
                    }
                }
            } catch (IOException e) {
                if (running) {
                    throw new UncheckedIOException("the non-blocking raw TCP server failed", e);
                }
            }
        }

        /**
         * Reads until the buffer is full, spinning or waiting in {@code selector} while nothing has
         * arrived; false if the stream ended or the ping-pong closes.
         */
        private boolean readFully(SocketChannel s, ByteBuffer b, Selector selector) throws IOException {
            while (b.hasRemaining()) {
                int n = s.read(b);
                if (n < 0 || !running) {
                    return false;
                }
                if (n == 0) {
                    if (selector == null) {
                        Thread.onSpinWait();
                    } else {
                        selector.select();
                        selector.selectedKeys().clear();
                    }
                }
            }
            return true;
        }

        private static void writeFully(SocketChannel s, ByteBuffer b) throws IOException {
            while (b.hasRemaining()) {
                if (s.write(b) == 0) {
                    Thread.onSpinWait();
                }
            }
        }

        /** One round trip, spinning or selecting until the whole reply is in. */
        @Override
        int call(int a, int b) {
            request.clear().putInt(0, a).putInt(Integer.BYTES, b);
            try {
                writeFully(client, request);
                if (!readFully(client, reply.clear(), clientSelector)) {
                    throw new UncheckedIOException(new IOException("the raw TCP server went away"));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return reply.getInt(0);
        }

        @Override
        Closeable clientSocket() {
            return () -> {
                client.close();
                if (clientSelector != null) {
                    clientSelector.close();
                }
            };
        }

        @Override
        Closeable serverSocket() {
            return server;
        }
    }
}
