package org.fos.kernel.api;

/**
 * The named outcome of a kernel operation. Sends return it; other operations throw a
 * {@link KernelException} that carries it. {@code docs/kernel.md} lists which operation answers
 * which status and why.
 */
public enum Status {
    /** The operation succeeded. */
    OK,
    /** The mailbox is full and the send did not wait. */
    FULL,
    /** The mailbox stayed full (or empty, for a receive) until the timeout passed. */
    TIMEOUT,
    /** The mailbox has been closed. */
    CLOSED,
    /** The capability does not match any capability the kernel issued. */
    FORGED,
    /** The capability, or one it was derived from, has been revoked. */
    REVOKED,
    /** The capability is valid but lacks the right the operation needs. */
    NO_RIGHT,
    /** Narrowing asked for rights that the capability does not have. */
    WIDENING,
    /** No transport reaches the node of the destination address. */
    NO_ROUTE,
    /** No member is registered under the name. */
    NO_SUCH_NAME,
    /** A service the kernel needs for the operation (the name store) did not answer. */
    UNAVAILABLE,
    /** The payload could not be encoded or decoded for the wire. */
    CODEC_ERROR,
    /** The thread was interrupted while waiting; its interrupt flag is set again. */
    INTERRUPTED,
    /**
     * The operation reached its target and failed there: a fleet method threw. Never a kernel
     * refusal; libfos reports it for calls.
     */
    FAILED,
    /**
     * A replicated group has no leader that a majority of its replicas follows: it refuses writes and
     * linearizable reads rather than answer late or stale.
     */
    NO_QUORUM;

    /**
     * Tells whether this status is a rejection of a capability.
     *
     * @return true for {@link #FORGED}, {@link #REVOKED}, {@link #NO_RIGHT} and {@link #WIDENING}
     */
    public boolean isCapabilityError() {
        return this == FORGED || this == REVOKED || this == NO_RIGHT || this == WIDENING;
    }
}
