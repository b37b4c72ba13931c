package org.fos.transport.tcp.impl;

import static org.fos.transport.api.FrameDescriptor.BODY_LENGTH_OFFSET;
import static org.fos.transport.api.FrameDescriptor.FLAGS_OFFSET;
import static org.fos.transport.api.FrameDescriptor.HEADER_LENGTH;
import static org.fos.transport.api.FrameDescriptor.MAGIC;
import static org.fos.transport.api.FrameDescriptor.MAGIC_OFFSET;
import static org.fos.transport.api.FrameDescriptor.TYPE_OFFSET;
import static org.fos.transport.api.FrameDescriptor.VERSION;
import static org.fos.transport.api.FrameDescriptor.VERSION_OFFSET;

import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import org.fos.transport.api.FrameDescriptor;

/**
 * Cuts the byte stream into frames, checking each header field as soon as its bytes are there: a
 * connection that sends random bytes is refused after four, not after a whole header. Emits one
 * retained buffer a frame (header and body); the next handler releases it. After the first fault
 * the rest of the input is discarded and the {@link Sink} closes the connection.
 */
final class FrameDecoder extends ByteToMessageDecoder {

    /** Where faults go. */
    interface Sink {
        /**
         * A fault that closes the connection.
         *
         * @param fault the reason
         * @param detail what was wrong
         */
        void refuse(Fault fault, String detail);

        /**
         * Tells whether the connection is still in its handshake: then only HELLO, AUTH and REFUSE
         * frames may come, and a frame of another type is refused from its header, before its body
         * is buffered.
         *
         * @return true until the connection is established
         */
        boolean handshaking();
    }

    private final int maxFrameBytes;
    private final Sink sink;
    private boolean broken;
    /** What this decoder holds of a frame not yet whole, for {@code fos:transport}; written on the event loop. */
    private volatile int buffered;

    FrameDecoder(int maxFrameBytes, Sink sink) {
        this.maxFrameBytes = maxFrameBytes;
        this.sink = sink;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        // one frame a call: the decoder's caller hands it on before it asks for the next, so a frame is
        // checked against the connection's state after the frames before it (an AUTH that ends the handshake)
        if (!broken && in.isReadable()) {
            int at = in.readerIndex();
            int readable = in.readableBytes();
            if (check(in, at, readable) == null && readable >= HEADER_LENGTH) {
                int frameLength = HEADER_LENGTH + in.getInt(at + BODY_LENGTH_OFFSET);
                if (readable >= frameLength) {
                    out.add(in.retainedSlice(at, frameLength));
                    in.skipBytes(frameLength);
                }
            }
        }
        if (broken) {
            in.skipBytes(in.readableBytes());
        }
        buffered = in.readableBytes();
    }

    /**
     * Returns the bytes this decoder holds of frames not yet whole.
     *
     * @return the bytes, as of the last read
     */
    int buffered() {
        return buffered;
    }

    /** Checks the header fields that have arrived; reports the first fault and returns its text. */
    private String check(ByteBuf in, int at, int readable) {
        if (readable >= 4 && in.getInt(at + MAGIC_OFFSET) != MAGIC) {
            return fail(Fault.BAD_MAGIC, String.format("magic 0x%08x, expected 0x%08x", in.getInt(at + MAGIC_OFFSET), MAGIC));
        }
        if (readable > VERSION_OFFSET && in.getByte(at + VERSION_OFFSET) != VERSION) {
            return fail(Fault.BAD_VERSION, "protocol version " + (in.getByte(at + VERSION_OFFSET) & 0xFF) + ", this node speaks " + VERSION);
        }
        if (readable > TYPE_OFFSET && !FrameDescriptor.isKnownType(in.getByte(at + TYPE_OFFSET))) {
            return fail(Fault.BAD_TYPE, "frame type " + (in.getByte(at + TYPE_OFFSET) & 0xFF));
        }
        if (readable >= FLAGS_OFFSET + 2) {
            byte type = in.getByte(at + TYPE_OFFSET);
            int flags = in.getUnsignedShort(at + FLAGS_OFFSET);
            if ((flags & ~FrameDescriptor.allowedFlags(type)) != 0) {
                return fail(Fault.MALFORMED, String.format("flags 0x%04x on a %s frame", flags, FrameDescriptor.typeName(type)));
            }
        }
        if (readable > TYPE_OFFSET && sink.handshaking()) {
            byte type = in.getByte(at + TYPE_OFFSET);
            if (type != FrameDescriptor.TYPE_HELLO && type != FrameDescriptor.TYPE_AUTH && type != FrameDescriptor.TYPE_REFUSE) {
                return fail(Fault.UNEXPECTED_FRAME, FrameDescriptor.typeName(type) + " before the handshake is done");
            }
        }
        if (readable >= BODY_LENGTH_OFFSET + 4) {
            int body = in.getInt(at + BODY_LENGTH_OFFSET);
            if (body < 0 || body > maxFrameBytes - HEADER_LENGTH) {
                return fail(Fault.OVERSIZED, "body length " + Integer.toUnsignedString(body) + ", at most "
                        + (maxFrameBytes - HEADER_LENGTH) + " (maxFrameBytes " + maxFrameBytes + ")");
            }
            byte type = in.getByte(at + TYPE_OFFSET);
            if (!FrameDescriptor.isValidBodyLength(type, body)) {
                return fail(Fault.MALFORMED, "a " + FrameDescriptor.typeName(type) + " frame with a body of " + body + " bytes");
            }
        }
        return null;
    }

    private String fail(Fault fault, String detail) {
        broken = true;
        sink.refuse(fault, detail);
        return detail;
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        decode(ctx, in, out);
        if (!broken && in.isReadable()) {
            int n = in.readableBytes();
            in.skipBytes(n);
            fail(Fault.TRUNCATED, "the connection ended " + n + " bytes into a frame");
        }
    }
}
