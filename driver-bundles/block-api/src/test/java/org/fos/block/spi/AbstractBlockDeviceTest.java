package org.fos.block.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.fos.block.api.BlockWrite;
import org.fos.block.api.Geometry;
import org.junit.jupiter.api.Test;

class AbstractBlockDeviceTest {

    /** A device over one array, to test the checks. */
    static final class ArrayDevice extends AbstractBlockDevice {
        final byte[] bytes;
        int forced;

        /** The first block and the run count of every writeAdjacent. */
        final List<long[]> adjacent = new ArrayList<>();

        ArrayDevice(int blockSize, long blockCount) {
            super(new Geometry("t", blockSize, blockCount, false));
            bytes = new byte[(int) (blockSize * blockCount)];
        }

        @Override
        protected void readBlocks(long block, byte[] into) {
            System.arraycopy(bytes, (int) block * geometry.blockSize(), into, 0, into.length);
        }

        /** While set, the store fails writes of this block. */
        volatile long failBlock = -1;
        /** While set, the store fails flushes. */
        volatile boolean failForce;

        @Override
        protected void writeBlocks(long block, byte[] data) throws IOException {
            if (block <= failBlock && failBlock < block + data.length / geometry.blockSize()) {
                throw new IOException("EIO writing block " + failBlock);
            }
            System.arraycopy(data, 0, bytes, (int) block * geometry.blockSize(), data.length);
        }

        @Override
        protected void writeAdjacent(List<BlockWrite> runs) throws IOException {
            adjacent.add(new long[] {runs.get(0).block(), runs.size()});
            super.writeAdjacent(runs);
        }

        @Override
        protected void force() throws IOException {
            if (failForce) {
                throw new IOException("EIO on fsync");
            }
            forced++;
        }
    }

    private static byte[] filled(int size, int value) {
        byte[] b = new byte[size];
        Arrays.fill(b, (byte) value);
        return b;
    }

    @Test
    void shouldReadBackWhatWasWrittenWhenRunsAreInRange() {
        ArrayDevice d = new ArrayDevice(512, 8);
        d.write(2, filled(1024, 7));
        d.writeAll(List.of(new BlockWrite(0, filled(512, 1)), new BlockWrite(7, filled(512, 9))));
        d.flush();
        assertThat(d.read(2, 2)).isEqualTo(filled(1024, 7));
        assertThat(d.read(0, 1)).isEqualTo(filled(512, 1));
        assertThat(d.read(7, 1)).isEqualTo(filled(512, 9));
        assertThat(d.read(4, 1)).isEqualTo(new byte[512]);
        assertThat(d.forced).isEqualTo(1);
        assertThat(d.stats().writes()).isEqualTo(2);
        assertThat(d.stats().bytesRead()).isEqualTo(2560);
    }

    @Test
    void shouldHandRunsThatFollowOneAnotherOverTogetherInTheirOrder() {
        ArrayDevice d = new ArrayDevice(512, 16);
        d.writeAll(List.of(new BlockWrite(9, filled(512, 1)), new BlockWrite(2, filled(512, 2)), new BlockWrite(3, filled(1024, 3)),
                new BlockWrite(5, filled(512, 4)), new BlockWrite(11, filled(512, 5)), new BlockWrite(12, filled(512, 6))));
        assertThat(d.adjacent).containsExactly(new long[] {2, 3}, new long[] {11, 2});
        assertThat(d.read(2, 4)).isEqualTo(concat(filled(512, 2), filled(1024, 3), filled(512, 4)));
        assertThat(d.read(9, 1)).isEqualTo(filled(512, 1));
        assertThat(d.read(11, 2)).isEqualTo(concat(filled(512, 5), filled(512, 6)));
        assertThat(d.read(10, 1)).isEqualTo(new byte[512]);
        assertThat(d.stats().writes()).isEqualTo(1);
        assertThat(d.stats().bytesWritten()).isEqualTo(6 * 512 + 512);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    @Test
    void shouldRefuseOutOfRangeBlocksAndBadBuffersWhenNothingIsWritten() {
        ArrayDevice d = new ArrayDevice(512, 8);
        assertThatThrownBy(() -> d.read(8, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("block 8 is out of range: /dev/block/t has 8 blocks (0..7)");
        assertThatThrownBy(() -> d.read(-1, 1)).hasMessageContaining("block -1 is out of range");
        assertThatThrownBy(() -> d.read(6, 3)).hasMessageContaining("blocks 6..8 run past the end of /dev/block/t");
        assertThatThrownBy(() -> d.read(0, 0)).hasMessageContaining("must be at least 1, was 0");
        assertThatThrownBy(() -> d.write(0, new byte[100])).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("data is 100 bytes, not a whole number of 512-byte blocks of /dev/block/t");
        assertThatThrownBy(() -> d.write(0, null)).hasMessage("data is missing");
        assertThatThrownBy(() -> d.writeAll(List.of(new BlockWrite(0, filled(512, 3)), new BlockWrite(9, filled(512, 3)))))
                .hasMessageStartingWith("run 1 of the write: block 9 is out of range");
        assertThat(d.read(0, 1)).as("a refused write list writes nothing").isEqualTo(new byte[512]);
        assertThat(d.stats().refused()).isEqualTo(7);
    }

    @Test
    void shouldRefuseTransfersLargerThanTheLimit() {
        ArrayDevice d = new ArrayDevice(65_536, 128);
        assertThatThrownBy(() -> d.read(0, 65)).hasMessageContaining("more than the largest transfer");
    }

    @Test
    void shouldTakeNoWriteOrFlushAfterAWriteFailedAndStillRead() {
        ArrayDevice d = new ArrayDevice(512, 8);
        d.write(1, filled(512, 1));
        d.failBlock = 3;
        assertThatThrownBy(() -> d.writeAll(List.of(new BlockWrite(2, filled(512, 2)), new BlockWrite(3, filled(1024, 3)))))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining("EIO writing block 3");
        d.failBlock = -1; // the store works again: the device still refuses, a later write could land after the lost one

        assertThatThrownBy(() -> d.write(5, filled(512, 5))).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("/dev/block/t takes no more writes or flushes until its driver restarts")
                .hasMessageContaining("EIO writing block 3");
        assertThatThrownBy(d::flush).isInstanceOf(UncheckedIOException.class).hasMessageContaining("until its driver restarts");
        assertThat(d.flushAsync().toCompletableFuture()).as("a flush sent behind is refused too").isCompletedExceptionally();
        assertThat(d.read(5, 1)).as("not written").isEqualTo(new byte[512]);
        assertThat(d.read(1, 2)).as("reads go on").isEqualTo(concat(filled(512, 1), filled(512, 2)));
        assertThatThrownBy(() -> d.write(9, filled(512, 5))).as("a bad argument is still named as such")
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(d.forced).isZero();
    }

    @Test
    void shouldTakeNoWriteAfterAFlushFailed() {
        ArrayDevice d = new ArrayDevice(512, 8);
        d.write(1, filled(512, 1));
        d.failForce = true;
        assertThat(d.flushAsync().toCompletableFuture()).as("the failure is the stage's").isCompletedExceptionally();
        d.failForce = false;

        assertThatThrownBy(() -> d.write(2, filled(512, 2))).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("takes no more writes or flushes").hasMessageContaining("EIO on fsync");
        assertThat(d.read(2, 1)).isEqualTo(new byte[512]);
    }

    @Test
    void shouldFlushBehindAtOnceWhenServed() throws Exception {
        ArrayDevice d = new ArrayDevice(512, 8);
        d.write(1, filled(512, 1));
        d.flushAsync().toCompletableFuture().get();
        assertThat(d.forced).isEqualTo(1);
        assertThat(d.stats().flushes()).isEqualTo(1);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void shouldNameTheDeviceFromItsFleetName() {
        assertThat(AbstractBlockDevice.deviceName("/dev/block/disk0")).isEqualTo("disk0");
        assertThatThrownBy(() -> AbstractBlockDevice.deviceName("/dev/disk0")).hasMessageContaining("serves under /dev/block/<name>");
        assertThatThrownBy(() -> AbstractBlockDevice.deviceName("/dev/block/a/b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Geometry("x", 1000, 1, true)).hasMessageContaining("power of two");
    }
}
