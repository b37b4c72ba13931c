package org.fos.kv.api;

import java.util.List;
import java.util.concurrent.CompletionStage;

import org.fos.rpc.api.Idempotent;
import org.fos.rpc.api.Key;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The key-value fleet, the paper's key-value helper. Each key lives on one member, picked by key
 * affinity; every write of a key gives it a new, larger revision. In a cluster each write is also
 * copied to the member that comes next on the consistent-hash ring on another node (the key's
 * backup) before it is acknowledged, so losing one node loses no acknowledged write. The
 * synchronous write methods are served by their asynchronous twins, so a member never blocks while
 * it copies a write. Keys are 1 to
 * {@value #MAX_KEY_LENGTH} characters without control characters; values are at most
 * {@value #MAX_VALUE_BYTES} bytes. Bad keys and values are refused with
 * {@code IllegalArgumentException}.
 */
@ProviderType
public interface KeyValue {

    /** The well-known name of the key-value fleet. */
    String NAME = "/sys/kv";
    /** The longest key, in characters. */
    int MAX_KEY_LENGTH = 1024;
    /** The largest value, in bytes. */
    int MAX_VALUE_BYTES = 1 << 20;

    /**
     * Reads a key.
     *
     * @param key the key
     * @return its entry, or null if it is absent
     */
    @Idempotent
    Entry get(@Key String key);

    /**
     * Reads a key without waiting for the answer.
     *
     * @param key the key
     * @return completes with the entry, or null if it is absent
     */
    @Idempotent
    CompletionStage<Entry> getAsync(@Key String key);

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
     * Takes a copy of a write from the member that owns the key (member to member; clients do not call
     * it). A copy older than what the member holds is ignored.
     *
     * @param key the key
     * @param value the value, or null if the write removed the key
     * @param revision the write's revision
     * @return completes with true once the copy is held
     */
    CompletionStage<Boolean> replicate(String key, byte[] value, long revision);

    /**
     * Makes the member copy the keys it owns to their current backups again (member to member: the
     * members do it themselves when a member leaves the fleet).
     *
     * @return completes with how many keys were copied
     */
    CompletionStage<Integer> rereplicate();

    /**
     * Lists the entries whose keys start with a prefix, over the whole fleet, in key order.
     *
     * @param prefix the prefix; empty for all keys
     * @param limit the most entries to return, from 1 to 10000
     * @return completes with the entries
     */
    @Idempotent
    CompletionStage<List<Entry>> scan(String prefix, int limit);

    /**
     * Lists the entries of the member that serves this call whose keys start with a prefix, in key
     * order. {@link #scan} asks every member with it.
     *
     * @param prefix the prefix
     * @param limit the most entries to return, from 1 to 10000
     * @return completes with the member's entries
     */
    @Idempotent
    CompletionStage<List<Entry>> scanMember(String prefix, int limit);

    /**
     * Describes the member that serves this call.
     *
     * @return its number, key count and implementation version
     */
    @Idempotent
    MemberStats stats();
}
