package org.fos.benchmarks;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * What the raw TCP ping-pongs ({@link RawTcpPingPong} and its spinning variant) share: the server
 * thread that answers, the flag that tells it to stop, and closing in the order that lets it end
 * (the client's socket first, which ends the server's read, then the thread, then the listening
 * socket).
 */
abstract class RawPingPongEnds implements Callers.Caller {
    /** False once closing: the server thread stops. */
    volatile boolean running = true;
    private Thread serverThread;

    /** Starts the server thread, a daemon. */
    final void startServer(Runnable serve, String name) {
        serverThread = new Thread(serve, name);
        serverThread.setDaemon(true);
        serverThread.start();
    }

    /**
     * One round trip: sends a request with {@code a} and {@code b} and reads the whole reply.
     *
     * @param a one number
     * @param b the other
     * @return the sum the server answered
     * @throws UncheckedIOException if the socket fails
     */
    abstract int call(int a, int b);

    /** The caller's socket. */
    abstract Closeable clientSocket();

    /** The listening socket. */
    abstract Closeable serverSocket();

    @Override
    public final int add(int a, int b) {
        return call(a, b);
    }

    /** Closes the sockets; the server thread ends. */
    @Override
    public final void close() {
        running = false;
        try {
            clientSocket().close();
            serverThread.join(10_000);
            serverSocket().close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
