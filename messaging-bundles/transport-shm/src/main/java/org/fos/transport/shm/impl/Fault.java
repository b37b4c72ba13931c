package org.fos.transport.shm.impl;

/**
 * Why the shared-memory transport refused a frame, a session or a link. Each has a counter
 * ({@code fos:transport shm}); the first of each kind is logged, later ones only counted. A session is
 * one publisher's log in this node's media driver: the stream of frames one peer (or anyone who can
 * open the driver's files) writes to this node. A session that is refused is read on and ignored.
 */
public enum Fault {
    /** The first four bytes of a frame were not the magic number. */
    BAD_MAGIC(true),
    /** A frame of a protocol version this transport does not speak. */
    BAD_VERSION(true),
    /** A frame type this version does not know. */
    BAD_TYPE(true),
    /** A body length beyond {@code maxFrameBytes}, or negative. */
    OVERSIZED(true),
    /** A message of the log shorter than a frame header, or shorter than its header says. */
    TRUNCATED(true),
    /** A header or body that does not parse: unknown flags, a length that does not match, a bad string or address. */
    MALFORMED(true),
    /** A frame that is not allowed in the session's state: anything but HELLO first, a second HELLO. */
    UNEXPECTED_FRAME(true),
    /** A HELLO without a challenge: every shared-memory link proves the cluster secret. */
    UNAUTHENTICATED(true),
    /** A HELLO from another cluster. */
    WRONG_CLUSTER(true),
    /** A HELLO whose node id is this node's own. */
    WRONG_NODE(true),
    /** A HELLO from a node that the membership does not list on this host (yet): not answered. */
    NOT_A_MEMBER(false),
    /** An AUTH frame whose proof does not match: the writer does not hold this cluster's secret. */
    AUTH_FAILED(false),
    /** A payload the codec could not decode: the frame is dropped, not acknowledged. */
    UNDECODABLE_PAYLOAD(false),
    /** A payload the codec could not encode, or a frame over {@code maxFrameBytes}: not sent. */
    UNENCODABLE_MESSAGE(false),
    /** A link whose handshake did not finish within {@code handshakeTimeoutMillis}. */
    HANDSHAKE_TIMEOUT(true),
    /** An established link that read nothing within {@code heartbeatTimeoutMillis}. */
    HEARTBEAT_TIMEOUT(true),
    /** The peer's session ended, its media driver stopped answering, or its log stopped taking frames. */
    PEER_GONE(true),
    /** The peer came back with another epoch (it restarted): the link is set up afresh. */
    PEER_RESTARTED(true);

    private final boolean closesLink;

    Fault(boolean closesLink) {
        this.closesLink = closesLink;
    }

    /**
     * Tells whether this fault refuses the session (and resets its link), or only the one frame or message.
     *
     * @return true if the session is refused
     */
    public boolean closesLink() {
        return closesLink;
    }
}
