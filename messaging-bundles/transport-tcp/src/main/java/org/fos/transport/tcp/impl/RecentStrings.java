package org.fos.transport.tcp.impl;

import io.netty.buffer.ByteBuf;

/**
 * The strings that one connection's DATA frames carry again and again (message types, node names),
 * kept decoded: a frame whose string has the bytes of one kept here gets that same string, neither
 * checked as UTF-8 again nor copied. A small table with one string a slot, chosen from the bytes' length
 * and two of them; a new string takes its slot's place. So a peer that sends ever new strings makes it
 * hold at most {@value #SLOTS} strings of at most {@code MAX_STRING_BYTES} bytes.
 *
 * <p>Confined to the thread that reads the connection (its event loop).
 */
final class RecentStrings {
    /** The table's size; a power of two. */
    static final int SLOTS = 16;

    private final byte[][] bytes = new byte[SLOTS][];
    private final String[] strings = new String[SLOTS];

    /**
     * The string kept for the {@code n} bytes of {@code b} at {@code index}, which the caller checked are
     * readable; null if none is kept.
     */
    String find(ByteBuf b, int index, int n) {
        int slot = slot(b, index, n);
        byte[] kept = bytes[slot];
        if (kept == null || kept.length != n) {
            return null;
        }
        for (int i = 0; i < n; i++) {
            if (b.getByte(index + i) != kept[i]) {
                return null;
            }
        }
        return strings[slot];
    }

    /** Keeps {@code s}, decoded from the {@code n} bytes of {@code b} at {@code index}, in its slot. */
    void keep(ByteBuf b, int index, int n, String s) {
        int slot = slot(b, index, n);
        byte[] copy = new byte[n];
        b.getBytes(index, copy);
        bytes[slot] = copy;
        strings[slot] = s;
    }

    private static int slot(ByteBuf b, int index, int n) {
        int h = n;
        if (n > 0) {
            h = h * 31 + b.getByte(index + (n >> 1));
            h = h * 31 + b.getByte(index + n - 1);
        }
        return (h ^ (h >>> 7)) & (SLOTS - 1);
    }
}
