package org.fos.codec.impl;

import java.io.IOException;
import java.util.Collections;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.std.DelegatingDeserializer;
import com.fasterxml.jackson.databind.jsontype.TypeDeserializer;
import com.fasterxml.jackson.databind.type.CollectionType;

/**
 * Makes every decoded list and set an unmodifiable copy, and a component missing from older bytes
 * an empty one. Jackson builds the collection; this wraps its deserializer.
 */
final class UnmodifiableCollections extends BeanDeserializerModifier {

    private static final long serialVersionUID = 1L;

    @Override
    public JsonDeserializer<?> modifyCollectionDeserializer(DeserializationConfig config, CollectionType type,
            BeanDescription beanDesc, JsonDeserializer<?> deserializer) {
        return new Wrapper(deserializer, Set.class.isAssignableFrom(type.getRawClass()));
    }

    private static final class Wrapper extends DelegatingDeserializer {
        private static final long serialVersionUID = 1L;

        private final boolean set;

        Wrapper(JsonDeserializer<?> delegate, boolean set) {
            super(delegate);
            this.set = set;
        }

        @Override
        protected JsonDeserializer<?> newDelegatingInstance(JsonDeserializer<?> newDelegatee) {
            return new Wrapper(newDelegatee, set);
        }

        @Override
        public Object deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            return freeze(_delegatee.deserialize(p, ctxt));
        }

        @Override
        public Object deserializeWithType(JsonParser p, DeserializationContext ctxt, TypeDeserializer typeDeserializer)
                throws IOException {
            return freeze(_delegatee.deserializeWithType(p, ctxt, typeDeserializer));
        }

        @Override
        public Object getAbsentValue(DeserializationContext ctxt) {
            return set ? Set.of() : List.of();
        }

        @Override
        public Object getEmptyValue(DeserializationContext ctxt) {
            return getAbsentValue(ctxt);
        }

        private static Object freeze(Object value) {
            if (value instanceof Set<?> s) {
                return Collections.unmodifiableSet(s);
            }
            if (value instanceof List<?> l) {
                return Collections.unmodifiableList(l);
            }
            return value;
        }
    }
}
