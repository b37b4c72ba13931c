package org.fos.kernel.api;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * A right that a {@link Capability} grants on one mailbox. The rights table in
 * {@code docs/kernel.md} says which right each kernel operation needs.
 *
 * <p>{@link #SEND}, {@link #RECEIVE} and {@link #GRANT} are the kernel's; {@link #CALL},
 * {@link #PEER} and {@link #ADMIN} are checked by the server that receives a message (libfos checks
 * them against the right each protocol method declares): a message whose capability lacks the
 * right its method needs is refused with {@link Status#NO_RIGHT}. The kernel hands them out like
 * the others: a new mailbox's capability holds every right, narrowing keeps a subset.
 */
public enum Right {
    /** Put messages into the mailbox. */
    SEND(1),
    /** Take messages out of the mailbox, close it and hand its ownership to another bundle. */
    RECEIVE(2),
    /** Derive narrower capabilities from this one, revoke them, and publish it under a name. */
    GRANT(4),
    /** Call the public methods of the protocol the mailbox serves (what a fleet's clients do). */
    CALL(8),
    /** Call the member-to-member methods of a fleet's protocol: held by the fleet's members only. */
    PEER(16),
    /** Call administration methods (running shell commands, installing code). */
    ADMIN(32);

    /** The bits of all rights together. */
    public static final int ALL_BITS = 63;

    /** The rights a server checks rather than the kernel: {@link #CALL}, {@link #PEER}, {@link #ADMIN}. */
    public static final int SERVER_BITS = 8 | 16 | 32;

    /** The letters of {@link #letters(int)}, one a right in declaration order. */
    private static final String LETTERS = "SRGCPA";

    private final int bit;

    Right(int bit) {
        this.bit = bit;
    }

    /**
     * Returns this right's bit in a rights mask.
     *
     * @return a single bit
     */
    public int bit() {
        return bit;
    }

    /**
     * Tells whether a rights mask holds this right.
     *
     * @param mask a rights mask
     * @return true if the bit of this right is set in {@code mask}
     */
    public boolean in(int mask) {
        return (mask & bit) != 0;
    }

    /**
     * Turns a set of rights into a mask.
     *
     * @param rights the rights, not null
     * @return the mask with one bit per right
     */
    public static int mask(Set<Right> rights) {
        Objects.requireNonNull(rights, "rights");
        int mask = 0;
        for (Right r : rights) {
            mask |= r.bit;
        }
        return mask;
    }

    /**
     * Turns a mask into a set of rights.
     *
     * @param mask a rights mask
     * @return a new mutable set holding the rights whose bits are set
     * @throws IllegalArgumentException if the mask has bits that are no right
     */
    public static Set<Right> of(int mask) {
        if ((mask & ~ALL_BITS) != 0) {
            throw new IllegalArgumentException("invalid rights mask " + mask);
        }
        EnumSet<Right> set = EnumSet.noneOf(Right.class);
        for (Right r : values()) {
            if (r.in(mask)) {
                set.add(r);
            }
        }
        return set;
    }

    /**
     * Writes a mask in the short form used by the shell: one letter a right, {@code S}, {@code R},
     * {@code G}, {@code C}, {@code P}, {@code A}, in that order, for example {@code SGC}.
     *
     * @param mask a rights mask
     * @return the letters, or {@code -} for no right
     */
    public static String letters(int mask) {
        StringBuilder b = new StringBuilder(LETTERS.length());
        for (Right r : values()) {
            if (r.in(mask)) {
                b.append(LETTERS.charAt(r.ordinal()));
            }
        }
        return b.length() == 0 ? "-" : b.toString();
    }

    /**
     * Reads the short form written by {@link #letters(int)} (letters in any order and case) or
     * a comma-separated list of right names.
     *
     * @param text the text, for example {@code SG} or {@code send,grant,call}
     * @return the mask
     * @throws IllegalArgumentException naming the first letter or word that is no right
     */
    public static int parse(String text) {
        Objects.requireNonNull(text, "text");
        String t = text.trim();
        if (t.isEmpty()) {
            throw new IllegalArgumentException("no rights given: use letters " + LETTERS + " or names send, receive, grant, call, peer,"
                    + " admin");
        }
        int mask = 0;
        boolean letters = t.chars().allMatch(c -> LETTERS.indexOf(Character.toUpperCase(c)) >= 0);
        if (!letters) {
            for (String word : t.split(",")) {
                String w = word.trim().toUpperCase(java.util.Locale.ROOT);
                try {
                    mask |= Right.valueOf(w).bit;
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("unknown right '" + word.trim() + "' in '" + text + "': use send, receive, grant,"
                            + " call, peer or admin (or the letters " + LETTERS + ")", e);
                }
            }
            return mask;
        }
        for (char c : t.toCharArray()) {
            mask |= values()[LETTERS.indexOf(Character.toUpperCase(c))].bit;
        }
        return mask;
    }
}
