package org.fos.rpc.impl;

import java.lang.reflect.Constructor;
import java.util.ConcurrentModificationException;
import java.util.NoSuchElementException;
import java.util.Set;

import org.fos.kernel.api.Address;
import org.fos.kernel.api.Capability;
import org.fos.kernel.api.Message;
import org.fos.kernel.api.Status;
import org.fos.rpc.api.FleetException;
import org.fos.rpc.api.RemoteException;

/**
 * Turns a reply message into the value or the exception a caller sees. A failure is recreated as its
 * own type when the method declares that type or it is one of a few standard {@code java.lang} and
 * {@code java.util} exceptions, and when it has a public constructor taking the message; otherwise
 * it becomes a {@link RemoteException} naming the remote type. No other class is ever loaded for a
 * failure: the name in the reply only selects among these.
 */
final class Replies {
    private static final Set<Class<? extends RuntimeException>> STANDARD = Set.of(IllegalArgumentException.class,
            IllegalStateException.class, UnsupportedOperationException.class, NullPointerException.class,
            NoSuchElementException.class, ConcurrentModificationException.class, ArithmeticException.class,
            IndexOutOfBoundsException.class, ClassCastException.class, SecurityException.class);

    private Replies() {
    }

    /**
     * The failure that a kernel's notice of an undelivered request ({@link Message#UNDELIVERED}) means
     * for a call, or null if the notice is about an earlier attempt of the call than the one sent to
     * {@code target} (the call then waits on for that one's reply).
     *
     * @param target where the call's latest attempt went, or null if not known
     * @param resent whether an earlier attempt of the call went to a member that left (it may have run there)
     */
    static FleetException undelivered(MethodModel method, Message notice, Capability target, boolean resent) {
        String[] parts = notice.payload() instanceof String text ? text.split(" ", 3) : new String[0];
        Status status;
        Address refused;
        try {
            status = Status.valueOf(parts[0]);
            refused = Address.parse(parts[1]);
        } catch (RuntimeException malformed) {
            return new FleetException(Status.CODEC_ERROR, "malformed notice of an undelivered request for " + method + ": "
                    + notice.payload(), null);
        }
        if (target != null && !target.address().equals(refused)) {
            return null;
        }
        String why = parts.length > 2 ? parts[2] : "refused";
        return new FleetException(status, "the request for " + method + " to " + refused + " was not delivered (" + status + "): " + why
                + (resent ? "; an earlier attempt of the call may have run" : "; the call did not run"), null);
    }

    /** The value of a reply, or throws what the method threw (or the notice that the request was not delivered). */
    static Object valueOf(MethodModel method, Message reply) throws Throwable {
        if (Message.UNDELIVERED.equals(reply.type())) {
            throw undelivered(method, reply, null, true);
        }
        if (Wire.RESULT.equals(reply.type()) && reply.payload() instanceof Wire.Outcome o) {
            return o.value();
        }
        if (Wire.FAILURE.equals(reply.type()) && reply.payload() instanceof Wire.Failure f) {
            throw exception(method, f);
        }
        throw new FleetException(Status.CODEC_ERROR, "malformed reply to " + method + ": type '" + reply.type()
                + "', payload " + (reply.payload() == null ? "null" : reply.payload().getClass().getName()), null);
    }

    static Throwable exception(MethodModel method, Wire.Failure f) {
        String message = f.message();
        for (Class<?> declared : method.method.getExceptionTypes()) {
            if (declared.getName().equals(f.type())) {
                Throwable t = instantiate(declared, message);
                if (t != null) {
                    return t;
                }
            }
        }
        for (Class<? extends RuntimeException> standard : STANDARD) {
            if (standard.getName().equals(f.type())) {
                Throwable t = instantiate(standard, message);
                if (t != null) {
                    return t;
                }
            }
        }
        if (f.status() != null || FleetException.class.getName().equals(f.type())) {
            return new FleetException(statusOf(f), message, null);
        }
        return new RemoteException(f.type(), message);
    }

    private static Throwable instantiate(Class<?> type, String message) {
        if (!Throwable.class.isAssignableFrom(type)) {
            return null;
        }
        try {
            Constructor<?> c = type.getConstructor(String.class);
            return (Throwable) c.newInstance(message);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** The status a failure names, or FAILED if it names none this version knows. */
    private static Status statusOf(Wire.Failure f) {
        if (f.status() != null) {
            for (Status s : Status.values()) {
                if (s != Status.OK && s.name().equals(f.status())) {
                    return s;
                }
            }
        }
        return Status.FAILED;
    }

    /** The failure to send back for an exception thrown by an implementation; a FleetException keeps its status. */
    static Wire.Failure failureOf(Throwable t) {
        String message = t.getMessage();
        String text = message == null ? t.getClass().getSimpleName() : message;
        if (t instanceof FleetException fe) {
            return new Wire.Failure(t.getClass().getName(), text, fe.status().name());
        }
        return new Wire.Failure(t.getClass().getName(), text);
    }

    /** What a caller whose call timed out can know: whether it ran depends on when the member took it. */
    static final String MAY_HAVE_RUN = "; if a member took it before the deadline it may have run (and may still finish),"
            + " if not it is dropped unrun";
}
