package org.fos.transport.tcp.impl;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
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

/**
 * What a plain-JVM client needs to join a node (ADR 0028): the node's id, the TCP endpoint to dial,
 * the cluster's name, whether TLS is on, and a send-only capability for the node's naming fleet,
 * through which the client finds every other fleet. The node writes it into a file only its user
 * may read; whoever can read that file can call the node's fleets, as a process on the node can.
 *
 * @param node the node's id
 * @param endpoint the node's TCP endpoint, {@code host:port}
 * @param cluster the cluster's name
 * @param tls whether the node's transport speaks TLS
 * @param names a capability of the node's naming fleet, with the send right only
 */
public record ClientTicket(String node, String endpoint, String cluster, boolean tls, Capability names) {

    /**
     * Checks the parts.
     *
     * @param node the node's id
     * @param endpoint the node's TCP endpoint
     * @param cluster the cluster's name
     * @param tls whether TLS is on
     * @param names the naming fleet's capability
     * @throws IllegalArgumentException if the endpoint is not {@code host:port} or the capability is
     *         for another node or has more than the send right
     */
    public ClientTicket {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(cluster, "cluster");
        TransportSettings.parseEndpoint(Objects.requireNonNull(endpoint, "endpoint"));
        if (!names.address().node().equals(node)) {
            throw new IllegalArgumentException("the naming capability is for node " + names.address().node() + ", not " + node);
        }
        if (names.rights() != Right.SEND.bit()) {
            throw new IllegalArgumentException("the naming capability must carry the send right only, it has "
                    + Right.letters(names.rights()));
        }
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
        p.setProperty("names.token", HexFormat.of().toHexDigits(names.tokenHigh()) + HexFormat.of().toHexDigits(names.tokenLow()));
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
            Capability names = new Capability(new Address(node, mailbox), Right.SEND.bit(),
                    HexFormat.fromHexDigitsToLong(token, 0, 16), HexFormat.fromHexDigitsToLong(token, 16, 32));
            return new ClientTicket(node, required(p, "endpoint"), required(p, "cluster"), Boolean.parseBoolean(tls), names);
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
