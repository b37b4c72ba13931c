package org.fos.benchmarks;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;

/**
 * The bare Ratis baseline's state machine (row 13): a map of keys to values. A put is applied from
 * the log ({@link #applyTransaction}) and answers the entry's log index, as the key-value fleet's put
 * answers the key's revision; a get is a query ({@link #query}) that the server answers after the read
 * option's wait (LINEARIZABLE: a ReadIndex round). Commands: {@link #put} and {@link #get} encode them.
 */
final class KvMapMachine extends BaseStateMachine {

    private final ConcurrentMap<String, byte[]> map = new ConcurrentHashMap<>();

    /**
     * Encodes a put: the key's length, the key (UTF-8), the value.
     *
     * @param key the key
     * @param value the value
     * @return the command
     */
    static Message put(String key, byte[] value) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(4 + k.length + value.length);
        b.putInt(k.length).put(k).put(value);
        return Message.valueOf(ByteString.copyFrom(b.array()));
    }

    /**
     * Encodes a get: the key (UTF-8).
     *
     * @param key the key
     * @return the query
     */
    static Message get(String key) {
        return Message.valueOf(ByteString.copyFromUtf8(key));
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto entry = trx.getLogEntry();
        ByteBuffer b = entry.getStateMachineLogEntry().getLogData().asReadOnlyByteBuffer();
        int length = b.getInt();
        if (length < 0 || length > b.remaining()) {
            updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
            return CompletableFuture.failedFuture(new IllegalArgumentException("a put's key length " + length + " is out of range"));
        }
        byte[] key = new byte[length];
        b.get(key);
        byte[] value = new byte[b.remaining()];
        b.get(value);
        map.put(new String(key, StandardCharsets.UTF_8), value);
        updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
        return CompletableFuture.completedFuture(Message.valueOf(ByteString.copyFrom(ByteBuffer.allocate(8).putLong(0, entry.getIndex()))));
    }

    @Override
    public CompletableFuture<Message> query(Message request) {
        byte[] value = map.get(request.getContent().toStringUtf8());
        return CompletableFuture.completedFuture(value == null ? Message.EMPTY : Message.valueOf(ByteString.copyFrom(value)));
    }
}
