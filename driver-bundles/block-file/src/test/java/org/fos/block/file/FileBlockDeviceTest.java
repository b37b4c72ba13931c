package org.fos.block.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.fos.block.api.BlockWrite;
import org.fos.block.api.Geometry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileBlockDeviceTest {

    @TempDir
    Path dir;

    private static Geometry geometry(long blocks) {
        return new Geometry("disk", 4096, blocks, true);
    }

    @Test
    void shouldCreateTheFileAtItsSizeAndKeepBlocksAcrossReopening() throws IOException {
        Path file = dir.resolve("sub/disk.img");
        FileBlockDevice d = new FileBlockDevice(geometry(16), file);
        byte[] block = new byte[4096];
        Arrays.fill(block, (byte) 0x5a);
        d.write(15, block);
        d.flush();
        d.close();
        assertThat(Files.size(file)).isEqualTo(16 * 4096);
        FileBlockDevice again = new FileBlockDevice(geometry(16), file);
        assertThat(again.read(15, 1)).isEqualTo(block);
        assertThat(again.read(0, 1)).isEqualTo(new byte[4096]);
        assertThat(again.stats().reads()).isEqualTo(2);
        again.close();
    }

    @Test
    void shouldWriteRunsThatFollowOneAnotherInOneGoAndKeepThemAcrossReopening() throws IOException {
        Path file = dir.resolve("disk.img");
        FileBlockDevice d = new FileBlockDevice(geometry(16), file);
        byte[] two = filled(8192, 2);
        d.writeAll(List.of(new BlockWrite(14, filled(4096, 9)), new BlockWrite(3, filled(4096, 1)), new BlockWrite(4, two),
                new BlockWrite(6, filled(4096, 3))));
        d.write(1, filled(4096, 7));
        d.flush();
        d.close();
        FileBlockDevice again = new FileBlockDevice(geometry(16), file);
        assertThat(again.read(1, 1)).isEqualTo(filled(4096, 7));
        assertThat(again.read(3, 1)).isEqualTo(filled(4096, 1));
        assertThat(again.read(4, 2)).isEqualTo(two);
        assertThat(again.read(6, 1)).isEqualTo(filled(4096, 3));
        assertThat(again.read(14, 1)).isEqualTo(filled(4096, 9));
        assertThat(again.read(2, 1)).isEqualTo(new byte[4096]);
        assertThat(again.read(7, 1)).isEqualTo(new byte[4096]);
        assertThat(again.read(15, 1)).isEqualTo(new byte[4096]);
        again.close();
    }

    private static byte[] filled(int size, int value) {
        byte[] b = new byte[size];
        Arrays.fill(b, (byte) value);
        return b;
    }

    @Test
    void shouldRefuseAFileOfAnotherSizeAndASecondDeviceOnTheSameFile() throws IOException {
        Path file = dir.resolve("disk.img");
        FileBlockDevice d = new FileBlockDevice(geometry(8), file);
        assertThatThrownBy(() -> new FileBlockDevice(geometry(8), file)).isInstanceOf(IOException.class)
                .hasMessageContaining("in use by another block device");
        d.close();
        assertThatThrownBy(() -> new FileBlockDevice(geometry(9), file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is 32768 bytes, but the device is configured with 9 blocks of 4096 bytes");
        assertThatThrownBy(() -> new FileBlockDevice(geometry(8), file).read(8, 1)).hasMessageContaining("out of range");
    }
}
