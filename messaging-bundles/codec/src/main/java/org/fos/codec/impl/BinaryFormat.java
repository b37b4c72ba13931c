package org.fos.codec.impl;

import java.lang.reflect.Array;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The binary format of the codec (ADR 0096, docs/wire.md) for one snapshot of the allow-list: a
 * codec for every allowed record and enum, found by class when writing and by wire name when
 * reading. Every value starts with a one-byte {@link Tags tag}; a value where any type may be
 * (declared {@code Object}, the payload itself) names its record or enum type, a value of a
 * declared record or enum type does not. Immutable once made, so thread-safe.
 */
final class BinaryFormat {

    /** How many lists, sets, maps, arrays and records may enclose one another, on encode and decode. */
    static final int MAX_DEPTH = 64;

    private final Map<Class<?>, TypeCodec> byType = new HashMap<>();
    private final NameTable<TypeCodec> byName;
    /** Types reached only as declared components, written without a name: never looked up by {@link #writeAny}. */
    private final Map<Class<?>, TypeCodec> unlisted = new HashMap<>();
    private final Slot any = new AnySlot();

    /**
     * Makes the codecs of every type of a snapshot.
     *
     * @param allowed the allowed types
     */
    BinaryFormat(AllowList.Snapshot allowed) {
        allowed.byType().forEach((type, name) -> byType.put(type, make(type, name)));
        Map<String, TypeCodec> names = new HashMap<>();
        allowed.byName().forEach((name, type) -> names.put(name, byType.get(type)));
        byName = new NameTable<>(names);
        for (TypeCodec t : byType.values().toArray(TypeCodec[]::new)) {
            if (t instanceof RecordCodec r) {
                r.link(this);
            }
        }
    }

    private static TypeCodec make(Class<?> type, String name) {
        return type.isEnum() ? new EnumCodec(type, name) : new RecordCodec(type, name);
    }

    /**
     * The codec of a declared record or enum type. The allow-list walks components, so every one is
     * on it; one that is not (not expected) gets a codec that only declared components use.
     */
    private TypeCodec codecOf(Class<?> type) {
        TypeCodec t = byType.get(type);
        if (t == null) {
            t = unlisted.get(type);
        }
        if (t == null) {
            t = make(type, type.getName());
            unlisted.put(type, t);
            if (t instanceof RecordCodec r) {
                r.link(this);
            }
        }
        return t;
    }

    // ---------------------------------------------------------------- values of any type

    /**
     * Writes a value where any type may be: its tag chosen by its class, and for a record or an enum
     * its type name, which must be on the allow-list.
     */
    void writeAny(Sink out, Object v, int depth) {
        if (v == null) {
            out.u8(Tags.NULL);
            return;
        }
        if (writeScalar(out, v)) {
            return;
        }
        Class<?> c = v.getClass();
        // records and enums first: a failed instanceof of an interface scans the class's supertypes
        TypeCodec t = byType.get(c);
        if (t != null) {
            t.writeNamed(out, v, depth);
        } else if (v instanceof List<?> l) {
            writeElements(out, Tags.LIST, l, any, depth);
        } else if (v instanceof Set<?> s) {
            writeElements(out, Tags.SET, s, any, depth);
        } else if (v instanceof Map<?, ?> m) {
            writeEntries(out, m, any, any, depth);
        } else if (v instanceof Enum<?> e && (t = byType.get(e.getDeclaringClass())) != null) {
            t.writeNamed(out, v, depth); // a constant with a body is a subclass of its enum
        } else {
            throw new IllegalArgumentException("type " + c.getName() + " is not allowed: a bundle must allow it"
                    + " (PayloadCodec.allow) before it is sent");
        }
    }

    /**
     * Writes a value that has no parts: a string, a boxed primitive or {@code byte[]}.
     *
     * @return false if the value is none of these, and nothing was written
     */
    static boolean writeScalar(Sink out, Object v) {
        Class<?> c = v.getClass();
        if (c == String.class) {
            out.u8(Tags.STRING);
            out.string((String) v);
        } else if (c == Integer.class) {
            out.u8(Tags.INT);
            out.varint(zigzag((Integer) v));
        } else if (c == Long.class) {
            out.u8(Tags.LONG);
            out.varlong(zigzag((Long) v));
        } else if (c == byte[].class) {
            out.u8(Tags.BYTES);
            out.lengthPrefixed((byte[]) v);
        } else if (c == Boolean.class) {
            out.u8((Boolean) v ? Tags.TRUE : Tags.FALSE);
        } else if (c == Double.class) {
            out.u8(Tags.DOUBLE);
            out.fixed64(Double.doubleToRawLongBits((Double) v));
        } else if (c == Short.class) {
            out.u8(Tags.SHORT);
            out.varint(zigzag((Short) v));
        } else if (c == Byte.class) {
            out.u8(Tags.BYTE);
            out.u8((Byte) v);
        } else if (c == Character.class) {
            out.u8(Tags.CHAR);
            out.varint((Character) v);
        } else if (c == Float.class) {
            out.u8(Tags.FLOAT);
            out.fixed32(Float.floatToRawIntBits((Float) v));
        } else {
            return false;
        }
        return true;
    }

    /**
     * Converts a decoded scalar to a declared type: integers widen, or narrow when they fit; floating
     * point takes integers and the other width.
     *
     * @param v the decoded value, not null
     * @param t the declared type, boxed if it is primitive
     * @return the value as the declared type, or null if it cannot be one
     */
    static Object convert(Object v, Class<?> t) {
        if (t.isInstance(v)) {
            return v;
        }
        if (v instanceof Number n && (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte)) {
            long l = n.longValue();
            if (t == Long.class) {
                return l;
            }
            if (t == Integer.class && l == (int) l) {
                return (int) l;
            }
            if (t == Short.class && l == (short) l) {
                return (short) l;
            }
            if (t == Byte.class && l == (byte) l) {
                return (byte) l;
            }
            if (t == Double.class) {
                return (double) l;
            }
            if (t == Float.class) {
                return (float) l;
            }
        } else if (v instanceof Float f && t == Double.class) {
            return f.doubleValue();
        } else if (v instanceof Double d && t == Float.class) {
            return d.floatValue();
        }
        return null;
    }

    private static final Map<Class<?>, Class<?>> BOXES = Map.of(int.class, Integer.class, long.class, Long.class,
            short.class, Short.class, byte.class, Byte.class, char.class, Character.class, boolean.class, Boolean.class,
            float.class, Float.class, double.class, Double.class);

    private static void writeElements(Sink out, int tag, java.util.Collection<?> values, Slot element, int depth) {
        int inner = Slot.deeper(depth);
        out.u8(tag);
        int n = values.size();
        out.varint(n);
        int written = 0;
        for (Object e : values) {
            if (written++ == n) {
                break;
            }
            element.write(out, e, inner);
        }
        if (written != n) {
            throw new IllegalArgumentException("a collection changed its size while it was encoded");
        }
    }

    private static void writeEntries(Sink out, Map<?, ?> map, Slot key, Slot value, int depth) {
        int inner = Slot.deeper(depth);
        out.u8(Tags.MAP);
        int n = map.size();
        out.varint(n);
        int written = 0;
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (written++ == n) {
                break;
            }
            key.write(out, e.getKey(), inner);
            value.write(out, e.getValue(), inner);
        }
        if (written != n) {
            throw new IllegalArgumentException("a map changed its size while it was encoded");
        }
    }

    /** Reads a value where any type may be. */
    Object readAny(Source in, int depth) {
        int tag = in.u8();
        return switch (tag) {
            case Tags.LIST -> readList(in, any, depth);
            case Tags.SET -> readSet(in, any, depth);
            case Tags.MAP -> readMap(in, any, any, depth);
            case Tags.RECORD, Tags.ENUM -> {
                TypeCodec t = named(in);
                if (t instanceof RecordCodec != (tag == Tags.RECORD)) {
                    throw in.malformed("type " + t.type.getName() + " is no " + Tags.name(tag));
                }
                yield t.readBody(in, tag == Tags.RECORD ? Slot.deeper(depth) : depth);
            }
            case Tags.RECORD_DECLARED, Tags.ENUM_DECLARED, Tags.ARRAY ->
                throw in.malformed("a " + Tags.name(tag) + " without its type name where no type is declared");
            default -> readScalar(in, tag);
        };
    }

    /** Reads a type name and returns its codec. */
    private TypeCodec named(Source in) {
        int at = in.skipLengthPrefixed();
        TypeCodec t = byName.get(in.buf, at, in.pos - at);
        if (t == null) {
            String name = new String(in.buf, at, Math.min(in.pos - at, 200), java.nio.charset.StandardCharsets.UTF_8);
            throw new IllegalArgumentException("type '" + name + (in.pos - at > 200 ? "...' (" + (in.pos - at) + " bytes)" : "'")
                    + " is not allowed");
        }
        return t;
    }

    /** Reads the body of a value that has no parts: a scalar of the given tag. */
    static Object readScalar(Source in, int tag) {
        return switch (tag) {
            case Tags.NULL -> null;
            case Tags.FALSE -> Boolean.FALSE;
            case Tags.TRUE -> Boolean.TRUE;
            case Tags.INT -> unzigzag(in.varint());
            case Tags.LONG -> unzigzag(in.varlong());
            case Tags.DOUBLE -> Double.longBitsToDouble(in.fixed64());
            case Tags.STRING -> in.string();
            case Tags.BYTES -> in.bytes();
            case Tags.SHORT -> {
                int v = unzigzag(in.varint());
                if (v != (short) v) {
                    throw in.malformed("short " + v + " out of range");
                }
                yield (short) v;
            }
            case Tags.BYTE -> (byte) in.u8();
            case Tags.CHAR -> {
                int v = in.varint();
                if (v != (char) v) {
                    throw in.malformed("char " + v + " out of range");
                }
                yield (char) v;
            }
            case Tags.FLOAT -> Float.intBitsToFloat(in.fixed32());
            default -> throw in.malformed("a " + Tags.name(tag) + " where a single value must be");
        };
    }

    private static List<Object> readList(Source in, Slot element, int depth) {
        int inner = Slot.deeper(depth);
        int n = in.count(1, "elements");
        Object[] values = new Object[n];
        for (int i = 0; i < n; i++) {
            values[i] = element.read(in, inner);
        }
        return Collections.unmodifiableList(Arrays.asList(values));
    }

    private static Set<Object> readSet(Source in, Slot element, int depth) {
        int inner = Slot.deeper(depth);
        int n = in.count(1, "elements");
        Set<Object> values = new LinkedHashSet<>(Math.max(4, n * 4 / 3 + 1));
        for (int i = 0; i < n; i++) {
            values.add(element.read(in, inner));
        }
        return Collections.unmodifiableSet(values);
    }

    private static Map<Object, Object> readMap(Source in, Slot key, Slot value, int depth) {
        int inner = Slot.deeper(depth);
        int n = in.count(2, "entries");
        Map<Object, Object> entries = new LinkedHashMap<>(Math.max(4, n * 4 / 3 + 1));
        for (int i = 0; i < n; i++) {
            Object k = key.read(in, inner);
            entries.put(k, value.read(in, inner));
        }
        return Collections.unmodifiableMap(entries);
    }

    /** Steps over a value whose tag was just read, without making anything of it (a component the reader does not know). */
    void skip(Source in, int tag, int depth) {
        switch (tag) {
            case Tags.NULL, Tags.FALSE, Tags.TRUE -> {
            }
            case Tags.INT, Tags.LONG, Tags.SHORT, Tags.CHAR -> in.varlong();
            case Tags.BYTE -> in.u8();
            case Tags.FLOAT -> in.fixed32();
            case Tags.DOUBLE -> in.fixed64();
            case Tags.STRING, Tags.BYTES, Tags.ENUM_DECLARED -> in.skipLengthPrefixed();
            case Tags.ENUM -> {
                in.skipLengthPrefixed();
                in.skipLengthPrefixed();
            }
            case Tags.LIST, Tags.SET, Tags.ARRAY, Tags.MAP -> {
                int inner = Slot.deeper(depth);
                int n = in.count(tag == Tags.MAP ? 2 : 1, "elements");
                for (int i = tag == Tags.MAP ? 2 * n : n; i > 0; i--) {
                    skip(in, in.u8(), inner);
                }
            }
            case Tags.RECORD, Tags.RECORD_DECLARED -> {
                int inner = Slot.deeper(depth);
                if (tag == Tags.RECORD) {
                    in.skipLengthPrefixed();
                }
                for (int i = in.count(2, "components"); i > 0; i--) {
                    in.skipLengthPrefixed();
                    skip(in, in.u8(), inner);
                }
            }
            default -> throw in.malformed("no value starts with " + Tags.name(tag));
        }
    }

    // ---------------------------------------------------------------- values of declared types

    /**
     * Returns the slot of a declared type: a record component's, an element's of a typed collection
     * or array. The allow-list has checked that the codec can carry it.
     *
     * @param declared the declared type
     * @return its slot
     */
    Slot slotFor(Type declared) {
        if (declared instanceof Class<?> c) {
            if (c == Object.class) {
                return any;
            }
            if (c == List.class || c == Set.class) {
                return new CollectionSlot(c == List.class ? Tags.LIST : Tags.SET, any);
            }
            if (c == Map.class) {
                return new MapSlot(any, any);
            }
            if (c.isArray() && c != byte[].class) {
                return new ArraySlot(c.getComponentType(), slotFor(c.getComponentType()));
            }
            if (c.isEnum() || c.isRecord()) {
                return new DeclaredSlot(codecOf(c));
            }
            return new ScalarSlot(c);
        }
        if (declared instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw) {
            Type[] args = p.getActualTypeArguments();
            if (raw == Map.class) {
                return new MapSlot(slotFor(args[0]), slotFor(args[1]));
            }
            if (raw == List.class || raw == Set.class) {
                return new CollectionSlot(raw == List.class ? Tags.LIST : Tags.SET, slotFor(args[0]));
            }
            return slotFor(raw);
        }
        if (declared instanceof GenericArrayType a) {
            Class<?> element = erasure(a.getGenericComponentType());
            return new ArraySlot(element, slotFor(a.getGenericComponentType()));
        }
        return slotFor(erasure(declared));
    }

    private static Class<?> erasure(Type t) {
        if (t instanceof Class<?> c) {
            return c;
        }
        if (t instanceof ParameterizedType p) {
            return erasure(p.getRawType());
        }
        if (t instanceof GenericArrayType a) {
            return Array.newInstance(erasure(a.getGenericComponentType()), 0).getClass();
        }
        if (t instanceof WildcardType w) {
            return erasure(w.getUpperBounds()[0]);
        }
        if (t instanceof TypeVariable<?> v) {
            return erasure(v.getBounds()[0]);
        }
        return Object.class;
    }

    /** {@code Object}: any value, with its type name where it has one. */
    private final class AnySlot extends Slot {
        @Override
        void write(Sink out, Object value, int depth) {
            writeAny(out, value, depth);
        }

        @Override
        Object read(Source in, int depth) {
            return readAny(in, depth);
        }
    }

    /** A declared record or enum type: written without its type name. */
    private final class DeclaredSlot extends Slot {
        private final TypeCodec codec;

        DeclaredSlot(TypeCodec codec) {
            this.codec = codec;
        }

        @Override
        void write(Sink out, Object value, int depth) {
            if (value == null) {
                out.u8(Tags.NULL);
            } else {
                codec.writeDeclared(out, value, depth);
            }
        }

        @Override
        Object read(Source in, int depth) {
            int tag = in.u8();
            boolean record = codec instanceof RecordCodec;
            if (tag == Tags.NULL) {
                return null;
            }
            if (tag == (record ? Tags.RECORD_DECLARED : Tags.ENUM_DECLARED)) {
                return codec.readBody(in, record ? deeper(depth) : depth);
            }
            if (tag == (record ? Tags.RECORD : Tags.ENUM)) {
                TypeCodec named = named(in);
                if (named.type == codec.type) {
                    return codec.readBody(in, record ? deeper(depth) : depth);
                }
                throw in.malformed("a " + named.type.getName() + " where a " + codec.type.getName() + " must be");
            }
            throw in.malformed("a " + Tags.name(tag) + " where a " + codec.type.getName() + " must be");
        }
    }

    /**
     * A declared container (collection, map, array): null is written as such, anything else as the
     * container's one tag, which is all a reader takes besides null.
     */
    private abstract static class ContainerSlot extends Slot {
        final int tag;

        ContainerSlot(int tag) {
            this.tag = tag;
        }

        /** What the declared type is, for the message that refuses another tag. */
        abstract String what();

        /** Writes a value that is not null, its tag first. */
        abstract void writeValue(Sink out, Object value, int depth);

        /** Reads a value after its tag. */
        abstract Object readValue(Source in, int depth);

        @Override
        final void write(Sink out, Object value, int depth) {
            if (value == null) {
                out.u8(Tags.NULL);
            } else {
                writeValue(out, value, depth);
            }
        }

        @Override
        final Object read(Source in, int depth) {
            int t = in.u8();
            if (t == Tags.NULL) {
                return null;
            }
            if (t != tag) {
                throw in.malformed("a " + Tags.name(t) + " where " + what() + " must be");
            }
            return readValue(in, depth);
        }
    }

    /** A declared {@code List} or {@code Set} of elements of one declared type. */
    private static final class CollectionSlot extends ContainerSlot {
        private final Slot element;

        CollectionSlot(int tag, Slot element) {
            super(tag);
            this.element = element;
        }

        @Override
        String what() {
            return "a " + Tags.name(tag);
        }

        @Override
        void writeValue(Sink out, Object value, int depth) {
            writeElements(out, tag, (java.util.Collection<?>) value, element, depth);
        }

        @Override
        Object readValue(Source in, int depth) {
            return tag == Tags.LIST ? readList(in, element, depth) : readSet(in, element, depth);
        }

        @Override
        Object missing() {
            return tag == Tags.LIST ? List.of() : Set.of();
        }
    }

    /** A declared {@code Map}, keys and values of their declared types. */
    private static final class MapSlot extends ContainerSlot {
        private final Slot key;
        private final Slot value;

        MapSlot(Slot key, Slot value) {
            super(Tags.MAP);
            this.key = key;
            this.value = value;
        }

        @Override
        String what() {
            return "a map";
        }

        @Override
        void writeValue(Sink out, Object v, int depth) {
            writeEntries(out, (Map<?, ?>) v, key, value, depth);
        }

        @Override
        Object readValue(Source in, int depth) {
            return readMap(in, key, value, depth);
        }

        @Override
        Object missing() {
            return Map.of();
        }
    }

    /** A declared array other than {@code byte[]}. */
    private static final class ArraySlot extends ContainerSlot {
        private final Class<?> elementType;
        private final Slot element;

        ArraySlot(Class<?> elementType, Slot element) {
            super(Tags.ARRAY);
            this.elementType = elementType;
            this.element = element;
        }

        @Override
        String what() {
            return "an array of " + elementType.getName();
        }

        @Override
        void writeValue(Sink out, Object value, int depth) {
            int inner = deeper(depth);
            int n = Array.getLength(value);
            out.u8(Tags.ARRAY);
            out.varint(n);
            for (int i = 0; i < n; i++) {
                element.write(out, Array.get(value, i), inner);
            }
        }

        @Override
        Object readValue(Source in, int depth) {
            int inner = deeper(depth);
            int n = in.count(1, "elements");
            Object array = Array.newInstance(elementType, n);
            for (int i = 0; i < n; i++) {
                Array.set(array, i, element.read(in, inner));
            }
            return array;
        }
    }

    /** A declared {@code String}, primitive, boxed primitive or {@code byte[]}: numbers widen, or narrow when they fit. */
    private static final class ScalarSlot extends Slot {
        private final Class<?> type;
        private final Class<?> boxed;
        private final Object zero;

        ScalarSlot(Class<?> type) {
            this.type = type;
            this.boxed = type.isPrimitive() ? BOXES.get(type) : type;
            this.zero = zero(type);
        }

        @Override
        void write(Sink out, Object value, int depth) {
            if (value == null) {
                out.u8(Tags.NULL);
                return;
            }
            if (!writeScalar(out, value)) {
                throw new IllegalArgumentException("a " + value.getClass().getName() + " where a " + type.getName() + " must be");
            }
        }

        @Override
        Object read(Source in, int depth) {
            int tag = in.u8();
            Object v = readScalar(in, tag);
            if (v == null) {
                return zero;
            }
            Object converted = convert(v, boxed);
            if (converted == null) {
                throw in.malformed("a " + Tags.name(tag) + (v instanceof Number ? " " + v : "") + " where a "
                        + type.getSimpleName() + " must be");
            }
            return converted;
        }

        @Override
        Object missing() {
            return zero;
        }

        private static Object zero(Class<?> c) {
            if (!c.isPrimitive()) {
                return null;
            }
            return Array.get(Array.newInstance(c, 1), 0);
        }
    }

    private static int zigzag(int v) {
        return (v << 1) ^ (v >> 31);
    }

    private static long zigzag(long v) {
        return (v << 1) ^ (v >> 63);
    }

    private static int unzigzag(int v) {
        return (v >>> 1) ^ -(v & 1);
    }

    private static long unzigzag(long v) {
        return (v >>> 1) ^ -(v & 1);
    }
}
