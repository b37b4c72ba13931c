package org.fos.replication.impl;

import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The membership attribute {@value #ATTRIBUTE} in which a node says which groups it keeps: for each
 * replicated fleet it runs, the fleet's name and a hexadecimal bit set of its groups, as in
 * {@code /sys/kv=ff;/apps/ledger=05} (bit i of the little-endian set is group i). A fleet the node
 * runs without keeping any of its groups yet is listed with {@code 0}. Other nodes read it to find
 * the replicas of a group they keep none of, and placement to find the nodes that run a fleet.
 */
final class Hosting {
    /** The attribute's name. */
    static final String ATTRIBUTE = "raft.hosts";
    /** The attribute with the Raft server's endpoint, host:port. */
    static final String ENDPOINT = "raft";

    private Hosting() {
    }

    static String write(Map<String, BitSet> groups) {
        StringBuilder b = new StringBuilder();
        new TreeMap<>(groups).forEach((fleet, set) -> {
            if (b.length() > 0) {
                b.append(';');
            }
            b.append(fleet).append('=').append(hex(set));
        });
        return b.toString();
    }

    private static String hex(BitSet set) {
        byte[] bytes = set.toByteArray();
        if (bytes.length == 0) {
            return "0";
        }
        StringBuilder b = new StringBuilder();
        for (int i = bytes.length - 1; i >= 0; i--) {
            b.append(Character.forDigit((bytes[i] >> 4) & 0xf, 16)).append(Character.forDigit(bytes[i] & 0xf, 16));
        }
        return b.toString();
    }

    /** Reads the attribute; what cannot be read is left out (another version may write more). */
    static Map<String, BitSet> read(String value) {
        Map<String, BitSet> out = new HashMap<>();
        if (value == null || value.isBlank()) {
            return out;
        }
        for (String part : value.split(";")) {
            int eq = part.lastIndexOf('=');
            if (eq <= 0) {
                continue;
            }
            String hex = part.substring(eq + 1);
            BitSet set = new BitSet();
            int bit = 0;
            boolean ok = true;
            for (int i = hex.length() - 1; i >= 0; i--, bit += 4) {
                int d = Character.digit(hex.charAt(i), 16);
                if (d < 0) {
                    ok = false;
                    break;
                }
                for (int k = 0; k < 4; k++) {
                    if ((d & (1 << k)) != 0) {
                        set.set(bit + k);
                    }
                }
            }
            if (ok) {
                out.put(part.substring(0, eq), set);
            }
        }
        return out;
    }
}
