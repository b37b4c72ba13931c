package org.fos.codec.impl;

import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.PropertyAccessor;
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
import com.fasterxml.jackson.databind.jsontype.TypeDeserializer;
import com.fasterxml.jackson.databind.jsontype.TypeSerializer;
import com.fasterxml.jackson.databind.jsontype.impl.LaissezFaireSubTypeValidator;
import com.fasterxml.jackson.databind.module.SimpleDeserializers;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.module.SimpleSerializers;
import com.fasterxml.jackson.databind.type.MapType;
import com.fasterxml.jackson.dataformat.smile.SmileFactory;


/**
 * The codec's first wire format, Jackson databind over Smile (ADR 0007), for one snapshot of the
 * allow-list: the codec reads it still (payloads of nodes not yet upgraded, Raft logs written
 * before ADR 0096) and writes it when configured to, for a cluster in a rolling upgrade.
 *
 * <p>Records are Smile objects keyed by component name; every value whose declared type is
 * {@code Object} is written as {@code [typeName, value]}, and {@link WireNames} maps names only to
 * built-in types and to types of the snapshot. Decoding rejects input nested deeper than
 * {@value #MAX_DEPTH} levels and trailing bytes, and never loads a class by name. Building the
 * Jackson reader and writer takes milliseconds, so a codec makes one only when a Smile payload
 * comes or is to be written. Thread-safe.
 */
final class SmileFormat {

    /**
     * How deep Smile arrays and objects may nest, on encode and decode. A record takes one level, a
     * value under a declared {@code Object} two (the {@code [typeName, value]} wrapper and the value).
     */
    static final int MAX_DEPTH = 128;

    /** The first byte of every Smile payload (its header is {@code ":)\n"} and a version byte). */
    static final byte FIRST_BYTE = ':';

    private static final SmileFactory SMILE = SmileFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
            .streamWriteConstraints(StreamWriteConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
            .build();

    private final ObjectReader reader;
    private final ObjectWriter writer;

    /**
     * Builds Jackson's reader and writer for one snapshot.
     *
     * @param allowed the allowed types
     */
    SmileFormat(AllowList.Snapshot allowed) {
        ObjectMapper mapper = mapper(allowed);
        reader = mapper.readerFor(Object.class);
        writer = mapper.writerFor(Object.class);
    }

    /**
     * Encodes a payload as Smile.
     *
     * @throws IOException if Jackson cannot
     */
    byte[] encode(Object payload) throws IOException {
        return writer.writeValueAsBytes(payload);
    }

    /**
     * Decodes Smile bytes.
     *
     * @throws IOException if Jackson cannot
     */
    Object decode(byte[] bytes) throws IOException {
        return reader.readValue(bytes);
    }

    private static ObjectMapper mapper(AllowList.Snapshot allowed) {
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
        ObjectMapper mapper = new ObjectMapper(SMILE)
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
        return mapper;
    }
}
