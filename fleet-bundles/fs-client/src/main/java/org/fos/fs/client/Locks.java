package org.fos.fs.client;

import java.io.IOException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileLock;
import java.nio.channels.FileLockInterruptionException;
import java.nio.channels.OverlappingFileLockException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.fos.fs.api.FileSystemFleet;
import org.fos.fs.api.Locked;

/**
 * The file locks of one client's file system, held across clients by the members that own the
 * files (ADR 0044). Within this client they behave as the JDK's locks within a JVM: a lock that
 * overlaps one this client holds or is waiting for on the same file is refused with
 * {@link OverlappingFileLockException}. Between clients (another client's file system, a plain JVM,
 * a node) they behave as {@code FileChannel.lock} between programs: an overlapping lock where one of
 * the two is exclusive makes {@code tryLock} answer null and {@code lock} wait, polling the member
 * with a growing pause ({@value #MIN_PAUSE_MILLIS} to {@value #MAX_PAUSE_MILLIS} ms) until it is
 * granted, the channel closes or the thread is interrupted.
 *
 * <p>This client is one holder, named by a random id. A daemon thread renews its locks every third
 * of the fleet's lease; a lock the member freed because a renewal came too late (the client was cut
 * off longer than the lease) or forgot (its node restarted) is lost: {@link FileLock#isValid()}
 * answers false once a renewal says so, or once no renewal was answered for a whole lease. A lock is released by
 * {@link FileLock#release()} (waiting for the member) or when its channel closes (without waiting).
 * Thread-safe.
 */
final class Locks {
    /** The first pause of a waiting {@code lock} between two attempts. */
    static final long MIN_PAUSE_MILLIS = 5;
    /** The longest pause of a waiting {@code lock} between two attempts. */
    static final long MAX_PAUSE_MILLIS = 200;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final FosFileSystem fs;
    private final String holder;
    private final Map<Long, List<Held>> byInode = new HashMap<>(); // guarded by this
    private long nextId = 1; // guarded by this
    private long leaseMillis; // guarded by this; 0 before the first grant
    private ScheduledExecutorService renewer; // guarded by this
    private ScheduledFuture<?> renewals; // guarded by this

    /** A lock this client holds or is taking. */
    private final class Held extends FileLock {
        private final FosFileChannel owner;
        private final long id;
        private boolean granted; // guarded by Locks.this
        private boolean valid = true; // guarded by Locks.this
        /** When the last call that the member answered holding this lock was sent (System.nanoTime). */
        private long confirmedNanos; // guarded by Locks.this

        Held(FosFileChannel channel, long id, long position, long size, boolean shared) {
            super(channel, position, size, shared);
            this.owner = channel;
            this.id = id;
        }

        @Override
        public boolean isValid() {
            synchronized (Locks.this) {
                return valid && channel().isOpen();
            }
        }

        @Override
        public void release() throws IOException {
            if (!channel().isOpen()) {
                throw new ClosedChannelException();
            }
            if (forget(this)) {
                fs.await(() -> fs.server().unlock(owner.group(), holder, id), owner.path());
            }
        }
    }

    Locks(FosFileSystem fs) {
        this.fs = fs;
        byte[] id = new byte[16];
        RANDOM.nextBytes(id);
        this.holder = "h" + HexFormat.of().formatHex(id);
    }

    /**
     * Takes a lock: granted, or (if {@code wait} is false) null when another holder's lock is in the
     * way; waits for it otherwise.
     */
    FileLock lock(FosFileChannel channel, long position, long size, boolean shared, boolean wait) throws IOException {
        if (position < 0 || size < 0 || position + size < 0) {
            throw new IllegalArgumentException("a lock's position and size must not be negative (nor their sum past "
                    + Long.MAX_VALUE + "), were " + position + " and " + size);
        }
        Held h = add(channel, position, size, shared);
        boolean done = false;
        boolean refused = false;
        try {
            long pause = MIN_PAUSE_MILLIS;
            while (true) {
                long sent = System.nanoTime();
                Locked answer = fs.await(() -> fs.server().lock(channel.group(), channel.inode(), channel.generation(), holder, h.id,
                        position, size, shared), channel.path());
                if (answer.granted()) {
                    if (!granted(h, answer.leaseMillis(), sent)) { // its channel closed meanwhile
                        unlockQuietly(channel, h.id);
                        throw new AsynchronousCloseException();
                    }
                    done = true;
                    return h;
                }
                if (!wait) {
                    refused = true;
                    return null;
                }
                pause = pause(channel, pause);
            }
        } finally {
            if (!done && forget(h) && !refused) {
                unlockQuietly(channel, h.id); // the member may have granted it before the call failed
            }
        }
    }

    /** Waits before the next attempt; fails if the channel closed or the thread was interrupted meanwhile. */
    private static long pause(FosFileChannel channel, long pause) throws IOException {
        if (!channel.isOpen()) {
            throw new AsynchronousCloseException();
        }
        try {
            TimeUnit.MILLISECONDS.sleep(pause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            channel.close();
            throw new FileLockInterruptionException();
        }
        if (!channel.isOpen()) {
            throw new AsynchronousCloseException();
        }
        return Math.min(MAX_PAUSE_MILLIS, pause * 2);
    }

    private synchronized Held add(FosFileChannel channel, long position, long size, boolean shared) {
        List<Held> all = byInode.computeIfAbsent(channel.inode(), i -> new ArrayList<>());
        for (Held h : all) {
            if (h.overlaps(position, size)) {
                throw new OverlappingFileLockException();
            }
        }
        Held h = new Held(channel, nextId++, position, size, shared);
        all.add(h);
        return h;
    }

    /** Marks a lock granted and renews this client's locks from now on; false if it was forgotten meanwhile. */
    private synchronized boolean granted(Held h, long lease, long sentNanos) {
        if (!h.valid) {
            return false;
        }
        h.granted = true;
        h.confirmedNanos = sentNanos;
        if (renewals == null || lease < leaseMillis) {
            leaseMillis = lease;
            if (renewals != null) {
                renewals.cancel(false);
            }
            if (renewer == null) {
                renewer = Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "fos-lock-renewer " + fs.fleet());
                    t.setDaemon(true);
                    return t;
                });
            }
            long period = Math.max(1, lease / 3);
            renewals = renewer.scheduleAtFixedRate(this::renew, period, period, TimeUnit.MILLISECONDS);
        }
        return true;
    }

    /** Takes a lock off this client's table; answers whether it was there. */
    private synchronized boolean forget(Held h) {
        if (!h.valid) {
            return false;
        }
        h.valid = false;
        List<Held> all = byInode.get(h.owner.inode());
        if (all != null) {
            all.remove(h);
            if (all.isEmpty()) {
                byInode.remove(h.owner.inode());
            }
        }
        return true;
    }

    /** Releases a channel's locks as it closes, without waiting for the members. */
    void releaseAll(FosFileChannel channel) {
        List<Held> mine = new ArrayList<>();
        synchronized (this) {
            for (Held h : new ArrayList<>(byInode.getOrDefault(channel.inode(), List.of()))) {
                if (h.owner == channel && forget(h)) {
                    mine.add(h);
                }
            }
        }
        for (Held h : mine) {
            unlockQuietly(channel, h.id);
        }
    }

    /**
     * Sends a release and does not wait; one that fails is sent once more, and one lost after that
     * is released by the next renewal, which names only the locks this client holds.
     */
    private void unlockQuietly(FosFileChannel channel, long id) {
        try {
            fs.server().unlock(channel.group(), holder, id).whenComplete((v, e) -> {
                if (e != null) {
                    try {
                        fs.server().unlock(channel.group(), holder, id);
                    } catch (IOException | RuntimeException lost) {
                        // the next renewal releases it
                    }
                }
            });
        } catch (IOException | RuntimeException lost) {
            // the next renewal releases it
        }
    }

    /**
     * Renews this client's locks at every member that holds some, and marks the ones a member lost,
     * and the ones no member confirmed for a whole lease: a client cut off from its node (or whose
     * node restarted and forgot them) stops believing it holds them once the member may have freed them.
     */
    private void renew() {
        Map<Integer, List<Long>> keep = new HashMap<>();
        Map<Integer, Set<Held>> granted = new HashMap<>();
        long sent = System.nanoTime();
        synchronized (this) {
            if (renewals == null) {
                return;
            }
            for (List<Held> all : List.copyOf(byInode.values())) {
                for (Held h : List.copyOf(all)) {
                    if (h.granted && sent - h.confirmedNanos > TimeUnit.MILLISECONDS.toNanos(leaseMillis)) {
                        forget(h);
                    }
                }
            }
            if (byInode.isEmpty()) {
                stopRenewing(); // no thread is left behind while this client holds no lock
                return;
            }
            for (List<Held> all : byInode.values()) {
                for (Held h : all) {
                    int group = h.owner.group();
                    keep.computeIfAbsent(group, g -> new ArrayList<>()).add(h.id);
                    if (h.granted) {
                        granted.computeIfAbsent(group, g -> new HashSet<>()).add(h);
                    }
                }
            }
        }
        keep.forEach((group, ids) -> {
            try {
                fs.server().renewLocks(group, holder, ids).whenComplete((held, e) -> {
                    if (e == null) {
                        confirmed(granted.getOrDefault(group, Set.of()), held, sent);
                    }
                });
            } catch (IOException | RuntimeException e) {
                // the next renewal tries again, within the lease
            }
        });
    }

    /** Marks the locks a member no longer holds for this client as lost, and the ones it holds as confirmed when the renewal was sent. */
    private synchronized void confirmed(Set<Held> granted, List<Long> held, long sentNanos) {
        Set<Long> still = new HashSet<>(held);
        for (Held h : granted) {
            if (!still.contains(h.id)) {
                forget(h);
            } else if (h.valid) {
                h.confirmedNanos = Math.max(h.confirmedNanos, sentNanos);
            }
        }
    }

    /** Stops renewing (the file system closed): this client's locks end with their lease. */
    synchronized void close() {
        stopRenewing();
    }

    private void stopRenewing() {
        if (renewer != null) {
            renewer.shutdown();
            renewer = null;
            renewals = null;
        }
    }
}
