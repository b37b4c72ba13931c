package org.fos.fs.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.FileSystemException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.fos.fs.api.FileSystemFleet;
import org.junit.jupiter.api.Test;

class LockTableTest {
    static final long FILE = Layout.inode(1, 5);
    static final long OTHER = Layout.inode(2, 7);
    static final long LEASE = 10_000;

    final AtomicLong now = new AtomicLong(1_000_000);
    final LockTable table = new LockTable(now::get, LEASE, 4, 6);

    @Test
    void shouldRefuseAnOverlappingExclusiveLockOfAnotherHolder() throws Exception {
        assertThat(table.lock("a", 1, FILE, 3, 0, 100, false)).isTrue();
        assertThat(table.lock("b", 1, FILE, 3, 99, 10, false)).isFalse();
        assertThat(table.lock("b", 2, FILE, 3, 50, 1, true)).isFalse();
        assertThat(table.size()).isEqualTo(1);
    }

    @Test
    void shouldLetSharedLocksShareAndKeepExclusiveOnesOut() throws Exception {
        assertThat(table.lock("a", 1, FILE, 3, 0, 100, true)).isTrue();
        assertThat(table.lock("b", 1, FILE, 3, 10, 10, true)).isTrue();
        assertThat(table.lock("c", 1, FILE, 3, 15, 1, false)).isFalse();
        table.unlock("a", 1);
        assertThat(table.lock("c", 1, FILE, 3, 15, 1, false)).isFalse();
        table.unlock("b", 1);
        assertThat(table.lock("c", 1, FILE, 3, 15, 1, false)).isTrue();
    }

    @Test
    void shouldGrantRangesThatDoNotOverlapAndTellFilesAndGenerationsApart() throws Exception {
        assertThat(table.lock("a", 1, FILE, 3, 0, 100, false)).isTrue();
        assertThat(table.lock("b", 1, FILE, 3, 100, 100, false)).isTrue(); // [100, 200) touches [0, 100) without overlap
        assertThat(table.lock("b", 2, FILE, 4, 0, 100, false)).isTrue(); // another file that got the inode number
        assertThat(table.lock("b", 3, OTHER, 1, 0, 100, false)).isTrue();
        assertThat(table.lock("c", 1, FILE, 3, 199, 1, true)).isFalse();
        assertThat(table.lock("c", 2, FILE, 3, 200, Long.MAX_VALUE - 200, true)).isTrue();
    }

    @Test
    void shouldNeverLetAHoldersOwnLocksConflict() throws Exception {
        assertThat(table.lock("a", 1, FILE, 3, 0, 100, false)).isTrue();
        assertThat(table.lock("a", 2, FILE, 3, 50, 100, false)).isTrue();
    }

    @Test
    void shouldAnswerTheSameLockTakenTwiceAsGrantedAndRefuseAnotherUnderItsId() throws Exception {
        assertThat(table.lock("a", 1, FILE, 3, 0, 100, false)).isTrue();
        assertThat(table.lock("a", 1, FILE, 3, 0, 100, false)).isTrue();
        assertThat(table.size()).isEqualTo(1);
        assertThatThrownBy(() -> table.lock("a", 1, FILE, 3, 0, 5, false)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lock 1 of holder a is another lock");
    }

    @Test
    void shouldFreeAHoldersLocksWhenItsLeaseRunsOutAndKeepThemWhileItRenews() throws Exception {
        assertThat(table.lock("a", 1, FILE, 3, 0, 100, false)).isTrue();
        now.addAndGet(LEASE - 1);
        assertThat(table.renew("a", 1, List.of(1L))).containsExactly(1L);
        now.addAndGet(LEASE - 1);
        assertThat(table.lock("b", 1, FILE, 3, 0, 1, false)).isFalse();
        now.addAndGet(1);
        assertThat(table.lock("b", 1, FILE, 3, 0, 1, false)).isTrue();
        assertThat(table.renew("a", 1, List.of(1L))).as("a lost its lock with its lease").isEmpty();
        assertThat(table.size()).isEqualTo(1);
    }

    @Test
    void shouldReleaseOnRenewalTheLocksOfTheGroupThatTheHolderNoLongerNames() throws Exception {
        table.lock("a", 1, FILE, 3, 0, 10, false);
        table.lock("a", 2, FILE, 3, 20, 10, false);
        table.lock("a", 3, OTHER, 1, 0, 10, false);
        assertThat(table.renew("a", 1, List.of(2L, 9L))).containsExactly(2L);
        assertThat(table.locksOn(FILE, 3)).extracting(LockTable.Held::id).containsExactly(2L);
        assertThat(table.locksOn(OTHER, 1)).as("another group's locks stay").hasSize(1);
        assertThat(table.lock("b", 1, FILE, 3, 0, 10, false)).isTrue();
    }

    @Test
    void shouldBoundTheLocksOfAHolderAndOfTheMember() throws Exception {
        for (int i = 1; i <= 4; i++) {
            assertThat(table.lock("a", i, FILE, 3, i * 10L, 1, false)).isTrue();
        }
        assertThatThrownBy(() -> table.lock("a", 5, FILE, 3, 50, 1, false)).isInstanceOf(FileSystemException.class)
                .hasMessageContaining("No locks available").hasMessageContaining("the most one holder may hold");
        table.lock("b", 1, FILE, 3, 100, 1, false);
        table.lock("c", 1, FILE, 3, 200, 1, false);
        assertThatThrownBy(() -> table.lock("d", 1, FILE, 3, 300, 1, false)).isInstanceOf(FileSystemException.class)
                .hasMessageContaining("this member holds 6 locks");
        table.unlock("a", 1);
        assertThat(table.lock("d", 1, FILE, 3, 300, 1, false)).isTrue();
    }

    @Test
    void shouldRefuseBadInput() {
        assertThatThrownBy(() -> table.lock("a", 1, FILE, 3, -1, 1, false)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must not be negative");
        assertThatThrownBy(() -> table.lock("a", 1, FILE, 3, 0, -1, false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> table.lock("a", 1, FILE, 3, Long.MAX_VALUE, 1, false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> table.lock("a", 0, FILE, 3, 0, 1, false)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("id must be positive");
        assertThatThrownBy(() -> table.lock("", 1, FILE, 3, 0, 1, false)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("holder");
        assertThatThrownBy(() -> table.lock("x".repeat(65), 1, FILE, 3, 0, 1, false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> table.renew("a", 1, List.of(1L, 2L, 3L, 4L, 5L))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0 to 4 locks");
        assertThatThrownBy(() -> new LockTable(now::get, 0, 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LockTable(now::get, 1, 2, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldDropTheLocksOnAFileWhenItsLastOpenCloses() throws Exception {
        table.lock("a", 1, FILE, 3, 0, 10, false);
        table.lock("b", 1, FILE, 3, 20, 10, true);
        table.lock("b", 2, OTHER, 1, 0, 10, true);
        table.fileClosed(FILE);
        assertThat(table.locksOn(FILE, 3)).isEmpty();
        assertThat(table.size()).isEqualTo(1);
        assertThat(table.renew("a", 1, List.of(1L))).isEmpty();
        assertThat(table.renew("b", 2, List.of(2L))).containsExactly(2L);
    }

    @Test
    void shouldHandTheLocksAndWhatIsLeftOfTheirLeasesToTheNextVersion() throws Exception {
        table.lock("a", 1, FILE, 3, 0, 10, false);
        now.addAndGet(4_000);
        table.lock("b", 7, OTHER, 1, 5, 10, true);
        List<Map<String, Object>> handed = table.export();

        AtomicLong later = new AtomicLong(42); // another clock: what counts is the time left
        LockTable next = new LockTable(later::get, LEASE, 4, 6);
        assertThat(next.importFrom(handed)).isEqualTo(2);
        assertThat(next.lock("c", 1, FILE, 3, 5, 1, true)).isFalse();
        assertThat(next.lock("c", 2, OTHER, 1, 5, 1, true)).isTrue();
        later.addAndGet(6_000); // a's lease had 6 s left
        assertThat(next.lock("c", 3, FILE, 3, 5, 1, true)).isTrue();
        assertThat(next.locksOn(OTHER, 1)).extracting(LockTable.Held::holder).containsExactlyInAnyOrder("b", "c");
    }

    @Test
    void shouldRefuseALockLeaseOrBoundsOutOfRangeInTheFleetsSettings() {
        assertThatThrownBy(() -> new FsEngine.Settings("/sys/fs", "ram0", true, 4, 1000, 999, 1, 1, 1024))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lockLeaseMillis must be from 1000 to 600000, was 999");
        assertThatThrownBy(() -> new FsEngine.Settings("/sys/fs", "ram0", true, 4, 1000, 600_001, 1, 1, 1024))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FsEngine.Settings("/sys/fs", "ram0", true, 4, 1000, 1000, 0, 1, 1024))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxLocksPerHolder");
        assertThatThrownBy(() -> new FsEngine.Settings("/sys/fs", "ram0", true, 4, 1000, 1000, 10, 9, 1024))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxLocks at least as large");
        assertThatThrownBy(() -> new FsEngine.Settings("/sys/fs", "ram0", true, 4, 1000, 1000, 1, 1, -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cacheBlocks must be from 0 to 262144, was -1");
        assertThatThrownBy(() -> new FsEngine.Settings("/sys/fs", "ram0", true, 4, 1000, 1000, 1, 1, 262_145))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cacheBlocks");
        FsEngine.Settings defaults = new FsEngine.Settings("/sys/fs", "ram0", true, 4, 1000);
        assertThat(defaults.cacheBlocks()).isEqualTo(FsEngine.DEFAULT_CACHE_BLOCKS);
        assertThat(defaults.lockLeaseMillis()).isEqualTo(FsEngine.DEFAULT_LEASE_MILLIS);
        assertThat(defaults.maxLocksPerHolder()).isEqualTo(FsEngine.DEFAULT_MAX_LOCKS_PER_HOLDER);
        assertThat(defaults.writeBehindMicros()).isEqualTo(FsEngine.DEFAULT_WRITE_BEHIND_MICROS);
        assertThatThrownBy(() -> new FsEngine.Settings("/sys/fs", "ram0", true, 4, 1000, 1000, 1, 1, 16, -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("writeBehindMicros must be from 0 to 1000000, was -1");
        assertThatThrownBy(() -> new FsEngine.Settings("/sys/fs", "ram0", true, 4, 1000, 1000, 1, 1, 16, 1_000_001))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("was 1000001");
        assertThat(new FsEngine.Settings("/sys/fs", "ram0", true, 4, 1000, 1000, 1, 1, 16, 0).writeBehindMicros()).isZero();
    }

    @Test
    void shouldGrantNoNewLockForOneLeaseAfterARestartButKeepTheOnesItHolds() throws Exception {
        assertThat(table.lock("a", 1, FILE, 3, 0, 10, false)).isTrue();
        table.refuseNewForOneLease();
        assertThat(table.lock("b", 1, FILE, 3, 50, 10, false)).as("a new lock, even with nothing in its way").isFalse();
        assertThat(table.lock("a", 2, FILE, 3, 20, 10, true)).as("a new lock of a holder with locks here").isFalse();
        assertThat(table.lock("a", 1, FILE, 3, 0, 10, false)).as("the lock a holds, taken again").isTrue();
        assertThat(table.renew("a", FileSystemFleet.groupOf(FILE), List.of(1L))).containsExactly(1L);
        now.addAndGet(LEASE - 1);
        assertThat(table.lock("b", 1, FILE, 3, 50, 10, false)).isFalse();
        assertThat(table.renew("a", FileSystemFleet.groupOf(FILE), List.of(1L))).containsExactly(1L);
        now.addAndGet(1);
        assertThat(table.lock("b", 1, FILE, 3, 50, 10, false)).as("one lease later").isTrue();
        assertThat(table.lock("b", 2, FILE, 3, 5, 1, false)).as("a's lock still keeps b out").isFalse();
    }
}
