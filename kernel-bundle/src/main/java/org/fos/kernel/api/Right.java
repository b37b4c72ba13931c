package org.fos.kernel.api;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * A right that a {@link Capability} grants on one mailbox. The rights table in
 * {@code docs/kernel.md} says which right each kernel operation needs.
 */
public enum Right {
    /** Put messages into the mailbox. */
    SEND(1),
    /** Take messages out of the mailbox, close it and hand its ownership to another bundle. */
    RECEIVE(2),
    /** Derive narrower capabilities from this one, revoke them, and publish it under a name. */
    GRANT(4);

    /** The bits of all rights together. */
    public static final int ALL_BITS = 7;

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
     * {@code G}, in that order, for example {@code SG}.
     *
     * @param mask a rights mask
     * @return the letters, or {@code -} for no right
     */
    public static String letters(int mask) {
        StringBuilder b = new StringBuilder(3);
        for (Right r : values()) {
            if (r.in(mask)) {
                b.append(r.name().charAt(0));
            }
        }
        return b.length() == 0 ? "-" : b.toString();
    }

    /**
     * Reads the short form written by {@link #letters(int)} (letters in any order and case) or
     * a comma-separated list of right names.
     *
     * @param text the text, for example {@code SG} or {@code send,grant}
     * @return the mask
     * @throws IllegalArgumentException naming the first letter or word that is no right
     */
    public static int parse(String text) {
        Objects.requireNonNull(text, "text");
        String t = text.trim();
        int mask = 0;
        if (t.contains(",") || t.length() > 3) {
            for (String word : t.split(",")) {
                String w = word.trim().toUpperCase(java.util.Locale.ROOT);
                try {
                    mask |= Right.valueOf(w).bit;
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("unknown right '" + word.trim() + "': use send, receive or grant", e);
                }
            }
            return mask;
        }
        if (t.isEmpty()) {
            throw new IllegalArgumentException("no rights given: use letters S, R, G or names send, receive, grant");
        }
        for (char c : t.toCharArray()) {
            switch (Character.toUpperCase(c)) {
                case 'S' -> mask |= SEND.bit;
                case 'R' -> mask |= RECEIVE.bit;
                case 'G' -> mask |= GRANT.bit;
                default -> throw new IllegalArgumentException("unknown right letter '" + c + "' in '" + text
                        + "': use S (send), R (receive), G (grant)");
            }
        }
        return mask;
    }
}
