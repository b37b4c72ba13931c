package org.fos.kernel.api;

import java.util.Objects;

/**
 * A right to act on one mailbox, presented on every operation.
 *
 * <p>A capability is a value: its holder may copy it, keep it and pass it inside messages. It is
 * unforgeable because the kernel of the mailbox's node checks the 128-bit random token against
 * its table on every use, together with the address and the rights: a capability whose fields do
 * not match a capability that the kernel issued is rejected with {@link Status#FORGED}. Anyone
 * may construct an instance (codecs must), but only the kernel issues valid ones: when a mailbox
 * is created and when a capability is narrowed ({@link Kernel#narrow}).
 *
 * <p>Equality compares every field, so two capabilities are equal exactly when they would be
 * accepted as the same capability. {@link #toString()} shows only a prefix of the token, so that
 * logs do not leak usable capabilities. Instances are immutable and thread-safe.
 *
 * @param address the mailbox this capability is for
 * @param rights the rights it grants, a mask of {@link Right} bits
 * @param tokenHigh the high 64 bits of the token
 * @param tokenLow the low 64 bits of the token
 */
public record Capability(Address address, int rights, long tokenHigh, long tokenLow) {

    /**
     * Checks the parts of a capability.
     *
     * @param address the mailbox address, not null
     * @param rights the rights mask
     * @param tokenHigh the high bits of the token
     * @param tokenLow the low bits of the token
     * @throws IllegalArgumentException if the rights mask has bits that are no right
     * @throws NullPointerException if the address is null
     */
    public Capability {
        Objects.requireNonNull(address, "address");
        if ((rights & ~Right.ALL_BITS) != 0) {
            throw new IllegalArgumentException("invalid rights mask " + rights);
        }
    }

    /**
     * Tells whether this capability grants a right.
     *
     * @param right the right
     * @return true if its mask holds the right (the kernel still checks that the capability is valid)
     */
    public boolean has(Right right) {
        return right.in(rights);
    }

    /**
     * Returns a hash that mixes the token, so that table lookups spread well.
     *
     * @return the hash
     */
    @Override
    public int hashCode() {
        long h = tokenHigh * 0x9E3779B97F4A7C15L ^ tokenLow;
        return (int) (h ^ (h >>> 32));
    }

    /**
     * Tells whether another object is a capability with the same address, rights and token.
     *
     * @param o the other object
     * @return true if all fields are equal
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof Capability c && c.tokenLow == tokenLow && c.tokenHigh == tokenHigh
                && c.rights == rights && c.address.equals(address);
    }

    /**
     * Returns a readable form that does not reveal the token: {@code cap(node:7 SG #1a2b3c4d)}.
     *
     * @return the readable form
     */
    @Override
    public String toString() {
        return "cap(" + address + ' ' + Right.letters(rights) + " #" + String.format("%08x", (int) (tokenHigh >>> 32)) + ')';
    }
}
