package org.fos.codec.impl;

import java.nio.charset.StandardCharsets;

/**
 * The bytes of one payload being decoded, and the position in them. Every read checks the bounds
 * first, and every length or count is checked against the bytes left before anything is allocated
 * for it, so that hostile input costs at most a small multiple of its own size. Not thread-safe.
 */
final class Source {

    final byte[] buf;
    int pos;
    private final int end;

    Source(byte[] buf, int pos) {
        this.buf = buf;
        this.pos = pos;
        this.end = buf.length;
    }

    boolean atEnd() {
        return pos == end;
    }

    int remaining() {
        return end - pos;
    }

    int u8() {
        if (pos >= end) {
            throw truncated();
        }
        return buf[pos++] & 0xFF;
    }

    int varint() {
        int v = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            int b = u8();
            if (shift == 28 && (b & 0xF0) != 0) {
                throw malformed("a varint longer than 32 bits");
            }
            v |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        throw malformed("a varint longer than 32 bits");
    }

    long varlong() {
        long v = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            int b = u8();
            if (shift == 63 && (b & 0xFE) != 0) {
                throw malformed("a varint longer than 64 bits");
            }
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        throw malformed("a varint longer than 64 bits");
    }

    int fixed32() {
        if (end - pos < 4) {
            throw truncated();
        }
        int v = (buf[pos] & 0xFF) << 24 | (buf[pos + 1] & 0xFF) << 16 | (buf[pos + 2] & 0xFF) << 8 | (buf[pos + 3] & 0xFF);
        pos += 4;
        return v;
    }

    long fixed64() {
        return (long) fixed32() << 32 | (fixed32() & 0xFFFFFFFFL);
    }

    /**
     * Reads a count of things that take at least {@code minBytesEach} bytes each.
     *
     * @param minBytesEach the fewest bytes one of them can take
     * @param what what is counted, for the message
     * @return the count, which the bytes left can hold
     */
    int count(int minBytesEach, String what) {
        int n = varint();
        if (n < 0 || n > (end - pos) / minBytesEach) {
            throw malformed("a count of " + Integer.toUnsignedString(n) + " " + what + " in " + (end - pos) + " bytes left");
        }
        return n;
    }

    /**
     * Reads a length prefix and steps over the bytes it covers.
     *
     * @return the position of the first of those bytes
     */
    int skipLengthPrefixed() {
        int n = count(1, "bytes");
        int at = pos;
        pos += n;
        return at;
    }

    byte[] bytes() {
        int n = count(1, "bytes");
        byte[] b = new byte[n];
        System.arraycopy(buf, pos, b, 0, n);
        pos += n;
        return b;
    }

    String string() {
        int n = count(1, "bytes");
        String s = new String(buf, pos, n, StandardCharsets.UTF_8);
        pos += n;
        return s;
    }

    IllegalArgumentException truncated() {
        return new IllegalArgumentException("truncated at byte " + pos);
    }

    IllegalArgumentException malformed(String what) {
        return new IllegalArgumentException(what + " at byte " + pos);
    }
}
