package org.fos.transport.tcp.impl;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import org.fos.transport.api.ClusterSecret;

/**
 * What a client ticket claims, as one line of text that the client sends in its HELLO and the node
 * reads: {@code id=<16 hex digits>;expires=<epoch milliseconds, 0 for never>}. The ticket's key is
 * derived from the cluster secret and this very text ({@link #key}), so a node needs no table of
 * tickets to check a client, and a client that changes its claims (a later expiry) can no longer
 * prove them. Immutable.
 *
 * @param id the ticket's id, 16 hexadecimal digits
 * @param expiresMillis when it expires, in epoch milliseconds; 0 for never
 * @param text the claims as written
 */
public record TicketClaims(String id, long expiresMillis, String text) {

    /** The label under which a ticket's key is derived from the cluster secret. */
    public static final String KEY_LABEL = "fos-client-ticket-v1";
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * Checks the parts.
     *
     * @param id the id
     * @param expiresMillis the expiry or 0
     * @param text the text
     */
    public TicketClaims {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(text, "text");
    }

    /**
     * Makes the claims of a new ticket with a random id.
     *
     * @param expires when it expires, or null for never
     * @return the claims
     */
    public static TicketClaims issue(Instant expires) {
        byte[] id = new byte[8];
        RANDOM.nextBytes(id);
        String hex = HexFormat.of().formatHex(id);
        long at = expires == null ? 0 : Math.max(1, expires.toEpochMilli());
        return new TicketClaims(hex, at, "id=" + hex + ";expires=" + at);
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
        return new TicketClaims(id, at, text);
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
