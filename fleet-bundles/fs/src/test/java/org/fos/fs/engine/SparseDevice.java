package org.fos.fs.engine;

import java.util.HashMap;
import java.util.Map;

import org.fos.block.api.Geometry;
import org.fos.block.spi.AbstractBlockDevice;

/** A large device in memory that keeps only blocks that are not all zeros. */
final class SparseDevice extends AbstractBlockDevice {
    private final Map<Long, byte[]> blocks = new HashMap<>();

    SparseDevice(int blockSize, long count) {
        super(new Geometry("sparse", blockSize, count, false));
    }

    @Override
    protected void readBlocks(long block, byte[] into) {
        int bs = geometry.blockSize();
        for (int i = 0; i * bs < into.length; i++) {
            byte[] b = blocks.get(block + i);
            if (b == null) {
                java.util.Arrays.fill(into, i * bs, (i + 1) * bs, (byte) 0);
            } else {
                System.arraycopy(b, 0, into, i * bs, bs);
            }
        }
    }

    @Override
    protected void writeBlocks(long block, byte[] data) {
        int bs = geometry.blockSize();
        for (int i = 0; i * bs < data.length; i++) {
            boolean zero = true;
            for (int k = i * bs; k < (i + 1) * bs && zero; k++) {
                zero = data[k] == 0;
            }
            if (zero) {
                blocks.remove(block + i);
            } else {
                blocks.put(block + i, java.util.Arrays.copyOfRange(data, i * bs, (i + 1) * bs));
            }
        }
    }

    @Override
    protected void force() {
        // memory
    }
}
