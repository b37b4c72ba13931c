package org.fos.codec.impl;

import java.nio.charset.StandardCharsets;

/**
 * Writes and reads the values of one allowed record or enum type, as one snapshot of the
 * allow-list names it.
 */
abstract sealed class TypeCodec permits RecordCodec, EnumCodec {

    final Class<?> type;
    /** The wire name as the format writes it: a varint length and the UTF-8 bytes. */
    final byte[] prefixedName;

    TypeCodec(Class<?> type, String wireName) {
        this.type = type;
        this.prefixedName = prefixed(wireName);
    }

    /** Writes a value where any type may be: its tag, its type name and its body. */
    abstract void writeNamed(Sink out, Object value, int depth);

    /** Writes a value where its type is declared: its tag and its body. */
    abstract void writeDeclared(Sink out, Object value, int depth);

    /** Reads a value's body, after its tag (and type name). */
    abstract Object readBody(Source in, int depth);

    /**
     * Returns a string as the format writes names: a varint length and the UTF-8 bytes.
     *
     * @param s the string
     * @return the bytes
     */
    static byte[] prefixed(String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        Sink sink = Sink.unshared();
        sink.lengthPrefixed(utf8);
        return java.util.Arrays.copyOf(sink.bytes(), sink.size());
    }
}
