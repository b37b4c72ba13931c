package org.fos.block.api;

import java.util.List;
import java.util.concurrent.CompletionStage;

import org.fos.rpc.api.Idempotent;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A block device: a fixed number of fixed-size blocks, numbered from 0, served by a driver under
 * {@code /dev/block/<name>} (see {@link #NAME_PREFIX}) and called through libfos.
 *
 * <p>Writes are visible to every later read as soon as the call returns; they are durable (they
 * survive a crash of the machine) only once a later {@link #flush()} has returned. A device
 * serves its calls one at a time in the order they arrive, so two writes from one caller land in
 * the order they were made.
 *
 * <p>A device whose storage fails a write or a flush takes no more writes or flushes until its
 * driver restarts: each is refused with an {@link java.io.UncheckedIOException} that names the
 * first failure, while reads go on. So a write never lands after an earlier one of any caller that
 * failed, and a caller that sends writes and flushes without waiting for them (a journal, whose
 * blocks go home only behind a flush of the journal) can count on what it sent after a failure
 * not landing (since 1.2).
 *
 * <p>Every call checks its arguments: a block number outside {@code 0..blockCount-1}, a range that
 * runs past the end, a buffer whose length is not a whole number of blocks, or a transfer larger
 * than {@link #MAX_TRANSFER_BYTES} is refused with an {@link IllegalArgumentException} whose
 * message names the bad value and the device's geometry; nothing is read or written then.
 */
@ProviderType
public interface BlockDevice {

    /** The prefix of every block device's name: a device named {@code disk0} serves under {@code /dev/block/disk0}. */
    String NAME_PREFIX = "/dev/block/";

    /** The largest transfer of one call, in bytes (4 MiB). */
    int MAX_TRANSFER_BYTES = 4 << 20;

    /**
     * Returns the device's geometry.
     *
     * @return its name, block size and block count
     */
    @Idempotent
    Geometry geometry();

    /**
     * Reads consecutive blocks.
     *
     * @param block the first block's number
     * @param count how many blocks, at least 1
     * @return {@code count * blockSize} bytes; blocks never written read as zeros
     * @throws IllegalArgumentException if a block is out of range, {@code count} is below 1, or the
     *         transfer is larger than {@link #MAX_TRANSFER_BYTES}
     * @throws java.io.UncheckedIOException if the backing store fails
     */
    @Idempotent
    byte[] read(long block, int count);

    /**
     * Writes consecutive blocks.
     *
     * @param block the first block's number
     * @param data the content, a whole number of blocks (at least one); handed over: not changed
     *        after the call, since a device may keep it (as {@link BlockWrite}'s)
     * @throws IllegalArgumentException if {@code data} is not a whole number of blocks, is empty or
     *         too large, or a block is out of range
     * @throws java.io.UncheckedIOException if the backing store fails
     */
    void write(long block, byte[] data);

    /**
     * Writes several runs of blocks in one call, in list order (a later run wins where runs
     * overlap). The whole list is checked before anything is written.
     *
     * @param writes the runs; their total size is at most {@link #MAX_TRANSFER_BYTES}
     * @throws IllegalArgumentException as {@link #write(long, byte[])}, naming the run at fault
     * @throws java.io.UncheckedIOException if the backing store fails
     */
    void writeAll(List<BlockWrite> writes);

    /**
     * {@link #writeAll(List)} without waiting for it: the device serves it in its turn among the
     * caller's other calls, so a later read sees it and a later {@link #flush()} makes it durable,
     * and the caller goes on at once. A driver serves a synchronous {@code writeAll} by this method
     * too (a protocol method and its {@code Async} twin are served alike).
     *
     * @param writes the runs, as for {@link #writeAll(List)}
     * @return a stage that completes once the blocks are written, or fails as {@link #writeAll(List)}
     *         throws (the write refused, or the backing store failed)
     * @since 1.1
     */
    CompletionStage<Void> writeAllAsync(List<BlockWrite> writes);

    /**
     * Makes every write the device served before this call durable (every write a caller made
     * before it, waited for or not, since a device serves its calls in order): for a file-backed device the file
     * is forced to its storage; a memory device has nothing to do.
     *
     * @throws java.io.UncheckedIOException if the backing store fails
     */
    void flush();

    /**
     * {@link #flush()} without waiting for it: the device serves it in its turn among the caller's
     * other calls, so every write the caller made before it is durable before the device serves any
     * later call of the caller, as if the caller had waited; the caller goes on at once. A write
     * barrier: what a caller that only needs its writes to reach the storage in order (a journal's
     * checkpoint) sends instead of waiting. A driver serves a synchronous {@code flush} by this
     * method too.
     *
     * @return a stage that completes once the device is flushed, or fails as {@link #flush()} throws
     * @since 1.2
     */
    CompletionStage<Void> flushAsync();

    /**
     * Returns the device's counters.
     *
     * @return reads, writes and flushes served since the driver started
     */
    @Idempotent
    DeviceStats stats();
}
