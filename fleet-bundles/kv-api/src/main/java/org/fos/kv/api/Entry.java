package org.fos.kv.api;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * A key, its value and its revision. Equality compares the value's bytes.
 *
 * @param key the key
 * @param value the value
 * @param revision the revision of the write that stored this value
 */
public record Entry(String key, byte[] value, long revision) {

    /**
     * Tells whether another object is an entry with the same key, value bytes and revision.
     *
     * @param o the other object
     * @return true if equal
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof Entry e && e.revision == revision && e.key.equals(key) && Arrays.equals(e.value, value);
    }

    /**
     * Returns a hash of the key, value bytes and revision.
     *
     * @return the hash
     */
    @Override
    public int hashCode() {
        return (key.hashCode() * 31 + Arrays.hashCode(value)) * 31 + Long.hashCode(revision);
    }

    /**
     * Returns the value as text if it is printable UTF-8, else as {@code base64:...}.
     *
     * @return the value's text
     */
    public String valueText() {
        if (value == null) {
            return "null";
        }
        try {
            String s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(value)).toString();
            if (s.chars().noneMatch(Character::isISOControl)) {
                return s;
            }
        } catch (CharacterCodingException e) {
            // not text
        }
        return "base64:" + Base64.getEncoder().encodeToString(value);
    }

    /**
     * Returns {@code key=value (revision n)}, the value as {@link #valueText()}.
     *
     * @return the text
     */
    @Override
    public String toString() {
        return key + "=" + valueText() + " (revision " + revision + ")";
    }
}
