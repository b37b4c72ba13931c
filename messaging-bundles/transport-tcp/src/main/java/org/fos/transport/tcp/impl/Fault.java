package org.fos.transport.tcp.impl;

/**
 * Why the transport refused a frame, a connection or a message. Each has a counter
 * ({@code fos:transport}); the first of each kind is logged, later ones only counted.
 */
public enum Fault {
    /** The first four bytes of a frame were not the magic number (random bytes, another protocol). */
    BAD_MAGIC(true),
    /** A frame of a protocol version this transport does not speak. */
    BAD_VERSION(true),
    /** A frame type this version does not know. */
    BAD_TYPE(true),
    /** A body length beyond {@code maxFrameBytes}, or negative. */
    OVERSIZED(true),
    /** The connection ended in the middle of a frame. */
    TRUNCATED(true),
    /** A header or body that does not parse: unknown flags, a string past the body's end, a bad address. */
    MALFORMED(true),
    /** A frame that is not allowed in the connection's state: data before the handshake, a second HELLO. */
    UNEXPECTED_FRAME(true),
    /** A payload the codec could not decode (an unknown type, bad bytes): the frame is dropped, not acknowledged. */
    UNDECODABLE_PAYLOAD(false),
    /** A payload the codec could not encode, or a message too big for {@code maxFrameBytes}: not sent. */
    UNENCODABLE_MESSAGE(false),
    /** A HELLO from another cluster. */
    WRONG_CLUSTER(true),
    /** A HELLO whose node id is this node's own, or not the node that was dialled. */
    WRONG_NODE(true),
    /** With TLS, a HELLO whose node id is not the one the peer's certificate names. */
    CERTIFICATE_MISMATCH(true),
    /** With TLS, a failed TLS handshake: no certificate, one from another CA, or not TLS at all. */
    TLS_REFUSED(true),
    /** No HELLO within {@code handshakeTimeoutMillis}. */
    HANDSHAKE_TIMEOUT(true),
    /** Nothing read within {@code heartbeatTimeoutMillis} on an established connection. */
    HEARTBEAT_TIMEOUT(true),
    /** A connection closed because of a socket error. */
    IO_ERROR(true),
    /**
     * A HELLO without the challenge where this node has a cluster secret (the peer has none), or with
     * one where this node has none: the two ends are configured differently.
     */
    UNAUTHENTICATED(true),
    /** A proof (AUTH) that does not match: the peer holds another cluster secret, or a ticket whose key or claims were changed. */
    AUTH_FAILED(true),
    /** A client's ticket that cannot be used: claims that do not parse, or an expired ticket. */
    BAD_TICKET(true),
    /** A HELLO from a node id the membership does not list: no state is kept for it. */
    NOT_A_MEMBER(true),
    /**
     * Without TLS and without a cluster secret, a second connection that says it is a node whose link
     * is open: it cannot prove it, so it does not replace the link.
     */
    DUPLICATE_LINK(true),
    /** An accepted connection beyond {@code maxConnections}. */
    CONNECTION_LIMIT(true),
    /** An accepted connection beyond {@code maxUnauthenticatedConnections} still in their handshake. */
    HANDSHAKE_LIMIT(true),
    /** The peer refused this node's connection and said why (a REFUSE frame). */
    REFUSED_BY_PEER(true);

    private final boolean closesConnection;

    Fault(boolean closesConnection) {
        this.closesConnection = closesConnection;
    }

    /**
     * Tells whether this fault closes the connection (otherwise only the frame or message is refused).
     *
     * @return true if the connection is closed
     */
    public boolean closesConnection() {
        return closesConnection;
    }
}
