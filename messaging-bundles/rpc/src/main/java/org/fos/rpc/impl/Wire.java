package org.fos.rpc.impl;

import java.util.List;

import org.fos.kernel.api.Address;
import org.fos.kernel.api.Capability;
import org.fos.kernel.api.Message;
import org.fos.rpc.api.RequestId;

/**
 * The records libfos puts on the wire. A request is a message whose type is the method's name and
 * whose payload is an {@link Invocation}; the reply is a message of type {@link #RESULT} with an
 * {@link Outcome}, or of type {@link #FAILURE} with a {@link Failure}. Both carry the request's
 * correlation id.
 */
final class Wire {
    static final String RESULT = "result";
    static final String FAILURE = "failure";

    private Wire() {
    }

    /**
     * The arguments of a call, one a parameter (null for a null argument), the call's request id
     * (0 and 0 from a sender that gives none, such as a version before request ids), and its deadline:
     * the caller's wall-clock time in epoch milliseconds from which it no longer waits for the answer
     * (0 from a sender that gives none). A member that takes the request at or after its deadline drops
     * it unrun.
     */
    record Invocation(List<Object> arguments, long client, long sequence, long deadline) {
        Invocation(List<Object> arguments, long client, long sequence) {
            this(arguments, client, sequence, 0L);
        }

        /** The request id, or null if the sender gave none. */
        RequestId requestId() {
            return client == 0 && sequence == 0 ? null : new RequestId(client, sequence);
        }
    }

    /** A request before its member is picked: everything but the destination. */
    record Request(Address from, Capability replyTo, long correlationId, String method, Invocation invocation) {
        Message to(Capability member) {
            return new Message(from, member, replyTo, correlationId, method, invocation);
        }
    }

    /** What a method returned (null for void). */
    record Outcome(Object value) {
    }

    /**
     * How a method failed: the exception's class name and message, and for a {@code FleetException}
     * the name of its status (null otherwise, and from versions before it was carried).
     */
    record Failure(String type, String message, String status) {
        Failure(String type, String message) {
            this(type, message, null);
        }
    }
}
