package org.fos.transport.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterSecretTest {

    @TempDir
    Path dir;

    @Test
    void shouldWriteAFileOnlyItsOwnerReadsAndReadItBackWhenGenerated() throws IOException {
        Path file = dir.resolve("sub/cluster.secret");
        ClusterSecret made = ClusterSecret.generate(file);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        ClusterSecret read = ClusterSecret.read(file);
        assertThat(read.fingerprint()).isEqualTo(made.fingerprint()).hasSize(16);
        assertThat(read.toString()).doesNotContain(Files.readString(file).strip());
    }

    @Test
    void shouldNeverOverwriteASecretWhenGeneratingAgain() throws IOException {
        Path file = dir.resolve("cluster.secret");
        ClusterSecret.generate(file);
        String before = Files.readString(file);
        assertThatThrownBy(() -> ClusterSecret.generate(file)).isInstanceOf(FileAlreadyExistsException.class);
        assertThat(Files.readString(file)).isEqualTo(before);
    }

    @Test
    void shouldRefuseAFileOthersMayReadWhenReading() throws IOException {
        Path file = dir.resolve("open.secret");
        Files.writeString(file, "ab".repeat(32));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> ClusterSecret.read(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("may be used by others").hasMessageContaining("chmod 600");
    }

    @Test
    void shouldNameWhatIsWrongWhenTheFileIsMissingShortOrNotHex() throws IOException {
        assertThatThrownBy(() -> ClusterSecret.read(dir.resolve("missing"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not exist");
        Path shortOne = ownerOnly(dir.resolve("short.secret"), "abcd");
        assertThatThrownBy(() -> ClusterSecret.read(shortOne)).hasMessageContaining("has 2 bytes; it needs at least 32");
        Path text = ownerOnly(dir.resolve("text.secret"), "not a hexadecimal secret at all, really not one");
        assertThatThrownBy(() -> ClusterSecret.read(text)).hasMessageContaining("does not hold hexadecimal text");
        assertThatThrownBy(() -> ClusterSecret.read(dir)).hasMessageContaining("is not a regular file");
        assertThatThrownBy(() -> ClusterSecret.of(new byte[5])).hasMessageContaining("not 5");
    }

    private static Path ownerOnly(Path file, String text) throws IOException {
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    @Test
    void shouldDeriveTheSameKeyFromTheSameSecretLabelAndContextOnly() {
        ClusterSecret a = ClusterSecret.ofHex("11".repeat(32));
        ClusterSecret b = ClusterSecret.ofHex("22".repeat(32));
        assertThat(a.derive("l", "c").fingerprint()).isEqualTo(ClusterSecret.ofHex("11".repeat(32)).derive("l", "c").fingerprint());
        assertThat(a.derive("l", "c").fingerprint()).isNotEqualTo(b.derive("l", "c").fingerprint())
                .isNotEqualTo(a.derive("l", "c2").fingerprint()).isNotEqualTo(a.derive("l2", "c").fingerprint())
                .isNotEqualTo(a.fingerprint());
        // length prefixes: moving a character from the label to the context gives another key
        assertThat(a.derive("ab", "c").fingerprint()).isNotEqualTo(a.derive("a", "bc").fingerprint());
        assertThat(ClusterSecret.ofHex(a.derive("l", "c").toHex()).fingerprint()).isEqualTo(a.derive("l", "c").fingerprint());
        assertThatThrownBy(() -> ClusterSecret.ofHex("xyz")).hasMessageContaining("hexadecimal");
        assertThatThrownBy(() -> ClusterSecret.ofHex("11")).hasMessageContaining("not 1");
    }

    @Test
    void shouldTellWhichBodyLengthsAFrameTypeMayHave() {
        assertThat(FrameDescriptor.isValidBodyLength(FrameDescriptor.TYPE_HEARTBEAT, 0)).isTrue();
        assertThat(FrameDescriptor.isValidBodyLength(FrameDescriptor.TYPE_HEARTBEAT, 1)).isFalse();
        assertThat(FrameDescriptor.isValidBodyLength(FrameDescriptor.TYPE_ACK, 8)).isFalse();
        assertThat(FrameDescriptor.isValidBodyLength(FrameDescriptor.TYPE_AUTH, LinkChallenge.PROOF_BYTES)).isTrue();
        assertThat(FrameDescriptor.isValidBodyLength(FrameDescriptor.TYPE_AUTH, LinkChallenge.PROOF_BYTES - 1)).isFalse();
        assertThat(FrameDescriptor.isValidBodyLength(FrameDescriptor.TYPE_HELLO, FrameDescriptor.MAX_HELLO_BODY)).isTrue();
        assertThat(FrameDescriptor.isValidBodyLength(FrameDescriptor.TYPE_HELLO, FrameDescriptor.MAX_HELLO_BODY + 1)).isFalse();
        assertThat(FrameDescriptor.isValidBodyLength(FrameDescriptor.TYPE_REFUSE, 3)).isFalse();
        assertThat(FrameDescriptor.isValidBodyLength(FrameDescriptor.TYPE_DATA, 1 << 20)).isTrue();
        assertThat(FrameDescriptor.isValidBodyLength(FrameDescriptor.TYPE_DATA, -1)).isFalse();
    }
}
