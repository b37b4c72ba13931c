package org.fos.rpc.impl;

import java.util.List;

import org.fos.kernel.api.Address;
import org.fos.kernel.api.Capability;
import org.fos.kernel.api.Message;

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

    /** The arguments of a call, one a parameter (null for a null argument). */
    record Invocation(List<Object> arguments) {
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

    /** How a method failed: the exception's class name and message. */
    record Failure(String type, String message) {
    }
}
