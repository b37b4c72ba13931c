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

    /**
     * Keeps the interrupt and turns it into the failure of a round trip.
     *
     * @param e the interrupt
     * @return the exception to throw
     */
    static IllegalStateException interrupted(InterruptedException e) {
        Thread.currentThread().interrupt();
        return new IllegalStateException("interrupted while waiting for the echo", e);
    }
}
