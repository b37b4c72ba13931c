package org.fos.fs.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import org.fos.fs.api.LeaseHolder;
import org.fos.kernel.api.Capability;
import org.fos.rpc.api.CallOptions;
import org.fos.rpc.api.Libfos;

/**
 * A member's leases: it grants them with what a walk answers ({@link LeaseTable}) and, after a change
 * to what they cover, calls their holders back ({@link LeaseHolder#revoke}) and holds the change's
 * answer until every holder has answered or its lease has ended. Nothing here blocks a thread: the
 * wait is a stage, its time-outs the JDK's delayed completion.
 *
 * <p>After a live upgrade the predecessor's leases are unknown: until one of its lease lengths has
 * passed ({@link #quietFor}), every change waits that long before it answers.
 *
 * <p>Thread-safe.
 */
final class Leases {
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final String fleet;
    private final LeaseTable table;
    private final long leaseMillis;
    private final Libfos libfos;
    private final LongSupplier clock;
    private final AtomicLong unanswered = new AtomicLong();
    private volatile long quietUntilNanos;
    private volatile boolean quiet;

    /**
     * Creates a member's leases.
     *
     * @param fleet the fleet's name, told to holders
     * @param settings how long leases last and how many there may be
     * @param libfos libfos, to call holders back
     * @param clock the time in nanoseconds
     */
    Leases(String fleet, LeaseSettings settings, Libfos libfos, LongSupplier clock) {
        this.fleet = Objects.requireNonNull(fleet, "fleet");
        this.leaseMillis = settings.leaseMillis();
        this.table = new LeaseTable(TimeUnit.MILLISECONDS.toNanos(settings.leaseMillis()), settings.maxHolders(),
                settings.maxLeasesPerHolder(), clock);
        this.libfos = libfos;
        this.clock = clock;
    }

    /** How long a lease lasts, 0 when none is granted. */
    long leaseMillis() {
        return leaseMillis;
    }

    /**
     * Grants a holder leases on inodes.
     *
     * @param client the libfos client the call came from, 0 if unknown (then nothing is granted)
     * @param holder the holder's callback capability, null for none (then nothing is granted)
     * @param inodes the directories looked in and the inode whose attributes were answered
     * @return the lease's length in milliseconds, 0 if none was granted
     */
    long grant(long client, Capability holder, Collection<Long> inodes) {
        if (client == 0 || holder == null) {
            return 0;
        }
        return table.grant(client, holder, inodes) ? leaseMillis : 0;
    }

    /**
     * Makes every change wait, for a while, as if unknown holders held leases on what it touches: after
     * a live upgrade, for the predecessor's lease length.
     *
     * @param millis how long
     */
    void quietFor(long millis) {
        if (millis > 0) {
            quietUntilNanos = clock.getAsLong() + TimeUnit.MILLISECONDS.toNanos(millis);
            quiet = true;
        }
    }

    /**
     * Holds a change's answer until the leases on what it touched are revoked: the stage completes
     * as the change did, once every holder but the writer answered its call back, or its lease ended.
     *
     * @param <T> the change's value
     * @param change the change
     * @param touched the directories whose entries and inodes whose attributes it changed, filled by
     *        the time the change completes
     * @param writer the libfos client that asked for the change, 0 if unknown
     * @return the change's outcome, after the revocations
     */
    <T> CompletionStage<T> after(CompletionStage<T> change, Collection<Long> touched, long writer) {
        return change.handle((v, e) -> revoke(touched, writer).thenApply(done -> {
            if (e != null) {
                throw e instanceof CompletionException c ? c : new CompletionException(e);
            }
            return v;
        })).thenCompose(s -> s);
    }

    /**
     * Revokes the leases others hold on inodes.
     *
     * @param inodes the inodes a change touched
     * @param writer the libfos client that made the change, 0 if unknown
     * @return completes when every holder has answered or its lease has ended
     */
    CompletionStage<Void> revoke(Collection<Long> inodes, long writer) {
        if (inodes.isEmpty()) {
            return DONE;
        }
        long now = clock.getAsLong();
        List<LeaseTable.Revocation> todo = table.revoke(inodes, writer);
        long quietLeft = quiet ? quietUntilNanos - now : 0;
        if (todo.isEmpty() && quietLeft <= 0) {
            quiet = false;
            return DONE;
        }
        List<CompletableFuture<Void>> waits = new ArrayList<>(todo.size() + 1);
        if (quietLeft > 0) {
            waits.add(new CompletableFuture<Void>().completeOnTimeout(null, quietLeft, TimeUnit.NANOSECONDS));
        }
        for (LeaseTable.Revocation r : todo) {
            long left = Math.max(1, r.deadlineNanos() - now);
            CompletableFuture<Void> answered = new CompletableFuture<Void>().completeOnTimeout(null, left, TimeUnit.NANOSECONDS);
            try {
                LeaseHolder h = libfos.proxy(LeaseHolder.class, r.holder(), CallOptions.DEFAULT.withTimeout(Duration.ofNanos(left)));
                h.revoke(fleet, r.inodes()).whenComplete((v, e) -> {
                    if (e == null) {
                        answered.complete(null);
                    } else {
                        unanswered.incrementAndGet();
                    }
                });
            } catch (RuntimeException e) {
                unanswered.incrementAndGet(); // the lease's end is waited for instead
            }
            waits.add(answered);
        }
        return CompletableFuture.allOf(waits.toArray(new CompletableFuture<?>[0]));
    }

    /**
     * Counts what the leases did: grants, refusals, holders called back, call-backs that failed (whose
     * lease's end was waited for instead), holders now.
     *
     * @return the counts in that order
     */
    long[] counts() {
        long[] t = table.counts();
        return new long[] {t[0], t[1], t[2], unanswered.get(), table.holders()};
    }
}
