package org.fos.transport.tcp.impl;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Properties;

import org.fos.kernel.api.Address;
import org.fos.kernel.api.Capability;
import org.fos.kernel.api.Right;
import org.fos.transport.api.ClusterSecret;

/**
 * What a plain-JVM client needs to join a node (ADR 0028): the node's id, the TCP endpoint to dial,
 * the cluster's name, whether TLS is on, and a capability for the node's naming fleet (send and
 * the server rights, no receive or grant), through which the client finds every other fleet. The node writes it into a file only its user
 * may read; whoever can read that file can call the node's fleets, as a process on the node can.
 *
 * <p>When the node has a cluster secret, the ticket also carries its claims (an id and an expiry,
 * {@link TicketClaims}) and the key derived from them and the secret: the client proves the key at
 * every node's HELLO, and every node of the cluster checks it without a table of tickets.
 *
 * @param node the node's id
 * @param endpoint the node's TCP endpoint, {@code host:port}
 * @param cluster the cluster's name
 * @param tls whether the node's transport speaks TLS
 * @param names a capability of the node's naming fleet: send, and no receive or grant
 * @param claims the ticket's claims, or null when the node has no cluster secret
 * @param key the ticket's key as hexadecimal text, or null when the node has no cluster secret
 */
public record ClientTicket(String node, String endpoint, String cluster, boolean tls, Capability names, String claims, String key) {

    /**
     * A ticket without claims or key, of a node without a cluster secret.
     *
     * @param node the node's id
     * @param endpoint the node's TCP endpoint
     * @param cluster the cluster's name
     * @param tls whether TLS is on
     * @param names the naming fleet's capability
     */
    public ClientTicket(String node, String endpoint, String cluster, boolean tls, Capability names) {
        this(node, endpoint, cluster, tls, names, null, null);
    }

    /**
     * Checks the parts.
     *
     * @param node the node's id
     * @param endpoint the node's TCP endpoint
     * @param cluster the cluster's name
     * @param tls whether TLS is on
     * @param names the naming fleet's capability
     * @param claims the claims or null
     * @param key the key or null
     * @throws IllegalArgumentException if the endpoint is not {@code host:port}, the capability is
     *         for another node, lacks send or has receive or grant, or the claims or key are malformed or
     *         one is given without the other
     */
    public ClientTicket {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(cluster, "cluster");
        TransportSettings.parseEndpoint(Objects.requireNonNull(endpoint, "endpoint"));
        if (!names.address().node().equals(node)) {
            throw new IllegalArgumentException("the naming capability is for node " + names.address().node() + ", not " + node);
        }
        if (!Right.SEND.in(names.rights()) || (names.rights() & (Right.RECEIVE.bit() | Right.GRANT.bit())) != 0) {
            throw new IllegalArgumentException("the naming capability must carry send and neither receive nor grant, it has "
                    + Right.letters(names.rights()));
        }
        if ((claims == null) != (key == null)) {
            throw new IllegalArgumentException("a ticket has both claims and a key, or neither");
        }
        if (claims != null) {
            TicketClaims.parse(claims);
            ClusterSecret.ofHex(key);
        }
    }

    /**
     * Returns what the client proves at HELLO.
     *
     * @return the claims and the key (null without a key)
     */
    public TransportSettings.Client credentials() {
        return claims == null ? new TransportSettings.Client("", null) : new TransportSettings.Client(claims, ClusterSecret.ofHex(key));
    }

    /**
     * Writes the ticket: into a new file beside {@code file}, readable by its owner only where the
     * file system has POSIX permissions, then moved over {@code file}.
     *
     * @param file the ticket file
     * @throws IOException if it cannot be written
     */
    public void write(Path file) throws IOException {
        Properties p = new Properties();
        p.setProperty("node", node);
        p.setProperty("endpoint", endpoint);
        p.setProperty("cluster", cluster);
        p.setProperty("tls", Boolean.toString(tls));
        p.setProperty("names.mailbox", Long.toString(names.address().mailbox()));
        p.setProperty("names.rights", Right.letters(names.rights()));
        p.setProperty("names.token", HexFormat.of().toHexDigits(names.tokenHigh()) + HexFormat.of().toHexDigits(names.tokenLow()));
        if (claims != null) {
            p.setProperty("ticket.claims", claims);
            p.setProperty("ticket.key", key);
        }
        StringWriter text = new StringWriter();
        p.store(text, "fos client ticket of node " + node + ": whoever can read this file can call the node's fleets");
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, ".client-ticket", ".tmp");
        try {
            if (Files.getFileStore(temp).supportsFileAttributeView("posix")) {
                Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
            }
            Files.writeString(temp, text.toString(), StandardCharsets.UTF_8);
            try {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * Reads a ticket a node wrote.
     *
     * @param file the ticket file, such as {@code data/client.ticket} in the node's folder
     * @return the ticket
     * @throws IOException if the file cannot be read ({@link NoSuchFileException} if there is none)
     * @throws IllegalArgumentException naming the first entry that is missing or malformed
     */
    public static ClientTicket read(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("client ticket " + file + " is malformed: " + e.getMessage(), e);
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("client ticket " + file + " is malformed: it is not UTF-8 text (" + e + ")", e);
        }
        try {
            String node = required(p, "node");
            String tls = required(p, "tls");
            if (!tls.equals("true") && !tls.equals("false")) {
                throw new IllegalArgumentException("tls must be true or false, was '" + tls + "'");
            }
            String token = required(p, "names.token");
            if (token.length() != 32 || !token.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                throw new IllegalArgumentException("names.token must be 32 hexadecimal digits");
            }
            long mailbox;
            try {
                mailbox = Long.parseLong(required(p, "names.mailbox"));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("names.mailbox must be a number, was '" + p.getProperty("names.mailbox") + "'", e);
            }
            String rights = p.getProperty("names.rights", "S").trim();
            int mask;
            try {
                mask = Right.parse(rights);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("names.rights: " + e.getMessage(), e);
            }
            Capability names = new Capability(new Address(node, mailbox), mask,
                    HexFormat.fromHexDigitsToLong(token, 0, 16), HexFormat.fromHexDigitsToLong(token, 16, 32));
            String claims = p.getProperty("ticket.claims");
            String key = p.getProperty("ticket.key");
            if ((claims == null) != (key == null)) {
                throw new IllegalArgumentException(claims == null ? "it has a ticket.key but no ticket.claims" : "it has ticket.claims but no ticket.key");
            }
            return new ClientTicket(node, required(p, "endpoint"), required(p, "cluster"), Boolean.parseBoolean(tls), names,
                    claims == null ? null : claims.trim(), key == null ? null : key.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("client ticket " + file + " is not valid: " + e.getMessage(), e);
        }
    }

    private static String required(Properties p, String key) {
        String value = p.getProperty(key);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("it has no " + key);
        }
        return value.trim();
    }
}
