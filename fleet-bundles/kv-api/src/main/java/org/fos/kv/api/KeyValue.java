package org.fos.kv.api;

import java.util.List;
import java.util.concurrent.CompletionStage;

import org.fos.rpc.api.Deduplicated;
import org.fos.rpc.api.Idempotent;
import org.fos.rpc.api.Key;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The key-value fleet, the paper's key-value helper, on replicated state: keys are partitioned over
 * the fleet's Raft groups (a hash of the key), each group kept on up to three nodes (see
 * {@code fos:groups}). A write is acknowledged once a majority of its group's replicas hold it
 * durably, so an acknowledged write survives any fault that leaves a majority of the group's nodes
 * with their disks, a restart of every node included. Reads ({@link #get}, {@link #scan}) are
 * linearizable: they see every write acknowledged before they started; {@link #getStale} may not.
 * Every call carries a request id and the groups apply a request once, so libfos sends a call again,
 * to another member, when the member it went to is gone ({@link Deduplicated}). Every write of a key
 * gives it a new, larger revision (its group's log index). A group without a majority refuses writes
 * and reads with a {@code FleetException} whose status is {@code NO_QUORUM}; a write refused so may
 * still be applied later, if it reached the old leader's log. Keys are 1 to {@value #MAX_KEY_LENGTH}
 * characters without control characters; values are at most {@value #MAX_VALUE_BYTES} bytes. Bad
 * keys and values are refused with {@code IllegalArgumentException}. The synchronous methods are
 * served by their asynchronous twins, so a member never blocks while a group commits.
 */
@ProviderType
@Deduplicated
public interface KeyValue {

    /** The well-known name of the key-value fleet. */
    String NAME = "/sys/kv";
    /** The longest key, in characters. */
    int MAX_KEY_LENGTH = 1024;
    /** The largest value, in bytes. */
    int MAX_VALUE_BYTES = 1 << 20;

    /**
     * Reads a key, linearizably.
     *
     * @param key the key
     * @return its entry, or null if it is absent
     */
    @Idempotent
    Entry get(@Key String key);

    /**
     * Reads a key, linearizably, without waiting for the answer.
     *
     * @param key the key
     * @return completes with the entry, or null if it is absent
     */
    @Idempotent
    CompletionStage<Entry> getAsync(@Key String key);

    /**
     * Reads a key from the nearest replica of its group, without asking the leader: cheaper, and it
     * may miss writes acknowledged moments ago.
     *
     * @param key the key
     * @return the entry that replica holds, or null
     */
    @Idempotent
    Entry getStale(@Key String key);

    /**
     * Reads a key from the nearest replica without waiting for the answer; see {@link #getStale}.
     *
     * @param key the key
     * @return completes with the entry that replica holds, or null
     */
    @Idempotent
    CompletionStage<Entry> getStaleAsync(@Key String key);

    /**
     * Writes a key.
     *
     * @param key the key
     * @param value the value
     * @return the key's new revision and the version that served the call
     */
    PutResult put(@Key String key, byte[] value);

    /**
     * Writes a key without waiting for the answer.
     *
     * @param key the key
     * @param value the value
     * @return completes with the key's new revision
     */
    CompletionStage<PutResult> putAsync(@Key String key, byte[] value);

    /**
     * Removes a key.
     *
     * @param key the key
     * @return true if it was present
     */
    boolean delete(@Key String key);

    /**
     * Removes a key without waiting for the answer.
     *
     * @param key the key
     * @return completes with true if it was present
     */
    CompletionStage<Boolean> deleteAsync(@Key String key);

    /**
     * Writes a key only if its revision is the expected one.
     *
     * @param key the key
     * @param expectedRevision the revision the key must have now; 0 for "the key must be absent"
     * @param value the new value
     * @return whether it was written, and the key's revision afterwards (0 if absent)
     */
    CasResult compareAndSet(@Key String key, long expectedRevision, byte[] value);

    /**
     * Writes a key only if its revision is the expected one, without waiting for the answer.
     *
     * @param key the key
     * @param expectedRevision the revision the key must have now; 0 for "the key must be absent"
     * @param value the new value
     * @return completes with whether it was written and the key's revision afterwards
     */
    CompletionStage<CasResult> compareAndSetAsync(@Key String key, long expectedRevision, byte[] value);

    /**
     * Lists the entries whose keys start with a prefix, over the whole fleet, in key order. Each
     * group is read linearizably; the groups are read one after another, not at one instant.
     *
     * @param prefix the prefix; empty for all keys
     * @param limit the most entries to return, from 1 to 10000
     * @return completes with the entries
     */
    @Idempotent
    CompletionStage<List<Entry>> scan(String prefix, int limit);

    /**
     * Describes the fleet as the member that serves this call sees it.
     *
     * @return the number of keys and the highest revision (each group read at its nearest replica),
     *         the member's implementation version, and the layout of its state
     */
    @Idempotent
    MemberStats stats();

    /**
     * Describes the member without waiting for the answer; see {@link #stats()}.
     *
     * @return completes with the description
     */
    @Idempotent
    CompletionStage<MemberStats> statsAsync();
}
