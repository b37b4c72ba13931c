package org.fos.fs.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

import org.fos.block.api.BlockWrite;
import org.fos.block.api.Geometry;
import org.fos.block.spi.AbstractBlockDevice;

/** A device in one array, whose content can be copied at any moment to play a crash. */
final class MemDevice extends AbstractBlockDevice {
    final byte[] bytes;
    /** While not null: the device as a crash would leave it after each run written (a kill -9 inside a call). */
    List<MemDevice> afterEachRun;

    MemDevice(int blockSize, long blocks) {
        this(new Geometry("mem", blockSize, blocks, false), new byte[(int) (blockSize * blocks)]);
    }

    private MemDevice(Geometry g, byte[] bytes) {
        super(g);
        this.bytes = bytes;
    }

    /** The device as a crash at this moment would leave it. */
    MemDevice crashCopy() {
        return new MemDevice(geometry, bytes.clone());
    }

    void corrupt(long block, int offset) {
        bytes[(int) (block * geometry.blockSize()) + offset] ^= (byte) 0xff;
    }

    /** While not null: the runs of every write call, as handed over. */
    List<List<BlockWrite>> calls;

    @Override
    public void writeAll(List<BlockWrite> runs) {
        if (calls != null) {
            calls.add(List.copyOf(runs));
        }
        super.writeAll(runs);
    }

    /** While not null: given the device as a crash would leave it after each run written, at once. */
    Consumer<MemDevice> eachRun;

    /** Calls that read blocks, counted. */
    int reads;
    /** While true, every write fails as a device error would. */
    boolean failWrites;

    @Override
    protected void readBlocks(long block, byte[] into) {
        reads++;
        System.arraycopy(bytes, (int) (block * geometry.blockSize()), into, 0, into.length);
    }

    @Override
    protected void writeBlocks(long block, byte[] data) {
        if (failWrites) {
            throw new IllegalStateException("the device failed a write of block " + block);
        }
        System.arraycopy(data, 0, bytes, (int) (block * geometry.blockSize()), data.length);
        if (afterEachRun != null) {
            afterEachRun.add(crashCopy());
        }
        if (eachRun != null) {
            eachRun.accept(crashCopy());
        }
    }

    /** Starts keeping a crash copy after every run written. */
    void recordCrashes() {
        afterEachRun = new ArrayList<>();
    }

    /** Flushes served, waited for or not. */
    int flushes;
    /** Flushes sent without waiting ({@link #flushAsync()}). */
    int flushesBehind;

    @Override
    protected void force() {
        flushes++; // memory: nothing to force
    }

    /** While true, flushes sent behind are held: their stages complete when the test completes them. */
    boolean holdFlushes;
    /** The flushes held, in the order sent. */
    final List<CompletableFuture<Void>> held = new ArrayList<>();

    @Override
    public CompletionStage<Void> flushAsync() {
        flushesBehind++;
        if (holdFlushes) {
            CompletableFuture<Void> f = new CompletableFuture<>();
            held.add(f);
            return f;
        }
        return super.flushAsync();
    }

    byte[] block(long n) {
        return Arrays.copyOfRange(bytes, (int) (n * geometry.blockSize()), (int) ((n + 1) * geometry.blockSize()));
    }
}
