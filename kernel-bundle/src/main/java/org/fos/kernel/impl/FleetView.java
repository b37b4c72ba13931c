package org.fos.kernel.impl;

import java.util.Arrays;
import java.util.List;

import org.fos.kernel.api.Capability;
import org.fos.kernel.api.NameEntry;
import org.fos.kernel.api.Selection;

/**
 * The name cache's immutable view of one name: its members, the local mailboxes among them (for
 * their depth) and the consistent-hash ring. A new view replaces the old one on every change.
 * Members that are leaving ({@link org.fos.kernel.api.Names#DRAINING_PROPERTY}) are among its
 * {@link #entries} but not among those it picks, unless no other member is left.
 */
final class FleetView {
    /** Points a member gets on the ring; more points spread keys more evenly. */
    static final int POINTS_PER_MEMBER = 128;

    static final FleetView EMPTY = new FleetView(List.of(), List.of(), new MailboxImpl[0]);

    final List<NameEntry> entries;
    private final Capability[] members;
    private final MailboxImpl[] local;
    private final int[] localIndexes;
    private final long[] ring;
    private final int[] ringOwner;
    /**
     * An index into the ring: the hash space cut into {@code 2^bucketBits} equal buckets by a hash's top
     * bits, {@code bucketStart[b]} the first ring point at or above bucket b's lowest hash. A key's
     * position is then found within its bucket, about one comparison, where a binary search of a ring
     * of two members took eight unpredictable branches (row 8's profile: 36% of a key-affinity resolve).
     */
    private final int[] bucketStart;
    private final int bucketBits;
    /**
     * The rotation of round robin and its relatives. A plain field on purpose: callers on several
     * threads may read the same value and pick the same member now and then, which spreads load
     * just as well, where an atomic increment would make every resolution a locked instruction on
     * one shared cache line (the name-cache benchmark, row 8).
     */
    private int next;

    /**
     * @param entries every member
     * @param serving the members resolutions pick from (those of {@code entries} that are not leaving)
     * @param local this node's mailbox of each serving member, or null
     */
    FleetView(List<NameEntry> entries, List<NameEntry> serving, MailboxImpl[] local) {
        this.entries = List.copyOf(entries);
        int n = serving.size();
        this.members = new Capability[n];
        this.local = local;
        int locals = 0;
        for (int i = 0; i < n; i++) {
            // the member capability where the entry carries one (this node is a member of the cluster), so that
            // calls from this node may use PEER and ADMIN methods; a client's entries carry only the public one
            Capability member = serving.get(i).member();
            members[i] = member != null ? member : serving.get(i).capability();
            if (local[i] != null) {
                locals++;
            }
        }
        this.localIndexes = new int[locals];
        for (int i = 0, j = 0; i < n; i++) {
            if (local[i] != null) {
                localIndexes[j++] = i;
            }
        }
        long[] points = new long[n * POINTS_PER_MEMBER];
        int[] owners = new int[points.length];
        long[][] pairs = new long[points.length][];
        for (int i = 0, p = 0; i < n; i++) {
            String id = members[i].address().toString();
            for (int v = 0; v < POINTS_PER_MEMBER; v++, p++) {
                pairs[p] = new long[] {Hashing.hash(id + '#' + v), i};
            }
        }
        Arrays.sort(pairs, (a, b) -> Long.compare(a[0], b[0]));
        for (int p = 0; p < pairs.length; p++) {
            points[p] = pairs[p][0];
            owners[p] = (int) pairs[p][1];
        }
        this.ring = points;
        this.ringOwner = owners;
        this.bucketBits = bucketBits(points.length);
        this.bucketStart = bucketStarts(points, bucketBits);
    }

    /** The most buckets a ring's index has. */
    static final int MAX_BUCKET_BITS = 16;

    /** Bits of a ring's buckets: about four buckets a point, at most {@code 2^}{@value #MAX_BUCKET_BITS}. */
    static int bucketBits(int points) {
        int bits = 0;
        while (bits < MAX_BUCKET_BITS && (1 << (bits + 1)) <= 4 * points) {
            bits++;
        }
        return bits;
    }

    /** The bucket of a hash: its top bits, in the order of signed hashes (the ring's order). */
    private static int bucket(long hash, int bits) {
        return bits == 0 ? 0 : (int) ((hash ^ Long.MIN_VALUE) >>> (64 - bits));
    }

    /** For each bucket, the first point of the sorted ring at or above the bucket's lowest hash; then the ring's length. */
    static int[] bucketStarts(long[] ring, int bits) {
        int buckets = 1 << bits;
        int[] starts = new int[buckets + 1];
        int i = 0;
        for (int b = 0; b < buckets; b++) {
            while (i < ring.length && bucket(ring[i], bits) < b) {
                i++;
            }
            starts[b] = i;
        }
        starts[buckets] = ring.length;
        return starts;
    }

    /** The next index below {@code bound} in the rotation (a compare, not a division). */
    private int rotate(int bound) {
        int i = next;
        if (i >= bound || i < 0) {
            i = 0;
        }
        next = i + 1;
        return i;
    }

    /** The nodes of this view's members. */
    void nodesInto(java.util.Set<String> out) {
        for (Capability c : members) {
            out.add(c.address().node());
        }
    }

    boolean isEmpty() {
        return members.length == 0;
    }

    /**
     * Picks a member among those whose nodes are not out of reach; if every member's node is, among
     * all of them (a call then fails on its own terms rather than finding no member). The view is not
     * empty.
     */
    Capability pick(Selection selection, Object key, java.util.Set<String> unreachable) {
        if (unreachable.isEmpty()) {
            return pick(selection, key);
        }
        int n = members.length;
        if (selection == Selection.KEY_AFFINITY) {
            // the key's owner, or the next reachable member on the ring
            int start = position(Hashing.hashKey(key));
            for (int k = 0; k < ring.length; k++) {
                Capability c = members[ringOwner[(start + k) % ring.length]];
                if (!unreachable.contains(c.address().node())) {
                    return c;
                }
            }
            return pick(selection, key);
        }
        if (localIndexes.length > 0 && selection != Selection.ROUND_ROBIN) {
            return pick(selection, key); // local members are never out of reach
        }
        int first = rotate(n);
        for (int k = 0; k < n; k++) {
            Capability c = members[(first + k) % n];
            if (!unreachable.contains(c.address().node())) {
                return c;
            }
        }
        return members[first];
    }

    /**
     * Picks a member where nothing stands in the way: the view has members, a selection is given and
     * key affinity has its key. Then the member is the one {@link #pick(Selection, Object)} picks;
     * otherwise null. The caller has seen no node out of reach.
     */
    Capability pickAtOnce(Selection selection, Object key) {
        if (selection == Selection.KEY_AFFINITY) {
            return key == null || members.length == 0 ? null : members[ownerOf(Hashing.hashKey(key))];
        }
        return pickAtOnce(selection);
    }

    /**
     * {@link #pickAtOnce(Selection, Object)} for a resolution without a key, null for key affinity
     * too. Apart, so that the code compiled for a caller's hit holds no key hashing unless the caller
     * passes keys: with it, a hit is too large for C2 to inline.
     */
    Capability pickAtOnce(Selection selection) {
        int n = members.length;
        if (n == 0 || selection == null || selection == Selection.KEY_AFFINITY) {
            return null;
        }
        return selection == Selection.ROUND_ROBIN ? members[rotate(n)] : pick(selection, null);
    }

    /** Picks a member; the view is not empty. */
    Capability pick(Selection selection, Object key) {
        int n = members.length;
        switch (selection) {
            case ROUND_ROBIN:
                return members[rotate(n)];
            case LOCAL_FIRST:
                if (localIndexes.length > 0) {
                    return members[localIndexes[rotate(localIndexes.length)]];
                }
                return members[rotate(n)];
            case LEAST_LOADED:
                return leastLoaded();
            case KEY_AFFINITY:
                return members[ownerOf(Hashing.hashKey(key))];
            default:
                throw new IllegalArgumentException("unknown selection " + selection);
        }
    }

    private Capability leastLoaded() {
        if (localIndexes.length == 0) {
            return members[rotate(members.length)];
        }
        // start at a rotating index so that ties spread over the members
        int start = rotate(localIndexes.length);
        int best = localIndexes[start];
        int bestDepth = local[best].depth();
        for (int k = 1; k < localIndexes.length && bestDepth > 0; k++) {
            int i = localIndexes[(start + k) % localIndexes.length];
            int d = local[i].depth();
            if (d < bestDepth) {
                best = i;
                bestDepth = d;
            }
        }
        return members[best];
    }

    /** Up to count members on distinct nodes, walking the ring from the key's position. */
    List<Capability> replicas(Object key, int count) {
        List<Capability> out = new java.util.ArrayList<>(count);
        java.util.Set<String> nodes = new java.util.HashSet<>();
        int start = position(Hashing.hashKey(key));
        for (int k = 0; k < ring.length && out.size() < count; k++) {
            Capability c = members[ringOwner[(start + k) % ring.length]];
            if (nodes.add(c.address().node())) {
                out.add(c);
            }
        }
        return out;
    }

    /** The ring point a hash falls to: the first at or above it, past the last the first. The ring is not empty. */
    int position(long hash) {
        int b = bucket(hash, bucketBits);
        int i = bucketStart[b];
        int end = bucketStart[b + 1];
        while (i < end && ring[i] < hash) {
            i++;
        }
        return i == ring.length ? 0 : i;
    }

    private int ownerOf(long hash) {
        return ringOwner[position(hash)];
    }

    /** The ring's points, sorted, for tests. */
    long[] ring() {
        return ring.clone();
    }
}
