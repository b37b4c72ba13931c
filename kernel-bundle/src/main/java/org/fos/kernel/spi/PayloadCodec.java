package org.fos.kernel.spi;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Encodes message payloads for the wire. One codec service is used by the kernel: for messages that
 * leave the node (through the transports) and, when the kernel runs with
 * {@code encodeAllMessages}, for every message, so that tests prove every payload crosses the wire.
 *
 * <p><b>Allow-list.</b> A codec only instantiates types that are on its allow-list: the bytes name a
 * type, and the name must belong to a type that a bundle allowed with {@link #allow(Class)}; the
 * network never decides which class is loaded. Built in, and always allowed, are {@code null},
 * {@code String}, the boxed primitives, {@code byte[]}, {@code List}, {@code Set} and {@code Map} of
 * allowed values, and the kernel's {@code Capability} and {@code Address}.
 *
 * <p><b>Evolution.</b> Allowed types are named on the wire by their fully qualified class name, so
 * the same record from a newer bundle reads older bytes and back: components missing from the
 * bytes take their default (null, 0, false, empty collection), components the reader does not know
 * are skipped. Renaming a component or changing its type is not compatible.
 *
 * <p>Implementations must be thread-safe.
 */
@ConsumerType
public interface PayloadCodec {

    /**
     * Encodes a payload.
     *
     * @param payload the payload, may be null
     * @return the bytes
     * @throws IllegalArgumentException if the payload, or a value inside it, has a type that is not
     *         allowed; the message names the type
     */
    byte[] encode(Object payload);

    /**
     * Decodes bytes written by {@link #encode}, possibly by another version of the same codec or of
     * the payload's types.
     *
     * @param bytes the bytes
     * @return the payload, may be null
     * @throws IllegalArgumentException if the bytes are malformed, truncated, or name a type that is
     *         not allowed; the message says which
     */
    Object decode(byte[] bytes);

    /**
     * Puts a type on the allow-list, with the record and enum types reachable from its components
     * (through component types, array element types and the type arguments of collections).
     * Allowing a type of the same name again (a newer version of its bundle) makes the newest
     * registration the one used to decode, until it is closed; then the previous one is used again.
     *
     * @param type a record or an enum
     * @return a handle; closing it takes this registration off the list again
     * @throws IllegalArgumentException if the type is neither a record nor an enum, or a component
     *         has a type the codec cannot carry; the message names the component
     */
    AutoCloseable allow(Class<?> type);
}
