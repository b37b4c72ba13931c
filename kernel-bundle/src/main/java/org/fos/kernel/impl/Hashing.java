package org.fos.kernel.impl;

import java.nio.charset.StandardCharsets;

/**
 * A stable 64-bit hash (FNV-1a, then the MurmurHash3 finaliser) that gives the same value on every
 * JVM, so that every node places keys and members on the same consistent-hash ring.
 */
final class Hashing {
    private Hashing() {
    }

    static long hash(byte[] bytes) {
        long h = 0xcbf29ce484222325L;
        for (byte b : bytes) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return mix(h);
    }

    static long hash(String s) {
        return hash(s.getBytes(StandardCharsets.UTF_8));
    }

    static long hashKey(Object key) {
        if (key instanceof byte[] bytes) {
            return hash(bytes);
        }
        return hash(key.toString());
    }

    static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
