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
    final Map<Long, byte[]> blocks = new LinkedHashMap<>();
    final Set<Long> touchedDirectories = new LinkedHashSet<>();
    /** Blocks of this group freed by the transaction. */
    final Set<Long> freed = new LinkedHashSet<>();
    /** Blocks of other groups (lent to a file here) the transaction let go of: given back after the commit. */
    final List<Long> returns = new ArrayList<>();
    /** Borrowed blocks the transaction took from the group's pool: put back if it aborts. */
    final List<Long> borrowed = new ArrayList<>();
    /**
     * File data the transaction points to: written with its commit, ahead of the journal record and
     * in the same device call where it fits; never written if it aborts (the blocks it allocated
     * are then free again).
     */
    final List<BlockWrite> data = new ArrayList<>();
    int freeBlocksDelta;
    int freeInodesDelta;
    private final GroupBlocks store;

    Tx(GroupBlocks store) {
        this.store = store;
    }

    /** The block as this transaction sees it; not to be changed. */
    byte[] read(long block) {
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

    /** A zeroed block that this transaction fills (a block just allocated). */
    byte[] fresh(long block) {
        byte[] b = new byte[store.layout.blockSize];
        blocks.put(block, b);
        return b;
    }
}
