package org.fos.transport.shm.impl;

import org.agrona.DirectBuffer;

/**
 * The strings a reader decoded last, by their bytes: the envelope of nearly every DATA frame of a
 * link names the same few things again (its message type, the sending node, the node a reply goes
 * to), and a string found here is the one decoded before, with nothing copied, allocated or checked
 * again, and with its hash already computed for the maps the kernel looks it up in. A hit needs the
 * bytes to equal those of a string that once passed {@link ShmFrames#utf8}, so what is read is
 * exactly what decoding them again would give.
 *
 * <p>The shared-memory twin of the TCP transport's table of the same name, which reads Netty's
 * buffers where this reads Agrona's. Direct-mapped, {@value #SLOTS} slots, a string of at most {@code MAX_STRING_BYTES} each: what a
 * peer can make it hold is bounded whatever it writes; a string that is not here replaces the one in
 * its slot. One reader at a time (the thread holding the transport's reading lock): not
 * thread-safe.
 */
final class RecentStrings {
    /** How many strings are kept (a power of two). */
    static final int SLOTS = 16;

    private final byte[][] bytes = new byte[SLOTS][];
    private final String[] strings = new String[SLOTS];
    private long hits;

    /**
     * The string of {@code n} bytes at {@code at}, if one decoded before had exactly those bytes.
     *
     * @return the string, or {@code null}
     */
    String find(DirectBuffer b, int at, int n) {
        int slot = slot(b, at, n);
        byte[] known = bytes[slot];
        if (known == null || known.length != n) {
            return null;
        }
        for (int i = 0; i < n; i++) {
            if (b.getByte(at + i) != known[i]) {
                return null;
            }
        }
        hits++;
        return strings[slot];
    }

    /**
     * Keeps a string that was decoded from {@code raw}, read at {@code at} (its slot is chosen by
     * the bytes there), in place of the one in its slot.
     */
    void keep(DirectBuffer b, int at, byte[] raw, String decoded) {
        int slot = slot(b, at, raw.length);
        bytes[slot] = raw;
        strings[slot] = decoded;
    }

    /** How many strings were found here since this reader started (for tests and diagnostics). */
    long hits() {
        return hits;
    }

    /** The slot of a string: from its length, its middle byte and its last, as the TCP transport's table chooses. */
    private static int slot(DirectBuffer b, int at, int n) {
        int h = n;
        if (n > 0) {
            h = h * 31 + b.getByte(at + (n >> 1));
            h = h * 31 + b.getByte(at + n - 1);
        }
        return (h ^ (h >>> 7)) & (SLOTS - 1);
    }
}
