package org.fos.transport.tcp.impl;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

import org.fos.kernel.api.Names;
import org.fos.kernel.api.Right;
import org.fos.kernel.spi.ClientLimits;
import org.fos.transport.api.ClusterSecret;

/**
 * What a client ticket claims, as one line of text that the client sends in its HELLO and the node
 * reads: {@code id=<16 hex digits>;expires=<epoch milliseconds, 0 for never>}, optionally followed by
 * {@code ;rights=<letters>} (of {@code C} for call and {@code A} for admin; without it both) and
 * {@code ;names=<name>,<name>...} (the names whose members the client may call; without it every
 * name). The ticket's key is derived from the cluster secret and this very text ({@link #key}), so a
 * node needs no table of tickets to check a client, and a client that changes its claims (a later
 * expiry, more rights) can no longer prove them. Immutable.
 *
 * @param id the ticket's id, 16 hexadecimal digits
 * @param expiresMillis when it expires, in epoch milliseconds; 0 for never
 * @param rights the server rights it grants, a mask of {@link Right#CALL} and {@link Right#ADMIN}
 * @param names the names whose members it may call; empty for every name
 * @param text the claims as written
 */
public record TicketClaims(String id, long expiresMillis, int rights, Set<String> names, String text) {

    /** The rights a ticket may grant: call and admin (peer is the cluster's members' alone). */
    public static final int GRANTABLE = Right.CALL.bit() | Right.ADMIN.bit();

    /** The label under which a ticket's key is derived from the cluster secret. */
    public static final String KEY_LABEL = "fos-client-ticket-v1";
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * Checks the parts.
     *
     * @param id the id
     * @param expiresMillis the expiry or 0
     * @param rights the rights
     * @param names the names
     * @param text the text
     */
    public TicketClaims {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(text, "text");
        names = Set.copyOf(names);
    }

    /**
     * What the ticket allows the messages of a client that proved it.
     *
     * @return the limits the kernel narrows its messages to
     */
    public ClientLimits limits() {
        return new ClientLimits(rights, names);
    }

    /**
     * Makes the claims of a new ticket with a random id.
     *
     * @param expires when it expires, or null for never
     * @return the claims
     */
    public static TicketClaims issue(Instant expires) {
        return issue(expires, GRANTABLE, Set.of());
    }

    /**
     * Makes the claims of a new ticket with a random id, for some rights and names.
     *
     * @param expires when it expires, or null for never
     * @param rights the rights it grants: a non-empty mask of {@link Right#CALL} and {@link Right#ADMIN}
     * @param names the names whose members it may call, valid names; empty for every name
     * @return the claims
     * @throws IllegalArgumentException if the rights are empty or hold others, or a name is not valid
     */
    public static TicketClaims issue(Instant expires, int rights, Set<String> names) {
        if (rights == 0 || (rights & ~GRANTABLE) != 0) {
            throw new IllegalArgumentException("a ticket grants call, admin or both, not " + Right.letters(rights));
        }
        for (String n : names) {
            Names.requireValidName(n);
        }
        byte[] id = new byte[8];
        RANDOM.nextBytes(id);
        String hex = HexFormat.of().formatHex(id);
        long at = expires == null ? 0 : Math.max(1, expires.toEpochMilli());
        StringBuilder text = new StringBuilder("id=" + hex + ";expires=" + at);
        if (rights != GRANTABLE) {
            text.append(";rights=").append(Right.letters(rights));
        }
        if (!names.isEmpty()) {
            text.append(";names=").append(String.join(",", new TreeSet<>(names)));
        }
        return new TicketClaims(hex, at, rights, names, text.toString());
    }

    /**
     * Reads claims sent by a client.
     *
     * @param text the claims
     * @return the claims
     * @throws IllegalArgumentException naming what is missing or malformed
     */
    public static TicketClaims parse(String text) {
        Objects.requireNonNull(text, "text");
        Map<String, String> fields = new LinkedHashMap<>();
        for (String part : text.split(";")) {
            int eq = part.indexOf('=');
            if (eq <= 0 || fields.put(part.substring(0, eq), part.substring(eq + 1)) != null) {
                throw new IllegalArgumentException("ticket claims '" + Frames.fit(text) + "': '" + part + "' is not a single key=value");
            }
        }
        String id = fields.get("id");
        if (id == null || id.length() != 16 || !id.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new IllegalArgumentException("ticket claims need an id of 16 hexadecimal digits, have '" + id + "'");
        }
        String expires = fields.get("expires");
        long at;
        try {
            at = expires == null ? -1 : Long.parseLong(expires);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("ticket claims need expires=<epoch milliseconds or 0>, have '" + expires + "'", e);
        }
        if (expires == null) {
            throw new IllegalArgumentException("ticket claims need expires=<epoch milliseconds or 0>");
        }
        if (at < 0) {
            throw new IllegalArgumentException("ticket claims: expires " + at + " is negative");
        }
        int rights = GRANTABLE;
        String r = fields.get("rights");
        if (r != null) {
            try {
                rights = Right.parse(r);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("ticket claims: " + e.getMessage(), e);
            }
            if ((rights & ~GRANTABLE) != 0) {
                throw new IllegalArgumentException("ticket claims: rights=" + r + " grants more than call and admin");
            }
        }
        Set<String> names = new TreeSet<>();
        String n = fields.get("names");
        if (n != null) {
            for (String name : n.split(",")) {
                try {
                    names.add(Names.requireValidName(name));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("ticket claims: " + e.getMessage(), e);
                }
            }
        }
        for (String k : fields.keySet()) {
            if (!Set.of("id", "expires", "rights", "names").contains(k)) {
                throw new IllegalArgumentException("ticket claims: unknown claim '" + Frames.fit(k) + "'");
            }
        }
        return new TicketClaims(id, at, rights, names, text);
    }

    /**
     * Tells whether the ticket has expired.
     *
     * @param nowMillis the time now, in epoch milliseconds
     * @return true if it has an expiry and it has passed
     */
    public boolean expired(long nowMillis) {
        return expiresMillis != 0 && nowMillis >= expiresMillis;
    }

    /**
     * Derives the ticket's key: what the client proves at HELLO, bound to the cluster and these claims.
     *
     * @param secret the cluster secret
     * @param cluster the cluster's name
     * @return the key
     */
    public ClusterSecret key(ClusterSecret secret, String cluster) {
        return secret.derive(KEY_LABEL, cluster + "\n" + text);
    }
}
