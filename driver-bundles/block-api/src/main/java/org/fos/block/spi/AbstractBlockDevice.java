package org.fos.block.spi;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import org.fos.block.api.BlockDevice;
import org.fos.block.api.BlockWrite;
import org.fos.block.api.DeviceStats;
import org.fos.block.api.Geometry;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * The part every block driver shares: it checks each call against the geometry (refusing bad
 * block numbers and buffer sizes with an {@link IllegalArgumentException} before anything is
 * touched), counts the calls, and turns {@link IOException}s of the backing store into
 * {@link UncheckedIOException}s. A driver implements the three byte movers.
 *
 * <p>Once the store fails a write or a flush, the device takes no more writes or flushes until the
 * driver restarts (a new instance), as {@link BlockDevice} says; reads go on.
 *
 * <p>Thread-safe if the movers are: the fleet runtime may call one device from several members.
 */
@ConsumerType
public abstract class AbstractBlockDevice implements BlockDevice {

    /** The device's geometry. */
    protected final Geometry geometry;
    private final LongAdder reads = new LongAdder();
    private final LongAdder writes = new LongAdder();
    private final LongAdder flushes = new LongAdder();
    private final LongAdder bytesRead = new LongAdder();
    private final LongAdder bytesWritten = new LongAdder();
    private final LongAdder refused = new LongAdder();
    /** The first failure of the store in a write or a flush: from then on no write or flush is served. */
    private final AtomicReference<UncheckedIOException> stopped = new AtomicReference<>();

    /**
     * Creates the device.
     *
     * @param geometry its geometry
     */
    protected AbstractBlockDevice(Geometry geometry) {
        this.geometry = Objects.requireNonNull(geometry, "geometry");
    }

    /**
     * Returns the name a device serves under.
     *
     * @param fleetName the fleet name from the configuration, such as {@code /dev/block/disk0}
     * @return the device's name, such as {@code disk0}
     * @throws IllegalArgumentException if the fleet name is not {@code /dev/block/} and one segment
     */
    public static String deviceName(String fleetName) {
        if (fleetName == null || !fleetName.startsWith(NAME_PREFIX) || fleetName.length() == NAME_PREFIX.length()
                || fleetName.indexOf('/', NAME_PREFIX.length()) >= 0) {
            throw new IllegalArgumentException("a block device serves under " + NAME_PREFIX + "<name> (set fos.fleet.name,"
                    + " for example " + NAME_PREFIX + "disk0), not '" + fleetName + "'");
        }
        return fleetName.substring(NAME_PREFIX.length());
    }

    /**
     * Reads blocks from the backing store; the range is checked.
     *
     * @param block the first block
     * @param into the buffer to fill, a whole number of blocks
     * @throws IOException if the store fails
     */
    protected abstract void readBlocks(long block, byte[] into) throws IOException;

    /**
     * Writes blocks to the backing store; the range is checked.
     *
     * @param block the first block
     * @param data the content, a whole number of blocks
     * @throws IOException if the store fails
     */
    protected abstract void writeBlocks(long block, byte[] data) throws IOException;

    /**
     * Writes runs that follow one another on the device, each starting where the one before it ends; the
     * ranges are checked. By default one {@link #writeBlocks} a run; a store
     * that can write them in one operation (a gather write) overrides it.
     *
     * @param runs the runs, in order, each starting where the one before it ends
     * @throws IOException if the store fails
     */
    protected void writeAdjacent(List<BlockWrite> runs) throws IOException {
        for (BlockWrite run : runs) {
            writeBlocks(run.block(), run.data());
        }
    }

    /**
     * Makes the written blocks durable.
     *
     * @throws IOException if the store fails
     */
    protected abstract void force() throws IOException;

    @Override
    public Geometry geometry() {
        return geometry;
    }

    @Override
    public byte[] read(long block, int count) {
        try {
            geometry.checkRange(block, count);
        } catch (IllegalArgumentException e) {
            refused.increment();
            throw e;
        }
        byte[] out = new byte[count * geometry.blockSize()];
        try {
            readBlocks(block, out);
        } catch (IOException e) {
            throw new UncheckedIOException("reading blocks " + block + ".." + (block + count - 1) + " of "
                    + NAME_PREFIX + geometry.name() + " failed: " + e.getMessage(), e);
        }
        reads.increment();
        bytesRead.add(out.length);
        return out;
    }

    @Override
    public void write(long block, byte[] data) {
        writeAll(List.of(new BlockWrite(block, data)));
    }

    @Override
    public void writeAll(List<BlockWrite> runs) {
        long total = 0;
        try {
            if (runs == null || runs.isEmpty()) {
                throw new IllegalArgumentException("no blocks to write");
            }
            for (int i = 0; i < runs.size(); i++) {
                BlockWrite w = runs.get(i);
                if (w == null) {
                    throw new IllegalArgumentException("run " + i + " of the write is missing");
                }
                try {
                    int n = geometry.blocksIn(w.data());
                    geometry.checkRange(w.block(), n);
                } catch (IllegalArgumentException e) {
                    throw runs.size() == 1 ? e : new IllegalArgumentException("run " + i + " of the write: " + e.getMessage(), e);
                }
                total += w.data().length;
            }
            if (total > MAX_TRANSFER_BYTES) {
                throw new IllegalArgumentException("the write is " + total + " bytes, more than the largest transfer, "
                        + MAX_TRANSFER_BYTES + " bytes");
            }
        } catch (IllegalArgumentException e) {
            refused.increment();
            throw e;
        }
        checkStopped();
        int bs = geometry.blockSize();
        for (int i = 0; i < runs.size(); ) {
            BlockWrite w = runs.get(i);
            int j = i + 1;
            long next = w.block() + w.data().length / bs;
            while (j < runs.size() && runs.get(j).block() == next) {
                next += runs.get(j).data().length / bs;
                j++;
            }
            try {
                if (j == i + 1) {
                    writeBlocks(w.block(), w.data());
                } else {
                    writeAdjacent(runs.subList(i, j));
                }
            } catch (IOException e) {
                throw stop(new UncheckedIOException("writing blocks from " + w.block() + " of " + NAME_PREFIX + geometry.name()
                        + " failed: " + e.getMessage(), e));
            }
            i = j;
        }
        writes.increment();
        bytesWritten.add(total);
    }

    /** Writes at once, on the thread that serves the call: the stage is complete when it returns. */
    @Override
    public CompletionStage<Void> writeAllAsync(List<BlockWrite> runs) {
        try {
            writeAll(runs);
            return CompletableFuture.completedFuture(null);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public void flush() {
        checkStopped();
        try {
            force();
        } catch (IOException e) {
            throw stop(new UncheckedIOException("flushing " + NAME_PREFIX + geometry.name() + " failed: " + e.getMessage(), e));
        }
        flushes.increment();
    }

    /** Keeps the store's first failure of a write or flush; returns the failure given. */
    private UncheckedIOException stop(UncheckedIOException failure) {
        stopped.compareAndSet(null, failure);
        return failure;
    }

    /** Refuses a write or flush once the store failed one: a later one could land after a write that did not. */
    private void checkStopped() {
        UncheckedIOException first = stopped.get();
        if (first != null) {
            throw new UncheckedIOException(NAME_PREFIX + geometry.name() + " takes no more writes or flushes until its driver restarts,"
                    + " since " + first.getMessage(), first.getCause());
        }
    }

    /** Flushes at once, on the thread that serves the call: the stage is complete when it returns. */
    @Override
    public CompletionStage<Void> flushAsync() {
        try {
            flush();
            return CompletableFuture.completedFuture(null);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public DeviceStats stats() {
        return new DeviceStats(reads.sum(), writes.sum(), flushes.sum(), bytesRead.sum(), bytesWritten.sum(), refused.sum());
    }
}
