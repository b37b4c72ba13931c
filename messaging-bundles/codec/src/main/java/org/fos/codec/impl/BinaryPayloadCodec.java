package org.fos.codec.impl;

import java.io.IOException;

import com.fasterxml.jackson.core.JacksonException;

import org.fos.kernel.spi.PayloadCodec;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The payload codec of a node: a tagged binary format of its own, with a codec per allowed record
 * made from the record's components (ADR 0096, docs/wire.md), and the allow-list of ADR 0007.
 *
 * <p>Records are written as their components' names and values, so a reader skips components it
 * does not know and gives the ones it misses their defaults. Every value whose declared type is
 * {@code Object} (the payload itself, {@code Object} components, elements of {@code List<Object>})
 * names its record or enum type; names map only to types on the allow-list, and the codec never
 * loads a class by name. Decoding rejects input nested deeper than {@value BinaryFormat#MAX_DEPTH}
 * levels, lengths and counts the bytes left cannot hold, and trailing bytes, and reports every
 * failure as an {@link IllegalArgumentException}. Payloads in the first format, Jackson Smile
 * (ADR 0007), are read too; configured with {@code format=smile}, the codec also writes them, for
 * a cluster whose nodes are not all upgraded yet.
 *
 * <p>A configured format other than these two is logged as an error and changes nothing.
 *
 * <p>Thread-safe. Encoding and decoding take no lock: each change of the allow-list builds the
 * codecs of its types anew (so no codec keeps a type that is no longer allowed, nor a class of a
 * bundle that went away) and publishes them through one volatile field.
 */
@Component(service = PayloadCodec.class, immediate = true, configurationPid = BinaryPayloadCodec.PID)
@Designate(ocd = BinaryPayloadCodec.Config.class)
public final class BinaryPayloadCodec implements PayloadCodec {

    /** The configuration PID. */
    public static final String PID = "org.fos.codec";

    private static final Logger LOG = LoggerFactory.getLogger(BinaryPayloadCodec.class);

    /** The codec's configuration. */
    @ObjectClassDefinition(name = "fos payload codec")
    public @interface Config {
        /**
         * The format to write.
         *
         * @return {@code binary} (the default), or {@code smile} while nodes of a version before
         *         ADR 0096 are in the cluster; both are always read
         */
        @AttributeDefinition(description = "binary, or smile while nodes that read only Smile are in the cluster")
        String format() default "binary";
    }

    /** The formats of one snapshot of the allow-list; the Smile one made when first needed. */
    private static final class Formats {
        final BinaryFormat binary;
        private final AllowList.Snapshot allowed;
        private volatile SmileFormat smile;

        Formats(AllowList.Snapshot allowed) {
            this.allowed = allowed;
            this.binary = new BinaryFormat(allowed);
        }

        SmileFormat smile() {
            SmileFormat s = smile;
            if (s == null) {
                synchronized (this) {
                    s = smile;
                    if (s == null) {
                        s = new SmileFormat(allowed);
                        smile = s;
                    }
                }
            }
            return s;
        }
    }

    private volatile Formats formats;
    private volatile boolean writeSmile;
    private final AllowList allowList = new AllowList(snapshot -> formats = new Formats(snapshot));

    /** Creates a codec that writes the binary format, whose allow-list holds the built-in types only. */
    public BinaryPayloadCodec() {
    }

    @Activate
    @Modified
    void configure(Config config) {
        String format = config.format() == null ? "" : config.format().trim();
        if (!format.equals("binary") && !format.equals("smile")) {
            // a typo must neither take the node's codec away nor switch to a format its peers may not read
            LOG.error("format must be binary or smile, not '{}' (PID {}): the codec goes on writing {}", abbreviate(format), PID,
                    writeSmile ? "smile" : "binary");
            return;
        }
        writeSmile = format.equals("smile");
        LOG.info("fos payload codec ready: writes the {} format (reads both), nesting at most {} levels", format,
                BinaryFormat.MAX_DEPTH);
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }

    /**
     * Makes this codec write Smile, the format of nodes before ADR 0096, or the binary format.
     *
     * @param smile true to write Smile
     */
    void writeSmile(boolean smile) {
        writeSmile = smile;
    }

    @Override
    public byte[] encode(Object payload) {
        Formats f = formats;
        if (writeSmile) {
            try {
                return f.smile().encode(payload);
            } catch (IOException | RuntimeException e) {
                throw failure("cannot encode a payload of type " + typeName(payload), e);
            }
        }
        Sink out = Sink.acquire();
        try {
            out.u8(Tags.MAGIC);
            out.u8(Tags.VERSION);
            f.binary.writeAny(out, payload, 0);
            return out.finish();
        } catch (RuntimeException e) {
            out.release();
            throw failure("cannot encode a payload of type " + typeName(payload), e);
        }
    }

    @Override
    public Object decode(byte[] bytes) {
        if (bytes == null) {
            throw new IllegalArgumentException("cannot decode null bytes");
        }
        Formats f = formats;
        try {
            if (bytes.length > 0 && bytes[0] == SmileFormat.FIRST_BYTE) {
                return f.smile().decode(bytes);
            }
            Source in = new Source(bytes, 0);
            if (bytes.length < 2 || in.u8() != Tags.MAGIC) {
                throw new IllegalArgumentException("no payload of this codec: it starts with neither the binary format's mark nor Smile's");
            }
            int version = in.u8();
            if (version != Tags.VERSION) {
                throw new IllegalArgumentException("binary format version " + version + ", this codec reads version " + Tags.VERSION);
            }
            Object payload = f.binary.readAny(in, 0);
            if (!in.atEnd()) {
                throw new IllegalArgumentException(in.remaining() + " bytes after the payload's end at byte " + in.pos);
            }
            return payload;
        } catch (IOException | RuntimeException e) {
            throw failure("cannot decode a payload of " + bytes.length + " bytes", e);
        }
    }

    @Override
    public AutoCloseable allow(Class<?> type) {
        return allowList.allow(type, type.getName());
    }

    /**
     * Allows a type under a wire name of its own rather than its class name: two versions of a record
     * are two classes of one name only across class loaders, so tests of evolution use two names.
     *
     * @param type a record or an enum
     * @param wireName the name on the wire
     * @return closing it takes the registration off the list
     */
    AutoCloseable allow(Class<?> type, String wireName) {
        return allowList.allow(type, wireName);
    }

    private static String typeName(Object payload) {
        return payload == null ? "null" : payload.getClass().getName();
    }

    /** An IllegalArgumentException that says what failed and, first, why in the codec's own words. */
    private static IllegalArgumentException failure(String what, Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IllegalArgumentException iae && t.getMessage() != null) {
                return new IllegalArgumentException(what + ": " + iae.getMessage(), e);
            }
        }
        String reason = e instanceof JacksonException j ? j.getOriginalMessage() : e.toString();
        return new IllegalArgumentException(what + ": " + reason, e);
    }
}
