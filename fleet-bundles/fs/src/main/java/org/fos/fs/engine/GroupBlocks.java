package org.fos.fs.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.fos.block.api.BlockDevice;
import org.fos.block.api.BlockWrite;

/**
 * The metadata blocks of one group as its owner sees them: a cache of the blocks read (each checked
 * against its checksum when it comes from the device), the journal every change is committed to
 * first, and the checkpoint that writes changed blocks home. Not thread-safe: the owning member's
 * thread alone uses it.
 */
final class GroupBlocks {
    final Layout layout;
    final int group;
    final BlockDevice device;
    private final Journal journal;
    private final Map<Long, byte[]> cache = new HashMap<>();
    private final Set<Long> dirty = new LinkedHashSet<>();
    /**
     * Blocks freed since the last checkpoint: not given out again before it, so that replaying an
     * old journal image of a freed index or directory block can never overwrite file data.
     */
    final Set<Long> freedSinceCheckpoint = new HashSet<>();

    GroupBlocks(Layout layout, int group, BlockDevice device) {
        this.layout = layout;
        this.group = group;
        this.device = device;
        this.journal = new Journal(layout, group, device);
    }

    /** Replays the journal into the cache and writes it home; returns whether there was anything. */
    boolean replay() {
        Map<Long, byte[]> replayed = journal.replay();
        if (replayed.isEmpty()) {
            return false;
        }
        cache.putAll(replayed);
        dirty.addAll(replayed.keySet());
        checkpoint();
        return true;
    }

    /** The blocks of the journal that can hold transactions. */
    int journalCapacity() {
        return journal.capacity();
    }

    /** The journal blocks the transactions since the last checkpoint take. */
    int journalUsed() {
        return journal.used();
    }

    /** How many transactions the journal holds since the last checkpoint. */
    long journalTransactions() {
        return journal.transactions();
    }

    /** The number the next transaction gets. */
    long journalNextTransaction() {
        return journal.nextSeq();
    }

    /** Reads the journal without replaying it: how many blocks wait in it. */
    int pending() {
        return journal.replay().size();
    }

    /**
     * A metadata block, from the cache or the device.
     *
     * @throws Checksums.Damaged if the device's copy does not match its checksum
     */
    byte[] meta(long block) {
        byte[] b = cache.get(block);
        if (b == null) {
            b = device.read(block, 1);
            Checksums.verify(layout, group, block, b);
            cache.put(block, b);
        }
        return b;
    }

    int maxBlocks() {
        return journal.maxBlocks();
    }

    /**
     * Seals and journals a transaction's blocks, with the file data it points to ahead of them, and
     * installs them in the cache (not flushed).
     *
     * @throws IllegalStateException if the transaction is larger than the journal takes
     */
    void commit(Tx tx) {
        if (tx.blocks.size() > journal.maxBlocks()) {
            throw new IllegalStateException("a change of " + tx.blocks.size() + " metadata blocks is larger than a journal transaction ("
                    + journal.maxBlocks() + ")");
        }
        for (Map.Entry<Long, byte[]> e : tx.blocks.entrySet()) {
            Checksums.seal(layout, group, e.getKey(), e.getValue());
        }
        if (!journal.fits(tx.blocks.size())) {
            checkpointBehind();
        }
        journal.append(tx.blocks, tx.data);
        cache.putAll(tx.blocks);
        dirty.addAll(tx.blocks.keySet());
        for (Long b : tx.freed) {
            if (!tx.blocks.containsKey(b)) {
                cache.remove(b);
                dirty.remove(b);
            }
            freedSinceCheckpoint.add(b);
        }
    }

    /** Writes every journaled change home and starts the journal afresh; returns once the device made it durable. */
    void checkpoint() {
        checkpoint(true);
    }

    /**
     * The same checkpoint without waiting for the device (ADR 0121): its two flushes go to the
     * device as barriers among the writes, which it serves in the order sent, so the journal is on
     * the storage before any block goes home, and the blocks are home before the header that starts
     * the journal afresh, as in {@link #checkpoint()}. A device that fails a write or a flush takes
     * no later write or flush ({@link BlockDevice}), so nothing goes home after a journal write that
     * failed, and the header never lands after a home write that failed; the member learns of the
     * failure by a later call ({@link WriteBehind}). What a caller may not do after it is count on
     * the changes being durable: a checkpoint that must be (before blocks lent by another group go
     * back, before a check) waits.
     */
    void checkpointBehind() {
        checkpoint(false);
    }

    private void checkpoint(boolean wait) {
        if (dirty.isEmpty() && journal.isEmpty()) {
            return;
        }
        barrier(wait);
        List<BlockWrite> run = new ArrayList<>();
        int bytes = 0;
        for (Long b : dirty) {
            run.add(new BlockWrite(b, cache.get(b)));
            bytes += layout.blockSize;
            if (bytes + layout.blockSize > BlockDevice.MAX_TRANSFER_BYTES) {
                device.writeAll(run);
                run = new ArrayList<>();
                bytes = 0;
            }
        }
        if (!run.isEmpty()) {
            device.writeAll(run);
        }
        barrier(wait);
        dirty.clear();
        journal.reset();
        freedSinceCheckpoint.clear();
    }

    /**
     * Flushes the device, or sends a flush behind the writes sent so far without waiting for it: if
     * it fails, the device refuses every write after it, the header among them, and the member's
     * device ({@link WriteBehind}) fails its next call.
     */
    private void barrier(boolean wait) {
        if (wait) {
            device.flush();
        } else {
            device.flushAsync();
        }
    }

    boolean isClean() {
        return dirty.isEmpty() && journal.isEmpty();
    }
}
