package org.fos.fs.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.fos.fs.api.Attributes;
import org.fos.fs.api.DirEntry;
import org.fos.fs.api.FileType;
import org.fos.fs.api.LeasedOpen;
import org.fos.fs.api.Opened;
import org.fos.fs.api.WalkLease;
import org.fos.fs.api.Walked;
import org.junit.jupiter.api.Test;

class LeaseCacheTest {
    static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    static final DirEntry A = new DirEntry("a", 2, FileType.DIRECTORY);
    static final DirEntry B = new DirEntry("b", 3, FileType.FILE);

    long now = 5_000 * MS;
    final LeaseCache cache = new LeaseCache(3, () -> now);

    static Attributes attributes(long inode, long size) {
        return new Attributes(inode, FileType.FILE, size, 1, 0, 0, 0, 0, 0, 1, 0644, 0, 0, 0);
    }

    /** A walk of /a/b from the root, granted a lease of {@code millis}. */
    static WalkLease walkAB(long millis) {
        return new WalkLease(new Walked(2, B, 2, attributes(3, 10)), List.of(A, B), millis);
    }

    @Test
    void shouldAnswerWhatALeaseCoversUntilItEnds() {
        long sent = now;
        cache.put(cache.epoch(), sent, 1, List.of("a", "b"), walkAB(3_000));
        now += 2_999 * MS;

        assertThat(cache.entry(1, "a")).isEqualTo(A);
        assertThat(cache.entry(2, "b")).isEqualTo(B);
        assertThat(cache.attributes(3).size()).isEqualTo(10);
        assertThat(cache.entry(2, "c")).as("a name never looked up").isNull();

        now += MS;
        assertThat(cache.entry(1, "a")).as("the lease ran from when the call was sent").isNull();
        assertThat(cache.attributes(3)).isNull();
        assertThat(cache.counts()).containsExactly(2, 2, 0, 1);
    }

    @Test
    void shouldForgetWhatIsRevokedAndNotTakeInAnAnswerSentBeforeTheRevocation() {
        long before = cache.epoch();
        cache.put(before, now, 1, List.of("a", "b"), walkAB(3_000));
        cache.revoke(List.of(2L));

        assertThat(cache.entry(2, "b")).isNull();
        assertThat(cache.entry(1, "a")).as("other leases stay").isEqualTo(A);

        cache.put(before, now, 1, List.of("a", "b"), walkAB(3_000));
        assertThat(cache.entry(2, "b")).as("that answer may predate the change that revoked it").isNull();
    }

    @Test
    void shouldTakeNothingWithoutALease() {
        cache.put(cache.epoch(), now, 1, List.of("a", "b"), walkAB(0));
        assertThat(cache.entry(1, "a")).isNull();
    }

    @Test
    void shouldApplyItsOwnChangeUnlessSomethingHappenedMeanwhile() {
        cache.put(cache.epoch(), now, 1, List.of("a", "b"), walkAB(3_000));
        DirEntry c = new DirEntry("c", 4, FileType.FILE);

        long token = cache.changing();
        Map<Long, Map<String, DirEntry>> made = new HashMap<>();
        made.put(2L, new HashMap<>(Map.of("c", c)));
        made.get(2L).put("b", null);
        cache.changed(token, List.of(2L, 3L), made);
        assertThat(cache.entry(2, "c")).as("made under the directory's lease").isEqualTo(c);
        assertThat(cache.entry(2, "b")).as("removed").isNull();
        assertThat(cache.attributes(3)).as("the inode it touched").isNull();

        long first = cache.changing();
        long second = cache.changing();
        cache.changed(second, List.of(2L), Map.of(2L, Map.of("d", B)));
        cache.changed(first, List.of(2L), Map.of(2L, Map.of("e", B)));
        assertThat(cache.entry(2, "c")).as("overlapping changes: forgotten, not applied in an order the member may not have had")
                .isNull();
        assertThat(cache.entry(1, "a")).isEqualTo(A);
    }

    @Test
    void shouldKeepTheMostRecentlyUsedInodesOnly() {
        cache.put(cache.epoch(), now, 1, List.of("a", "b"), walkAB(3_000));
        cache.put(cache.epoch(), now, 10, List.of("x"), new WalkLease(new Walked(1, A, 10, null), List.of(A), 3_000));
        cache.put(cache.epoch(), now, 11, List.of("y"), new WalkLease(new Walked(1, A, 11, null), List.of(A), 3_000));

        assertThat(cache.counts()[3]).isEqualTo(3);
        assertThat(cache.entry(1, "a")).as("the eldest went").isNull();
        assertThatThrownBy(() -> new LeaseCache(0, () -> now)).hasMessageContaining("at least 1 inode");
    }

    /** A leased open of file 3 (10 bytes), answering its first {@code head} bytes. */
    static LeasedOpen openB(long millis, int head) {
        return new LeasedOpen(new Opened(B, attributes(3, 10), false), millis, new byte[head]);
    }

    @Test
    void shouldKeepAFilesFirstBytesWhileTheLeaseOfItsOpenLasts() {
        LeaseCache.Head whole = cache.put(cache.epoch(), now, openB(3_000, 10));
        assertThat(whole.whole()).isTrue();
        assertThat(cache.attributes(3).size()).as("the open's attributes are under the lease too").isEqualTo(10);
        assertThat(cache.put(cache.epoch(), now, openB(3_000, 4)).whole()).as("4 of 10 bytes").isFalse();

        now += 2_999 * MS;
        assertThat(cache.holds(whole)).isTrue();
        now += MS;
        assertThat(cache.holds(whole)).as("the lease ran from when the open was sent").isFalse();
    }

    @Test
    void shouldLetGoOfAFilesBytesWhenItsLeaseIsRevokedOrThisClientChangesIt() {
        LeaseCache.Head head = cache.put(cache.epoch(), now, openB(3_000, 10));
        cache.revoke(List.of(3L));
        assertThat(cache.holds(head)).as("another client wrote").isFalse();
        LeaseCache.Head again = cache.put(cache.epoch(), now, openB(3_000, 10));
        assertThat(cache.holds(head)).as("a later lease does not bring back the old bytes").isFalse();
        assertThat(cache.holds(again)).isTrue();

        cache.changed(cache.changing(), List.of(3L), Map.of());
        assertThat(cache.holds(again)).as("this client wrote").isFalse();
    }

    @Test
    void shouldNotKeepBytesOfAnOpenAnsweredAcrossARevocationOrWithoutALease() {
        long before = cache.epoch();
        cache.revoke(List.of(7L));
        assertThat(cache.put(before, now, openB(3_000, 10))).as("the bytes may predate the write that revoked them").isNull();
        assertThat(cache.put(cache.epoch(), now, openB(0, 0))).isNull();
        assertThat(cache.put(cache.epoch(), now, new LeasedOpen(new Opened(B, null, false), 3_000, new byte[0])))
                .as("an open another group counts").isNull();
        assertThat(cache.attributes(3)).isNull();
    }
}
