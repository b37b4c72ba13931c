package org.fos.transport.shm.impl;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.agrona.ExpandableArrayBuffer;
import org.fos.kernel.api.Message;
import org.fos.kernel.spi.EncodedPayload;
import org.fos.kernel.spi.PayloadCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a message into a DATA frame and a DATA frame's envelope back into a message, with the node's
 * payload codec, and counts what cannot be turned. The transport makes one and hands it down to every
 * {@link Outbound}, which encodes on the sending thread, and to the {@link ShmReader}. Thread-safe.
 */
final class ShmCodec {
    private static final Logger LOG = LoggerFactory.getLogger(ShmCodec.class);

    private final String nodeId;
    private final PayloadCodec codec;
    private final int maxFrameBytes;
    private final Counters counters;
    /** Payload types already logged as unencodable (logged once each). */
    private final Set<Class<?>> unencodable = ConcurrentHashMap.newKeySet();

    ShmCodec(String nodeId, PayloadCodec codec, int maxFrameBytes, Counters counters) {
        this.nodeId = nodeId;
        this.codec = codec;
        this.maxFrameBytes = maxFrameBytes;
        this.counters = counters;
    }

    /** Encodes a DATA frame for a node into the buffer; its length, or -1 (counted) if it cannot be sent. */
    int encode(ExpandableArrayBuffer buffer, long sequence, Message m, String node) {
        int length;
        try {
            byte[] payload = m.payload() instanceof EncodedPayload e ? e.bytes() : codec.encode(m.payload());
            length = ShmFrames.data(buffer, sequence, m, payload);
        } catch (IllegalArgumentException e) {
            unencodable(m, node, e.getMessage());
            return -1;
        }
        if (length > maxFrameBytes) {
            unencodable(m, node, "a frame of " + length + " bytes is over maxFrameBytes " + maxFrameBytes);
            return -1;
        }
        return length;
    }

    private void unencodable(Message m, String node, String why) {
        Class<?> type = m.payload() == null ? Void.class : m.payload().getClass();
        if (unencodable.add(type)) {
            LOG.warn("node {}: a message of type '{}' with a {} payload cannot be sent to {}: {}. The link to that node waits for it:"
                    + " allow the type in the codec on both nodes, or set the kernel's maxRemotePayloadBytes below maxFrameBytes.",
                    nodeId, m.type(), type.getName(), node, why);
        }
        counters.fault(Fault.UNENCODABLE_MESSAGE, node, why);
    }

    /**
     * Decodes the payload of a DATA frame from a node.
     *
     * @return the message, or null if the codec refuses the payload (counted as UNDECODABLE_PAYLOAD)
     */
    Message decode(ShmFrames.Envelope e, String from) {
        Object payload;
        try {
            payload = codec.decode(e.payload());
        } catch (IllegalArgumentException ex) {
            counters.fault(Fault.UNDECODABLE_PAYLOAD, "link from " + from, "message " + e.sequence() + " of type '" + e.type() + "': "
                    + ex.getMessage());
            return null;
        }
        return new Message(e.from(), e.to(), e.replyTo(), e.correlationId(), e.type(), payload);
    }
}
