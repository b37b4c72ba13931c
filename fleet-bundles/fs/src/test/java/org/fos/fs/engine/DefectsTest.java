package org.fos.fs.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.fos.fs.api.Attributes;
import org.fos.fs.api.DirEntry;
import org.fos.fs.api.FileSystemFleet;
import org.fos.fs.api.FsckReport;
import org.fos.fs.api.RepairReport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Regression tests of the defects issue 16 names, on the groups of a file system in memory. */
class DefectsTest {
    static final long ROOT = FileSystemFleet.ROOT;

    MemDevice device;
    Layout layout;
    final Set<Long> open = new HashSet<>();
    GroupStore g0;

    @BeforeEach
    void mkfs() throws Exception {
        device = new MemDevice(4096, 8192);
        layout = Volume.mkfs(device, 2);
        Volume.recover(device, layout);
        g0 = GroupStore.open(layout, 0, device, open::contains, new ArrayDeque<>(), new DataCache(layout.blockSize, 64));
    }

    FsckReport assertClean(GroupStore... stores) {
        for (GroupStore s : stores) {
            s.checkpoint();
        }
        FsckReport r = Fsck.check(device);
        assertThat(r.problems()).isEmpty();
        return r;
    }

    @Test
    void shouldRefuseAHandleWhoseInodeWasGivenOutAgain() throws Exception {
        DirEntry f = Ops.create(g0, ROOT, "f", true, 1);
        int generation = g0.stat(f.inode()).generation();
        g0.contents.write(f.inode(), generation, 0, "first file".getBytes(), false, 1);
        g0.delete(ROOT, "f", 2);
        DirEntry reused = null;
        for (int i = 0; i < layout.inodesPerGroup && reused == null; i++) {
            DirEntry e = Ops.create(g0, ROOT, "n" + i, true, 3);
            if (e.inode() == f.inode()) {
                reused = e;
            }
        }
        assertThat(reused).as("the inode number is given out again").isNotNull();
        g0.contents.write(reused.inode(), -1, 0, "second file".getBytes(), false, 4);
        assertThat(g0.stat(reused.inode()).generation()).isNotEqualTo(generation);
        assertThatThrownBy(() -> g0.contents.read(f.inode(), generation, 0, 100)).isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining("deleted");
        assertThatThrownBy(() -> g0.contents.write(f.inode(), generation, 0, new byte[1], false, 5)).isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> g0.contents.truncate(f.inode(), generation, 0, 5)).isInstanceOf(NoSuchFileException.class);
        assertThat(new String(g0.contents.read(reused.inode(), -1, 0, 100))).isEqualTo("second file");
    }

    @Test
    void shouldKeepAFileDeletedWhileOpenUntilItsLastClose() throws Exception {
        DirEntry f = Ops.create(g0, ROOT, "f", true, 1);
        open.add(f.inode());
        int generation = g0.stat(f.inode()).generation();
        byte[] content = GroupStoreTest.random(50_000, 1);
        g0.contents.write(f.inode(), generation, 0, content, false, 1);
        long freeBefore = g0.stats().freeBlocks();
        g0.delete(ROOT, "f", 2);
        assertThatThrownBy(() -> g0.lookup(ROOT, "f")).isInstanceOf(NoSuchFileException.class);
        assertThat(g0.stat(f.inode()).links()).isZero();
        assertThat(g0.contents.read(f.inode(), generation, 0, content.length)).isEqualTo(content);
        g0.contents.write(f.inode(), generation, content.length, new byte[] {7}, false, 3);
        assertThat(g0.stats().freeBlocks()).isLessThanOrEqualTo(freeBefore);
        assertClean(g0);

        // a crash now leaves the orphan on the device: the next load of the group frees it
        MemDevice crashed = device.crashCopy();
        GroupStore after = GroupStore.open(layout, 0, crashed, x -> false, new ArrayDeque<>(), new DataCache(layout.blockSize, 64));
        assertThat(after.freeOrphans(9)).isEqualTo(1);
        assertThatThrownBy(() -> after.stat(f.inode())).isInstanceOf(NoSuchFileException.class);

        // the last close frees it
        open.remove(f.inode());
        g0.reclaim(List.of(f.inode()), 4);
        assertThatThrownBy(() -> g0.stat(f.inode())).isInstanceOf(NoSuchFileException.class);
        assertThat(g0.stats().freeBlocks()).as("all but the root directory's block").isEqualTo(g0.stats().dataBlocks() - 1);
        assertClean(g0);
    }

    @Test
    void shouldFreeFilesTooLargeForOneJournalTransactionInSteps() throws Exception {
        // one group with a 32-block journal takes transactions of at most 29 blocks: freeing 40,000
        // blocks touches 40 index blocks and more, as a 2 GiB file does with the distribution's journals
        SparseDevice big = new SparseDevice(4096, 70_001);
        Layout small = new Layout(4096, 70_001, 1, 70_000, 256, 32, UUID.randomUUID(), 1);
        Volume.mkfs(big, small);
        GroupStore g = GroupStore.open(small, 0, big);
        assertThat(g.blocks.maxBlocks()).isEqualTo(29);
        long blocks = 40_000;
        for (int round = 0; round < 2; round++) {
            DirEntry f = Ops.create(g, ROOT, "big", true, 1);
            byte[] mib = new byte[1 << 20];
            for (long at = 0; at < blocks * 4096; at += mib.length) {
                g.contents.write(f.inode(), -1, at, mib, false, 2);
            }
            assertThat(g.stat(f.inode()).blocks()).isGreaterThan(blocks);
            if (round == 0) {
                g.contents.truncate(f.inode(), -1, 0, 3);
                assertThat(g.stat(f.inode()).blocks()).isZero();
                g.delete(ROOT, "big", 4);
            } else {
                g.delete(ROOT, "big", 4);
            }
            assertThat(g.stats().freeBlocks()).isEqualTo(g.stats().dataBlocks() - 1);
        }
        g.checkpoint();
        FsckReport r = Fsck.check(big);
        assertThat(r.problems()).isEmpty();
    }

    @Test
    void shouldLetAFileGrowIntoBlocksAnotherGroupLent() throws Exception {
        GroupStore g1 = GroupStore.open(layout, 1, device);
        DirEntry f = Ops.create(g0, ROOT, "huge", true, 1);
        byte[] mib = GroupStoreTest.random(1 << 20, 9);
        long at = 0;
        while (true) {
            try {
                g0.contents.write(f.inode(), -1, at, mib, false, 2);
                at += mib.length;
            } catch (Allocator.NeedBlocks full) {
                break;
            }
        }
        long inOwnGroup = at;
        List<Long> lent = g1.inTx(tx -> g1.alloc.lend(tx, 600));
        assertThat(lent).hasSize(600);
        ArrayDeque<Long> pool = new ArrayDeque<>(lent);
        GroupStore g0b = GroupStore.open(layout, 0, device, open::contains, pool, new DataCache(layout.blockSize, 64));
        g0.checkpoint();
        g0b.contents.write(f.inode(), -1, at, mib, false, 3);
        at += mib.length;
        List<Long> unused = List.copyOf(pool);
        pool.clear();
        g1.inTx(tx -> {
            g1.alloc.takeBack(tx, unused);
            return null;
        });
        assertThat(g0b.stat(f.inode()).size()).isEqualTo(at).isGreaterThan(inOwnGroup);
        assertThat(g0b.contents.read(f.inode(), -1, inOwnGroup, mib.length)).isEqualTo(mib);
        g1.checkpoint();
        assertClean(g0b, g1);

        g0b.contents.truncate(f.inode(), -1, inOwnGroup, 4);
        List<Long> back = g0b.takeReturns();
        assertThat(back).hasSize(600 - unused.size()).allMatch(b -> layout.groupOfBlock(b) == 1);
        g1.inTx(tx -> {
            g1.alloc.takeBack(tx, back);
            return null;
        });
        assertClean(g0b, g1);
    }

    @Test
    void shouldCatchADamagedMetadataBlockByItsChecksum() throws Exception {
        DirEntry d = g0.mkdir(ROOT, "d", 0755, 0, 0, 1);
        Ops.create(g0, d.inode(), "f", true, 1);
        g0.checkpoint();
        long block = g0.maps.map(g0.begin(), g0.inode(g0.begin(), d.inode()), 0, false, new boolean[1]);
        device.corrupt(block, 20);
        GroupStore fresh = GroupStore.open(layout, 0, device);
        assertThatThrownBy(() -> fresh.lookup(d.inode(), "f")).isInstanceOf(Checksums.Damaged.class)
                .hasMessageContaining("does not match its checksum");
        FsckReport r = Fsck.check(device);
        assertThat(r.clean()).isFalse();
        assertThat(r.problems()).anyMatch(p -> p.contains("directory " + d.inode()) && p.contains("checksum"));
    }

    @Test
    void shouldReportADamagedRootInsteadOfAborting() throws Exception {
        g0.mkdir(ROOT, "d", 0755, 0, 0, 1);
        g0.checkpoint();
        device.corrupt(g0.tableBlock(ROOT), g0.tableOffset(ROOT) + 9);
        FsckReport r = Fsck.check(device);
        assertThat(r.clean()).isFalse();
        assertThat(r.problems()).anyMatch(p -> p.contains("root directory")).anyMatch(p -> p.contains("inode 1 is damaged"));
    }

    @Test
    void shouldRepairWhatItCanAndSayWhatItCouldNot() throws Exception {
        DirEntry d = g0.mkdir(ROOT, "d", 0755, 0, 0, 1);
        DirEntry f = Ops.create(g0, d.inode(), "f", true, 1);
        g0.contents.write(f.inode(), -1, 0, new byte[20_000], false, 1);
        DirEntry lost = Ops.create(g0, ROOT, "lost", true, 1);
        g0.checkpoint();
        // a leaked block, a wrong link count, a wrong parent, an entry naming a damaged inode
        Tx tx = g0.begin();
        Inode i = g0.inode(tx, f.inode());
        i.links = 5;
        g0.put(tx, i);
        Inode dir = g0.inode(tx, d.inode());
        dir.parent = 77;
        g0.put(tx, dir);
        g0.commit(tx);
        g0.checkpoint();
        long bitmap = layout.blockBitmapStart(0);
        byte[] map = device.block(bitmap);
        int leaked = layout.blocksPerGroup - 1;
        map[leaked >>> 3] |= (byte) (1 << (leaked & 7));
        Checksums.sealTail(bitmap, map);
        device.write(bitmap, map);
        device.corrupt(g0.tableBlock(lost.inode()), g0.tableOffset(lost.inode()) + 8);

        RepairReport r = Fsck.repair(device);
        assertThat(r.before().clean()).isFalse();
        assertThat(r.before().problems()).anyMatch(p -> p.contains("has 5 links but 1 entries name it"))
                .anyMatch(p -> p.contains("as its parent")).anyMatch(p -> p.contains("no inode holds it"))
                .anyMatch(p -> p.contains("is damaged"));
        assertThat(r.repaired()).hasSizeGreaterThanOrEqualTo(4);
        assertThat(r.after().problems()).isEmpty();
        GroupStore again = GroupStore.open(layout, 0, device);
        Attributes a = again.stat(f.inode());
        assertThat(a.links()).isEqualTo(1);
        assertThat(again.stat(d.inode()).parent()).isEqualTo(ROOT);
        assertThatThrownBy(() -> again.lookup(ROOT, "lost")).isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void shouldRefuseNamesWithALoneSurrogate() {
        assertThatThrownBy(() -> Ops.create(g0, ROOT, "bad\ud800name", true, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("surrogate");
        assertThatThrownBy(() -> g0.symlink(ROOT, "l", "x\udc00", 0, 0, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldKeepSymbolicAndHardLinks() throws Exception {
        DirEntry f = Ops.create(g0, ROOT, "f", true, 1);
        g0.contents.write(f.inode(), -1, 0, "content".getBytes(), false, 1);
        DirEntry l = g0.symlink(ROOT, "l", "../some/where", 5, 6, 2);
        assertThat(g0.contents.readlink(l.inode())).isEqualTo("../some/where");
        assertThat(g0.stat(l.inode()).uid()).isEqualTo(5);
        DirEntry h = g0.link(ROOT, "h", f.inode(), 3);
        assertThat(h.inode()).isEqualTo(f.inode());
        assertThat(g0.stat(f.inode()).links()).isEqualTo(2);
        g0.delete(ROOT, "f", 4);
        assertThat(new String(g0.contents.read(h.inode(), -1, 0, 100))).isEqualTo("content");
        assertThatThrownBy(() -> g0.link(ROOT, "dd", ROOT, 5)).isInstanceOf(FileSystemException.class)
                .hasMessageContaining("directory cannot have a second link");
        assertThatThrownBy(() -> g0.contents.readlink(h.inode())).hasMessageContaining("not a symbolic link");
        assertClean(g0);
    }
}
