package org.fos.fs.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

import org.fos.fs.api.Attributes;
import org.fos.fs.api.FileType;
import org.junit.jupiter.api.Test;

class UserAndRemoteTest {

    static Attributes owned(int mode, int uid, int gid) {
        return new Attributes(5, FileType.FILE, 0, 1, 0, 0, 0, 0, 0, 1, mode, uid, gid, 0);
    }

    @Test
    void shouldCheckOwnerGroupAndOthersBits() throws Exception {
        User alice = new User(1000, 100);
        assertThat(alice.may(owned(0600, 1000, 1), User.READ | User.WRITE)).isTrue();
        assertThat(alice.may(owned(0060, 1000, 100), User.READ)).as("the owner's bits count, not the group's").isFalse();
        assertThat(alice.may(owned(0040, 7, 100), User.READ)).isTrue();
        assertThat(alice.may(owned(0004, 7, 8), User.READ)).isTrue();
        assertThat(alice.may(owned(0004, 7, 8), User.WRITE)).isFalse();
        assertThat(User.ROOT.may(owned(0, 7, 8), User.WRITE)).isTrue();
        assertThatThrownBy(() -> alice.check(owned(0444, 7, 8), User.WRITE, "/x")).isInstanceOf(AccessDeniedException.class)
                .hasMessageContaining("/x").hasMessageContaining("may not write");
        Attributes sticky = owned(01777, 0, 0);
        assertThatThrownBy(() -> alice.checkSticky(sticky, owned(0644, 7, 8), "/tmp/x")).isInstanceOf(AccessDeniedException.class);
        alice.checkSticky(sticky, owned(0644, 1000, 8), "/tmp/mine");
        assertThatThrownBy(() -> new User(-1, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldNameTheCallersPathAndNoInodeNumbers() {
        IOException e = Remote.translate(new NoSuchFileException("inode 4294967297/name"), "/docs/name", null);
        assertThat(e).isInstanceOf(NoSuchFileException.class);
        assertThat(e.getMessage()).isEqualTo("/docs/name");
        IOException full = Remote.translate(new FileSystemException(null, null, "no space left on the device: group 1 is full"), "/f",
                null);
        assertThat(full.getMessage()).isEqualTo("/f: no space left on the device: group 1 is full");
        IOException dir = Remote.translate(new FileSystemException("inode 7", null, "is a directory"), "/d", null);
        assertThat(dir.getMessage()).isEqualTo("/d: is a directory");
        IOException deleted = Remote.translate(new NoSuchFileException("inode 9", null, "the file was deleted (its inode now holds"
                + " another file)"), "/x", null);
        assertThat(deleted.getMessage()).doesNotContain("inode 9");
        // a move onto a directory that has entries names that directory, not the file moved
        IOException notEmpty = Remote.translate(new java.nio.file.DirectoryNotEmptyException("inode 12/a"), "/docs/g.txt", "/docs/a");
        assertThat(notEmpty).isInstanceOf(java.nio.file.DirectoryNotEmptyException.class);
        assertThat(notEmpty.getMessage()).isEqualTo("/docs/a");
        assertThat(Remote.translate(new java.nio.file.DirectoryNotEmptyException("inode 12"), "/docs", null).getMessage()).isEqualTo("/docs");
    }
}
