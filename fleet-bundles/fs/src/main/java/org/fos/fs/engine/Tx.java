package org.fos.fs.engine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.fos.block.api.BlockWrite;

/**
 * One metadata transaction of a group: private copies of the blocks it changes, committed to the
 * journal and the cache together, or dropped. Until {@link GroupStore#commit(Tx)} nothing it did is
 * visible outside it, except directory caches, which {@link GroupStore#abort(Tx)} forgets.
 */
final class Tx {
    final Map<Long, byte[]> blocks;
    final Set<Long> touchedDirectories;
    /** Blocks of this group freed by the transaction. */
    final Set<Long> freed;
    /** Blocks of other groups (lent to a file here) the transaction let go of: given back after the commit. */
    final List<Long> returns;
    /** Borrowed blocks the transaction took from the group's pool: put back if it aborts. */
    final List<Long> borrowed;
    /**
     * File data the transaction points to: written with its commit, ahead of the journal record and
     * in the same device call where it fits; never written if it aborts (the blocks it allocated
     * are then free again).
     */
    final List<BlockWrite> data;
    int freeBlocksDelta;
    int freeInodesDelta;
    private final GroupBlocks store;
    private final boolean readOnly;

    Tx(GroupBlocks store) {
        this.store = store;
        this.readOnly = false;
        this.blocks = new LinkedHashMap<>();
        this.touchedDirectories = new LinkedHashSet<>();
        this.freed = new LinkedHashSet<>();
        this.returns = new ArrayList<>();
        this.borrowed = new ArrayList<>();
        this.data = new ArrayList<>();
    }

    private Tx(GroupBlocks store, boolean readOnly) {
        this.store = store;
        this.readOnly = readOnly;
        this.blocks = Map.of();
        this.touchedDirectories = Set.of();
        this.freed = Set.of();
        this.returns = List.of();
        this.borrowed = List.of();
        this.data = List.of();
    }

    /**
     * A view of the group's committed metadata for a read: it holds no changes, allocates no collections, and
     * refuses any change made through it (an {@link UnsupportedOperationException}), so it is never committed.
     */
    static Tx readOnly(GroupBlocks store) {
        return new Tx(store, true);
    }

    /** The block as this transaction sees it; not to be changed. */
    byte[] read(long block) {
        if (readOnly) {
            return store.meta(block);
        }
        byte[] b = blocks.get(block);
        return b != null ? b : store.meta(block);
    }

    /** A copy of the block that this transaction changes. */
    byte[] write(long block) {
        byte[] b = blocks.get(block);
        if (b == null) {
            b = store.meta(block).clone();
            blocks.put(block, b);
        }
        return b;
    }

    /**
     * The block for this transaction to write anew from its start to its checksum tail (which the commit seals):
     * this transaction's copy if it has one, else a zeroed block, not a copy of the committed one.
     */
    byte[] rewrite(long block) {
        byte[] b = blocks.get(block);
        if (b == null) {
            b = new byte[store.layout.blockSize];
            blocks.put(block, b);
        }
        return b;
    }

    /** A zeroed block that this transaction fills (a block just allocated). */
    byte[] fresh(long block) {
        byte[] b = new byte[store.layout.blockSize];
        blocks.put(block, b);
        return b;
    }
}
