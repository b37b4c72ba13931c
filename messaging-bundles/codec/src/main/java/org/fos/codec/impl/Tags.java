package org.fos.codec.impl;

/**
 * The one-byte tag every value of the binary format starts with (ADR 0096, docs/wire.md). A tag
 * says how the value's bytes are laid out, so that a reader can step over a value it has no use
 * for (a component it does not know) without knowing its type.
 */
final class Tags {

    /** The first byte of every payload of this format; Smile payloads start with {@code ':'}. */
    static final int MAGIC = 0xF5;
    /** The second byte: the format's version. */
    static final int VERSION = 1;

    static final int NULL = 0;
    static final int FALSE = 1;
    static final int TRUE = 2;
    /** A zigzag varint. */
    static final int INT = 3;
    /** A zigzag varint of 64 bits. */
    static final int LONG = 4;
    /** 8 bytes, big-endian IEEE 754. */
    static final int DOUBLE = 5;
    /** A varint length and that many UTF-8 bytes. */
    static final int STRING = 6;
    /** A varint length and that many bytes. */
    static final int BYTES = 7;
    /** A varint count and that many values. */
    static final int LIST = 8;
    /** A varint count and that many values. */
    static final int SET = 9;
    /** A varint count of entries and, for each, the key and the value. */
    static final int MAP = 10;
    /** A type name (as {@link #STRING}'s body), then a record body. */
    static final int RECORD = 11;
    /** A record body, of the type the reader declares: a varint count and, for each component, its name and value. */
    static final int RECORD_DECLARED = 12;
    /** A type name, then the constant's name. */
    static final int ENUM = 13;
    /** The constant's name, of the enum type the reader declares. */
    static final int ENUM_DECLARED = 14;
    /** A varint count and that many values: an array other than {@code byte[]}, where one is declared. */
    static final int ARRAY = 15;
    /** A zigzag varint. */
    static final int SHORT = 16;
    /** One byte. */
    static final int BYTE = 17;
    /** A varint. */
    static final int CHAR = 18;
    /** 4 bytes, big-endian IEEE 754. */
    static final int FLOAT = 19;

    private static final String[] NAMES = {"null", "false", "true", "int", "long", "double", "string", "bytes", "list", "set",
        "map", "record", "record", "enum", "enum", "array", "short", "byte", "char", "float"};

    private Tags() {
    }

    /**
     * Names a tag for a message.
     *
     * @param tag the tag
     * @return its name, or "tag N" for a byte that is no tag
     */
    static String name(int tag) {
        return tag >= 0 && tag < NAMES.length ? NAMES[tag] : "tag " + tag;
    }
}
