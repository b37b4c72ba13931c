package org.fos.codec.impl;

/**
 * Writes and reads the values of one declared type: a record component, the elements of a typed
 * collection or array, or {@code Object}. A value is always written with its tag, so that a reader
 * can skip it; what the declared type adds is the check on reading (a declared {@code String}
 * takes only a string) and, for records and enums, that their type name need not be written.
 */
abstract class Slot {

    /**
     * Writes a value.
     *
     * @param out where to
     * @param value the value, may be null
     * @param depth how many containers enclose the value
     */
    abstract void write(Sink out, Object value, int depth);

    /**
     * Reads a value, tag first.
     *
     * @param in where from
     * @param depth how many containers enclose the value
     * @return the value, of the declared type
     */
    abstract Object read(Source in, int depth);

    /**
     * Returns what a component of this type is when the bytes do not have it (written by a version of
     * the record without it): zero, false, an empty collection, or null.
     *
     * @return the default
     */
    Object missing() {
        return null;
    }

    /**
     * Checks that a container at {@code depth} may hold values one level deeper.
     *
     * @param depth how many containers enclose the container
     * @return the depth of its values
     */
    static int deeper(int depth) {
        if (depth >= BinaryFormat.MAX_DEPTH) {
            throw new IllegalArgumentException("values nest deeper than " + BinaryFormat.MAX_DEPTH + " levels");
        }
        return depth + 1;
    }
}
