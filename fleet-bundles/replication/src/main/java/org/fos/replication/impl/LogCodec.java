package org.fos.replication.impl;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.ratis.protocol.Message;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;
import org.fos.fleet.api.FleetState;
import org.fos.kernel.api.Status;
import org.fos.kernel.spi.PayloadCodec;
import org.fos.rpc.api.FleetException;
import org.fos.rpc.api.RemoteException;

/**
 * What the replication writes into Raft logs, snapshots and replies, encoded with the node's payload
 * codec (so the fleets' command types follow its allow-list and its rules of evolution):
 * <ul>
 * <li>a log entry is an {@link Entry}: the request id of the call that wrote it (0 and 0 for none),
 * the writer's clock when it was written (the deduplication window counts in these, so every replica
 * counts the same) and the fleet's command;</li>
 * <li>a query is a {@link Query};</li>
 * <li>the answer to either is an {@link Outcome}: a value, or a failure with the exception's type,
 * message and, for a {@code FleetException}, its status;</li>
 * <li>a snapshot is a {@link Snapshot}: the fleet's state with its layout version, and the
 * deduplication table.</li>
 * </ul>
 * Thread-safe.
 */
final class LogCodec {

    /** A command in a group's log. */
    record Entry(long client, long sequence, long atMillis, Object command) {
    }

    /** A query of a group's state. */
    record Query(Object query) {
    }

    /** The result of a command or query, or how it failed. */
    record Outcome(Object value, String failureType, String failureMessage, String failureStatus) {
        static Outcome of(Object value) {
            return new Outcome(value, null, null, null);
        }

        static Outcome failed(Throwable t) {
            String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
            return new Outcome(null, t.getClass().getName(), message, t instanceof FleetException f ? f.status().name() : null);
        }

        boolean isFailure() {
            return failureType != null;
        }
    }

    /**
     * A snapshot: the fleet's state and the requests applied lately (parallel lists: client,
     * sequence, when, and the encoded outcome).
     */
    record Snapshot(int layout, Object data, List<Long> clients, List<Long> sequences, List<Long> times, List<byte[]> outcomes) {
    }

    private final PayloadCodec codec;

    LogCodec(PayloadCodec codec) {
        this.codec = codec;
    }

    /** Lets the codec carry this class's records; closing the handles takes them off again. */
    List<AutoCloseable> allowOwnTypes() {
        List<AutoCloseable> handles = new ArrayList<>();
        for (Class<?> type : List.of(Entry.class, Query.class, Outcome.class, Snapshot.class)) {
            handles.add(codec.allow(type));
        }
        return handles;
    }

    AutoCloseable allow(Class<?> type) {
        return codec.allow(type);
    }

    Message entry(long client, long sequence, long atMillis, Object command) {
        return message(codec.encode(new Entry(client, sequence, atMillis, command)));
    }

    Entry entry(ByteString bytes) {
        Object o = codec.decode(bytes.toByteArray());
        if (!(o instanceof Entry e)) {
            throw new IllegalArgumentException("a log entry holds a " + (o == null ? "null" : o.getClass().getName()) + ", not an entry");
        }
        return e;
    }

    Message query(Object query) {
        return message(codec.encode(new Query(query)));
    }

    Query query(ByteString bytes) {
        Object o = codec.decode(bytes.toByteArray());
        if (!(o instanceof Query q)) {
            throw new IllegalArgumentException("a query holds a " + (o == null ? "null" : o.getClass().getName()) + ", not a query");
        }
        return q;
    }

    /** Encodes an outcome; a value the codec cannot carry becomes a failure that says so. */
    byte[] outcome(Outcome outcome) {
        try {
            return codec.encode(outcome);
        } catch (IllegalArgumentException e) {
            return codec.encode(Outcome.failed(new IllegalStateException("the result cannot be encoded: " + e.getMessage())));
        }
    }

    Outcome outcome(ByteString bytes) {
        Object o = codec.decode(bytes.toByteArray());
        if (!(o instanceof Outcome out)) {
            throw new IllegalArgumentException("a reply holds a " + (o == null ? "null" : o.getClass().getName()) + ", not an outcome");
        }
        return out;
    }

    byte[] snapshot(Snapshot snapshot) {
        return codec.encode(snapshot);
    }

    Snapshot snapshot(byte[] bytes) {
        Object o = codec.decode(bytes);
        if (!(o instanceof Snapshot s)) {
            throw new IllegalArgumentException("a snapshot file holds a " + (o == null ? "null" : o.getClass().getName()));
        }
        if (s.clients() == null || s.sequences() == null || s.times() == null || s.outcomes() == null
                || s.clients().size() != s.sequences().size() || s.clients().size() != s.times().size()
                || s.clients().size() != s.outcomes().size()) {
            throw new IllegalArgumentException("a snapshot file has a malformed table of applied requests");
        }
        return s;
    }

    /**
     * The value of an outcome as the caller's type, or the failure as the exception it names: a
     * FleetException keeps its status, an IllegalArgumentException or IllegalStateException is
     * recreated (so that a refused command reads as the fleet threw it), anything else is a
     * {@link RemoteException}.
     */
    static <R> R valueOf(Outcome o, Class<R> type) {
        if (o.isFailure()) {
            throw exception(o);
        }
        if (o.value() != null && !box(type).isInstance(o.value())) {
            throw new FleetException(Status.CODEC_ERROR, "the result is a " + o.value().getClass().getName() + ", not a "
                    + type.getName(), null);
        }
        @SuppressWarnings("unchecked")
        R value = (R) o.value();
        return value;
    }

    private static RuntimeException exception(Outcome o) {
        if (o.failureStatus() != null) {
            for (Status s : Status.values()) {
                if (s != Status.OK && s.name().equals(o.failureStatus())) {
                    return new FleetException(s, o.failureMessage(), null);
                }
            }
        }
        if (IllegalArgumentException.class.getName().equals(o.failureType())) {
            return new IllegalArgumentException(o.failureMessage());
        }
        if (IllegalStateException.class.getName().equals(o.failureType())) {
            return new IllegalStateException(o.failureMessage());
        }
        return new RemoteException(o.failureType(), o.failureMessage());
    }

    private static Class<?> box(Class<?> t) {
        if (!t.isPrimitive()) {
            return t;
        }
        return Map.<Class<?>, Class<?>>of(int.class, Integer.class, long.class, Long.class, boolean.class, Boolean.class,
                double.class, Double.class, float.class, Float.class, short.class, Short.class, byte.class, Byte.class,
                char.class, Character.class).getOrDefault(t, t);
    }

    static Message message(byte[] bytes) {
        return Message.valueOf(UnsafeByteOperations.unsafeWrap(bytes));
    }

    /** Makes a snapshot record from a fleet state and the table's columns. */
    static Snapshot snapshotOf(FleetState state, DedupTable.Columns table) {
        return new Snapshot(state.version(), state.data(), table.clients(), table.sequences(), table.times(), table.outcomes());
    }
}
