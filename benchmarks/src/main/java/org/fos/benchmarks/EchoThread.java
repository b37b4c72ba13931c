package org.fos.benchmarks;

/**
 * The echo side of a benchmark: a daemon thread that runs one step (take a request, answer it) again
 * and again until {@link #close()}. A step must return within about 100 ms when nothing arrives, so
 * that the thread sees the stop.
 */
final class EchoThread implements AutoCloseable {

    /** One turn of the echo loop. */
    @FunctionalInterface
    interface Step {
        /**
         * Takes at most one request and answers it.
         *
         * @throws InterruptedException if the thread is interrupted while waiting
         */
        void run() throws InterruptedException;
    }

    private final Thread thread;
    private volatile boolean running = true;

    /**
     * Starts the thread.
     *
     * @param name the thread's name
     * @param step one turn of the loop
     */
    EchoThread(String name, Step step) {
        thread = new Thread(() -> {
            try {
                while (running) {
                    step.run();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Stops the loop after its current step and waits for the thread to end. */
    @Override
    public void close() {
        running = false;
        try {
            thread.join(10_000);
            if (thread.isAlive()) {
                thread.interrupt();
                thread.join(10_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
