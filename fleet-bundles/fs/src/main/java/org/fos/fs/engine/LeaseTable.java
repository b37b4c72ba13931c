package org.fos.fs.engine;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.LongSupplier;

import org.fos.kernel.api.Capability;

/**
 * The leases a member has granted: which holder (a client's callback capability) may answer lookups in
 * which directory and the attributes of which inode from its cache, and until when. Bounded: at most
 * {@code maxHolders} holders and {@code maxLeasesPerHolder} leases each; a grant past either limit is
 * refused whole (the caller then caches nothing), never made by forgetting a lease still running,
 * which would let a holder answer from a cache nobody revokes. Expired leases are swept when a limit
 * is reached and when they are revoked.
 *
 * <p>Thread-safe (one lock): grants happen on the member thread, revocations end on whichever thread
 * answers them.
 */
final class LeaseTable {

    /** A holder's leases that a change ends: whom to call back, about what, and the latest end among them. */
    record Revocation(Capability holder, List<Long> inodes, long deadlineNanos) {
    }

    /** One holder: the libfos client it calls from, and the end of each of its leases by inode. */
    private static final class Holder {
        final long client;
        final Map<Long, Long> leases = new HashMap<>();

        Holder(long client) {
            this.client = client;
        }
    }

    private final long leaseNanos;
    private final int maxHolders;
    private final int maxLeasesPerHolder;
    private final LongSupplier clock;
    private final Map<Capability, Holder> holders = new LinkedHashMap<>(); // guarded by this
    private final Map<Long, Set<Capability>> byInode = new HashMap<>(); // guarded by this
    private long granted;
    private long refused;
    private long revoked;

    /**
     * Creates a table.
     *
     * @param leaseNanos how long a lease lasts, 0 to grant none
     * @param maxHolders the most holders
     * @param maxLeasesPerHolder the most leases of one holder
     * @param clock the time in nanoseconds ({@link System#nanoTime} outside tests)
     */
    LeaseTable(long leaseNanos, int maxHolders, int maxLeasesPerHolder, LongSupplier clock) {
        this.leaseNanos = leaseNanos;
        this.maxHolders = maxHolders;
        this.maxLeasesPerHolder = maxLeasesPerHolder;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** How long a lease lasts, in nanoseconds. */
    long leaseNanos() {
        return leaseNanos;
    }

    /**
     * Grants a holder leases on inodes (renewing those it holds), all or none.
     *
     * @param client the libfos client the holder calls from (its request ids' client)
     * @param holder the holder's callback capability
     * @param inodes the inodes
     * @return true if granted; false if leases are off or a limit would be passed
     */
    synchronized boolean grant(long client, Capability holder, Collection<Long> inodes) {
        if (leaseNanos == 0 || inodes.isEmpty()) {
            return false;
        }
        long now = clock.getAsLong();
        Holder h = holders.get(holder);
        if (h == null) {
            if (holders.size() >= maxHolders) {
                sweep(now);
            }
            if (holders.size() >= maxHolders) {
                refused++;
                return false;
            }
            h = new Holder(client);
        }
        int added = 0;
        for (Long i : inodes) {
            if (!h.leases.containsKey(i)) {
                added++;
            }
        }
        if (h.leases.size() + added > maxLeasesPerHolder) {
            sweepLeases(holder, h, now);
            if (h.leases.size() + added > maxLeasesPerHolder) {
                refused++;
                if (h.leases.isEmpty()) {
                    holders.remove(holder);
                }
                return false;
            }
        }
        holders.put(holder, h);
        long end = now + leaseNanos;
        for (Long i : inodes) {
            h.leases.put(i, end);
            byInode.computeIfAbsent(i, x -> new HashSet<>()).add(holder);
        }
        granted++;
        return true;
    }

    /**
     * Takes the leases on inodes that a change ends, from every holder but the writer's: the writer's
     * client is spared when it has exactly one holder (its cache drops what it changed itself); when
     * several holders share its client (several caches over one libfos), each is called back.
     * Expired leases are dropped, not returned.
     *
     * @param inodes the inodes the change touches
     * @param writer the libfos client that made the change, 0 when unknown
     * @return the holders to call back, each with its inodes and the latest end of those leases
     */
    synchronized List<Revocation> revoke(Collection<Long> inodes, long writer) {
        if (holders.isEmpty()) {
            return List.of();
        }
        long now = clock.getAsLong();
        Capability spared = writer == 0 ? null : onlyHolderOf(writer);
        Map<Capability, List<Long>> which = new LinkedHashMap<>();
        Map<Capability, Long> until = new HashMap<>();
        for (Long i : new HashSet<>(inodes)) {
            Set<Capability> on = byInode.get(i);
            if (on == null) {
                continue;
            }
            for (Iterator<Capability> it = on.iterator(); it.hasNext();) {
                Capability c = it.next();
                if (c.equals(spared)) {
                    continue;
                }
                it.remove();
                Holder h = holders.get(c);
                Long end = h == null ? null : h.leases.remove(i);
                if (h != null && h.leases.isEmpty()) {
                    holders.remove(c);
                }
                if (end != null && end - now > 0) {
                    which.computeIfAbsent(c, x -> new ArrayList<>()).add(i);
                    until.merge(c, end, Math::max);
                }
            }
            if (on.isEmpty()) {
                byInode.remove(i);
            }
        }
        List<Revocation> out = new ArrayList<>(which.size());
        which.forEach((c, list) -> out.add(new Revocation(c, List.copyOf(list), until.get(c))));
        revoked += out.size();
        return out;
    }

    private Capability onlyHolderOf(long client) {
        Capability found = null;
        for (Map.Entry<Capability, Holder> e : holders.entrySet()) {
            if (e.getValue().client == client) {
                if (found != null) {
                    return null;
                }
                found = e.getKey();
            }
        }
        return found;
    }

    /** Drops every expired lease. */
    private void sweep(long now) {
        for (Iterator<Map.Entry<Capability, Holder>> it = holders.entrySet().iterator(); it.hasNext();) {
            Map.Entry<Capability, Holder> e = it.next();
            sweepLeases(e.getKey(), e.getValue(), now);
            if (e.getValue().leases.isEmpty()) {
                it.remove();
            }
        }
    }

    private void sweepLeases(Capability c, Holder h, long now) {
        for (Iterator<Map.Entry<Long, Long>> it = h.leases.entrySet().iterator(); it.hasNext();) {
            Map.Entry<Long, Long> l = it.next();
            if (l.getValue() - now <= 0) {
                it.remove();
                Set<Capability> on = byInode.get(l.getKey());
                if (on != null && on.remove(c) && on.isEmpty()) {
                    byInode.remove(l.getKey());
                }
            }
        }
    }

    /**
     * Counts the holders with a lease that has not ended.
     *
     * @return the holders
     */
    synchronized int holders() {
        sweep(clock.getAsLong());
        return holders.size();
    }

    /**
     * Counts what the table did: grants, refusals, holders called back.
     *
     * @return granted, refused and revoked, in that order
     */
    synchronized long[] counts() {
        return new long[] {granted, refused, revoked};
    }
}
