package org.fos.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.DatabindContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.jsontype.impl.LaissezFaireSubTypeValidator;
import com.fasterxml.jackson.databind.jsontype.impl.TypeIdResolverBase;

/**
 * Jackson databind over a binary format (Smile or CBOR). Values whose declared type is
 * {@code Object} (the root, {@code Reply.value}, the elements of {@code Request.args}) carry a type
 * name, as a {@code [name, value]} array; a custom type-id resolver maps names only to the
 * registered types, so the bytes never name a class to load. Records go through their canonical
 * constructors; properties the reader does not know are skipped. Thread-safe.
 */
final class JacksonCandidate implements Candidate {

    private final ObjectWriter writer;
    private final ObjectReader reader;

    /**
     * Creates the candidate.
     *
     * @param factory the binary format
     * @param allowed the types that may be named on the wire, by wire name
     */
    JacksonCandidate(JsonFactory factory, Map<String, Class<?>> allowed) {
        ObjectMapper mapper = new ObjectMapper(factory);
        mapper.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        mapper.setDefaultTyping(new ObjectMapper.DefaultTypeResolverBuilder(ObjectMapper.DefaultTyping.JAVA_LANG_OBJECT,
                LaissezFaireSubTypeValidator.instance).init(JsonTypeInfo.Id.CUSTOM, new Names(allowed))
                .inclusion(JsonTypeInfo.As.WRAPPER_ARRAY));
        writer = mapper.writerFor(Object.class);
        reader = mapper.readerFor(Object.class);
    }

    @Override
    public byte[] encode(Object payload) {
        try {
            return writer.writeValueAsBytes(payload);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Object decode(byte[] bytes) {
        try {
            return reader.readValue(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Type names: the allowed types by wire name, plus {@code byte[]} and {@code Long}. */
    private static final class Names extends TypeIdResolverBase {
        private final Map<String, Class<?>> byName = new HashMap<>();
        private final Map<Class<?>, String> byType = new HashMap<>();

        Names(Map<String, Class<?>> allowed) {
            byName.put("bytes", byte[].class);
            byName.put("long", Long.class);
            byName.putAll(allowed);
            byName.forEach((name, type) -> byType.put(type, name));
        }

        @Override
        public String idFromValue(Object value) {
            return idFromValueAndType(value, value.getClass());
        }

        @Override
        public String idFromValueAndType(Object value, Class<?> type) {
            String name = byType.get(type);
            if (name == null) {
                throw new IllegalArgumentException("type not allowed: " + type.getName());
            }
            return name;
        }

        @Override
        public JavaType typeFromId(DatabindContext context, String id) {
            Class<?> type = byName.get(id);
            return type == null ? null : context.constructType(type); // null: Jackson reports the unknown id
        }

        @Override
        public JsonTypeInfo.Id getMechanism() {
            return JsonTypeInfo.Id.CUSTOM;
        }
    }
}
