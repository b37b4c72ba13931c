package org.fos.fs.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LayoutTest {

    @Test
    void shouldReadBackTheSuperblockItWrote() {
        Layout l = Layout.plan(4096, 16_384, 4);
        Layout back = Layout.decode(l.encode());
        assertThat(back.groups).isEqualTo(4);
        assertThat(back.blocksPerGroup).isEqualTo(l.blocksPerGroup);
        assertThat(back.inodesPerGroup).isEqualTo(l.inodesPerGroup);
        assertThat(back.id).isEqualTo(l.id);
        assertThat(back.metaBlocks).isEqualTo(l.metaBlocks);
        assertThat(l.dataStart(1)).isEqualTo(l.groupStart(1) + l.metaBlocks);
        assertThat(l.groupOfBlock(0)).isEqualTo(-1);
        assertThat(l.groupOfBlock(l.groupStart(3) + 5)).isEqualTo(3);
    }

    @Test
    void shouldRefuseADamagedSuperblockAndNoticeABlankDevice() {
        byte[] block = Layout.plan(4096, 16_384, 2).encode();
        assertThat(Layout.decode(new byte[4096])).isNull();
        block[20] ^= 1;
        assertThatThrownBy(() -> Layout.decode(block)).hasMessageContaining("checksum does not match");
    }

    @Test
    void shouldRefuseDevicesTooSmallOrWithSmallBlocks() {
        assertThatThrownBy(() -> Layout.plan(1024, 100_000, 2)).hasMessageContaining("at least 4096 bytes");
        assertThatThrownBy(() -> Layout.plan(4096, 200, 4)).hasMessageContaining("the device is too small");
        assertThatThrownBy(() -> Layout.plan(4096, 20_000, 0)).hasMessageContaining("groups must be from 1 to 1024");
    }
}
