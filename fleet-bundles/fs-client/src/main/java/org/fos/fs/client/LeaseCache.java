package org.fos.fs.client;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.fos.fs.api.Attributes;
import org.fos.fs.api.DirEntry;
import org.fos.fs.api.LeasedOpen;
import org.fos.fs.api.WalkLease;

/**
 * A client's cache of lookups (a directory and a name to an entry) and attributes, each under the
 * lease the member granted on its inode with a {@code leasedWalk}: a directory's lease covers its
 * entries, an inode's its attributes. What the cache answers is only what a lease still covers; a
 * lease ends {@code leaseMillis} after its call was sent (the member counts from when it answered, so
 * the client always stops first), or when the member revokes it ({@link #revoke}).
 *
 * <p>Answers of calls sent before a revocation, or before or during a change this client made, are
 * not taken in: every revocation and every change of this client moves an epoch, and {@link #put}
 * takes an answer only if the epoch is still the one read before its call was sent. So an answer that
 * overtook the revocation of what it says is dropped, not cached after it.
 *
 * <p>Bounded: at most {@code maxInodes} inodes, the least recently used dropped first (forgetting is
 * always safe). Thread-safe (one lock).
 */
final class LeaseCache {

    /** What one inode's lease covers: its entries, if a directory, and its attributes. */
    private static final class Covered {
        long endNanos;
        final Map<String, DirEntry> names = new HashMap<>();
        Attributes attributes;

        Covered(long endNanos) {
            this.endNanos = endNanos;
        }
    }

    /**
     * The first bytes of a file as an {@code openLeased} answered them: readable from here while the
     * lease they came with lasts ({@link #holds}); any revocation or change of the file ends it.
     */
    static final class Head {
        private final long inode;
        private final Covered lease;
        private final byte[] bytes;
        private final boolean whole;

        private Head(long inode, Covered lease, byte[] bytes, boolean whole) {
            this.inode = inode;
            this.lease = lease;
            this.bytes = bytes;
            this.whole = whole;
        }

        /** The bytes from offset 0. */
        byte[] bytes() {
            return bytes;
        }

        /** Whether the bytes are the whole file: a read at or past their end is at the end of the file. */
        boolean whole() {
            return whole;
        }
    }

    private final LongSupplier clock;
    private final Map<Long, Covered> leases; // guarded by this
    private long epoch;
    private long hits;
    private long misses;
    private long revocations;

    /**
     * Creates a cache.
     *
     * @param maxInodes the most inodes it keeps, at least 1
     * @param clock the time in nanoseconds ({@link System#nanoTime} outside tests)
     * @throws IllegalArgumentException if {@code maxInodes} is not positive
     */
    LeaseCache(int maxInodes, LongSupplier clock) {
        if (maxInodes < 1) {
            throw new IllegalArgumentException("a lease cache keeps at least 1 inode, not " + maxInodes);
        }
        this.clock = clock;
        this.leases = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, Covered> eldest) {
                return size() > maxInodes;
            }
        };
    }

    /** The lease on an inode if it has not ended, else null (and it is forgotten). */
    private Covered valid(long inode) {
        Covered c = leases.get(inode);
        if (c != null && c.endNanos - clock.getAsLong() <= 0) {
            leases.remove(inode);
            return null;
        }
        return c;
    }

    /**
     * Reads the epoch before sending a call whose answer may be taken in.
     *
     * @return the epoch, for {@link #put}
     */
    synchronized long epoch() {
        return epoch;
    }

    /**
     * Answers a lookup from the cache.
     *
     * @param dir the directory
     * @param name the name
     * @return the entry, or null if no lease covers it
     */
    synchronized DirEntry entry(long dir, String name) {
        Covered c = valid(dir);
        DirEntry e = c == null ? null : c.names.get(name);
        if (e == null) {
            misses++;
        } else {
            hits++;
        }
        return e;
    }

    /**
     * Answers an inode's attributes from the cache.
     *
     * @param inode the inode
     * @return its attributes, or null if no lease covers them
     */
    synchronized Attributes attributes(long inode) {
        Covered c = valid(inode);
        return c == null ? null : c.attributes;
    }

    /**
     * Takes in what a leased walk answered, if it was granted a lease and nothing was revoked or
     * changed by this client since the call was sent.
     *
     * @param epochBefore {@link #epoch()} before the call was sent
     * @param sentNanos the clock when the call was sent
     * @param dir the directory the walk started in
     * @param names the names it was asked to resolve
     * @param w its answer
     */
    synchronized void put(long epochBefore, long sentNanos, long dir, List<String> names, WalkLease w) {
        long end = sentNanos + TimeUnit.MILLISECONDS.toNanos(w.leaseMillis());
        if (w.leaseMillis() <= 0 || epochBefore != epoch || end - clock.getAsLong() <= 0) {
            return;
        }
        long in = dir;
        for (int i = 0; i < w.path().size() && i < names.size(); i++) {
            String name = names.get(i);
            DirEntry e = w.path().get(i);
            if (!name.equals(".")) {
                lease(in, end).names.put(name, e);
            }
            in = e.inode();
        }
        if (w.walked().attributes() != null) {
            lease(w.walked().entry().inode(), end).attributes = w.walked().attributes();
        }
    }

    /**
     * Takes in what a leased open answered (the file's attributes, and its first bytes for the
     * channel), if it was granted a lease and nothing was revoked or changed by this client since the
     * call was sent.
     *
     * @param epochBefore {@link #epoch()} before the call was sent
     * @param sentNanos the clock when the call was sent
     * @param o its answer
     * @return the file's first bytes under the lease, or null if the answer was not taken in
     */
    synchronized Head put(long epochBefore, long sentNanos, LeasedOpen o) {
        long end = sentNanos + TimeUnit.MILLISECONDS.toNanos(o.leaseMillis());
        Attributes a = o.opened().attributes();
        if (o.leaseMillis() <= 0 || a == null || epochBefore != epoch || end - clock.getAsLong() <= 0) {
            return null;
        }
        long inode = o.opened().entry().inode();
        Covered c = lease(inode, end);
        c.attributes = a;
        return new Head(inode, c, o.head(), o.head().length == a.size());
    }

    /**
     * Whether a file's first bytes may still be read from the cache: the lease they came with has
     * neither ended nor been revoked, and this client changed nothing it covers since.
     *
     * @param head what {@link #put(long, long, LeasedOpen)} answered
     * @return true while the bytes are the file's
     */
    synchronized boolean holds(Head head) {
        return valid(head.inode) == head.lease;
    }

    /** An inode's lease, renewed to {@code end}: one that had ended starts empty, as what it held may be stale. */
    private Covered lease(long inode, long end) {
        Covered c = valid(inode);
        if (c == null) {
            c = new Covered(end);
            leases.put(inode, c);
        } else if (end - c.endNanos > 0) {
            c.endNanos = end;
        }
        return c;
    }

    /**
     * Ends leases the member revoked: forgets the entries and attributes they covered.
     *
     * @param inodes the inodes
     */
    synchronized void revoke(Collection<Long> inodes) {
        epoch++;
        revocations++;
        for (Long i : inodes) {
            leases.remove(i);
        }
    }

    /**
     * Starts a change this client makes: answers of calls sent before it are not taken in any more.
     *
     * @return the token for {@link #changed}
     */
    synchronized long changing() {
        return ++epoch;
    }

    /**
     * Ends a change this client made (the member spares its maker the call back). If nothing moved
     * the epoch since {@link #changing} (no revocation, no other change of this client began or ended),
     * the change is applied: the names it made or removed are edited under their directory's lease
     * (whose attributes are forgotten), and the other inodes it touched forgotten. Otherwise, or if it
     * failed, everything it touched is forgotten.
     *
     * @param token what {@link #changing} answered
     * @param touched the directories and inodes it changed
     * @param names the entries it made (an entry) or removed (null), by directory; null if it failed
     */
    synchronized void changed(long token, Collection<Long> touched, Map<Long, Map<String, DirEntry>> names) {
        boolean apply = names != null && token == epoch;
        epoch++;
        for (Long i : touched) {
            Covered c = apply && names.containsKey(i) ? valid(i) : null;
            if (c == null) {
                leases.remove(i);
                continue;
            }
            c.attributes = null;
            names.get(i).forEach((name, e) -> {
                if (e == null) {
                    c.names.remove(name);
                } else {
                    c.names.put(name, e);
                }
            });
        }
    }

    /**
     * Looks an entry up without counting it or minding its lease: what a change of this client is
     * about to replace or remove.
     *
     * @param dir the directory
     * @param name the name
     * @return the entry last known, or null
     */
    synchronized DirEntry known(long dir, String name) {
        Covered c = leases.get(dir);
        return c == null ? null : c.names.get(name);
    }

    /** Forgets everything (the callbacks stopped: no revocation could reach the cache any more). */
    synchronized void clear() {
        epoch++;
        leases.clear();
    }

    /**
     * Counts what the cache did.
     *
     * @return lookups answered, lookups missed, revocations taken, inodes held now
     */
    synchronized long[] counts() {
        return new long[] {hits, misses, revocations, leases.size()};
    }
}
