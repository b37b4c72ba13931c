package org.fos.codec.impl;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An enum: its constant's name, so that constants may be added and reordered; a name the reader's
 * version does not have reads as null.
 */
final class EnumCodec extends TypeCodec {

    private final byte[][] constantNames;
    private final NameTable<Enum<?>> constants;

    EnumCodec(Class<?> type, String wireName) {
        super(type, wireName);
        Enum<?>[] values = (Enum<?>[]) type.getEnumConstants();
        constantNames = new byte[values.length][];
        Map<String, Enum<?>> byName = new LinkedHashMap<>();
        for (Enum<?> e : values) {
            constantNames[e.ordinal()] = prefixed(e.name());
            byName.put(e.name(), e);
        }
        constants = new NameTable<>(byName);
    }

    @Override
    void writeNamed(Sink out, Object value, int depth) {
        out.u8(Tags.ENUM);
        out.bytes(prefixedName);
        out.bytes(constantNames[((Enum<?>) value).ordinal()]);
    }

    @Override
    void writeDeclared(Sink out, Object value, int depth) {
        out.u8(Tags.ENUM_DECLARED);
        out.bytes(constantNames[((Enum<?>) value).ordinal()]);
    }

    @Override
    Object readBody(Source in, int depth) {
        int at = in.skipLengthPrefixed();
        return constants.get(in.buf, at, in.pos - at);
    }
}
