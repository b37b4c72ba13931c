package org.fos.benchmarks;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;

/**
 * The raw TCP baseline: a blocking-socket ping-pong over loopback with TCP_NODELAY on both ends.
 * A request is {@code requestBytes} bytes that start with two ints; the server thread reads it
 * whole and answers with {@code replyBytes} bytes that start with their sum. Nothing but the bytes:
 * no framing, no codec, no threads besides the caller and the server.
 */
final class RawTcpPingPong implements AutoCloseable {
    private final ServerSocket server;
    private final Socket client;
    private final OutputStream out;
    private final DataInputStream in;
    private final ByteBuffer request;
    private final ByteBuffer reply;
    private final Thread serverThread;
    private volatile boolean running = true;

    /**
     * Starts the server thread and connects.
     *
     * @param requestBytes bytes of a request, at least 8
     * @param replyBytes bytes of a reply, at least 4
     * @throws UncheckedIOException if the sockets cannot be opened
     */
    RawTcpPingPong(int requestBytes, int replyBytes) {
        if (requestBytes < 2 * Integer.BYTES || replyBytes < Integer.BYTES) {
            throw new IllegalArgumentException("a request holds two ints and a reply one: " + requestBytes + " and " + replyBytes
                    + " bytes are too few");
        }
        request = ByteBuffer.allocate(requestBytes);
        reply = ByteBuffer.allocate(replyBytes);
        try {
            server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            serverThread = new Thread(() -> serve(requestBytes, replyBytes), "raw-tcp-server");
            serverThread.setDaemon(true);
            serverThread.start();
            client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
            client.setTcpNoDelay(true);
            out = client.getOutputStream();
            in = new DataInputStream(client.getInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException("the raw TCP ping-pong did not start", e);
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

    /**
     * One round trip: sends a request with {@code a} and {@code b} and reads the whole reply.
     *
     * @param a one number
     * @param b the other
     * @return the sum the server answered
     * @throws UncheckedIOException if the socket fails
     */
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

    /** Closes the sockets; the server thread ends. */
    @Override
    public void close() {
        running = false;
        try {
            client.close();
            server.close();
            serverThread.join(10_000);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
