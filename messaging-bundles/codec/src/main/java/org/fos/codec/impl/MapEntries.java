package org.fos.codec.impl;

import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.type.WritableTypeId;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.jsontype.TypeSerializer;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.databind.type.MapType;

/**
 * Maps as a flat array {@code [key1, value1, key2, value2, ...]}, so that keys keep their types
 * (Jackson's own maps write keys as text, which turns an {@code Integer} key into a
 * {@code String}). Keys and values are written by their declared types; declared {@code Object}
 * means each carries its type name. Maps decode to unmodifiable {@code LinkedHashMap} copies.
 */
final class MapEntries {

    private MapEntries() {
    }

    /** Writes a map of one declared type. */
    static final class Serializer extends StdSerializer<Map<?, ?>> {
        private static final long serialVersionUID = 1L;

        private final JavaType keyType;
        private final JavaType valueType;

        Serializer(MapType type) {
            super(type);
            this.keyType = type.getKeyType();
            this.valueType = type.getContentType();
        }

        @Override
        public void serialize(Map<?, ?> map, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeStartArray(map, map.size() * 2);
            writeEntries(map, gen, provider);
            gen.writeEndArray();
        }

        @Override
        public void serializeWithType(Map<?, ?> map, JsonGenerator gen, SerializerProvider provider, TypeSerializer typeSer)
                throws IOException {
            WritableTypeId id = typeSer.writeTypePrefix(gen, typeSer.typeId(map, JsonToken.START_ARRAY));
            writeEntries(map, gen, provider);
            typeSer.writeTypeSuffix(gen, id);
        }

        private void writeEntries(Map<?, ?> map, JsonGenerator gen, SerializerProvider provider) throws IOException {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                write(e.getKey(), keyType, gen, provider);
                write(e.getValue(), valueType, gen, provider);
            }
        }

        private static void write(Object value, JavaType declared, JsonGenerator gen, SerializerProvider provider)
                throws IOException {
            if (value == null) {
                gen.writeNull();
                return;
            }
            JavaType actual = provider.constructSpecializedType(declared, value.getClass());
            JsonSerializer<Object> serializer = provider.findValueSerializer(actual, null);
            TypeSerializer typeSer = provider.findTypeSerializer(declared);
            if (typeSer == null) {
                serializer.serialize(value, gen, provider);
            } else {
                serializer.serializeWithType(value, gen, provider, typeSer);
            }
        }
    }

    /** Reads a map of one declared type. */
    static final class Deserializer extends StdDeserializer<Map<Object, Object>> {
        private static final long serialVersionUID = 1L;

        private final JavaType keyType;
        private final JavaType valueType;

        Deserializer(MapType type) {
            super(type);
            this.keyType = type.getKeyType();
            this.valueType = type.getContentType();
        }

        @Override
        public Map<Object, Object> deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (!p.isExpectedStartArrayToken()) {
                return ctxt.reportInputMismatch(this, "a map must be an array of keys and values, not %s", p.currentToken());
            }
            JsonDeserializer<Object> keys = ctxt.findRootValueDeserializer(keyType);
            JsonDeserializer<Object> values = ctxt.findRootValueDeserializer(valueType);
            Map<Object, Object> map = new LinkedHashMap<>();
            while (p.nextToken() != JsonToken.END_ARRAY) {
                Object key = read(keys, p, ctxt);
                if (p.nextToken() == JsonToken.END_ARRAY) {
                    return ctxt.reportInputMismatch(this, "the map's last key has no value");
                }
                map.put(key, read(values, p, ctxt));
            }
            return Collections.unmodifiableMap(map);
        }

        private static Object read(JsonDeserializer<Object> deserializer, JsonParser p, DeserializationContext ctxt)
                throws IOException {
            return p.currentToken() == JsonToken.VALUE_NULL ? null : deserializer.deserialize(p, ctxt);
        }

        @Override
        public Object getAbsentValue(DeserializationContext ctxt) {
            return Map.of();
        }

        @Override
        public Object getEmptyValue(DeserializationContext ctxt) {
            return Map.of();
        }
    }
}
