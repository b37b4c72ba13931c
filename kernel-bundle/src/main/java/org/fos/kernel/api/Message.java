package org.fos.kernel.api;

import java.util.Objects;

/**
 * A message: an envelope and an immutable payload.
 *
 * <p>Inside a node the payload is passed by reference, so it must be immutable (a record of an
 * API package, a {@code String}, a {@code byte[]} that nobody changes after sending, ...). It is
 * encoded only when the message leaves the node, or on every send when the kernel runs with
 * {@code encodeAllMessages}. A message may be sent many times; the kernel never changes it.
 *
 * @param from the sender's own mailbox, where it has one; may be null
 * @param to the capability for the destination mailbox; it must grant {@link Right#SEND}
 * @param replyTo a capability the receiver may use to answer; may be null
 * @param correlationId a number the sender chooses to match replies with requests
 * @param type the message's type, a short name chosen by the protocol; not null
 * @param payload the immutable payload; may be null
 */
public record Message(Address from, Capability to, Capability replyTo, long correlationId, String type, Object payload) {

    /**
     * Checks the envelope.
     *
     * @param from the sender's mailbox or null
     * @param to the destination capability, not null
     * @param replyTo the reply capability or null
     * @param correlationId any number
     * @param type the type, not null
     * @param payload the payload or null
     * @throws NullPointerException if {@code to} or {@code type} is null
     */
    public Message {
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(type, "type");
    }

    /**
     * The type of the notice a kernel sends back when it refused a message from another node for good
     * (its mailbox is closed or was never opened by this incarnation of the node, its capability is
     * forged or revoked, it lacks a right): to the refused message's {@code replyTo}, with its
     * correlation id, so that a caller learns at once that its request was not delivered instead of
     * waiting for its timeout. The payload is a {@code String}: the refusal's {@link Status} name, the
     * refused message's destination {@link Address}, and why it was refused (words that complete "it was
     * not delivered:"), separated by single spaces. A notice is never answered with another.
     */
    public static final String UNDELIVERED = "fos.undelivered";

    /**
     * Creates a message without sender, reply capability or correlation id.
     *
     * @param to the destination capability
     * @param type the type
     * @param payload the payload or null
     * @return the message
     */
    public static Message of(Capability to, String type, Object payload) {
        return new Message(null, to, null, 0L, type, payload);
    }
}
