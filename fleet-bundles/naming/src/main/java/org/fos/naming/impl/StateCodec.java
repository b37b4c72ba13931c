package org.fos.naming.impl;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.fos.kernel.api.Address;
import org.fos.kernel.api.Capability;

/** Writes kernel values in the plain types of a fleet state, and reads them back with checks. */
final class StateCodec {
    private StateCodec() {
    }

    static Map<String, Object> capability(Capability c) {
        Map<String, Object> m = new HashMap<>();
        m.put("node", c.address().node());
        m.put("mailbox", c.address().mailbox());
        m.put("rights", c.rights());
        m.put("high", c.tokenHigh());
        m.put("low", c.tokenLow());
        return m;
    }

    static Capability capability(Object o) {
        Map<?, ?> m = map(o, "capability");
        try {
            return new Capability(new Address((String) m.get("node"), (Long) m.get("mailbox")), (Integer) m.get("rights"),
                    (Long) m.get("high"), (Long) m.get("low"));
        } catch (ClassCastException | NullPointerException e) {
            throw new IllegalArgumentException("malformed capability in the naming state: " + m, e);
        }
    }

    static long number(Object o, String what) {
        if (!(o instanceof Long || o instanceof Integer)) {
            throw new IllegalArgumentException("the naming state's " + what + " is not a whole number: " + o);
        }
        return ((Number) o).longValue();
    }

    static String text(Object o, String what) {
        if (!(o instanceof String s)) {
            throw new IllegalArgumentException("the naming state's " + what + " is not text: " + o);
        }
        return s;
    }

    static Map<?, ?> map(Object o, String what) {
        if (!(o instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException("the naming state's " + what + " is not a map: " + o);
        }
        return m;
    }

    static List<?> list(Object o, String what) {
        if (!(o instanceof List<?> l)) {
            throw new IllegalArgumentException("the naming state's " + what + " is not a list: " + o);
        }
        return l;
    }

    static Map<String, String> stringMap(Object o) {
        Map<String, String> out = new HashMap<>();
        for (Map.Entry<?, ?> e : map(o, "properties").entrySet()) {
            out.put((String) e.getKey(), (String) e.getValue());
        }
        return out;
    }
}
