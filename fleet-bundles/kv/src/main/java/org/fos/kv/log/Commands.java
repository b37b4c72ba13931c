package org.fos.kv.log;

import java.util.Set;

import org.fos.kv.api.CasResult;
import org.fos.kv.api.Entry;

/**
 * What the key-value members write into the groups' logs and ask the groups' state machines: the
 * log's format. These records are in the logs of every node and are named there by their class
 * names, so every version of the implementation carries this package as it is (it may add
 * components, which older entries leave at their defaults) and reads what earlier versions wrote;
 * the members and state machines of a version are its own.
 */
public final class Commands {

    private Commands() {
    }

    /**
     * Writes a key.
     *
     * @param key the key
     * @param value the value
     */
    public record Put(String key, byte[] value) {
    }

    /**
     * Removes a key.
     *
     * @param key the key
     */
    public record Delete(String key) {
    }

    /**
     * Writes a key if its revision is the expected one.
     *
     * @param key the key
     * @param expectedRevision the revision it must have, 0 for absent
     * @param value the value
     */
    public record CompareAndSet(String key, long expectedRevision, byte[] value) {
    }

    /**
     * Reads a key.
     *
     * @param key the key
     */
    public record Get(String key) {
    }

    /**
     * Lists keys with a prefix, in key order.
     *
     * @param prefix the prefix
     * @param limit the most entries
     */
    public record Scan(String prefix, int limit) {
    }

    /** Counts the keys and finds the highest revision. */
    public record Count() {
    }

    /**
     * The answer to {@link Count}.
     *
     * @param keys how many keys the group holds
     * @param lastRevision the highest revision among them
     * @param layout the layout of the state the answering state machine writes (a later version may
     *        say more, such as which layout it started from)
     */
    public record Counted(int keys, long lastRevision, int layout) {
    }

    /** Every type the logs and answers carry. */
    public static final Set<Class<?>> TYPES = Set.of(Put.class, Delete.class, CompareAndSet.class, Get.class, Scan.class, Count.class,
            Counted.class, Entry.class, CasResult.class);
}
