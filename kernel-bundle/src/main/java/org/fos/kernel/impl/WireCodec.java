package org.fos.kernel.impl;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.fos.kernel.api.Message;
import org.fos.kernel.spi.EncodedPayload;
import org.fos.kernel.spi.PayloadCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The payload codec as the kernel uses it: it encodes a message for another node at send, so that
 * its sender learns at once when the payload cannot cross the wire, and, with
 * {@code encodeAllMessages}, sends a local message through the codec and back. Each payload type
 * that fails is logged once. Thread-safe.
 */
final class WireCodec {
    private static final Logger LOG = LoggerFactory.getLogger(WireCodec.class);

    private final Supplier<KernelSettings> settings;
    private final Set<Class<?>> failures = ConcurrentHashMap.newKeySet();
    /** Payload types already logged as too big for another node (logged once each). */
    private final Set<Class<?>> oversized = ConcurrentHashMap.newKeySet();
    private volatile PayloadCodec codec;

    /**
     * @param settings the kernel's current settings (maxRemotePayloadBytes)
     */
    WireCodec(Supplier<KernelSettings> settings) {
        this.settings = settings;
    }

    void set(PayloadCodec codec) {
        this.codec = codec;
    }

    /**
     * Encodes the payload of a message to another node now; null if the codec refuses it or it is
     * too big. Without a codec the message goes as it is (the transport encodes it).
     */
    Message encodeForWire(Message m) {
        PayloadCodec c = codec;
        if (c == null || m.payload() instanceof EncodedPayload) {
            return m;
        }
        Object payload = m.payload();
        Class<?> type = payload == null ? Void.class : payload.getClass();
        byte[] bytes;
        try {
            bytes = c.encode(payload);
        } catch (RuntimeException e) {
            if (failures.add(type)) {
                LOG.warn("payload of type {} (message type {}) cannot go to node {}: {}", type.getName(), m.type(),
                        m.to().address().node(), e.toString());
            }
            return null;
        }
        int max = settings.get().maxRemotePayloadBytes();
        if (bytes.length > max) {
            if (oversized.add(type)) {
                LOG.warn("payload of type {} (message type {}) for node {} is {} bytes encoded, over maxRemotePayloadBytes {}",
                        type.getName(), m.type(), m.to().address().node(), bytes.length, max);
            }
            return null;
        }
        return new Message(m.from(), m.to(), m.replyTo(), m.correlationId(), m.type(), new EncodedPayload(bytes));
    }

    /** Encodes and decodes the payload, as if the message had crossed the wire; null if that failed. */
    Message roundTrip(Message m) {
        PayloadCodec c = codec;
        Object payload = m.payload();
        if (c == null) {
            if (failures.add(Void.class)) {
                LOG.warn("encodeAllMessages is on but no PayloadCodec service is registered: sends answer CODEC_ERROR");
            }
            return null;
        }
        try {
            Object copy = c.decode(c.encode(payload));
            return new Message(m.from(), m.to(), m.replyTo(), m.correlationId(), m.type(), copy);
        } catch (RuntimeException e) {
            Class<?> type = payload == null ? Void.class : payload.getClass();
            if (failures.add(type)) {
                LOG.warn("payload of type {} (message type {}) does not cross the wire: {}", type.getName(), m.type(), e.toString());
            }
            return null;
        }
    }
}
