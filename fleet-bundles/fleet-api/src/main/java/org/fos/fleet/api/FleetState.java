package org.fos.fleet.api;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A member's state in transit between two versions of its implementation. The data may only hold
 * values every version can read, whatever bundle it comes from: {@code null}, {@code String},
 * {@code Boolean}, {@code Character}, the boxed integer and floating-point types, {@code byte[]},
 * and {@code List}, {@code Set} and {@code Map} (with {@code String} keys) of those, nested to any
 * depth. Classes of the old bundle never reach the new one.
 *
 * @param version the version of the data's layout, chosen by the implementation; a newer version
 *        uses it to migrate
 * @param data the data
 */
public record FleetState(int version, Object data) {

    /**
     * Checks that the data holds only plain types.
     *
     * @param version the layout version
     * @param data the data
     * @throws IllegalArgumentException naming the first value of another type and where it is
     */
    public FleetState {
        check(data, "data", new IdentityHashMap<>());
    }

    private static void check(Object value, String path, IdentityHashMap<Object, Boolean> seen) {
        if (value == null || value instanceof String || value instanceof Boolean || value instanceof Character
                || value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte
                || value instanceof Double || value instanceof Float || value instanceof byte[]) {
            return;
        }
        if (seen.put(value, Boolean.TRUE) != null) {
            throw new IllegalArgumentException("fleet state holds a cycle at " + path);
        }
        if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                check(list.get(i), path + "[" + i + "]", seen);
            }
        } else if (value instanceof Set<?> set) {
            for (Object e : set) {
                check(e, path + "{}", seen);
            }
        } else if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getKey() instanceof String key)) {
                    throw new IllegalArgumentException("fleet state map at " + path + " has a key of type "
                            + (e.getKey() == null ? "null" : e.getKey().getClass().getName()) + ": keys must be strings");
                }
                check(e.getValue(), path + "." + key, seen);
            }
        } else {
            throw new IllegalArgumentException("fleet state holds a " + value.getClass().getName() + " at " + path
                    + ": use strings, numbers, booleans, byte[], lists, sets and maps with string keys");
        }
        seen.remove(value);
    }
}
