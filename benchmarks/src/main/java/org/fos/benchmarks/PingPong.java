package org.fos.benchmarks;

/**
 * One side of a ping-pong between two threads: {@link #roundTrip()} hands a token to an echo thread
 * and waits until it comes back. Each implementation starts its echo thread when created and stops
 * it on {@link #close()}. Not thread-safe: one calling thread.
 */
interface PingPong extends AutoCloseable {

    /**
     * Sends the token and waits for the echo.
     *
     * @return what came back, for the benchmark's blackhole
     */
    Object roundTrip();

    /** Stops the echo thread and waits for it to end. */
    @Override
    void close();
}
