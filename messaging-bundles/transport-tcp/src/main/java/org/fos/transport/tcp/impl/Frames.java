package org.fos.transport.tcp.impl;

import static org.fos.transport.api.FrameDescriptor.BODY_LENGTH_OFFSET;
import static org.fos.transport.api.FrameDescriptor.CORRELATION_ID_OFFSET;
import static org.fos.transport.api.FrameDescriptor.DESTINATION_MAILBOX_OFFSET;
import static org.fos.transport.api.FrameDescriptor.FLAGS_OFFSET;
import static org.fos.transport.api.FrameDescriptor.FLAG_CHALLENGE;
import static org.fos.transport.api.FrameDescriptor.FLAG_CLIENT;
import static org.fos.transport.api.FrameDescriptor.FLAG_FROM;
import static org.fos.transport.api.FrameDescriptor.FLAG_GAP;
import static org.fos.transport.api.FrameDescriptor.FLAG_REPLY_TO;
import static org.fos.transport.api.FrameDescriptor.HEADER_LENGTH;
import static org.fos.transport.api.FrameDescriptor.MAGIC;
import static org.fos.transport.api.FrameDescriptor.MAX_STRING_BYTES;
import static org.fos.transport.api.FrameDescriptor.RIGHTS_OFFSET;
import static org.fos.transport.api.FrameDescriptor.SEQUENCE_OFFSET;
import static org.fos.transport.api.FrameDescriptor.SOURCE_MAILBOX_OFFSET;
import static org.fos.transport.api.FrameDescriptor.TOKEN_HIGH_OFFSET;
import static org.fos.transport.api.FrameDescriptor.TOKEN_LOW_OFFSET;
import static org.fos.transport.api.FrameDescriptor.TYPE_ACK;
import static org.fos.transport.api.FrameDescriptor.TYPE_DATA;
import static org.fos.transport.api.FrameDescriptor.TYPE_HEARTBEAT;
import static org.fos.transport.api.FrameDescriptor.TYPE_HELLO;
import static org.fos.transport.api.FrameDescriptor.TYPE_OFFSET;
import static org.fos.transport.api.FrameDescriptor.TYPE_AUTH;
import static org.fos.transport.api.FrameDescriptor.TYPE_REFUSE;
import static org.fos.transport.api.FrameDescriptor.VERSION;
import static org.fos.transport.api.FrameDescriptor.VERSION_OFFSET;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;

import org.fos.kernel.api.Address;
import org.fos.kernel.api.Capability;
import org.fos.kernel.api.Message;
import org.fos.transport.api.FrameDescriptor;
import org.fos.transport.api.LinkChallenge;
import org.fos.transport.api.RecentStrings;

/**
 * Writes and reads frames laid out by {@link FrameDescriptor}. Writers allocate exactly one buffer a
 * frame; readers work on a buffer holding exactly one frame whose header the {@link FrameDecoder}
 * has checked, and report bad bodies as {@link FrameException}s.
 */
final class Frames {

    private Frames() {
    }

    /**
     * What a HELLO says.
     *
     * @param nodeId the sender's node id
     * @param cluster the sender's cluster name
     * @param epoch the sender's kernel epoch
     * @param protocolVersion the protocol version
     * @param client whether the sender is a client
     * @param nonce the sender's challenge nonce, or null without a challenge
     * @param claims a client's ticket claims, or null
     */
    record Hello(String nodeId, String cluster, long epoch, int protocolVersion, boolean client, byte[] nonce, String claims) {
    }

    /** What a REFUSE says: the fault's name and the detail. */
    record Refusal(String fault, String detail) {
    }

    // ---------------------------------------------------------------- writing

    private static ByteBuf header(ByteBufAllocator alloc, byte type, int flags, int bodyLength) {
        ByteBuf b = alloc.buffer(HEADER_LENGTH + bodyLength);
        header(b, type, flags, bodyLength);
        return b;
    }

    /** Writes a frame's header at {@code b}'s writer index, its offsets from there. */
    private static void header(ByteBuf b, byte type, int flags, int bodyLength) {
        b.writeInt(MAGIC);
        b.writeByte(VERSION);
        b.writeByte(type);
        b.writeShort(flags);
        b.writeInt(bodyLength);
        b.writeZero(HEADER_LENGTH - BODY_LENGTH_OFFSET - 4);
    }

    static ByteBuf hello(ByteBufAllocator alloc, Hello hello) {
        int body = 8 + 2 + stringLength(hello.nodeId()) + stringLength(hello.cluster());
        int flags = hello.client() ? FLAG_CLIENT : 0;
        if (hello.nonce() != null) {
            flags |= FLAG_CHALLENGE;
            body += hello.nonce().length;
            if (hello.claims() != null) {
                body += stringLength(hello.claims());
            }
        }
        ByteBuf b = header(alloc, TYPE_HELLO, flags, body);
        b.writeLong(hello.epoch());
        b.writeShort(hello.protocolVersion());
        writeString(b, hello.nodeId());
        writeString(b, hello.cluster());
        if (hello.nonce() != null) {
            b.writeBytes(hello.nonce());
            if (hello.claims() != null) {
                writeString(b, hello.claims());
            }
        }
        return b;
    }

    static ByteBuf auth(ByteBufAllocator alloc, byte[] proof) {
        ByteBuf b = header(alloc, TYPE_AUTH, 0, proof.length);
        b.writeBytes(proof);
        return b;
    }

    /** A REFUSE frame; the detail is cut to fit a wire string. */
    static ByteBuf refuse(ByteBufAllocator alloc, String fault, String detail) {
        String d = fit(detail);
        ByteBuf b = header(alloc, TYPE_REFUSE, 0, stringLength(fault) + stringLength(d));
        writeString(b, fault);
        writeString(b, d);
        return b;
    }

    /** Cuts a text to at most {@code MAX_STRING_BYTES} UTF-8 bytes (at a character boundary). */
    static String fit(String text) {
        String t = text;
        while (ByteBufUtil.utf8Bytes(t) > MAX_STRING_BYTES) {
            t = t.substring(0, Math.min(t.length() - 1, MAX_STRING_BYTES - 3)) + "...";
        }
        return t;
    }

    static ByteBuf ack(ByteBufAllocator alloc, long sequence, boolean gap) {
        ByteBuf b = alloc.buffer(HEADER_LENGTH);
        writeAck(b, sequence, gap);
        return b;
    }

    /**
     * Writes an ACK frame at {@code b}'s writer index ({@link FrameDescriptor#HEADER_LENGTH} bytes).
     *
     * @param b where the frame goes, with room for it
     * @param sequence everything up to it is acknowledged
     * @param gap whether frames after it were dropped
     */
    static void writeAck(ByteBuf b, long sequence, boolean gap) {
        int at = b.writerIndex();
        header(b, TYPE_ACK, gap ? FLAG_GAP : 0, 0);
        b.setLong(at + SEQUENCE_OFFSET, sequence);
    }

    static ByteBuf heartbeat(ByteBufAllocator alloc) {
        return header(alloc, TYPE_HEARTBEAT, 0, 0);
    }

    /**
     * Returns the length of a DATA frame.
     *
     * @param m the message
     * @param payload the encoded payload
     * @return header plus body
     * @throws IllegalArgumentException if a string of the envelope is too long for the wire
     */
    static int dataLength(Message m, byte[] payload) {
        return HEADER_LENGTH + dataBodyLength(m, payload.length);
    }

    private static int dataBodyLength(Message m, int payloadLength) {
        int body = stringLength(m.type()) + payloadLength;
        if (m.from() != null) {
            body += stringLength(m.from().node());
        }
        if (m.replyTo() != null) {
            body += stringLength(m.replyTo().address().node()) + 8 + 4 + 16;
        }
        return body;
    }

    static ByteBuf data(ByteBufAllocator alloc, long sequence, Message m, byte[] payload) {
        return data(alloc, sequence, m, payload, dataLength(m, payload));
    }

    /**
     * Returns a DATA frame whose length the caller measured with {@link #dataLength}.
     *
     * @param frameLength header and body, as {@link #dataLength} gave it
     * @return the frame
     */
    static ByteBuf data(ByteBufAllocator alloc, long sequence, Message m, byte[] payload, int frameLength) {
        ByteBuf b = alloc.buffer(frameLength);
        writeData(b, sequence, m, payload, frameLength);
        return b;
    }

    /**
     * Writes a DATA frame at {@code b}'s writer index.
     *
     * @param b where the frame goes, with room for it
     * @param sequence the frame's number in the link
     * @param m the message
     * @param payload the encoded payload
     * @param frameLength header and body, as {@link #dataLength} gave it (the strings are measured once)
     */
    static void writeData(ByteBuf b, long sequence, Message m, byte[] payload, int frameLength) {
        int at = b.writerIndex();
        int flags = (m.from() != null ? FLAG_FROM : 0) | (m.replyTo() != null ? FLAG_REPLY_TO : 0);
        header(b, TYPE_DATA, flags, frameLength - HEADER_LENGTH);
        Capability to = m.to();
        b.setInt(at + RIGHTS_OFFSET, to.rights());
        b.setLong(at + SEQUENCE_OFFSET, sequence);
        b.setLong(at + SOURCE_MAILBOX_OFFSET, m.from() != null ? m.from().mailbox() : 0L);
        b.setLong(at + DESTINATION_MAILBOX_OFFSET, to.address().mailbox());
        b.setLong(at + TOKEN_HIGH_OFFSET, to.tokenHigh());
        b.setLong(at + TOKEN_LOW_OFFSET, to.tokenLow());
        b.setLong(at + CORRELATION_ID_OFFSET, m.correlationId());
        writeString(b, m.type());
        if (m.from() != null) {
            writeString(b, m.from().node());
        }
        Capability reply = m.replyTo();
        if (reply != null) {
            writeString(b, reply.address().node());
            b.writeLong(reply.address().mailbox());
            b.writeInt(reply.rights());
            b.writeLong(reply.tokenHigh());
            b.writeLong(reply.tokenLow());
        }
        b.writeBytes(payload);
    }

    private static int stringLength(String s) {
        int n = ByteBufUtil.utf8Bytes(s);
        if (n > MAX_STRING_BYTES) {
            throw new IllegalArgumentException("a string of " + n + " UTF-8 bytes is over the wire limit of "
                    + MAX_STRING_BYTES + ": '" + s.substring(0, 40) + "...'");
        }
        return 2 + n;
    }

    private static void writeString(ByteBuf b, String s) {
        int lengthAt = b.writerIndex();
        b.writeShort(0);
        int n = b.writeCharSequence(s, StandardCharsets.UTF_8);
        b.setShort(lengthAt, n);
    }

    // ---------------------------------------------------------------- reading (one whole frame in the buffer)

    static byte type(ByteBuf frame) {
        return frame.getByte(TYPE_OFFSET);
    }

    static int version(ByteBuf frame) {
        return frame.getByte(VERSION_OFFSET);
    }

    static int flags(ByteBuf frame) {
        return frame.getUnsignedShort(FLAGS_OFFSET);
    }

    static long sequence(ByteBuf frame) {
        return frame.getLong(SEQUENCE_OFFSET);
    }

    static boolean gap(ByteBuf frame) {
        return (flags(frame) & FLAG_GAP) != 0;
    }

    static Hello readHello(ByteBuf frame) throws FrameException {
        ByteBuf body = body(frame);
        int flags = flags(frame);
        need(body, 10, "HELLO epoch and version");
        long epoch = body.readLong();
        int version = body.readUnsignedShort();
        String node = readString(body, "HELLO node id");
        String cluster = readString(body, "HELLO cluster name");
        byte[] nonce = null;
        String claims = null;
        boolean client = (flags & FLAG_CLIENT) != 0;
        if ((flags & FLAG_CHALLENGE) != 0) {
            need(body, LinkChallenge.NONCE_BYTES, "HELLO nonce");
            nonce = new byte[LinkChallenge.NONCE_BYTES];
            body.readBytes(nonce);
            if (client) {
                claims = readString(body, "HELLO ticket claims");
            }
        }
        end(body, "HELLO");
        return new Hello(node, cluster, epoch, version, client, nonce, claims);
    }

    static byte[] readAuth(ByteBuf frame) throws FrameException {
        ByteBuf body = body(frame);
        need(body, LinkChallenge.PROOF_BYTES, "AUTH proof");
        byte[] proof = new byte[LinkChallenge.PROOF_BYTES];
        body.readBytes(proof);
        end(body, "AUTH");
        return proof;
    }

    static Refusal readRefusal(ByteBuf frame) throws FrameException {
        ByteBuf body = body(frame);
        String fault = readString(body, "REFUSE fault");
        String detail = readString(body, "REFUSE detail");
        end(body, "REFUSE");
        return new Refusal(fault, detail);
    }

    /** The parts of a DATA frame's envelope, read before its payload is decoded. */
    record Envelope(Address from, Capability to, Capability replyTo, long correlationId, String type, byte[] payload) {
    }

    /**
     * Reads a DATA frame's envelope and copies its payload; moves the frame's reader index past its end.
     *
     * @param recent the strings the connection's frames carried lately
     */
    static Envelope readData(ByteBuf frame, String localNode, RecentStrings<ByteBuf> recent) throws FrameException {
        ByteBuf body = frame.readerIndex(HEADER_LENGTH); // read on in the frame itself, which is not read again
        int flags = flags(frame);
        try {
            Capability to = new Capability(new Address(localNode, frame.getLong(DESTINATION_MAILBOX_OFFSET)),
                    frame.getInt(RIGHTS_OFFSET), frame.getLong(TOKEN_HIGH_OFFSET), frame.getLong(TOKEN_LOW_OFFSET));
            String type = readString(body, "message type", recent);
            Address from = null;
            if ((flags & FLAG_FROM) != 0) {
                from = new Address(readString(body, "sender node", recent), frame.getLong(SOURCE_MAILBOX_OFFSET));
            }
            Capability reply = null;
            if ((flags & FLAG_REPLY_TO) != 0) {
                String node = readString(body, "reply node", recent);
                need(body, 28, "reply capability");
                reply = new Capability(new Address(node, body.readLong()), body.readInt(), body.readLong(), body.readLong());
            }
            byte[] payload = ByteBufUtil.getBytes(body);
            return new Envelope(from, to, reply, frame.getLong(CORRELATION_ID_OFFSET), type, payload);
        } catch (IllegalArgumentException e) {
            throw new FrameException(Fault.MALFORMED, "bad DATA envelope: " + e.getMessage());
        }
    }

    private static ByteBuf body(ByteBuf frame) {
        return frame.slice(HEADER_LENGTH, frame.readableBytes() - HEADER_LENGTH);
    }

    private static void need(ByteBuf body, int n, String what) throws FrameException {
        if (body.readableBytes() < n) {
            throw new FrameException(Fault.MALFORMED, what + " needs " + n + " bytes, the body has " + body.readableBytes() + " left");
        }
    }

    private static void end(ByteBuf body, String what) throws FrameException {
        if (body.isReadable()) {
            throw new FrameException(Fault.MALFORMED, what + " body has " + body.readableBytes() + " bytes too many");
        }
    }

    private static String readString(ByteBuf body, String what) throws FrameException {
        return readString(body, what, null);
    }

    /**
     * Reads a string: its length (2 bytes), then as many bytes of UTF-8. With {@code recent}, a string
     * kept there is answered as it is, and a new one is kept.
     */
    private static String readString(ByteBuf body, String what, RecentStrings<ByteBuf> recent) throws FrameException {
        if (body.readableBytes() < 2) {
            throw new FrameException(Fault.MALFORMED, what + " length needs 2 bytes, the body has " + body.readableBytes() + " left");
        }
        int n = body.readUnsignedShort();
        if (n > MAX_STRING_BYTES) {
            throw new FrameException(Fault.MALFORMED, what + " of " + n + " bytes is over the limit of " + MAX_STRING_BYTES);
        }
        need(body, n, what);
        int at = body.readerIndex();
        String kept = recent == null ? null : recent.find(body, at, n);
        if (kept != null) {
            body.skipBytes(n);
            return kept;
        }
        if (!ByteBufUtil.isText(body, at, n, StandardCharsets.UTF_8)) {
            throw new FrameException(Fault.MALFORMED, what + " is not UTF-8 text");
        }
        String s = body.readCharSequence(n, StandardCharsets.UTF_8).toString();
        if (recent != null) {
            recent.keep(body, at, n, s);
        }
        return s;
    }
}
