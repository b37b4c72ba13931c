package org.fos.block.ram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;

import org.fos.fleet.api.FleetState;
import org.junit.jupiter.api.Test;

class RamBlockDeviceTest {

    @Test
    void shouldHandItsBlocksToTheNextVersionWhenUpgraded() {
        RamBlockDevice old = new RamBlockDevice(RamBlockDevice.geometry("/dev/block/ram0", 512, 4));
        byte[] b = new byte[512];
        Arrays.fill(b, (byte) 3);
        old.write(1, b);
        FleetState state = old.exportState();
        RamBlockDevice next = new RamBlockDevice(RamBlockDevice.geometry("/dev/block/ram0", 512, 4));
        next.importState(state);
        assertThat(next.read(1, 1)).isEqualTo(b);
        assertThat(next.read(0, 1)).isEqualTo(new byte[512]);
        RamBlockDevice smaller = new RamBlockDevice(RamBlockDevice.geometry("/dev/block/ram0", 512, 2));
        assertThatThrownBy(() -> smaller.importState(state)).hasMessageContaining("its content does not fit");
    }

    @Test
    void shouldKeepAOneBlockWriteAsHandedOverAndCutLongerRunsIntoBlocksOfTheirOwn() {
        RamBlockDevice d = new RamBlockDevice(RamBlockDevice.geometry("/dev/block/ram0", 512, 4));
        byte[] one = filled(512, 1);
        d.write(2, one);
        one[0] = 9; // a caller must not change what it handed over; this one does, to see that it was not copied
        assertThat(d.read(2, 1)[0]).as("kept as the array handed over").isEqualTo((byte) 9);

        byte[] two = new byte[1024];
        Arrays.fill(two, 0, 512, (byte) 4);
        Arrays.fill(two, 512, 1024, (byte) 5);
        d.write(0, two);
        d.write(1, filled(512, 6)); // replaces block 1, not written into the run's array
        assertThat(d.read(0, 2)).isEqualTo(concat(filled(512, 4), filled(512, 6)));
        assertThat(two[512]).as("the run handed over is not changed by a later write").isEqualTo((byte) 5);
        assertThat(d.read(2, 1)[0]).as("nor is a block it keeps").isEqualTo((byte) 9);
    }

    private static byte[] filled(int size, int value) {
        byte[] b = new byte[size];
        Arrays.fill(b, (byte) value);
        return b;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void shouldRefuseANameOutsideDevBlock() {
        assertThatThrownBy(() -> RamBlockDevice.geometry("/sys/ram", 512, 4)).hasMessageContaining("/dev/block/<name>");
    }
}
