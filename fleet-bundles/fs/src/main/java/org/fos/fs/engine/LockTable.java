package org.fos.fs.engine;

import java.nio.file.FileSystemException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.LongSupplier;

import org.fos.fs.api.FileSystemFleet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file locks of the files whose groups a member owns: byte ranges, shared or exclusive, of a file
 * named by inode and generation, each held by a holder (a client's random id) under a lease the
 * holder renews. Two holders' locks conflict when their ranges overlap and one is exclusive, as
 * {@code FileChannel.lock} says of two programs; a holder's own locks never conflict with each other
 * (its client refuses overlaps with {@code OverlappingFileLockException} before it asks). A holder
 * whose lease ran out loses all its locks at the next call that looks. State is bounded: a holder
 * holds at most {@code maxPerHolder} locks and the member at most {@code maxLocks}.
 *
 * <p>Not thread-safe: the member thread alone uses it.
 */
final class LockTable {
    private static final Logger LOG = LoggerFactory.getLogger(LockTable.class);

    /** A lock a holder holds. */
    record Held(String holder, long id, long inode, int generation, long position, long size, boolean shared) {
        boolean overlaps(long from, long length) {
            return from + length > position && position + size > from;
        }
    }

    /** A holder's locks and when its lease ends. */
    private static final class Holder {
        final Map<Long, Held> locks = new LinkedHashMap<>();
        long expiresAt;
    }

    private record FileKey(long inode, int generation) {
    }

    private final LongSupplier clock;
    private final long leaseMillis;
    private final int maxPerHolder;
    private final int maxLocks;
    private final Map<String, Holder> holders = new HashMap<>();
    private final Map<FileKey, List<Held>> byFile = new HashMap<>();
    private int count;
    /** Until when no new lock is granted (set from the thread that mounts, read by the member thread). */
    private volatile long refusingUntil;
    private volatile boolean refusing;

    /**
     * Creates an empty table.
     *
     * @param clock milliseconds of a monotonic clock
     * @param leaseMillis how long a holder's locks last after its last lock or renewal
     * @param maxPerHolder the most locks one holder may hold here
     * @param maxLocks the most locks all holders may hold here
     */
    LockTable(LongSupplier clock, long leaseMillis, int maxPerHolder, int maxLocks) {
        this.clock = Objects.requireNonNull(clock, "clock");
        if (leaseMillis < 1 || maxPerHolder < 1 || maxLocks < maxPerHolder) {
            throw new IllegalArgumentException("a lock table needs a positive lease and bounds (maxLocks >= maxPerHolder), not "
                    + leaseMillis + " ms, " + maxPerHolder + " and " + maxLocks);
        }
        this.leaseMillis = leaseMillis;
        this.maxPerHolder = maxPerHolder;
        this.maxLocks = maxLocks;
    }

    long leaseMillis() {
        return leaseMillis;
    }

    /**
     * Grants no new lock for one lease from now, for a member that starts on a file system an earlier
     * member served (a restart): that member's locks are forgotten, and each of their holders learns
     * it at its next renewal, within the lease. Until then no other holder may take a range one of
     * them still believes it holds. Locks held here already are renewed and taken again as before.
     * Thread-safe, unlike the rest of the table.
     */
    void refuseNewForOneLease() {
        refusingUntil = clock.getAsLong() + leaseMillis;
        refusing = true;
    }

    /** How many locks are held here. */
    int size() {
        return count;
    }

    /**
     * Takes a lock if no other holder holds an overlapping lock that conflicts with it. Taking a lock
     * the holder already holds by that id answers true again (a call made twice). A grant renews the
     * holder's lease.
     *
     * @return true if the holder holds the lock now, false if another holder's lock is in the way
     * @throws IllegalArgumentException if the holder, the id or the range is invalid, or the id names
     *         another lock of the holder
     * @throws FileSystemException if the holder or the member holds as many locks as it may
     */
    boolean lock(String holder, long id, long inode, int generation, long position, long size, boolean shared)
            throws FileSystemException {
        checkHolder(holder);
        if (id <= 0) {
            throw new IllegalArgumentException("a lock's id must be positive, was " + id);
        }
        if (position < 0 || size < 0 || position + size < 0) {
            throw new IllegalArgumentException("a lock's position and size must not be negative (nor their sum past "
                    + Long.MAX_VALUE + "), were " + position + " and " + size);
        }
        expire();
        Held wanted = new Held(holder, id, inode, generation, position, size, shared);
        Holder h = holders.get(holder);
        if (h != null && h.locks.containsKey(id)) {
            Held had = h.locks.get(id);
            if (!had.equals(wanted)) {
                throw new IllegalArgumentException("lock " + id + " of holder " + holder + " is another lock (" + had + ")");
            }
            h.expiresAt = clock.getAsLong() + leaseMillis;
            return true;
        }
        if (refusing) {
            if (clock.getAsLong() - refusingUntil < 0) {
                return false; // as if an earlier member's lock were in the way: lock waits, tryLock answers null
            }
            refusing = false;
        }
        FileKey key = new FileKey(inode, generation);
        for (Held other : byFile.getOrDefault(key, List.of())) {
            if (!other.holder.equals(holder) && other.overlaps(position, size) && (!shared || !other.shared)) {
                return false;
            }
        }
        if (h != null && h.locks.size() >= maxPerHolder) {
            throw new FileSystemException(FsErrors.where(inode), null, "No locks available: the holder holds " + h.locks.size()
                    + " locks on this member, the most one holder may hold (maxLocksPerHolder)");
        }
        if (count >= maxLocks) {
            throw new FileSystemException(FsErrors.where(inode), null, "No locks available: this member holds " + count
                    + " locks, the most it may hold");
        }
        if (h == null) {
            h = new Holder();
            holders.put(holder, h);
        }
        h.locks.put(id, wanted);
        h.expiresAt = clock.getAsLong() + leaseMillis;
        byFile.computeIfAbsent(key, k -> new ArrayList<>()).add(wanted);
        count++;
        return true;
    }

    /**
     * Releases a lock; releasing one that is not held (released before, or freed with its lease)
     * does nothing.
     *
     * @param holder the holder
     * @param id the lock's id
     */
    void unlock(String holder, long id) {
        checkHolder(holder);
        expire();
        Holder h = holders.get(holder);
        if (h == null) {
            return;
        }
        Held held = h.locks.remove(id);
        if (held != null) {
            forget(held);
            if (h.locks.isEmpty()) {
                holders.remove(holder);
            }
        }
    }

    /**
     * Renews a holder's lease: all its locks here last another lease from now. Its locks on files of
     * {@code group} that {@code keep} does not name are released (their release was lost on the way).
     *
     * @param holder the holder
     * @param group the group whose locks {@code keep} names
     * @param keep the ids of the locks the holder holds or is taking on files of the group
     * @return the ids of {@code keep} the holder holds here after the renewal: a lock it held that is
     *         missing was freed when its lease ran out
     */
    List<Long> renew(String holder, int group, List<Long> keep) {
        checkHolder(holder);
        if (keep == null || keep.size() > maxPerHolder) {
            throw new IllegalArgumentException("a renewal names 0 to " + maxPerHolder + " locks, not "
                    + (keep == null ? "null" : keep.size()));
        }
        expire();
        Holder h = holders.get(holder);
        if (h == null) {
            return List.of();
        }
        Set<Long> kept = new HashSet<>(keep);
        List<Long> held = new ArrayList<>();
        for (Iterator<Held> i = h.locks.values().iterator(); i.hasNext();) {
            Held lock = i.next();
            if (FileSystemFleet.groupOf(lock.inode) != group) {
                continue;
            }
            if (kept.contains(lock.id)) {
                held.add(lock.id);
            } else {
                i.remove();
                forget(lock);
            }
        }
        if (h.locks.isEmpty()) {
            holders.remove(holder);
        } else {
            h.expiresAt = clock.getAsLong() + leaseMillis;
        }
        return held;
    }

    /** Drops the locks on a file that no open holds any more (its last channel closed). */
    void fileClosed(long inode) {
        byFile.keySet().removeIf(k -> {
            if (k.inode != inode) {
                return false;
            }
            // a client releases its locks before it closes: locks left are of a client that went without
            LOG.warn("{} file lock(s) on inode {} freed: the file's last open closed", byFile.get(k).size(), inode);
            for (Held held : byFile.get(k)) {
                Holder h = holders.get(held.holder);
                h.locks.remove(held.id);
                count--;
                if (h.locks.isEmpty()) {
                    holders.remove(held.holder);
                }
            }
            return true;
        });
    }

    /** Frees the locks of every holder whose lease ran out. */
    void expire() {
        long now = clock.getAsLong();
        int freedHolders = 0;
        int freedLocks = 0;
        long firstInode = 0;
        long late = 0;
        for (Iterator<Holder> i = holders.values().iterator(); i.hasNext();) {
            Holder h = i.next();
            if (now - h.expiresAt >= 0) {
                i.remove();
                // one line for all the holders freed now; a holder's name renews and releases its locks, so it is not logged
                if (freedHolders++ == 0) {
                    firstInode = h.locks.isEmpty() ? 0 : h.locks.values().iterator().next().inode;
                    late = now - h.expiresAt;
                }
                freedLocks += h.locks.size();
                h.locks.values().forEach(this::forget);
            }
        }
        if (freedHolders > 0) {
            LOG.warn("{} file lock(s) of {} holder(s) freed, the first on inode {}: their holders' leases ran out ({} ms ago for"
                    + " that one); a client that stopped renewing died or was cut off", freedLocks, freedHolders, firstInode, late);
        }
    }

    /** The locks on a file, for tests and the state handed on. */
    List<Held> locksOn(long inode, int generation) {
        return List.copyOf(byFile.getOrDefault(new FileKey(inode, generation), List.of()));
    }

    private void forget(Held held) {
        FileKey key = new FileKey(held.inode, held.generation);
        List<Held> on = byFile.get(key);
        if (on != null && on.remove(held)) {
            count--;
            if (on.isEmpty()) {
                byFile.remove(key);
            }
        }
    }

    private static void checkHolder(String holder) {
        if (holder == null || holder.isEmpty() || holder.length() > FileSystemFleet.MAX_HOLDER_CHARS) {
            throw new IllegalArgumentException("a lock holder is 1 to " + FileSystemFleet.MAX_HOLDER_CHARS + " characters, not "
                    + (holder == null ? "null" : holder.length()));
        }
    }

    // ---------------------------------------------------------------- upgrade

    /**
     * The locks as plain data for a live upgrade: for each, its holder, id, inode, generation,
     * position, size, whether shared, and the milliseconds left of its holder's lease.
     */
    List<Map<String, Object>> export() {
        expire();
        long now = clock.getAsLong();
        List<Map<String, Object>> out = new ArrayList<>();
        holders.forEach((name, h) -> {
            for (Held held : h.locks.values()) {
                Map<String, Object> m = new HashMap<>();
                m.put("holder", name);
                m.put("id", held.id);
                m.put("inode", held.inode);
                m.put("generation", held.generation);
                m.put("position", held.position);
                m.put("size", held.size);
                m.put("shared", held.shared);
                m.put("leftMillis", Math.max(0, h.expiresAt - now));
                out.add(m);
            }
        });
        return out;
    }

    /**
     * Takes the locks an older version handed on (see {@link #export}), within this table's bounds.
     *
     * @return how many locks were taken
     */
    int importFrom(List<?> locks) {
        long now = clock.getAsLong();
        int taken = 0;
        for (Object o : locks) {
            if (!(o instanceof Map<?, ?> m) || count >= maxLocks) {
                continue;
            }
            String name = String.valueOf(m.get("holder"));
            Held held = new Held(name, ((Number) m.get("id")).longValue(), ((Number) m.get("inode")).longValue(),
                    ((Number) m.get("generation")).intValue(), ((Number) m.get("position")).longValue(),
                    ((Number) m.get("size")).longValue(), Boolean.TRUE.equals(m.get("shared")));
            Holder h = holders.computeIfAbsent(name, n -> new Holder());
            if (h.locks.size() >= maxPerHolder || h.locks.putIfAbsent(held.id, held) != null) {
                continue;
            }
            h.expiresAt = now + Math.min(leaseMillis, ((Number) m.get("leftMillis")).longValue());
            byFile.computeIfAbsent(new FileKey(held.inode, held.generation), k -> new ArrayList<>()).add(held);
            count++;
            taken++;
        }
        holders.values().removeIf(h -> h.locks.isEmpty());
        return taken;
    }
}
