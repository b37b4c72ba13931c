package org.fos.kv.impl;

import java.util.Set;

import org.fos.kv.api.CasResult;
import org.fos.kv.api.Entry;

/**
 * What the key-value members write into the groups' logs and ask the groups' state machines. These
 * records are in the logs and snapshots of every node: a later version must keep reading them
 * (their names, and the names and types of their components).
 */
final class Commands {

    private Commands() {
    }

    /** Writes a key. */
    record Put(String key, byte[] value) {
    }

    /** Removes a key. */
    record Delete(String key) {
    }

    /** Writes a key if its revision is the expected one. */
    record CompareAndSet(String key, long expectedRevision, byte[] value) {
    }

    /** Reads a key. */
    record Get(String key) {
    }

    /** Lists keys with a prefix, in key order. */
    record Scan(String prefix, int limit) {
    }

    /** Counts the keys and finds the highest revision. */
    record Count() {
    }

    /** The answer to {@link Count}. */
    record Counted(int keys, long lastRevision) {
    }

    /** Every type the logs and answers carry. */
    static final Set<Class<?>> TYPES = Set.of(Put.class, Delete.class, CompareAndSet.class, Get.class, Scan.class, Count.class,
            Counted.class, Entry.class, CasResult.class);
}
