package org.fos.fs.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.fos.block.api.BlockWrite;
import org.fos.fs.api.DirEntry;
import org.fos.fs.api.FileSystemFleet;
import org.fos.fs.api.FileType;
import org.fos.fs.api.FsckReport;
import org.fos.fs.peers.Step;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Crashes played by copying the device at chosen moments, then recovering the copy. */
class RecoveryTest {
    static final long ROOT = FileSystemFleet.ROOT;

    MemDevice device;
    Layout layout;

    @BeforeEach
    void mkfs() throws Exception {
        device = new MemDevice(4096, 8192);
        layout = Volume.mkfs(device, 2);
    }

    static void assertClean(MemDevice d) {
        FsckReport r = Fsck.check(d);
        assertThat(r.problems()).isEmpty();
        assertThat(r.clean()).isTrue();
    }

    @Test
    void shouldReplayCommittedTransactionsThatNeverReachedHome() throws Exception {
        GroupStore g = GroupStore.open(layout, 0, device);
        DirEntry d = g.mkdir(ROOT, "d", 0755, 0, 0, 1);
        DirEntry f = Ops.create(g, d.inode(), "f", true, 1);
        byte[] content = GroupStoreTest.random(20_000, 7);
        g.contents.write(f.inode(), -1, 0, content, false, 2);
        assertThat(g.isClean()).as("the changes are only in the journal").isFalse();
        MemDevice crashed = device.crashCopy();
        FsckReport before = Fsck.check(crashed);
        assertThat(before.clean()).isFalse();
        assertThat(before.problems().get(0)).contains("journal of group 0 holds");

        assertThat(Volume.recover(crashed, layout)).isEqualTo(1);
        assertClean(crashed);
        GroupStore again = GroupStore.open(layout, 0, crashed);
        assertThat(again.contents.read(again.lookup(d.inode(), "f").inode(), -1, 0, 30_000)).isEqualTo(content);
    }

    @Test
    void shouldWriteAFilesDataAndItsTransactionInOneDeviceCall() throws Exception {
        GroupStore g = GroupStore.open(layout, 0, device);
        DirEntry f = Ops.create(g, ROOT, "f", true, 1);
        long calls = device.stats().writes();
        byte[] content = GroupStoreTest.random(4096, 3);
        g.contents.write(f.inode(), -1, 0, content, false, 2);
        assertThat(device.stats().writes() - calls).as("the data and the journal record share a call").isEqualTo(1);
        assertThat(g.contents.read(f.inode(), -1, 0, 8192)).isEqualTo(content);
    }

    @Test
    void shouldHandTheCommittedBlocksThemselvesToTheDeviceAndReplayThem() throws Exception {
        GroupStore g = GroupStore.open(layout, 0, device);
        device.calls = new ArrayList<>();
        DirEntry f = Ops.create(g, ROOT, "f", true, 1);
        List<List<BlockWrite>> calls = device.calls;
        device.calls = null;
        assertThat(calls).hasSize(1);
        List<BlockWrite> record = calls.get(0);
        ByteBuffer descriptor = ByteBuffer.wrap(record.get(0).data());
        int n = descriptor.getInt(Journal.DESCRIPTOR_FIXED - 4);
        assertThat(record).as("descriptor, %d images, commit", n).hasSize(n + 2);
        for (int i = 0; i < n; i++) {
            long home = descriptor.getLong(Journal.DESCRIPTOR_FIXED + 8 * i);
            assertThat(record.get(i + 1).block()).isEqualTo(record.get(0).block() + 1 + i);
            assertThat(record.get(i + 1).data()).as("the image of block %d is the committed block, not a copy", home).isSameAs(g.meta(home));
        }
        MemDevice crashed = device.crashCopy();
        assertThat(Volume.recover(crashed, layout)).isEqualTo(1);
        assertClean(crashed);
        assertThat(GroupStore.open(layout, 0, crashed).lookup(ROOT, "f").inode()).isEqualTo(f.inode());
    }

    @Test
    void shouldRecoverCleanWhereverAWriteSharingItsCallWithTheJournalIsCutShort() throws Exception {
        GroupStore g = GroupStore.open(layout, 0, device);
        DirEntry f = Ops.create(g, ROOT, "f", true, 1);
        byte[] before = GroupStoreTest.random(6000, 4);
        g.contents.write(f.inode(), -1, 0, before, false, 2);
        g.checkpoint();
        // overwrite the start and grow the file: the data runs, then the transaction, in one call; a
        // crash before the commit block leaves the old size (the overwritten block may show new bytes,
        // as in any ordered-data journal), at or after it the new content
        byte[] patch = GroupStoreTest.random(4096 + 6000, 5);
        device.recordCrashes();
        g.contents.write(f.inode(), -1, 0, patch, false, 3);
        List<MemDevice> crashes = device.afterEachRun;
        device.afterEachRun = null;
        assertThat(crashes).as("each data run and the journal record is a crash point").hasSizeGreaterThanOrEqualTo(2);
        for (int i = 0; i < crashes.size(); i++) {
            MemDevice crashed = crashes.get(i);
            Volume.recover(crashed, layout);
            assertClean(crashed);
            GroupStore again = GroupStore.open(layout, 0, crashed);
            long inode = again.lookup(ROOT, "f").inode();
            byte[] read = again.contents.read(inode, -1, 0, 20_000);
            if (i < crashes.size() - 1) {
                assertThat(read.length).as("crash %d of %d: the transaction is not in yet", i, crashes.size()).isEqualTo(before.length);
            } else {
                assertThat(read).as("the last run is the transaction's commit").isEqualTo(patch);
            }
        }
    }

    /** One group of 1,023 blocks whose journal has a log of {@code journalBlocks - 1} blocks: a few files fill it. */
    private static Layout smallJournal(MemDevice d, int journalBlocks) {
        Layout l = new Layout(4096, d.geometry().blockCount(), 1, (int) d.geometry().blockCount() - 1, 256, journalBlocks,
                UUID.randomUUID(), 1);
        Volume.mkfs(d, l);
        return l;
    }

    @Test
    void shouldCheckpointFullJournalsBehindTheCallsAndRecoverWhereverTheDeviceStops() throws Exception {
        MemDevice small = new MemDevice(4096, 1024);
        Layout l = smallJournal(small, 40);
        GroupStore g = GroupStore.open(l, 0, small);
        int flushed = small.flushes;
        Map<String, byte[]> present = new LinkedHashMap<>();
        List<String> deleted = new ArrayList<>();
        Set<String> busy = new HashSet<>();
        int[] crashes = {0};
        small.eachRun = crashed -> {
            crashes[0]++;
            try {
                Volume.recover(crashed, l);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            assertClean(crashed);
            GroupStore again = GroupStore.open(l, 0, crashed);
            present.forEach((name, content) -> {
                if (!busy.contains(name)) {
                    assertThat(read(again, name)).as("crash %d: %s", crashes[0], name).isEqualTo(content);
                }
            });
            for (String name : deleted) {
                if (!busy.contains(name)) {
                    assertThatThrownBy(() -> again.lookup(ROOT, name)).as("crash %d: %s was deleted", crashes[0], name)
                            .isInstanceOf(NoSuchFileException.class);
                }
            }
        };
        int wraps = 0;
        int lastUsed = 0;
        for (int i = 0; i < 60; i++) {
            String name = "f" + i;
            byte[] content = GroupStoreTest.random(4096 + 512 * (i % 9), i);
            busy.add(name);
            DirEntry f = Ops.create(g, ROOT, name, true, i);
            g.contents.write(f.inode(), -1, 0, content, false, i);
            busy.remove(name);
            present.put(name, content);
            if (i >= 3) {
                String old = "f" + (i - 3);
                busy.add(old);
                g.delete(ROOT, old, i);
                present.remove(old);
                busy.remove(old);
                deleted.add(old);
            }
            int used = g.info("t").journalUsedBlocks();
            if (used < lastUsed) {
                wraps++;
            }
            lastUsed = used;
        }
        small.eachRun = null;

        assertThat(wraps).as("checkpoints behind emptied the journal %d times", wraps).isGreaterThanOrEqualTo(5);
        assertThat(small.flushes - flushed).as("every flush was sent behind: no call waited for the device")
                .isEqualTo(small.flushesBehind);
        assertThat(crashes[0]).isGreaterThan(200);
        g.checkpoint();
        assertClean(small);
    }

    @Test
    void shouldCheckpointAFullJournalWithoutWaitingForTheDevice() throws Exception {
        MemDevice small = new MemDevice(4096, 1024);
        Layout l = smallJournal(small, 40);
        GroupStore g = GroupStore.open(l, 0, small);
        small.holdFlushes = true;
        int i = 0;
        while (g.info("t").journalUsedBlocks() + 5 <= g.info("t").journalBlocks()) {
            Ops.create(g, ROOT, "f" + i++, true, 1);
        }
        assertThat(small.held).as("no checkpoint yet").isEmpty();
        small.calls = new ArrayList<>();

        Ops.create(g, ROOT, "f" + i++, true, 1);

        assertThat(small.held).as("the checkpoint sent two flushes and has no answer to either").hasSize(2)
                .allMatch(f -> !f.isDone());
        assertThat(homeWrites(l, small)).as("the blocks went home behind the first").isNotEmpty();
        assertThat(small.calls).as("and the header behind the second, then the transaction")
                .anyMatch(call -> call.stream().anyMatch(w -> w.block() == l.journalStart(0)));
        assertThat(g.info("t").journalTransactions()).isEqualTo(1);
        small.held.forEach(f -> f.complete(null));
        small.holdFlushes = false;
        MemDevice crashed = small.crashCopy();
        Volume.recover(crashed, l);
        assertClean(crashed);
        GroupStore again = GroupStore.open(l, 0, crashed);
        for (int k = 0; k < i; k++) {
            assertThat(again.lookup(ROOT, "f" + k).name()).isEqualTo("f" + k);
        }
    }

    /** The runs written since {@code d.calls} was set to blocks of the inode bitmap, block bitmap or inode table: home writes. */
    private static List<Long> homeWrites(Layout l, MemDevice d) {
        List<Long> home = new ArrayList<>();
        for (List<BlockWrite> call : d.calls) {
            for (BlockWrite w : call) {
                if (w.block() >= l.inodeBitmapStart(0) && w.block() < l.dataStart(0)) {
                    home.add(w.block());
                }
            }
        }
        return home;
    }

    private static byte[] read(GroupStore g, String name) {
        try {
            return g.contents.read(g.lookup(ROOT, name).inode(), -1, 0, 8192);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void shouldIgnoreATornTransactionAndKeepTheOnesBefore() throws Exception {
        GroupStore g = GroupStore.open(layout, 0, device);
        g.mkdir(ROOT, "kept", 0755, 0, 0, 1);
        long journalEnd = device.stats().bytesWritten();
        g.mkdir(ROOT, "torn", 0755, 0, 0, 2);
        assertThat(device.stats().bytesWritten()).isGreaterThan(journalEnd);
        MemDevice crashed = device.crashCopy();
        // the second transaction's commit block is the last journal block written: damage it
        long second = layout.journalStart(0) + 1;
        int n = 0;
        while (n < 2) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(crashed.block(second));
            int blocks = b.getInt(32);
            n++;
            if (n == 2) {
                crashed.corrupt(second + blocks + 1, 28);
            }
            second += blocks + 2;
        }
        Volume.recover(crashed, layout);
        assertClean(crashed);
        GroupStore again = GroupStore.open(layout, 0, crashed);
        assertThat(again.readdir(ROOT, "", 10)).extracting(DirEntry::name).containsExactly("kept");
    }

    @Test
    void shouldFinishACrossGroupOperationOnTheGroupsThatMissedIt() throws Exception {
        GroupStore g0 = GroupStore.open(layout, 0, device);
        GroupStore g1 = GroupStore.open(layout, 1, device);
        long fresh = g1.alloc.reserveInode(g1.begin());
        Intent intent = new Intent(1, List.of(
                new Intent.GroupStep(1, new Step(Step.Kind.INIT_DIRECTORY, 0, null, fresh, FileType.DIRECTORY, ROOT, 5, 0755, 0, 0)),
                new Intent.GroupStep(0, new Step(Step.Kind.PUT, ROOT, "far", fresh, FileType.DIRECTORY, 0, 5, 0, 0, 0))));
        Tx tx = g0.begin();
        g0.header.writeIntent(tx, intent.encode());
        g0.commit(tx);
        g1.cross.apply(1, intent.stepsOf(1));
        MemDevice crashed = device.crashCopy();
        FsckReport half = Fsck.check(crashed);
        assertThat(half.clean()).isFalse();

        Volume.recover(crashed, layout);
        assertClean(crashed);
        GroupStore again = GroupStore.open(layout, 0, crashed);
        assertThat(again.lookup(ROOT, "far").inode()).isEqualTo(fresh);
        assertThat(Intent.decode(again.header.intent())).isEqualTo(Intent.decode(intent.encode()));
        assertThat(Volume.recover(crashed, layout)).as("applying it again changes nothing").isZero();
    }

    @Test
    void shouldFindDamageThatFsckIsThereFor() throws Exception {
        GroupStore g = GroupStore.open(layout, 0, device);
        DirEntry f = Ops.create(g, ROOT, "f", true, 1);
        g.contents.write(f.inode(), -1, 0, new byte[8192], false, 1);
        g.checkpoint();
        assertClean(device);
        // mark a free data block in use: a leak
        long bitmap = layout.blockBitmapStart(0);
        int leaked = layout.blocksPerGroup - 1;
        byte[] map = device.block(bitmap);
        map[leaked >>> 3] |= (byte) (1 << (leaked & 7));
        Checksums.sealTail(bitmap, map);
        device.write(bitmap, map);
        // and free the file's inode in its bitmap: an entry naming a free inode
        long inodes = layout.inodeBitmapStart(0);
        byte[] imap = device.block(inodes);
        int idx = Layout.indexOf(f.inode());
        imap[idx >>> 3] &= (byte) ~(1 << (idx & 7));
        Checksums.sealTail(inodes, imap);
        device.write(inodes, imap);
        FsckReport r = Fsck.check(device);
        assertThat(r.clean()).isFalse();
        assertThat(r.problems()).anyMatch(p -> p.contains("is marked in use but no inode holds it"))
                .anyMatch(p -> p.contains("which is free"));
    }
}
