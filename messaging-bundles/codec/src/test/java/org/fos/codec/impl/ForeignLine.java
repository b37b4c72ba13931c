package org.fos.codec.impl;

/**
 * A record that {@link BinaryPayloadCodecTest} loads a second time through a class loader of its
 * own, as a record of another bundle is: package-private, in a loader the codec's cannot see.
 *
 * @param item an item
 * @param quantity how many
 */
record ForeignLine(String item, long quantity) {
}
