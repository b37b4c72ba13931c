package org.fos.testkit.faults;

/**
 * The direction from one participant of a {@link FaultyNetwork} to another: open, or black-holed
 * (what the one sends the other is held back, as a network that drops packets would). Thread-safe.
 */
final class Link {
    private final String from;
    private final String to;
    private boolean blocked;
    private boolean closed;

    Link(String from, String to) {
        this.from = from;
        this.to = to;
    }

    synchronized void block(boolean block) {
        blocked = block;
        notifyAll();
    }

    synchronized boolean blocked() {
        return blocked;
    }

    /** Wakes every waiter for good: the network is closing. */
    synchronized void close() {
        closed = true;
        notifyAll();
    }

    /**
     * Waits while the direction is blocked.
     *
     * @return false if the network closed meanwhile
     * @throws InterruptedException if interrupted
     */
    synchronized boolean awaitOpen() throws InterruptedException {
        while (blocked && !closed) {
            wait();
        }
        return !closed;
    }

    @Override
    public String toString() {
        return from + " -> " + to;
    }
}
