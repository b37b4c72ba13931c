package org.fos.transport.tcp.embed;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;

import org.fos.kernel.api.Capability;
import org.fos.transport.tcp.impl.ClientTicket;

/**
 * A node's client ticket (ADR 0028): the node's id, the TCP endpoint to dial, the cluster's name,
 * whether TLS is on, a capability of the node's naming fleet, and (with a cluster secret) the
 * claims and key the client proves at HELLO. A node keeps it in the file its transport's
 * {@code clientTicket} setting names; {@code fos:ticket} issues narrower ones. Give it to
 * {@link EmbeddedTcp.Builder#ticket(TcpTicket)} to dial the node. Immutable.
 */
public final class TcpTicket {
    private final ClientTicket ticket;

    private TcpTicket(ClientTicket ticket) {
        this.ticket = ticket;
    }

    /**
     * Reads a ticket a node wrote.
     *
     * @param file the ticket file, such as {@code data/client.ticket} in the node's folder
     * @return the ticket
     * @throws IOException if the file cannot be read ({@link NoSuchFileException} if there is none)
     * @throws IllegalArgumentException naming the first entry that is missing or malformed
     */
    public static TcpTicket read(Path file) throws IOException {
        return new TcpTicket(ClientTicket.read(Objects.requireNonNull(file, "file")));
    }

    /**
     * Returns the node's id.
     *
     * @return the id
     */
    public String node() {
        return ticket.node();
    }

    /**
     * Returns the node's TCP endpoint.
     *
     * @return {@code host:port}
     */
    public String endpoint() {
        return ticket.endpoint();
    }

    /**
     * Returns the cluster's name, which the client's HELLO must carry.
     *
     * @return the name
     */
    public String cluster() {
        return ticket.cluster();
    }

    /**
     * Returns whether the node's transport speaks TLS: then the client needs a key store and a trust
     * store ({@link EmbeddedTcp.Builder#tls}).
     *
     * @return whether TLS is on
     */
    public boolean tls() {
        return ticket.tls();
    }

    /**
     * Returns the capability of the node's naming fleet: send and the server rights, no receive or
     * grant.
     *
     * @return the capability
     */
    public Capability names() {
        return ticket.names();
    }

    ClientTicket ticket() {
        return ticket;
    }

    @Override
    public String toString() {
        return "TcpTicket[" + ticket.node() + " at " + ticket.endpoint() + ", cluster " + ticket.cluster()
                + (ticket.tls() ? ", TLS]" : "]");
    }
}
