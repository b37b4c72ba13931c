package org.fos.block.api;

/**
 * One run of blocks to write, for {@link BlockDevice#writeAll(java.util.List)}.
 *
 * @param block the first block's number
 * @param data the content, a whole number of blocks; not changed after it is handed over
 */
public record BlockWrite(long block, byte[] data) {
}
