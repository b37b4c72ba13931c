package org.fos.kernel.impl;

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
            h = step(h, b);
        }
        return mix(h);
    }

    /**
     * Hashes a string's UTF-8 bytes, the same value as {@code hash(s.getBytes(UTF_8))} (an unpaired
     * surrogate counts as '?', as the encoder writes it), without making the bytes.
     */
    static long hash(String s) {
        long h = 0xcbf29ce484222325L;
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                h = step(h, c);
            } else if (c < 0x800) {
                h = step(step(h, 0xc0 | (c >> 6)), 0x80 | (c & 0x3f));
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                h = step(step(step(step(h, 0xf0 | (cp >> 18)), 0x80 | ((cp >> 12) & 0x3f)), 0x80 | ((cp >> 6) & 0x3f)),
                        0x80 | (cp & 0x3f));
            } else if (Character.isSurrogate(c)) {
                h = step(h, '?');
            } else {
                h = step(step(step(h, 0xe0 | (c >> 12)), 0x80 | ((c >> 6) & 0x3f)), 0x80 | (c & 0x3f));
            }
        }
        return mix(h);
    }

    private static long step(long h, int b) {
        return (h ^ (b & 0xff)) * 0x100000001b3L;
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
