package org.fos.codec.impl;

import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.KeyDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationConfig;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.PackageVersion;
import com.fasterxml.jackson.databind.jsontype.TypeDeserializer;
import com.fasterxml.jackson.databind.jsontype.TypeSerializer;
import com.fasterxml.jackson.databind.jsontype.impl.LaissezFaireSubTypeValidator;
import com.fasterxml.jackson.databind.module.SimpleDeserializers;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.module.SimpleSerializers;
import com.fasterxml.jackson.databind.type.MapType;
import com.fasterxml.jackson.dataformat.smile.SmileFactory;

import org.fos.kernel.spi.PayloadCodec;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The payload codec of a node: Jackson databind over the Smile binary format (ADR 0007).
 *
 * <p>Records are written as Smile objects keyed by component name, so a reader skips components
 * it does not know and gives the ones it misses their defaults. Every value whose declared type is
 * {@code Object} (the payload itself, {@code Object} components, elements of {@code List<Object>})
 * is written as {@code [typeName, value]}; {@link WireNames} maps names only to built-in types and
 * to types on the allow-list. Decoding rejects input nested deeper than {@value #MAX_DEPTH} levels
 * and trailing bytes, never loads a class by name, and reports every failure as an {@link IllegalArgumentException}.
 *
 * <p>Thread-safe. Encoding and decoding take no lock: each change of the allow-list builds a new
 * Jackson reader and writer (so no cache of Jackson keeps a type that is no longer allowed, nor a
 * class of a bundle that went away) and publishes them through one volatile field.
 */
@Component(service = PayloadCodec.class, immediate = true)
public final class SmilePayloadCodec implements PayloadCodec {

    /**
     * How deep Smile arrays and objects may nest, on encode and decode. A record takes one level, a
     * value under a declared {@code Object} two (the {@code [typeName, value]} wrapper and the value).
     */
    static final int MAX_DEPTH = 128;

    private static final Logger LOG = LoggerFactory.getLogger(SmilePayloadCodec.class);

    /** A Jackson reader and writer built for one snapshot of the allow-list. */
    private record Jackson(ObjectReader reader, ObjectWriter writer) {
    }

    private final SmileFactory smile = SmileFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
            .streamWriteConstraints(StreamWriteConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
            .build();
    private volatile Jackson jackson;
    private final AllowList allowList = new AllowList(snapshot -> jackson = build(snapshot));

    /** Creates a codec whose allow-list holds the built-in types only. */
    public SmilePayloadCodec() {
    }

    @Activate
    void activate() {
        LOG.info("fos payload codec ready: Jackson {} over Smile, nesting at most {} levels", PackageVersion.VERSION, MAX_DEPTH);
    }

    @Override
    public byte[] encode(Object payload) {
        try {
            return jackson.writer().writeValueAsBytes(payload);
        } catch (IOException | RuntimeException e) {
            throw failure("cannot encode a payload of type " + (payload == null ? "null" : payload.getClass().getName()), e);
        }
    }

    @Override
    public Object decode(byte[] bytes) {
        if (bytes == null) {
            throw new IllegalArgumentException("cannot decode null bytes");
        }
        try {
            return jackson.reader().readValue(bytes);
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

    private Jackson build(AllowList.Snapshot allowed) {
        SimpleModule module = new SimpleModule("fos-codec");
        module.addAbstractTypeMapping(Set.class, LinkedHashSet.class);
        module.setDeserializerModifier(new UnmodifiableCollections());
        module.setSerializers(new SimpleSerializers() {
            private static final long serialVersionUID = 1L;

            @Override
            public JsonSerializer<?> findMapSerializer(SerializationConfig config, MapType type, BeanDescription beanDesc,
                    JsonSerializer<Object> keySerializer, TypeSerializer elementTypeSerializer,
                    JsonSerializer<Object> elementValueSerializer) {
                return new MapEntries.Serializer(type);
            }
        });
        module.setDeserializers(new SimpleDeserializers() {
            private static final long serialVersionUID = 1L;

            @Override
            public JsonDeserializer<?> findMapDeserializer(MapType type, DeserializationConfig config, BeanDescription beanDesc,
                    KeyDeserializer keyDeserializer, TypeDeserializer elementTypeDeserializer,
                    JsonDeserializer<?> elementDeserializer) {
                return new MapEntries.Deserializer(type);
            }
        });
        ObjectMapper mapper = new ObjectMapper(smile)
                .registerModule(module)
                // a record is its components: its fields, not whatever methods look like getters
                .setVisibility(PropertyAccessor.GETTER, Visibility.NONE)
                .setVisibility(PropertyAccessor.IS_GETTER, Visibility.NONE)
                .setVisibility(PropertyAccessor.FIELD, Visibility.ANY)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.READ_UNKNOWN_ENUM_VALUES_AS_NULL)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        mapper.setDefaultTyping(new ObjectMapper.DefaultTypeResolverBuilder(ObjectMapper.DefaultTyping.JAVA_LANG_OBJECT,
                LaissezFaireSubTypeValidator.instance) // WireNames is the validator: it knows only allowed names
                .init(JsonTypeInfo.Id.CUSTOM, new WireNames(allowed))
                .inclusion(JsonTypeInfo.As.WRAPPER_ARRAY));
        return new Jackson(mapper.readerFor(Object.class), mapper.writerFor(Object.class));
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
