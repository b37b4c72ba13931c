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
     * Writes {@code runs}, then {@code last} (if not null), in that order on the device.
     *
     * @param device the device
     * @param runs runs of whole blocks, each at most the largest transfer
     * @param last a run written after all of them, or null
     */
    static void write(BlockDevice device, List<BlockWrite> runs, BlockWrite last) {
        List<BlockWrite> batch = new ArrayList<>(runs.size() + 1);
        long bytes = 0;
        for (int i = 0; i <= runs.size(); i++) {
            BlockWrite w = i < runs.size() ? runs.get(i) : last;
            if (w == null) {
                break;
            }
            if (!batch.isEmpty() && bytes + w.data().length > BlockDevice.MAX_TRANSFER_BYTES) {
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
