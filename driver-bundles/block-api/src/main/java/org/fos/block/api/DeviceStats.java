package org.fos.block.api;

/**
 * The counters of a block device since its driver started.
 *
 * @param reads read calls served
 * @param writes write calls served ({@code write} and {@code writeAll})
 * @param flushes flush calls served
 * @param bytesRead bytes read
 * @param bytesWritten bytes written
 * @param refused calls refused for bad arguments
 */
public record DeviceStats(long reads, long writes, long flushes, long bytesRead, long bytesWritten, long refused) {
}
