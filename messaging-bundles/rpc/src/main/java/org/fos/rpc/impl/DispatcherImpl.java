package org.fos.rpc.impl;

import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import org.fos.kernel.api.Kernel;
import org.fos.kernel.api.Message;
import org.fos.kernel.api.Right;
import org.fos.kernel.api.Status;
import org.fos.rpc.api.CallContext;
import org.fos.rpc.api.Dispatcher;
import org.fos.rpc.api.FleetException;
import org.fos.rpc.api.RequestId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns request messages into calls on one implementation object and sends the replies. A method
 * that returns a {@code CompletionStage} is answered when the stage completes, from whatever thread
 * completes it; the server loop goes on meanwhile.
 */
final class DispatcherImpl implements Dispatcher {
    private static final Logger LOG = LoggerFactory.getLogger(DispatcherImpl.class);
    /** How long a reply may wait for room in a full reply mailbox. */
    private static final long REPLY_TIMEOUT_MILLIS = 5_000;

    private final ProtocolModel protocol;
    private final Object implementation;
    private final Kernel kernel;
    private final LongAdder lostReplies;
    private final AtomicInteger outstanding = new AtomicInteger();
    private final LongAdder expired = new LongAdder();

    DispatcherImpl(ProtocolModel protocol, Object implementation, Kernel kernel, LongAdder lostReplies) {
        this.protocol = protocol;
        this.implementation = implementation;
        this.kernel = kernel;
        this.lostReplies = lostReplies;
    }

    @Override
    public boolean dispatch(Message request) {
        MethodModel method = protocol.serverMethod(request.type());
        if (method == null) {
            reply(request, Wire.FAILURE, new Wire.Failure(IllegalArgumentException.class.getName(), "protocol "
                    + protocol.type.getName() + " has no method '" + request.type() + "'; it has " + protocol.methodNames()));
            return true;
        }
        if (!(request.payload() instanceof Wire.Invocation invocation)) {
            reply(request, Wire.FAILURE, new Wire.Failure(IllegalArgumentException.class.getName(), "request for " + method
                    + " carries " + (request.payload() == null ? "no payload" : "a " + request.payload().getClass().getName())
                    + ", not a call"));
            return true;
        }
        if (!method.needs.in(request.to().rights())) {
            kernel.refused(request, Status.NO_RIGHT);
            reply(request, Wire.FAILURE, new Wire.Failure(FleetException.class.getName(), method + " needs the " + method.needs
                    + " right; the capability it was called with has only " + Right.letters(request.to().rights()), Status.NO_RIGHT.name()));
            return true;
        }
        if (invocation.deadline() != 0 && System.currentTimeMillis() >= invocation.deadline()) {
            // the caller gave up on it while it waited in the mailbox: run it, and a write the caller
            // was told timed out would happen behind its back
            expired.increment();
            reply(request, Wire.FAILURE, new Wire.Failure(FleetException.class.getName(), method + " was dropped unrun: its deadline"
                    + " passed while it waited for the member", Status.TIMEOUT.name()));
            return true;
        }
        String problem = checkArguments(method, invocation.arguments());
        if (problem != null) {
            reply(request, Wire.FAILURE, new Wire.Failure(IllegalArgumentException.class.getName(), problem));
            return true;
        }
        Object result;
        RequestId outer = CallContext.enter(invocation.requestId());
        Integer outerRights = CallContext.enterRights(request.to().rights());
        try {
            result = method.invoker.invoke(implementation, invocation.arguments().toArray());
        } catch (Throwable t) {
            if (t instanceof Error e && !(t instanceof AssertionError) && !(t instanceof StackOverflowError)) {
                throw e;
            }
            reply(request, Wire.FAILURE, Replies.failureOf(t));
            return true;
        } finally {
            CallContext.leaveRights(outerRights);
            CallContext.leave(outer);
        }
        if (method.async) {
            if (result == null) {
                reply(request, Wire.FAILURE, new Wire.Failure(NullPointerException.class.getName(), method + " returned a null stage"));
                return true;
            }
            outstanding.incrementAndGet();
            ((CompletionStage<?>) result).whenComplete((value, error) -> {
                try {
                    if (error != null) {
                        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                        reply(request, Wire.FAILURE, Replies.failureOf(cause));
                    } else {
                        reply(request, Wire.RESULT, new Wire.Outcome(value));
                    }
                } finally {
                    outstanding.decrementAndGet();
                }
            });
            return false;
        }
        reply(request, Wire.RESULT, new Wire.Outcome(result));
        return true;
    }

    @Override
    public long expired() {
        return expired.sum();
    }

    @Override
    public int outstanding() {
        return outstanding.get();
    }

    private static String checkArguments(MethodModel method, List<Object> arguments) {
        if (arguments == null || arguments.size() != method.parameterTypes.length) {
            return method + " takes " + method.parameterTypes.length + " arguments, the request has "
                    + (arguments == null ? 0 : arguments.size());
        }
        for (int i = 0; i < method.parameterTypes.length; i++) {
            if (!method.accepts(i, arguments.get(i))) {
                Object a = arguments.get(i);
                return "argument " + (i + 1) + " of " + method + " must be " + method.parameterTypes[i].getSimpleName()
                        + ", was " + (a == null ? "null" : a.getClass().getSimpleName());
            }
        }
        return null;
    }

    private void reply(Message request, String type, Object payload) {
        if (request.replyTo() == null) {
            return;
        }
        Message reply = new Message(null, request.replyTo(), null, request.correlationId(), type, payload);
        Status s = kernel.send(reply);
        if (s == Status.FULL) {
            s = kernel.send(reply, REPLY_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        }
        if (s == Status.CODEC_ERROR && Wire.RESULT.equals(type)) {
            s = kernel.send(new Message(null, request.replyTo(), null, request.correlationId(), Wire.FAILURE,
                    new Wire.Failure(IllegalStateException.class.getName(), "the result of " + request.type()
                            + " cannot cross the wire: " + ((Wire.Outcome) payload).value().getClass().getName())));
        }
        if (s != Status.OK) {
            lostReplies.increment();
            LOG.debug("reply to {} for {} not delivered: {}", request.replyTo().address(), request.type(), s);
        }
    }
}
