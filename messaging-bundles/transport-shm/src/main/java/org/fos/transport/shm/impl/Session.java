package org.fos.transport.shm.impl;

/** One publisher's log in this node's driver, as the reader sees it. Agent only. */
final class Session {

    /** NEW: nothing read; HELLO: its HELLO was taken; BOUND to a link by its AUTH; STALE or REFUSED: read on, ignored. */
    enum State { NEW, HELLO, BOUND, STALE, REFUSED }

    final int id;
    State state = State.NEW;
    String node;
    long epoch;
    byte[] nonce;
    int authFailures;
    /** The outbound through which this session's HELLO was answered. */
    Outbound answered;

    Session(int id) {
        this.id = id;
    }

    @Override
    public String toString() {
        return "session " + id + (node == null ? "" : " of " + node);
    }
}
