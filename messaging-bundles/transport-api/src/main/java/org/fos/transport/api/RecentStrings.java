package org.fos.transport.api;

import java.util.Objects;

/**
 * The strings a link's reader decoded last, by their bytes: the envelopes of nearly every DATA frame
 * of a link name the same few things again (its message type, the sending node, the node a reply
 * goes to). A string found here is the one decoded before, with nothing copied, allocated or checked
 * again, and with its hash already computed for the maps the kernel looks it up in. A string is kept
 * only after the reader checked its bytes (well-formed UTF-8, within the wire's limits), and a hit
 * needs the same bytes, so what is read is exactly what decoding them again would give.
 *
 * <p>Direct-mapped: {@value #SLOTS} slots, one string each, chosen from the bytes' length, middle
 * and last byte; a new string takes its slot's place. So a peer that sends ever new strings makes a
 * reader hold at most {@value #SLOTS} strings of at most {@link FrameDescriptor#MAX_STRING_BYTES}
 * bytes. Each transport reads its own library's buffers ({@link ByteAt}).
 *
 * <p>Confined to one reading thread at a time (a connection's event loop, or whoever holds a
 * shared-memory transport's reading lock): not thread-safe.
 *
 * @param <B> the buffer type the reader reads
 */
public final class RecentStrings<B> {
    /** How many strings are kept (a power of two). */
    public static final int SLOTS = 16;

    /**
     * Reads one byte of a buffer, at an absolute index.
     *
     * @param <B> the buffer type
     */
    @FunctionalInterface
    public interface ByteAt<B> {
        /**
         * Returns the byte at {@code index}.
         *
         * @param buffer the buffer
         * @param index the absolute index, which the caller checked is readable
         * @return the byte
         */
        byte get(B buffer, int index);
    }

    private final ByteAt<B> byteAt;
    private final byte[][] bytes = new byte[SLOTS][];
    private final String[] strings = new String[SLOTS];
    private long hits;

    /**
     * Creates an empty table.
     *
     * @param byteAt how to read a byte of the reader's buffers
     */
    public RecentStrings(ByteAt<B> byteAt) {
        this.byteAt = Objects.requireNonNull(byteAt, "byteAt");
    }

    /**
     * Returns the string kept for the {@code n} bytes of {@code b} at {@code index}, which the caller
     * checked are readable.
     *
     * @param b the buffer
     * @param index where the string's bytes begin
     * @param n how many bytes it has
     * @return the string kept for exactly those bytes, or null if none is
     */
    public String find(B b, int index, int n) {
        int slot = slot(b, index, n);
        byte[] kept = bytes[slot];
        if (kept == null || kept.length != n) {
            return null;
        }
        for (int i = 0; i < n; i++) {
            if (byteAt.get(b, index + i) != kept[i]) {
                return null;
            }
        }
        hits++;
        return strings[slot];
    }

    /**
     * Keeps a string the reader decoded and checked from the {@code n} bytes of {@code b} at
     * {@code index}, in place of the one in its slot.
     *
     * @param b the buffer
     * @param index where the string's bytes begin
     * @param n how many bytes it has
     * @param s the string decoded from them
     */
    public void keep(B b, int index, int n, String s) {
        byte[] copy = new byte[n];
        for (int i = 0; i < n; i++) {
            copy[i] = byteAt.get(b, index + i);
        }
        keep(b, index, copy, s);
    }

    /**
     * Keeps a string as {@link #keep(Object, int, int, String)} does, taking the copy of its bytes the
     * reader already made to decode it (the table holds that array from now on: the reader must not
     * change or reuse it).
     *
     * @param b the buffer the bytes were read from
     * @param index where the string's bytes begin in it
     * @param copy the reader's copy of the string's bytes
     * @param s the string decoded from them
     */
    public void keep(B b, int index, byte[] copy, String s) {
        int slot = slot(b, index, copy.length);
        bytes[slot] = copy;
        strings[slot] = s;
    }

    /**
     * Returns how many strings were found here since the table was made (for tests and diagnostics).
     *
     * @return the hits
     */
    public long hits() {
        return hits;
    }

    private int slot(B b, int index, int n) {
        int h = n;
        if (n > 0) {
            h = h * 31 + byteAt.get(b, index + (n >> 1));
            h = h * 31 + byteAt.get(b, index + n - 1);
        }
        return (h ^ (h >>> 7)) & (SLOTS - 1);
    }
}
