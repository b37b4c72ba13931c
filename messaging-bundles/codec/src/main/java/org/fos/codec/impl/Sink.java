package org.fos.codec.impl;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The growing byte buffer a payload is encoded into. Each thread keeps the array of its last
 * encoding for the next ({@link #acquire()}); a nested encoding on the same thread (a record
 * accessor that encodes) finds none and makes its own. The thread keeps a plain {@code Object[]}
 * holding a {@code byte[]}, classes of the JDK, so that a thread that outlives this bundle does
 * not keep its class loader. Not thread-safe.
 */
final class Sink {

    /** A buffer that grew beyond this is not kept for the next encoding. */
    private static final int KEEP_AT_MOST = 64 << 10;
    private static final int FIRST_SIZE = 256;
    private static final ThreadLocal<Object[]> SPARE = new ThreadLocal<>();

    private byte[] buf;
    private int pos;

    private Sink(byte[] buf) {
        this.buf = buf;
    }

    /**
     * Makes a sink for one encoding, with this thread's spare buffer if it has one.
     *
     * @return an empty sink to {@link #finish()} or {@link #release()}
     */
    static Sink acquire() {
        Object[] spare = SPARE.get();
        if (spare == null) {
            spare = new Object[1];
            SPARE.set(spare);
        }
        byte[] b = (byte[]) spare[0];
        spare[0] = null;
        return new Sink(b != null ? b : new byte[FIRST_SIZE]);
    }

    /**
     * Makes a sink of its own, that no thread keeps.
     *
     * @return an empty sink
     */
    static Sink unshared() {
        return new Sink(new byte[32]);
    }

    /**
     * Returns the bytes written and gives the buffer back.
     *
     * @return a copy of the bytes written
     */
    byte[] finish() {
        byte[] out = Arrays.copyOf(buf, pos);
        release();
        return out;
    }

    /** Gives the buffer back to this thread, without its bytes (also when the encoding failed). */
    void release() {
        if (buf.length <= KEEP_AT_MOST) {
            Object[] spare = SPARE.get();
            if (spare != null) {
                spare[0] = buf;
            }
        }
    }

    private void ensure(int n) {
        if (n > buf.length - pos) {
            long wanted = Math.max((long) buf.length * 2, (long) pos + n);
            if (wanted > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("the payload is larger than 2 GB");
            }
            buf = Arrays.copyOf(buf, (int) wanted);
        }
    }

    /** The buffer; its first {@link #size()} bytes are the ones written. */
    byte[] bytes() {
        return buf;
    }

    int size() {
        return pos;
    }

    void u8(int b) {
        ensure(1);
        buf[pos++] = (byte) b;
    }

    /** An unsigned varint: 7 bits a byte, low bits first, the top bit set on every byte but the last. */
    void varint(int v) {
        ensure(5);
        while ((v & ~0x7F) != 0) {
            buf[pos++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[pos++] = (byte) v;
    }

    void varlong(long v) {
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            buf[pos++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[pos++] = (byte) v;
    }

    void fixed32(int v) {
        ensure(4);
        buf[pos++] = (byte) (v >>> 24);
        buf[pos++] = (byte) (v >>> 16);
        buf[pos++] = (byte) (v >>> 8);
        buf[pos++] = (byte) v;
    }

    void fixed64(long v) {
        fixed32((int) (v >>> 32));
        fixed32((int) v);
    }

    void bytes(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, pos, b.length);
        pos += b.length;
    }

    /** A varint length, then the bytes. */
    void lengthPrefixed(byte[] b) {
        varint(b.length);
        bytes(b);
    }

    /** A string: its UTF-8 length as a varint, then its UTF-8 bytes; ASCII is copied without a detour. */
    void string(String s) {
        int n = s.length();
        if (n < 128) {
            ensure(n + 1);
            int start = pos;
            buf[pos++] = (byte) n;
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                if (c >= 0x80) {
                    pos = start;
                    lengthPrefixed(s.getBytes(StandardCharsets.UTF_8));
                    return;
                }
                buf[pos++] = (byte) c;
            }
        } else {
            lengthPrefixed(s.getBytes(StandardCharsets.UTF_8));
        }
    }
}
