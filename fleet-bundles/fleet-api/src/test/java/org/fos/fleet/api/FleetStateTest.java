package org.fos.fleet.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class FleetStateTest {

    @Test
    void takesPlainValuesNestedToAnyDepth() {
        Map<String, Object> data = new TreeMap<>();
        data.put("keys", List.of("a", "b"));
        data.put("values", List.of(new byte[] {1}, new byte[0]));
        data.put("flags", Set.of(true, 'x', (short) 2, (byte) 3, 4.0, 5.0f, 6, 7L));
        data.put("nested", Map.of("deeper", List.of(Map.of("deepest", "v"))));
        data.put("none", null);
        data.put("shared", List.of(List.of(1), List.of(1)));

        FleetState state = new FleetState(3, data);

        assertEquals(3, state.version());
        assertEquals(data, state.data());
    }

    @Test
    void namesWhereAnotherTypeSits() {
        List<Object> values = new ArrayList<>(List.of("a", "b"));
        values.add(Instant.EPOCH);
        Map<String, Object> data = Map.of("entries", Map.of("k1", values));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new FleetState(1, data));

        assertEquals("fleet state holds a java.time.Instant at data.entries.k1[2]: use strings, numbers, booleans, byte[],"
                + " lists, sets and maps with string keys", e.getMessage());
    }

    @Test
    void namesAMapWithAKeyThatIsNotAString() {
        Map<Object, Object> inner = new HashMap<>();
        inner.put(42, "v");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new FleetState(1, List.of(Set.of(inner))));

        assertEquals("fleet state map at data[0]{} has a key of type java.lang.Integer: keys must be strings", e.getMessage());
    }

    @Test
    void refusesACycle() {
        List<Object> loop = new ArrayList<>();
        loop.add("first");
        loop.add(loop);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new FleetState(1, Map.of("loop", loop)));

        assertEquals("fleet state holds a cycle at data.loop[1]", e.getMessage());
    }

    @Test
    void findsTheOneBadValueInALargeState() {
        List<Object> keys = new ArrayList<>();
        for (int i = 0; i < 199_999; i++) {
            keys.add("key-" + i);
        }
        keys.add(new StringBuilder("not a string"));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new FleetState(1, Map.of("keys", keys)));

        assertEquals("fleet state holds a java.lang.StringBuilder at data.keys[199999]: use strings, numbers, booleans,"
                + " byte[], lists, sets and maps with string keys", e.getMessage());
    }
}
