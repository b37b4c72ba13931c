package org.fos.transport.shm.impl;

import static org.fos.transport.api.FrameDescriptor.BODY_LENGTH_OFFSET;
import static org.fos.transport.api.FrameDescriptor.CORRELATION_ID_OFFSET;
import static org.fos.transport.api.FrameDescriptor.DESTINATION_MAILBOX_OFFSET;
import static org.fos.transport.api.FrameDescriptor.FLAGS_OFFSET;
import static org.fos.transport.api.FrameDescriptor.FLAG_CHALLENGE;
import static org.fos.transport.api.FrameDescriptor.FLAG_FROM;
import static org.fos.transport.api.FrameDescriptor.FLAG_GAP;
import static org.fos.transport.api.FrameDescriptor.FLAG_REPLY_TO;
import static org.fos.transport.api.FrameDescriptor.HEADER_LENGTH;
import static org.fos.transport.api.FrameDescriptor.MAGIC;
import static org.fos.transport.api.FrameDescriptor.MAGIC_OFFSET;
import static org.fos.transport.api.FrameDescriptor.MAX_STRING_BYTES;
import static org.fos.transport.api.FrameDescriptor.RIGHTS_OFFSET;
import static org.fos.transport.api.FrameDescriptor.SEQUENCE_OFFSET;
import static org.fos.transport.api.FrameDescriptor.SOURCE_MAILBOX_OFFSET;
import static org.fos.transport.api.FrameDescriptor.TOKEN_HIGH_OFFSET;
import static org.fos.transport.api.FrameDescriptor.TOKEN_LOW_OFFSET;
import static org.fos.transport.api.FrameDescriptor.TYPE_ACK;
import static org.fos.transport.api.FrameDescriptor.TYPE_AUTH;
import static org.fos.transport.api.FrameDescriptor.TYPE_DATA;
import static org.fos.transport.api.FrameDescriptor.TYPE_HEARTBEAT;
import static org.fos.transport.api.FrameDescriptor.TYPE_HELLO;
import static org.fos.transport.api.FrameDescriptor.TYPE_OFFSET;
import static org.fos.transport.api.FrameDescriptor.VERSION;
import static org.fos.transport.api.FrameDescriptor.VERSION_OFFSET;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.fos.kernel.api.Address;
import org.fos.kernel.api.Capability;
import org.fos.kernel.api.Message;
import org.fos.transport.api.FrameDescriptor;
import org.fos.transport.api.LinkChallenge;
import org.fos.transport.api.RecentStrings;

/**
 * Writes and reads the frames of {@link FrameDescriptor} in Agrona buffers: the same bytes as on a
 * TCP connection, one frame to one message of an Aeron log. Writers fill a buffer from offset 0 and
 * return the frame's length; readers take one whole message of the log and report what is wrong
 * with it as a {@link FrameException}. Big-endian, as on the wire.
 */
final class ShmFrames {
    private static final ByteOrder ORDER = ByteOrder.BIG_ENDIAN;
    /** The cache line of the x86-64 and AArch64 cores this runs on. */
    private static final int CACHE_LINE = 64;

    private ShmFrames() {
    }

    /** What a HELLO says. */
    record Hello(String nodeId, String cluster, long epoch, int protocolVersion, byte[] nonce) {
    }

    /** The parts of a DATA frame, its payload still encoded. */
    record Envelope(long sequence, Address from, Capability to, Capability replyTo, long correlationId, String type, byte[] payload) {
    }

    /** A frame the reader refuses. */
    static final class FrameException extends Exception {
        private static final long serialVersionUID = 1L;
        private final Fault fault;

        FrameException(Fault fault, String message) {
            super(message, null, false, false);
            this.fault = fault;
        }

        Fault fault() {
            return fault;
        }
    }

    // ---------------------------------------------------------------- writing

    private static void header(MutableDirectBuffer b, byte type, int flags, int bodyLength) {
        b.setMemory(0, HEADER_LENGTH, (byte) 0);
        b.putInt(MAGIC_OFFSET, MAGIC, ORDER);
        b.putByte(VERSION_OFFSET, VERSION);
        b.putByte(TYPE_OFFSET, type);
        b.putShort(FLAGS_OFFSET, (short) flags, ORDER);
        b.putInt(BODY_LENGTH_OFFSET, bodyLength, ORDER);
    }

    static int hello(MutableDirectBuffer b, Hello h) {
        int at = HEADER_LENGTH;
        b.putLong(at, h.epoch(), ORDER);
        b.putShort(at + 8, (short) h.protocolVersion(), ORDER);
        at = putString(b, at + 10, h.nodeId());
        at = putString(b, at, h.cluster());
        b.putBytes(at, h.nonce());
        at += h.nonce().length;
        header(b, TYPE_HELLO, FLAG_CHALLENGE, at - HEADER_LENGTH);
        return at;
    }

    static int auth(MutableDirectBuffer b, byte[] proof) {
        b.putBytes(HEADER_LENGTH, proof);
        header(b, TYPE_AUTH, 0, proof.length);
        return HEADER_LENGTH + proof.length;
    }

    static int ack(MutableDirectBuffer b, long sequence, boolean gap) {
        header(b, TYPE_ACK, gap ? FLAG_GAP : 0, 0);
        b.putLong(SEQUENCE_OFFSET, sequence, ORDER);
        return HEADER_LENGTH;
    }

    static int heartbeat(MutableDirectBuffer b) {
        header(b, TYPE_HEARTBEAT, 0, 0);
        return HEADER_LENGTH;
    }

    /**
     * Writes a DATA frame.
     *
     * @return the frame's length
     * @throws IllegalArgumentException if a string of the envelope is over the wire limit
     */
    static int data(MutableDirectBuffer b, long sequence, Message m, byte[] payload) {
        int at = putString(b, HEADER_LENGTH, m.type());
        if (m.from() != null) {
            at = putString(b, at, m.from().node());
        }
        Capability reply = m.replyTo();
        if (reply != null) {
            at = putString(b, at, reply.address().node());
            b.putLong(at, reply.address().mailbox(), ORDER);
            b.putInt(at + 8, reply.rights(), ORDER);
            b.putLong(at + 12, reply.tokenHigh(), ORDER);
            b.putLong(at + 20, reply.tokenLow(), ORDER);
            at += 28;
        }
        b.putBytes(at, payload);
        at += payload.length;
        int flags = (m.from() != null ? FLAG_FROM : 0) | (reply != null ? FLAG_REPLY_TO : 0);
        header(b, TYPE_DATA, flags, at - HEADER_LENGTH);
        Capability to = m.to();
        b.putInt(RIGHTS_OFFSET, to.rights(), ORDER);
        b.putLong(SEQUENCE_OFFSET, sequence, ORDER);
        b.putLong(SOURCE_MAILBOX_OFFSET, m.from() != null ? m.from().mailbox() : 0L, ORDER);
        b.putLong(DESTINATION_MAILBOX_OFFSET, to.address().mailbox(), ORDER);
        b.putLong(TOKEN_HIGH_OFFSET, to.tokenHigh(), ORDER);
        b.putLong(TOKEN_LOW_OFFSET, to.tokenLow(), ORDER);
        b.putLong(CORRELATION_ID_OFFSET, m.correlationId(), ORDER);
        return at;
    }

    private static int putString(MutableDirectBuffer b, int at, String s) {
        // an ASCII string's chars are its bytes: written without the array its UTF-8 encoding makes
        int n = isAscii(s) ? b.putStringWithoutLengthAscii(at + 2, s) : b.putStringWithoutLengthUtf8(at + 2, s);
        if (n > MAX_STRING_BYTES) {
            throw new IllegalArgumentException("a string of " + n + " UTF-8 bytes is over the wire limit of " + MAX_STRING_BYTES
                    + ": '" + s.substring(0, Math.min(40, s.length())) + "...'");
        }
        b.putShort(at, (short) n, ORDER);
        return at + 2 + n;
    }

    private static boolean isAscii(String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            if (s.charAt(i) > 0x7F) {
                return false;
            }
        }
        return true;
    }

    // ---------------------------------------------------------------- reading one whole message of the log

    /**
     * Checks a frame's header against the message that holds it.
     *
     * @return the frame type
     * @throws FrameException if the header is bad or its length is not the message's
     */
    static byte check(DirectBuffer b, int offset, int length, int maxBodyBytes) throws FrameException {
        if (length < 4 || b.getInt(offset + MAGIC_OFFSET, ORDER) != MAGIC) {
            throw length < 4 ? new FrameException(Fault.TRUNCATED, "a message of " + length + " bytes")
                    : new FrameException(Fault.BAD_MAGIC, String.format("magic 0x%08x, expected 0x%08x", b.getInt(offset, ORDER), MAGIC));
        }
        if (length < HEADER_LENGTH) {
            throw new FrameException(Fault.TRUNCATED, "a message of " + length + " bytes, shorter than a frame header");
        }
        if (b.getByte(offset + VERSION_OFFSET) != VERSION) {
            throw new FrameException(Fault.BAD_VERSION, "protocol version " + (b.getByte(offset + VERSION_OFFSET) & 0xFF)
                    + ", this node speaks " + VERSION);
        }
        byte type = b.getByte(offset + TYPE_OFFSET);
        if (!FrameDescriptor.isKnownType(type)) {
            throw new FrameException(Fault.BAD_TYPE, "frame type " + (type & 0xFF));
        }
        int flags = b.getShort(offset + FLAGS_OFFSET, ORDER) & 0xFFFF;
        if ((flags & ~FrameDescriptor.allowedFlags(type)) != 0) {
            throw new FrameException(Fault.MALFORMED, String.format("flags 0x%04x on a %s frame", flags, FrameDescriptor.typeName(type)));
        }
        int body = b.getInt(offset + BODY_LENGTH_OFFSET, ORDER);
        if (body < 0 || body > maxBodyBytes) {
            throw new FrameException(Fault.OVERSIZED, "body length " + Integer.toUnsignedString(body) + ", at most " + maxBodyBytes);
        }
        if (HEADER_LENGTH + body != length) {
            throw new FrameException(body > length - HEADER_LENGTH ? Fault.TRUNCATED : Fault.MALFORMED, "a frame of " + length
                    + " bytes says its body has " + body);
        }
        return type;
    }

    /**
     * Reads one byte of each cache line of a frame after its first, and returns their sum, which the
     * caller keeps so that the reads are not optimised away. A frame another process just wrote is in
     * that process's core: read as its envelope and payload are parsed, one field after another, each
     * of its lines would be fetched in turn, a wait of its own for each; these reads are independent of
     * one another, so the core fetches all the lines at once, and the parse then finds them at hand
     * (ADR 0130).
     *
     * @param b the buffer holding the frame
     * @param offset where the frame starts
     * @param length the frame's length
     * @return the sum of the bytes read
     */
    static int touchLines(DirectBuffer b, int offset, int length) {
        int sum = 0;
        for (int i = offset + CACHE_LINE; i < offset + length; i += CACHE_LINE) {
            sum += b.getByte(i);
        }
        return sum;
    }

    static int flags(DirectBuffer b, int offset) {
        return b.getShort(offset + FLAGS_OFFSET, ORDER) & 0xFFFF;
    }

    static long sequence(DirectBuffer b, int offset) {
        return b.getLong(offset + SEQUENCE_OFFSET, ORDER);
    }

    /**
     * The text of a frame's string, refused as MALFORMED unless it is well-formed UTF-8, as the TCP
     * transport refuses it: a string is never read with replacement characters.
     */
    static String utf8(byte[] bytes, String what) throws FrameException {
        boolean ascii = true;
        for (byte x : bytes) {
            if (x < 0) {
                ascii = false;
                break;
            }
        }
        if (ascii) {
            return new String(bytes, StandardCharsets.US_ASCII);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new FrameException(Fault.MALFORMED, what + " is not UTF-8 text");
        }
    }

    /** A cursor over a frame's body. */
    private static final class Body {
        final DirectBuffer b;
        int at;
        final int end;
        /** The reader's recent strings, or {@code null} to decode every string. */
        final RecentStrings<DirectBuffer> recent;

        Body(DirectBuffer b, int offset, int length) {
            this(b, offset, length, null);
        }

        Body(DirectBuffer b, int offset, int length, RecentStrings<DirectBuffer> recent) {
            this.b = b;
            this.at = offset + HEADER_LENGTH;
            this.end = offset + length;
            this.recent = recent;
        }

        void need(int n, String what) throws FrameException {
            if (end - at < n) {
                throw new FrameException(Fault.MALFORMED, what + " needs " + n + " bytes, the body has " + (end - at) + " left");
            }
        }

        String string(String what) throws FrameException {
            if (end - at < 2) { // not need(): its message would be made for every string
                throw new FrameException(Fault.MALFORMED, what + " length needs 2 bytes, the body has " + (end - at) + " left");
            }
            int n = b.getShort(at, ORDER) & 0xFFFF;
            if (n > MAX_STRING_BYTES) {
                throw new FrameException(Fault.MALFORMED, what + " of " + n + " bytes is over the limit of " + MAX_STRING_BYTES);
            }
            need(2 + n, what);
            int start = at + 2;
            at = start + n;
            String known = recent == null ? null : recent.find(b, start, n);
            if (known != null) {
                return known;
            }
            byte[] bytes = new byte[n];
            b.getBytes(start, bytes);
            String decoded = utf8(bytes, what);
            if (recent != null) {
                recent.keep(b, start, bytes, decoded); // the array just read: not copied a second time
            }
            return decoded;
        }

        byte[] rest() {
            byte[] bytes = new byte[end - at];
            b.getBytes(at, bytes);
            at = end;
            return bytes;
        }

        void done(String what) throws FrameException {
            if (at != end) {
                throw new FrameException(Fault.MALFORMED, what + " body has " + (end - at) + " bytes too many");
            }
        }
    }

    static Hello readHello(DirectBuffer b, int offset, int length) throws FrameException {
        Body body = new Body(b, offset, length);
        body.need(10, "HELLO epoch and version");
        long epoch = b.getLong(body.at, ORDER);
        int version = b.getShort(body.at + 8, ORDER) & 0xFFFF;
        body.at += 10;
        String node = body.string("HELLO node id");
        String cluster = body.string("HELLO cluster name");
        byte[] nonce = null;
        if ((flags(b, offset) & FLAG_CHALLENGE) != 0) {
            body.need(LinkChallenge.NONCE_BYTES, "HELLO nonce");
            nonce = new byte[LinkChallenge.NONCE_BYTES];
            b.getBytes(body.at, nonce);
            body.at += nonce.length;
        }
        body.done("HELLO");
        return new Hello(node, cluster, epoch, version, nonce);
    }

    static byte[] readAuth(DirectBuffer b, int offset, int length) throws FrameException {
        if (length - HEADER_LENGTH != LinkChallenge.PROOF_BYTES) {
            throw new FrameException(Fault.MALFORMED, "an AUTH body has " + LinkChallenge.PROOF_BYTES + " bytes, not " + (length - HEADER_LENGTH));
        }
        return new Body(b, offset, length).rest();
    }

    static Envelope readData(DirectBuffer b, int offset, int length, String localNode) throws FrameException {
        return readData(b, offset, length, localNode, null);
    }

    /**
     * Reads a DATA frame's envelope, its strings found among a reader's recent ones where they are
     * there ({@link RecentStrings}).
     *
     * @param recent the reader's recent strings, or {@code null} to decode every string
     * @throws FrameException if the envelope is malformed
     */
    static Envelope readData(DirectBuffer b, int offset, int length, String localNode, RecentStrings<DirectBuffer> recent) throws FrameException {
        Body body = new Body(b, offset, length, recent);
        int flags = flags(b, offset);
        try {
            Capability to = new Capability(new Address(localNode, b.getLong(offset + DESTINATION_MAILBOX_OFFSET, ORDER)),
                    b.getInt(offset + RIGHTS_OFFSET, ORDER), b.getLong(offset + TOKEN_HIGH_OFFSET, ORDER),
                    b.getLong(offset + TOKEN_LOW_OFFSET, ORDER));
            String type = body.string("message type");
            Address from = null;
            if ((flags & FLAG_FROM) != 0) {
                from = new Address(body.string("sender node"), b.getLong(offset + SOURCE_MAILBOX_OFFSET, ORDER));
            }
            Capability reply = null;
            if ((flags & FLAG_REPLY_TO) != 0) {
                String node = body.string("reply node");
                body.need(28, "reply capability");
                int at = body.at;
                reply = new Capability(new Address(node, b.getLong(at, ORDER)), b.getInt(at + 8, ORDER), b.getLong(at + 12, ORDER),
                        b.getLong(at + 20, ORDER));
                body.at += 28;
            }
            return new Envelope(sequence(b, offset), from, to, reply, b.getLong(offset + CORRELATION_ID_OFFSET, ORDER), type, body.rest());
        } catch (IllegalArgumentException e) {
            throw new FrameException(Fault.MALFORMED, "bad DATA envelope: " + e.getMessage());
        }
    }

    static void checkEmpty(DirectBuffer b, int offset, int length, String what) throws FrameException {
        new Body(b, offset, length).done(what);
    }
}
