package org.fos.fleet.impl;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

import org.fos.fleet.api.FleetInfo;
import org.fos.fleet.api.UpgradeReport;
import org.fos.fleet.impl.LifeCycle.State;
import org.osgi.framework.Bundle;
import org.osgi.framework.Version;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The upgrade procedure of one fleet, between the version that went and the one that serves next:
 * the bundle was updated ({@link State#UPGRADING}, with a watchdog), the new version did not come
 * or failed (the last good content is put back, {@link State#ROLLING_BACK}), or that failed too
 * (given up, {@link State#PAUSED}); and the reports of each outcome, to {@code fos:upgrades} and to
 * those waiting for the next one.
 *
 * <p>It shares the controller's lock and its {@link LifeCycle}: every method here runs under that
 * lock, and none calls the implementation's code (bundle updates run on the runtime's upgrade thread).
 */
final class UpgradeProcedure {
    private static final Logger LOG = LoggerFactory.getLogger(UpgradeProcedure.class);

    private final FleetController fleet;
    private final LifeCycle life;
    private final FleetHost host;
    private final String name;
    private long pauseStartNanos;
    /** Set when the last implementation's bundle was updated: the next binding is an upgrade. */
    private boolean updated;
    private String rollbackReason;
    /** The version that failed, and the one being put back. */
    private String rollbackFrom;
    private String rollbackTo;
    private ScheduledFuture<?> watchdog;
    private final List<CompletableFuture<UpgradeReport>> waiting = new ArrayList<>();

    UpgradeProcedure(FleetController fleet, LifeCycle life, FleetHost host) {
        this.fleet = fleet;
        this.life = life;
        this.host = host;
        this.name = fleet.name();
    }

    /** The members paused for a version that goes: the pause of the upgrade starts. */
    void paused() {
        pauseStartNanos = System.nanoTime();
    }

    /** The last implementation's bundle was updated: a new version should register soon. */
    void bundleUpdated(Bundle bundle) {
        Implementation.LastGood last = fleet.lastGood();
        if (fleet.isBoundNow() || last == null || !last.bundle().equals(bundle) || !life.in(State.PAUSED, State.UPGRADING)) {
            return;
        }
        updated = true;
        if (!life.in(State.UPGRADING)) {
            life.to(State.UPGRADING);
        }
        cancelWatchdog();
        long timeout = host.upgradeTimeoutMillis();
        fleet.detail("bundle " + bundle.getSymbolicName() + " (id " + bundle.getBundleId() + ") was updated from version " + last.version()
                + ": calls queue while it waits up to " + timeout + " ms for the new version to serve, then version "
                + last.version() + " is put back; fos:upgrades reports the outcome");
        watchdog = host.schedule(() -> timedOut(bundle), timeout);
    }

    private void timedOut(Bundle bundle) {
        synchronized (fleet) {
            if (!fleet.isBoundNow() && life.in(State.UPGRADING)) {
                failed(bundle, "no implementation of " + name + " registered within " + host.upgradeTimeoutMillis()
                        + " ms of the update (state " + bundleState(bundle) + ")");
            }
        }
    }

    /** The last implementation's bundle failed to start after an update. */
    void bundleFailed(Bundle bundle, Throwable error) {
        Implementation.LastGood last = fleet.lastGood();
        if (!fleet.isBoundNow() && life.in(State.UPGRADING) && last != null && last.bundle().equals(bundle)) {
            failed(bundle, "version " + bundle.getVersion() + " failed to start: " + error);
        }
    }

    /** A new version failed: roll its bundle back to the last good content if that is what it replaced. */
    void failed(Bundle bundle, String reason) {
        LOG.error("fleet {}: {}", name, reason);
        cancelWatchdog();
        Implementation.LastGood last = fleet.lastGood();
        if (last == null || !last.bundle().equals(bundle) || life.in(State.ROLLING_BACK)) {
            if (life.in(State.ROLLING_BACK)) {
                giveUp("the rollback to " + (last == null ? "?" : last.version()) + " failed too: " + reason);
            }
            return;
        }
        if (last.archive() == null) {
            giveUp(reason + "; no copy of version " + last.version() + " was kept, so it cannot be rolled back");
            return;
        }
        life.to(State.ROLLING_BACK);
        fleet.detail(reason + "; version " + last.version() + " is being put back with its state, calls queue meanwhile");
        rollbackReason = reason;
        rollbackFrom = bundle.getVersion().toString();
        rollbackTo = last.version();
        host.rollBackLater(bundle, last.archive(), reason, error -> {
            synchronized (fleet) {
                if (!fleet.isBoundNow() && life.in(State.ROLLING_BACK)) {
                    giveUp("rolling back to " + rollbackTo + " failed: " + error);
                }
            }
        });
        watchdog = host.schedule(this::rollbackTimedOut, host.upgradeTimeoutMillis());
    }

    private void rollbackTimedOut() {
        synchronized (fleet) {
            if (!fleet.isBoundNow() && life.in(State.ROLLING_BACK)) {
                giveUp("version " + rollbackTo + " did not come back within " + host.upgradeTimeoutMillis() + " ms of the rollback");
            }
        }
    }

    /** Neither the new version nor the last good one serves: the fleet stays paused, calls queue. */
    private void giveUp(String reason) {
        int depth = fleet.depth();
        LOG.error("fleet {}: {}; the fleet stays paused with {} requests queued", name, reason, depth);
        if (!life.in(State.PAUSED)) {
            life.to(State.PAUSED);
        }
        Implementation.LastGood last = fleet.lastGood();
        String id = last == null ? "" : " " + last.bundle().getBundleId();
        fleet.detail(reason + ". Calls queue: 'fos:upgrade " + name + " <jar of a working version>' puts one in,"
                + " 'uninstall" + id + "' removes the fleet");
        report(new UpgradeReport(name, last == null ? null : last.version(), rollbackFrom, UpgradeReport.Outcome.FAILED,
                System.nanoTime() - pauseStartNanos, depth, reason, System.currentTimeMillis()));
        updated = false;
    }

    /**
     * A version serves: reports it if it ends an upgrade, a rollback or a removal.
     *
     * @param from the state the binding came from
     * @return whether it ended an upgrade (the new version serves)
     */
    boolean served(Bundle bundle, String version, State from, int depth) {
        Implementation.LastGood last = fleet.lastGood();
        boolean upgraded = false;
        cancelWatchdog();
        if (last != null && from == State.REMOVED) {
            boolean older = Version.parseVersion(version).compareTo(Version.parseVersion(last.version())) < 0;
            report(new UpgradeReport(name, last.version(), version, UpgradeReport.Outcome.UPGRADED, 0L, 0, "version " + version
                    + " was installed after " + last.version() + " was removed and serves the state it kept"
                    + (older ? " (an older version: it read the newer one's state)" : ""), System.currentTimeMillis()));
        } else if (last != null && (updated || from == State.ROLLING_BACK)) {
            long pause = System.nanoTime() - pauseStartNanos;
            UpgradeReport.Outcome outcome = from == State.ROLLING_BACK ? UpgradeReport.Outcome.ROLLED_BACK : UpgradeReport.Outcome.UPGRADED;
            String why = outcome == UpgradeReport.Outcome.ROLLED_BACK ? rollbackReason
                    : "version " + version + " serves with the state of " + last.version();
            report(new UpgradeReport(name, last.version(), outcome == UpgradeReport.Outcome.ROLLED_BACK ? rollbackFrom : version,
                    outcome, pause, depth, why, System.currentTimeMillis()));
            upgraded = outcome == UpgradeReport.Outcome.UPGRADED;
        }
        updated = false;
        rollbackReason = null;
        return upgraded;
    }

    /** The fleet was removed while an upgrade or its rollback was under way: that ends it. */
    void removed(String version, String why, FleetInfo.Status was, int refused) {
        cancelWatchdog();
        if (was == FleetInfo.Status.UPGRADING || was == FleetInfo.Status.ROLLING_BACK) {
            report(new UpgradeReport(name, version, rollbackFrom, UpgradeReport.Outcome.FAILED, System.nanoTime() - pauseStartNanos, refused,
                    why + " while the fleet was " + was, System.currentTimeMillis()));
        }
        updated = false;
    }

    /** Records an upgrade's outcome and hands it to those waiting for it (runtime futures, no callbacks). */
    void report(UpgradeReport r) {
        host.recordUpgrade(r);
        LOG.info("fleet {}: {} {} -> {} after a pause of {} ms ({})", name, r.outcome(), r.from(), r.to(),
                r.pause().toNanos() / 1_000_000.0, r.detail());
        List<CompletableFuture<UpgradeReport>> w = new ArrayList<>(waiting);
        waiting.clear();
        w.forEach(f -> f.complete(r));
    }

    /** A future that completes with the report of the next upgrade that ends. */
    CompletableFuture<UpgradeReport> nextReport() {
        CompletableFuture<UpgradeReport> f = new CompletableFuture<>();
        waiting.add(f);
        return f;
    }

    /** The fleet stops: no watchdog any more, and the waiters to be failed (outside the lock). */
    List<CompletableFuture<UpgradeReport>> stop() {
        cancelWatchdog();
        List<CompletableFuture<UpgradeReport>> w = List.copyOf(waiting);
        waiting.clear();
        return w;
    }

    void cancelWatchdog() {
        if (watchdog != null) {
            watchdog.cancel(false);
            watchdog = null;
        }
    }

    private static String bundleState(Bundle b) {
        return switch (b.getState()) {
            case Bundle.ACTIVE -> "ACTIVE";
            case Bundle.RESOLVED -> "RESOLVED";
            case Bundle.INSTALLED -> "INSTALLED";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            default -> "UNINSTALLED";
        };
    }
}
