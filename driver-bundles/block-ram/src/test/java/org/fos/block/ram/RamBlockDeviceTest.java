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
    void shouldRefuseANameOutsideDevBlock() {
        assertThatThrownBy(() -> RamBlockDevice.geometry("/sys/ram", 512, 4)).hasMessageContaining("/dev/block/<name>");
    }
}
