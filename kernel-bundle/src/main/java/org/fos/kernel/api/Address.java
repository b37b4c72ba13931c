package org.fos.kernel.api;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The address of a mailbox: the node that holds it and the mailbox's number on that node.
 *
 * <p>Addresses are unique across a cluster because node ids are, and mailbox numbers are never
 * reused on a node while it runs. The text form is {@code node:mailbox}, for example
 * {@code n-3fa2c1d0:17}. Instances are immutable and thread-safe.
 *
 * @param node the id of the node that holds the mailbox; see {@link #isValidNodeId(String)}
 * @param mailbox the mailbox's number on that node, at least 1
 */
public record Address(String node, long mailbox) {

    /** What a node id is; {@link #isValidNodeId} checks it by hand. */
    static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
    private static final int MAX_NODE_ID = 63;

    /**
     * Checks the parts of an address.
     *
     * @param node the node id
     * @param mailbox the mailbox number
     * @throws IllegalArgumentException if the node id is not valid or the number is below 1
     */
    public Address {
        requireValidNodeId(node);
        if (mailbox < 1) {
            throw new IllegalArgumentException("mailbox number must be at least 1, was " + mailbox);
        }
    }

    /**
     * Tells whether a text is a valid node id: 1 to 63 characters of letters, digits, '.', '_' and
     * '-', starting with a letter or digit.
     *
     * @param node the text to check, may be null
     * @return true if it is a valid node id
     */
    public static boolean isValidNodeId(String node) {
        // what NODE_ID says, without a matcher: every address a transport decodes is checked here
        if (node == null || node.isEmpty() || node.length() > MAX_NODE_ID) {
            return false;
        }
        for (int i = 0; i < node.length(); i++) {
            char c = node.charAt(i);
            boolean alphanumeric = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            if (!alphanumeric && (i == 0 || (c != '.' && c != '_' && c != '-'))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Returns the node id if it is valid.
     *
     * @param node the node id to check
     * @return {@code node}
     * @throws IllegalArgumentException if it is not a valid node id
     */
    public static String requireValidNodeId(String node) {
        Objects.requireNonNull(node, "node");
        if (!isValidNodeId(node)) {
            throw new IllegalArgumentException("invalid node id '" + node
                    + "': use 1 to 63 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        return node;
    }

    /**
     * Parses the text form {@code node:mailbox}.
     *
     * @param text the text, for example {@code n-3fa2c1d0:17}
     * @return the address
     * @throws IllegalArgumentException if the text is not an address
     */
    public static Address parse(String text) {
        Objects.requireNonNull(text, "text");
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("invalid address '" + text + "': expected node:mailbox, for example n-1:17");
        }
        long mailbox;
        try {
            mailbox = Long.parseLong(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid address '" + text + "': mailbox number '"
                    + text.substring(colon + 1) + "' is not a number", e);
        }
        return new Address(text.substring(0, colon), mailbox);
    }

    /**
     * Returns the text form {@code node:mailbox}.
     *
     * @return the text form, which {@link #parse(String)} reads back
     */
    @Override
    public String toString() {
        return node + ':' + mailbox;
    }
}
