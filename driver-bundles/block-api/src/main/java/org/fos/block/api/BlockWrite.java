package org.fos.block.api;

/**
 * One run of blocks to write, for {@link BlockDevice#writeAll(java.util.List)}.
 *
 * @param block the first block's number
 * @param data the content, a whole number of blocks; handed over: not changed afterwards, by the
 *        caller or the device, which may keep it (a memory device keeps a block written whole as
 *        the array it came in)
 */
public record BlockWrite(long block, byte[] data) {
}
