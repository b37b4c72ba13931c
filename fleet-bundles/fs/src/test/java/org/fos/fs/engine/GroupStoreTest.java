package org.fos.fs.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.fos.fs.api.DirEntry;
import org.fos.fs.api.FileSystemFleet;
import org.fos.fs.api.FileType;
import org.fos.fs.api.FsckReport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GroupStoreTest {
    static final long ROOT = FileSystemFleet.ROOT;

    /** The member's data cache in these tests: smaller than some files, so that it drops blocks too. */
    static final int CACHE_BLOCKS = 16;

    MemDevice device;
    GroupStore g0;

    @BeforeEach
    void mkfs() throws Exception {
        device = new MemDevice(4096, 8192);
        Layout l = Volume.mkfs(device, 2);
        Volume.recover(device, l);
        g0 = GroupStore.open(l, 0, device, inode -> false, new ArrayDeque<>(), new DataCache(4096, CACHE_BLOCKS));
    }

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    void assertClean() {
        g0.checkpoint();
        FsckReport r = Fsck.check(device);
        assertThat(r.problems()).isEmpty();
        assertThat(r.clean()).isTrue();
    }

    @Test
    void shouldStartWithAnEmptyRootThatFsckFindsClean() throws Exception {
        assertThat(g0.readdir(ROOT, "", 10)).isEmpty();
        assertThat(g0.stat(ROOT).type()).isEqualTo(FileType.DIRECTORY);
        FsckReport r = Fsck.check(device);
        assertThat(r.clean()).as(r.problems().toString()).isTrue();
        assertThat(r.directories()).isEqualTo(1);
    }

    @Test
    void shouldDescribeItsSpaceAndJournalWhenAskedForItsInfo() throws Exception {
        org.fos.fs.api.GroupInfo before = g0.info("n1:3");
        assertThat(before.group()).isZero();
        assertThat(before.owner()).isEqualTo("n1:3");
        assertThat(before.journalBlocks()).isPositive();
        assertThat(before.freeBlocks()).isEqualTo(g0.stats().freeBlocks());
        g0.mkdir(ROOT, "info", 0755, 0, 0, 1);
        org.fos.fs.api.GroupInfo after = g0.info("n1:3");
        assertThat(after.nextTransaction()).isGreaterThan(before.nextTransaction());
        assertThat(after.freeInodes()).isEqualTo(before.freeInodes() - 1);
        assertThat(after.journalUsedBlocks()).isBetween(0, after.journalBlocks());
        assertThat(after.journalTransactions() > 0).as("transactions in the journal take blocks").isEqualTo(after.journalUsedBlocks() > 0);
    }

    @Test
    void shouldCreateWriteReadAndListFilesAndDirectories() throws Exception {
        DirEntry docs = g0.mkdir(ROOT, "docs", 0755, 0, 0, 1);
        DirEntry a = Ops.create(g0, docs.inode(), "a.txt", true, 2);
        byte[] content = random(3 * 4096 + 17, 1);
        assertThat(g0.contents.write(a.inode(), -1, 0, content, false, 3)).isEqualTo(content.length);
        assertThat(g0.contents.read(a.inode(), -1, 0, content.length + 100)).isEqualTo(content);
        assertThat(g0.contents.read(a.inode(), -1, 4095, 2)).containsExactly(content[4095], content[4096]);
        assertThat(g0.contents.read(a.inode(), -1, content.length, 10)).isEmpty();
        assertThat(g0.contents.write(a.inode(), -1, 0, new byte[] {1, 2}, true, 4)).isEqualTo(content.length + 2);
        assertThat(g0.lookup(docs.inode(), "a.txt")).isEqualTo(a);
        assertThat(g0.readdir(ROOT, "", 10)).containsExactly(docs);
        for (int i = 0; i < 300; i++) {
            Ops.create(g0, docs.inode(), String.format("f%03d", i), true, 5);
        }
        List<DirEntry> page = g0.readdir(docs.inode(), "f149", 1000);
        assertThat(page).hasSize(150);
        assertThat(page.get(0).name()).isEqualTo("f150");
        assertThat(g0.stat(docs.inode()).size()).isGreaterThan(4096);
        assertClean();
    }

    @Test
    void shouldReadCommittedMetadataThroughAReadingViewAndRefuseAnyChangeThroughIt() throws Exception {
        DirEntry f = Ops.create(g0, ROOT, "viewed", true, 1);
        g0.contents.write(f.inode(), -1, 0, random(100, 9), false, 2);
        Tx ro = g0.reading();

        assertThat(g0.inode(ro, f.inode()).size).isEqualTo(100);
        assertThat(g0.lookup(ROOT, "viewed")).isEqualTo(f);
        assertThatThrownBy(() -> ro.write(g0.layout.groupStart(0))).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> ro.fresh(g0.layout.groupStart(0))).isInstanceOf(UnsupportedOperationException.class);
        long data = g0.maps.map(ro, g0.inode(ro, f.inode()), 0, false, new boolean[1]);
        assertThatThrownBy(() -> g0.alloc.freeBlock(ro, data)).as("an allocation's change through the view")
                .isInstanceOf(UnsupportedOperationException.class);
        assertThat(g0.contents.read(f.inode(), -1, 0, 100)).as("the file as committed").hasSize(100);
        assertClean();
    }

    @Test
    void shouldAnswerAWholeBlockByReferenceAndNeverChangeAnAnswerLater() throws Exception {
        DirEntry f = Ops.create(g0, ROOT, "blocks", true, 1);
        byte[] content = random(3 * 4096, 7);
        g0.contents.write(f.inode(), -1, 0, content, false, 2);
        byte[] first = g0.contents.read(f.inode(), -1, 4096, 4096);
        assertThat(first).isEqualTo(Arrays.copyOfRange(content, 4096, 8192));
        assertThat(g0.contents.read(f.inode(), -1, 4096, 4096)).as("the cache's block, not a copy").isSameAs(first);

        g0.contents.write(f.inode(), -1, 4096 + 10, new byte[] {1, 2, 3}, false, 3);
        byte[] patched = g0.contents.read(f.inode(), -1, 4096, 4096);
        assertThat(patched).isNotSameAs(first).containsSubsequence((byte) 1, (byte) 2, (byte) 3);
        g0.contents.write(f.inode(), -1, 4096, new byte[4096], false, 4);
        g0.contents.truncate(f.inode(), -1, 4096 + 5, 5);
        assertThat(first).as("an answer given out earlier").isEqualTo(Arrays.copyOfRange(content, 4096, 8192));
        assertThat(patched[10]).isEqualTo((byte) 1);

        g0.contents.truncate(f.inode(), -1, 3 * 4096, 6);
        assertThat(g0.contents.read(f.inode(), -1, 2 * 4096, 4096)).as("a hole").isEqualTo(new byte[4096]);
        g0.checkpoint();
        GroupStore uncached = GroupStore.open(Volume.layout(device), 0, device, inode -> false, new ArrayDeque<>(), new DataCache(4096, 0));
        assertThat(uncached.contents.read(f.inode(), -1, 0, 4096)).as("from the device").isEqualTo(Arrays.copyOfRange(content, 0, 4096));
        assertClean();
    }

    @Test
    void shouldKeepSparseGapsAndLargeFilesThroughIndexBlocks() throws Exception {
        DirEntry f = Ops.create(g0, ROOT, "big", true, 1);
        byte[] tail = random(5000, 2);
        long offset = (12 + 1024 + 10) * 4096L + 100;
        g0.contents.write(f.inode(), -1, offset, tail, false, 2);
        assertThat(g0.stat(f.inode()).size()).isEqualTo(offset + tail.length);
        assertThat(g0.contents.read(f.inode(), -1, offset - 10, 10)).isEqualTo(new byte[10]);
        assertThat(g0.contents.read(f.inode(), -1, offset, tail.length)).isEqualTo(tail);
        assertClean();
        g0.contents.truncate(f.inode(), -1, 10, 3);
        assertThat(g0.stat(f.inode()).blocks()).isZero();
        g0.contents.write(f.inode(), -1, 0, random(4096 * 20, 3), false, 4);
        g0.contents.truncate(f.inode(), -1, 4096 * 13 + 5, 5);
        assertThat(g0.contents.read(f.inode(), -1, 4096 * 13, 4096)).hasSize(5);
        g0.contents.truncate(f.inode(), -1, 4096 * 14, 6);
        assertThat(g0.contents.read(f.inode(), -1, 4096 * 13 + 5, 100)).as("a grown tail reads as zeros").isEqualTo(new byte[100]);
        assertClean();
    }

    @Test
    void shouldRefuseBadNamesAndReportStandardErrors() throws Exception {
        DirEntry d = g0.mkdir(ROOT, "d", 0755, 0, 0, 1);
        DirEntry f = Ops.create(g0, d.inode(), "f", true, 1);
        assertThatThrownBy(() -> Ops.create(g0, ROOT, "a/b", true, 1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'/'");
        assertThatThrownBy(() -> Ops.create(g0, ROOT, "..", true, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Ops.create(g0, ROOT, "x".repeat(256), true, 1)).hasMessageContaining("more than 255");
        assertThatThrownBy(() -> Ops.create(g0, d.inode(), "f", true, 1)).isInstanceOf(FileAlreadyExistsException.class);
        assertThatThrownBy(() -> g0.lookup(d.inode(), "nope")).isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> g0.lookup(f.inode(), "x")).isInstanceOf(NotDirectoryException.class);
        assertThatThrownBy(() -> g0.contents.read(d.inode(), -1, 0, 1)).isInstanceOf(FileSystemException.class).hasMessageContaining("is a directory");
        assertThatThrownBy(() -> g0.delete(ROOT, "d", 2)).isInstanceOf(DirectoryNotEmptyException.class);
        assertThatThrownBy(() -> g0.contents.read(f.inode(), -1, -1, 1)).isInstanceOf(IllegalArgumentException.class);
        g0.delete(d.inode(), "f", 3);
        assertThatThrownBy(() -> g0.stat(f.inode())).isInstanceOf(NoSuchFileException.class);
        g0.delete(ROOT, "d", 4);
        assertThat(g0.readdir(ROOT, "", 10)).isEmpty();
        assertClean();
    }

    @Test
    void shouldRenameWithinTheGroupAndReplaceFiles() throws Exception {
        DirEntry a = g0.mkdir(ROOT, "a", 0755, 0, 0, 1);
        DirEntry b = g0.mkdir(ROOT, "b", 0755, 0, 0, 1);
        DirEntry x = Ops.create(g0, a.inode(), "x", true, 1);
        DirEntry y = Ops.create(g0, b.inode(), "y", true, 1);
        g0.contents.write(y.inode(), -1, 0, random(10_000, 4), false, 1);
        assertThatThrownBy(() -> g0.renameLocal(a.inode(), "x", b.inode(), "y", false, 2)).isInstanceOf(FileAlreadyExistsException.class);
        assertThat(g0.renameLocal(a.inode(), "x", b.inode(), "y", true, 2)).isTrue();
        assertThat(g0.lookup(b.inode(), "y").inode()).isEqualTo(x.inode());
        assertThatThrownBy(() -> g0.stat(y.inode())).isInstanceOf(NoSuchFileException.class);
        assertThat(g0.renameLocal(ROOT, "a", b.inode(), "a2", false, 3)).as("a directory changing parent needs the coordinator").isFalse();
        assertThat(g0.renameLocal(ROOT, "a", ROOT, "a2", false, 3)).isTrue();
        assertThat(g0.lookup(ROOT, "a2").inode()).isEqualTo(a.inode());
        assertClean();
    }

    @Test
    void shouldRefuseAWriteWhenTheGroupIsFullAndLeaveTheFileAsItWas() throws Exception {
        DirEntry f = Ops.create(g0, ROOT, "fill", true, 1);
        byte[] chunk = random(1 << 20, 5);
        long written = 0;
        FileSystemException full = null;
        while (full == null) {
            try {
                written = g0.contents.write(f.inode(), -1, written, chunk, false, 2);
            } catch (FileSystemException e) {
                full = e;
            }
        }
        assertThat(full.getMessage()).contains("no space left on the device");
        assertThat(g0.stat(f.inode()).size()).isEqualTo(written);
        assertClean();
        g0.delete(ROOT, "fill", 3);
        assertThat(g0.stats().freeBlocks()).as("all but the root directory's block").isEqualTo(g0.stats().dataBlocks() - 1);
        g0.contents.write(Ops.create(g0, ROOT, "again", true, 4).inode(), -1, 0, chunk, false, 5);
        assertClean();
    }

    @Test
    void shouldReadCachedDataBlocksWithoutTheDeviceAndNeverAFreedBlocksOldBytes() throws Exception {
        DirEntry a = Ops.create(g0, ROOT, "a", true, 1);
        byte[] content = random(3 * 4096, 11);
        g0.contents.write(a.inode(), -1, 0, content, false, 2);
        int reads = device.reads;
        assertThat(g0.contents.read(a.inode(), -1, 0, content.length)).isEqualTo(content);
        assertThat(g0.contents.read(a.inode(), -1, 100, 5000)).isEqualTo(java.util.Arrays.copyOfRange(content, 100, 5100));
        assertThat(device.reads).as("blocks written are read from the cache").isEqualTo(reads);

        byte[] patch = random(10, 12);
        g0.contents.write(a.inode(), -1, 4090, patch, false, 3);
        System.arraycopy(patch, 0, content, 4090, 10);
        assertThat(device.reads).as("a partial write of cached blocks reads them from the cache").isEqualTo(reads);
        assertThat(g0.contents.read(a.inode(), -1, 0, content.length)).isEqualTo(content);

        int held = g0.data.size();
        g0.contents.truncate(a.inode(), -1, 0, 4);
        assertThat(g0.data.size()).as("the freed blocks are dropped").isEqualTo(held - 3);
        DirEntry b = Ops.create(g0, ROOT, "b", true, 5);
        g0.contents.write(b.inode(), -1, 8192 + 10, new byte[] {7}, false, 6);
        byte[] expected = new byte[8192 + 11];
        expected[8192 + 10] = 7;
        assertThat(g0.contents.read(b.inode(), -1, 0, expected.length)).as("a reused block reads as what was written to it, zeros around")
                .isEqualTo(expected);
        assertClean();
    }

    @Test
    void shouldReadWhatTheDeviceHoldsAfterAWriteFailed() throws Exception {
        DirEntry a = Ops.create(g0, ROOT, "a", true, 1);
        byte[] before = random(4096, 21);
        g0.contents.write(a.inode(), -1, 0, before, false, 2);
        device.failWrites = true;
        assertThatThrownBy(() -> g0.contents.write(a.inode(), -1, 0, random(4096, 22), false, 3)).hasMessageContaining("failed a write");
        device.failWrites = false;
        int reads = device.reads;
        assertThat(g0.contents.read(a.inode(), -1, 0, 4096)).isEqualTo(before);
        assertThat(device.reads).as("the block the failed write was for is read from the device again").isGreaterThan(reads);
    }

    @Test
    void shouldKeepNoMoreDataBlocksThanItMay() throws Exception {
        DirEntry a = Ops.create(g0, ROOT, "a", true, 1);
        byte[] content = random((CACHE_BLOCKS + 8) * 4096, 31);
        g0.contents.write(a.inode(), -1, 0, content, false, 2);
        assertThat(g0.data.size()).isEqualTo(CACHE_BLOCKS);
        assertThat(g0.contents.read(a.inode(), -1, 0, content.length)).isEqualTo(content);
        assertThat(g0.data.size()).isEqualTo(CACHE_BLOCKS);
    }
}
