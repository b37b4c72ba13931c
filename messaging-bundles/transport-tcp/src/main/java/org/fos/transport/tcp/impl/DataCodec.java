package org.fos.transport.tcp.impl;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.netty.buffer.ByteBuf;
import org.fos.kernel.api.Message;
import org.fos.kernel.spi.EncodedPayload;
import org.fos.kernel.spi.PayloadCodec;
import org.fos.transport.api.RecentStrings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a message into a DATA frame and a DATA frame back into a message, with the node's payload
 * codec, and counts what cannot be turned (a payload the codec refuses, a frame over
 * {@code maxFrameBytes}). The transport makes one and hands it down to every {@link Connection}, which
 * encodes on the sending thread and decodes on its event loop; nothing calls back up into the
 * transport for it. Thread-safe.
 */
final class DataCodec {
    private static final Logger LOG = LoggerFactory.getLogger(DataCodec.class);

    private final String nodeId;
    private final PayloadCodec codec;
    private final int maxFrameBytes;
    private final Counters counters;
    /** Payload types already logged as unencodable (logged once each). */
    private final Set<Class<?>> unencodable = ConcurrentHashMap.newKeySet();

    DataCodec(String nodeId, PayloadCodec codec, int maxFrameBytes, Counters counters) {
        this.nodeId = nodeId;
        this.codec = codec;
        this.maxFrameBytes = maxFrameBytes;
        this.counters = counters;
    }

    /**
     * Encodes a message's payload and measures its DATA frame, or counts why it cannot be sent; the frame
     * is written with {@link Frames#writeData} or {@link Frames#data} from what this returns.
     *
     * @param where the connection, named in the fault
     * @return the payload and the frame's length, or null if the message cannot cross the wire (counted as
     *         UNENCODABLE_MESSAGE)
     */
    Encoded prepare(Object where, Message m) {
        byte[] payload;
        int length;
        try {
            payload = m.payload() instanceof EncodedPayload e ? e.bytes() : codec.encode(m.payload());
            length = Frames.dataLength(m, payload);
        } catch (IllegalArgumentException e) {
            unencodable(where, m, e.getMessage());
            return null;
        }
        if (length > maxFrameBytes) {
            unencodable(where, m, "a frame of " + length + " bytes is over maxFrameBytes " + maxFrameBytes);
            return null;
        }
        return new Encoded(payload, length);
    }

    /**
     * A message's payload as it crosses the wire, and the length of its DATA frame.
     *
     * @param payload the encoded payload
     * @param frameLength header and body
     */
    record Encoded(byte[] payload, int frameLength) {
    }

    private void unencodable(Object where, Message m, String why) {
        Class<?> type = m.payload() == null ? Void.class : m.payload().getClass();
        if (unencodable.add(type)) {
            LOG.warn("node {}: a message of type '{}' with a {} payload cannot be sent to {}: {}. The link to that node waits"
                    + " for it: allow the type in the codec on both nodes, or set the kernel's maxRemotePayloadBytes below"
                    + " maxFrameBytes so that the sender is refused at once.", nodeId, m.type(), type.getName(), m.to().address().node(), why);
        }
        counters.fault(Fault.UNENCODABLE_MESSAGE, where, why);
    }

    /**
     * Decodes a DATA frame that arrived on a connection.
     *
     * @param recent the strings the connection's frames carried lately, on its event loop
     * @return the message, or null if the codec refuses its payload (counted as UNDECODABLE_PAYLOAD;
     *         the connection stays open and the link sends it again)
     * @throws FrameException if the envelope is malformed or not for this node
     */
    Message decode(Object where, long sequence, ByteBuf frame, RecentStrings<ByteBuf> recent) throws FrameException {
        Frames.Envelope e = Frames.readData(frame, nodeId, recent);
        Object payload;
        try {
            payload = codec.decode(e.payload());
        } catch (IllegalArgumentException ex) {
            counters.fault(Fault.UNDECODABLE_PAYLOAD, where, "message " + sequence + " of type '" + e.type() + "': " + ex.getMessage());
            return null;
        }
        return new Message(e.from(), e.to(), e.replyTo(), e.correlationId(), e.type(), payload);
    }
}
