package org.fos.kernel.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.fos.kernel.api.Address;
import org.fos.kernel.api.Capability;
import org.fos.kernel.api.NameEntry;
import org.fos.kernel.api.Right;
import org.fos.kernel.api.Selection;
import org.junit.jupiter.api.Test;

class FleetViewTest {

    private static FleetView view(int members) {
        List<NameEntry> entries = new ArrayList<>();
        for (int i = 1; i <= members; i++) {
            entries.add(new NameEntry("/t/fleet", new Capability(new Address("node-" + (i % 3), i), Right.SEND.bit(), i, 7), i, Map.of()));
        }
        return new FleetView(entries, entries, new MailboxImpl[members]);
    }

    /** What the ring's index must answer: the first point at or above the hash, by binary search, past the last the first. */
    private static int searched(long[] ring, long hash) {
        int i = Arrays.binarySearch(ring, hash);
        if (i < 0) {
            i = -i - 1;
        }
        return i == ring.length ? 0 : i;
    }

    @Test
    void shouldPlaceEveryHashWhereABinarySearchOfTheRingDoes() {
        Random random = new Random(7);
        for (int members : new int[] {1, 2, 3, 10, 600}) {
            FleetView v = view(members);
            long[] ring = v.ring();
            List<Long> hashes = new ArrayList<>(List.of(Long.MIN_VALUE, Long.MAX_VALUE, 0L, -1L, 1L));
            for (long point : ring) {
                hashes.add(point);
                hashes.add(point - 1);
                hashes.add(point + 1);
            }
            for (int i = 0; i < 20_000; i++) {
                hashes.add(random.nextLong());
            }
            for (long h : hashes) {
                assertThat(v.position(h)).as("%d members, hash %d", members, h).isEqualTo(searched(ring, h));
            }
        }
    }

    @Test
    void shouldSizeTheIndexToTheRingAndBoundIt() {
        assertThat(FleetView.bucketBits(0)).isZero();
        assertThat(FleetView.bucketBits(128)).isEqualTo(9); // 512 buckets: four a point
        assertThat(FleetView.bucketBits(1 << 20)).isEqualTo(FleetView.MAX_BUCKET_BITS);
        long[] ring = {Long.MIN_VALUE, -5, 0, 5, Long.MAX_VALUE};
        int[] starts = FleetView.bucketStarts(ring, 1);
        assertThat(starts).containsExactly(0, 2, 5); // negative hashes in bucket 0, the rest in bucket 1
    }

    @Test
    void shouldGiveAKeyTheSameMemberEveryTime() {
        FleetView v = view(3);
        assertThat(v.pick(Selection.KEY_AFFINITY, "user:42")).isEqualTo(v.pick(Selection.KEY_AFFINITY, "user:42"));
    }
}
