package org.fos.transport.tcp.impl;

import java.time.Instant;
import java.util.function.Function;

import org.fos.kernel.api.Address;
import org.fos.kernel.spi.Links;
import org.fos.transport.api.ClusterSecret;
import org.fos.transport.api.FrameDescriptor;
import org.fos.transport.api.LinkChallenge;

/**
 * What this node says and checks in the handshake of a connection: its HELLO, the checks of the
 * peer's HELLO that depend on the settings alone (version, cluster, node id, who dials whom), and the
 * choice of the link challenge: the cluster's for a node, the ticket's for a client, none where
 * neither end has a secret, a client's ticket refused when it expired or was revoked. The checks that
 * depend on the peers the transport knows stay with {@link TcpTransport}; the sequence of frames is
 * {@link Connection}'s. Thread-safe.
 */
final class Handshakes {
    private final String nodeId;
    private final TransportSettings settings;
    private final Links links;
    /** The cluster's challenge, with a cluster secret; null without. */
    private final LinkChallenge clusterChallenge;
    /** Says why a ticket id was revoked, or null if it was not; null while nothing keeps revocations. */
    private volatile Function<String, String> revocations;

    Handshakes(String nodeId, TransportSettings settings, Links links) {
        this.nodeId = nodeId;
        this.settings = settings;
        this.links = links;
        this.clusterChallenge = settings.secret() == null ? null : new LinkChallenge(settings.secret(), settings.cluster());
    }

    /** Sets where revoked tickets are kept; null to check none. */
    void revocations(Function<String, String> revocations) {
        this.revocations = revocations;
    }

    /** How peers prove who they are, for logs and the shell. */
    String authentication(boolean tls) {
        String how = tls && settings.secret() != null ? "TLS certificate and cluster secret " + settings.secret().fingerprint()
                : tls ? "TLS certificate"
                : settings.secret() != null ? "cluster secret " + settings.secret().fingerprint() : "none";
        return settings.client() != null ? "client ticket" + (settings.client().key() != null ? " with key" : " without key")
                + (tls ? ", TLS certificate" : "") : how;
    }

    /** Whether this end sends a challenge nonce in its HELLO: with a cluster secret, or as a client with a ticket key. */
    boolean challenges() {
        return settings.secret() != null || settings.client() != null && settings.client().key() != null;
    }

    /** This end of a challenge: this node, its kernel's epoch and its nonce. */
    LinkChallenge.End self(byte[] nonce) {
        return new LinkChallenge.End(nodeId, links.epoch(), nonce);
    }

    Frames.Hello hello(byte[] nonce) {
        TransportSettings.Client client = settings.client();
        return new Frames.Hello(nodeId, settings.cluster(), links.epoch(), FrameDescriptor.VERSION, client != null, nonce,
                client != null && nonce != null ? client.claims() : null);
    }

    /**
     * Checks a peer's HELLO against this end's settings.
     *
     * @param hello the peer's HELLO
     * @param dialled the node this end dialled, or null if it accepted the connection
     * @throws FrameException BAD_VERSION, WRONG_CLUSTER, MALFORMED or WRONG_NODE
     */
    void check(Frames.Hello hello, String dialled) throws FrameException {
        if (hello.protocolVersion() != FrameDescriptor.VERSION) {
            throw new FrameException(Fault.BAD_VERSION, "HELLO for protocol version " + hello.protocolVersion());
        }
        if (!hello.cluster().equals(settings.cluster())) {
            throw new FrameException(Fault.WRONG_CLUSTER, "node " + hello.nodeId() + " is in cluster '" + hello.cluster()
                    + "', this node in '" + settings.cluster() + "'");
        }
        if (!Address.isValidNodeId(hello.nodeId()) || hello.epoch() == 0) {
            throw new FrameException(Fault.MALFORMED, "HELLO with node id '" + hello.nodeId() + "' and epoch " + hello.epoch());
        }
        if (hello.nodeId().equals(nodeId)) {
            throw new FrameException(Fault.WRONG_NODE, "the peer says it is this node, " + hello.nodeId());
        }
        if (dialled != null && !dialled.equals(hello.nodeId())) {
            throw new FrameException(Fault.WRONG_NODE, "dialled node " + dialled + " but " + hello.nodeId() + " answered");
        }
        if (hello.client() && (dialled != null || settings.client() != null)) {
            throw new FrameException(Fault.WRONG_NODE, "client " + hello.nodeId() + " where a node was expected"
                    + (dialled != null ? " (this node dialled it)" : " (a client takes no clients)"));
        }
    }

    /**
     * Chooses the challenge of a connection from the peer's HELLO: the cluster's for a node, the
     * ticket's for a client, none where neither end has a secret; refuses a HELLO that does not
     * match this end's configuration.
     *
     * @param hello the peer's HELLO
     * @return the challenge, or null for none
     * @throws FrameException UNAUTHENTICATED, or BAD_TICKET for a client's claims
     */
    LinkChallenge challengeFor(Frames.Hello hello) throws FrameException {
        String who = (hello.client() ? "client " : "node ") + hello.nodeId();
        TransportSettings.Client client = settings.client();
        if (client != null) {
            if (client.key() != null && hello.nonce() == null) {
                throw new FrameException(Fault.UNAUTHENTICATED, who + " does not challenge, but the ticket has a key: the node has"
                        + " no cluster secret now; read its current ticket");
            }
            if (client.key() == null && hello.nonce() != null) {
                throw new FrameException(Fault.UNAUTHENTICATED, who + " has a cluster secret, the ticket has no key: read its current ticket");
            }
            return client.key() == null ? null : new LinkChallenge(client.key(), settings.cluster());
        }
        ClusterSecret secret = settings.secret();
        if (secret == null) {
            if (hello.nonce() != null) {
                throw new FrameException(Fault.UNAUTHENTICATED, who + " proves a " + (hello.client() ? "ticket" : "cluster secret")
                        + ", but this node has no cluster secret (clusterSecret): give every node the same one");
            }
            return null;
        }
        if (hello.nonce() == null) {
            throw new FrameException(Fault.UNAUTHENTICATED, hello.client() ? who + " has a ticket without a key: this node needs"
                    + " a current ticket" : who + " does not prove the cluster secret: this cluster needs the same clusterSecret on every node");
        }
        if (!hello.client()) {
            return clusterChallenge;
        }
        if (hello.claims() == null) {
            throw new FrameException(Fault.BAD_TICKET, who + " sent no ticket claims");
        }
        TicketClaims claims;
        try {
            claims = TicketClaims.parse(hello.claims());
        } catch (IllegalArgumentException e) {
            throw new FrameException(Fault.BAD_TICKET, who + ": " + e.getMessage());
        }
        if (claims.expired(System.currentTimeMillis())) {
            throw new FrameException(Fault.BAD_TICKET, who + ": ticket " + claims.id() + " expired at "
                    + Instant.ofEpochMilli(claims.expiresMillis()));
        }
        Function<String, String> revoked = revocations;
        if (revoked != null) {
            String why;
            try {
                why = revoked.apply(claims.id());
            } catch (RuntimeException e) {
                // fail closed: a ticket that may have been revoked is not taken
                throw new FrameException(Fault.BAD_TICKET, who + ": cannot tell whether ticket " + claims.id() + " was revoked: "
                        + e.getMessage());
            }
            if (why != null) {
                throw new FrameException(Fault.BAD_TICKET, who + ": ticket " + claims.id() + " was revoked: " + why);
            }
        }
        return new LinkChallenge(claims.key(secret, settings.cluster()), settings.cluster());
    }
}
