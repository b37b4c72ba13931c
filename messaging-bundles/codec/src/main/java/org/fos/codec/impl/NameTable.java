package org.fos.codec.impl;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * Looks a name up by its UTF-8 bytes where they lie in a payload, without making a string of them:
 * open addressing over a power-of-two table. Immutable after construction, so thread-safe.
 *
 * @param <V> what a name stands for
 */
final class NameTable<V> {

    private final byte[][] names;
    private final Object[] values;
    private final int mask;

    NameTable(Map<String, V> entries) {
        int size = Integer.highestOneBit(Math.max(4, entries.size() * 2) - 1) << 1;
        names = new byte[size][];
        values = new Object[size];
        mask = size - 1;
        entries.forEach((name, value) -> {
            byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
            int i = hash(utf8, 0, utf8.length) & mask;
            while (names[i] != null) {
                i = (i + 1) & mask;
            }
            names[i] = utf8;
            values[i] = value;
        });
    }

    /**
     * Returns what the name in {@code buf[from, from + length)} stands for.
     *
     * @return the value, or null if the name is not in the table
     */
    @SuppressWarnings("unchecked")
    V get(byte[] buf, int from, int length) {
        int i = hash(buf, from, length) & mask;
        for (byte[] n; (n = names[i]) != null; i = (i + 1) & mask) {
            if (equal(n, buf, from, length)) {
                return (V) values[i];
            }
        }
        return null;
    }

    /**
     * Hashes the length and the last 8 bytes (names of one package share their beginning, not their
     * end): the table compares whole names anyway, so this only spreads them, cheaply.
     */
    private static int hash(byte[] b, int from, int length) {
        int h = length;
        for (int i = Math.max(from, from + length - 8), end = from + length; i < end; i++) {
            h = 31 * h + b[i];
        }
        return h ^ (h >>> 16);
    }

    /**
     * Tells whether {@code a} equals {@code b[from, from + length)}; short names are compared here
     * rather than through the vectorised {@link Arrays#equals}, whose set-up costs more than they do.
     */
    static boolean equal(byte[] a, byte[] b, int from, int length) {
        if (a.length != length) {
            return false;
        }
        if (length > 16) {
            return Arrays.equals(a, 0, length, b, from, from + length);
        }
        for (int i = 0; i < length; i++) {
            if (a[i] != b[from + i]) {
                return false;
            }
        }
        return true;
    }
}
