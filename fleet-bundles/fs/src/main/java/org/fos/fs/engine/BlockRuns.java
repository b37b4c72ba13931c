package org.fos.fs.engine;

import java.util.ArrayList;
import java.util.List;

import org.fos.block.api.BlockDevice;
import org.fos.block.api.BlockWrite;

/**
 * Writes runs of blocks in as few device calls as {@link BlockDevice#MAX_TRANSFER_BYTES} allows,
 * in list order: each call is one fleet call to the device, so runs share a call where they fit.
 */
final class BlockRuns {
    private BlockRuns() {
    }

    /**
     * Writes {@code runs}, then {@code last}, in that order on the device; {@code last} in one call,
     * with as many of the runs ahead of it as fit.
     *
     * @param device the device
     * @param runs runs of whole blocks, each at most the largest transfer
     * @param last runs written after all of them (may be empty), together at most the largest transfer
     */
    static void write(BlockDevice device, List<BlockWrite> runs, List<BlockWrite> last) {
        int count = runs.size() + last.size();
        List<BlockWrite> batch = new ArrayList<>(count);
        long lastBytes = 0;
        for (BlockWrite w : last) {
            lastBytes += w.data().length;
        }
        long bytes = 0;
        for (int i = 0; i < count; i++) {
            BlockWrite w = i < runs.size() ? runs.get(i) : last.get(i - runs.size());
            long needs = i < runs.size() ? w.data().length : i == runs.size() ? lastBytes : 0;
            if (!batch.isEmpty() && bytes + needs > BlockDevice.MAX_TRANSFER_BYTES) {
                device.writeAll(batch);
                batch = new ArrayList<>();
                bytes = 0;
            }
            batch.add(w);
            bytes += w.data().length;
        }
        if (!batch.isEmpty()) {
            device.writeAll(batch);
        }
    }
}
