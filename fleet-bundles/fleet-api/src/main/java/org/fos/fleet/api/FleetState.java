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
        try {
            check(data, new IdentityHashMap<>());
        } catch (BadValue e) {
            throw new IllegalArgumentException(e.problem.replace("%s", "data" + e.path));
        }
    }

    /**
     * Walks the data. The path to a bad value is only put together when there is one (a state can
     * hold hundreds of thousands of values, and the walk is part of a live upgrade's pause).
     */
    private static void check(Object value, IdentityHashMap<Object, Boolean> seen) {
        if (value == null || value instanceof String || value instanceof Boolean || value instanceof Character
                || value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte
                || value instanceof Double || value instanceof Float || value instanceof byte[]) {
            return;
        }
        if (seen.put(value, Boolean.TRUE) != null) {
            throw new BadValue("fleet state holds a cycle at %s");
        }
        if (value instanceof List<?> list) {
            int i = 0;
            for (Object e : list) {
                try {
                    check(e, seen);
                } catch (BadValue bad) {
                    throw bad.within("[" + i + "]");
                }
                i++;
            }
        } else if (value instanceof Set<?> set) {
            for (Object e : set) {
                try {
                    check(e, seen);
                } catch (BadValue bad) {
                    throw bad.within("{}");
                }
            }
        } else if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getKey() instanceof String key)) {
                    throw new BadValue("fleet state map at %s has a key of type "
                            + (e.getKey() == null ? "null" : e.getKey().getClass().getName()) + ": keys must be strings");
                }
                try {
                    check(e.getValue(), seen);
                } catch (BadValue bad) {
                    throw bad.within("." + key);
                }
            }
        } else {
            throw new BadValue("fleet state holds a " + value.getClass().getName() + " at %s"
                    + ": use strings, numbers, booleans, byte[], lists, sets and maps with string keys");
        }
        seen.remove(value);
    }

    /** A bad value found by {@link #check}; its path grows as the walk unwinds. */
    private static final class BadValue extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final String problem;
        String path = "";

        BadValue(String problem) {
            super(null, null, false, false);
            this.problem = problem;
        }

        BadValue within(String segment) {
            path = segment + path;
            return this;
        }
    }
}
