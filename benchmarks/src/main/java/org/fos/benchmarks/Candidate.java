package org.fos.benchmarks;

/**
 * One way to turn a payload into bytes and back, as the codec benchmark compares them. Instances
 * are used from one thread at a time unless they say otherwise.
 */
public interface Candidate {

    /**
     * Encodes a payload.
     *
     * @param payload one of {@link Messages.Kind#sample()}
     * @return the bytes
     */
    byte[] encode(Object payload);

    /**
     * Decodes what {@link #encode} wrote.
     *
     * @param bytes the bytes
     * @return the payload
     */
    Object decode(byte[] bytes);
}
