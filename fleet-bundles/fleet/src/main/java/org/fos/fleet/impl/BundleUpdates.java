package org.fos.fleet.impl;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import org.fos.fleet.api.UpgradeReport;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runtime's upgrade thread and what runs on it: the bundle updates {@code fos:upgrade} and
 * rollbacks ask for (through the bundle's file in {@code deploy/} when File Install installed it
 * from there, ADR 0036), the jar that serves written back there, and the controllers' watchdogs.
 * Thread-safe.
 */
final class BundleUpdates {
    private static final Logger LOG = LoggerFactory.getLogger(BundleUpdates.class);

    private final ScheduledThreadPoolExecutor executor;
    private final List<Path> deployFolders;

    BundleUpdates(List<Path> deployFolders) {
        this.deployFolders = deployFolders;
        this.executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "fos-fleet-upgrades");
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
    }

    /** Runs a task on the upgrade thread. */
    void execute(Runnable task) {
        executor.execute(task);
    }

    /** Runs a task on the upgrade thread after a delay. */
    ScheduledFuture<?> schedule(Runnable task, long delayMillis) {
        return executor.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
    }

    boolean isShutdown() {
        return executor.isShutdown();
    }

    /** Stops the upgrade thread, waiting up to 10 s for the task it runs. */
    void shutdown() throws InterruptedException {
        executor.shutdownNow();
        executor.awaitTermination(10, TimeUnit.SECONDS);
    }

    /**
     * Updates a bundle from bytes on the upgrade thread; reports a failure to {@code onError}. A bundle
     * File Install installed from {@code deploy/} is updated through its file instead (ADR 0036): the
     * jar is written there and File Install applies it, so that the folder always holds what runs.
     */
    private void updateLater(Bundle bundle, byte[] content, Consumer<Exception> onError) {
        Path deployed = deployed(bundle);
        executor.execute(() -> {
            try {
                if (deployed != null) {
                    DeployFiles.replace(deployed, content);
                } else {
                    bundle.update(new ByteArrayInputStream(content));
                }
            } catch (BundleException | IOException | RuntimeException e) {
                onError.accept(e);
            }
        });
    }

    /**
     * Puts the last good version back after a refused one: a bundle from {@code deploy/} gets its
     * refused jar copied aside (into {@code deploy.refused/}, the reason beside it) and the good jar
     * written in its place; any other bundle is updated directly.
     */
    void rollBackLater(Bundle bundle, byte[] good, String reason, Consumer<Exception> onError) {
        Path deployed = deployed(bundle);
        if (deployed != null) {
            executor.execute(() -> {
                try {
                    Path aside = DeployFiles.setAside(deployed, reason);
                    LOG.warn("{} was refused ({}); it is kept as {} and the jar that serves again is written in its place", deployed,
                            reason, aside);
                    DeployFiles.replace(deployed, good);
                } catch (IOException | RuntimeException e) {
                    onError.accept(e);
                }
            });
        } else {
            updateLater(bundle, good, onError);
        }
    }

    /**
     * After an upgrade that did not go through {@code deploy/} (a shell {@code update}), writes the jar
     * that serves into the bundle's file there, if it came from there and holds another version.
     */
    void deployedServes(Bundle bundle, byte[] archive) {
        Path deployed = deployed(bundle);
        if (deployed == null || archive == null) {
            return;
        }
        executor.execute(() -> {
            try {
                String there = DeployFiles.version(deployed);
                if (!bundle.getVersion().toString().equals(there)) {
                    LOG.info("{} held version {} while {} serves: writing the jar that serves there (File Install applies it once more)",
                            deployed, there, bundle.getVersion());
                    DeployFiles.replace(deployed, archive);
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("cannot write the jar that serves into {}: {}", deployed, e.toString());
            }
        });
    }

    /** The file in a deploy folder a bundle was installed from by File Install, or null. */
    Path deployed(Bundle bundle) {
        return DeployFiles.fileOf(bundle.getLocation(), deployFolders);
    }

    /**
     * Upgrades a fleet with a new jar: checks it, applies it on the upgrade thread (through
     * {@code deploy/} if the bundle came from there), and waits for the controller's report.
     *
     * @param installed the bundles installed now, for the check
     * @param upgradeTimeoutMillis how long the runtime waits for a new version, ms
     */
    UpgradeReport upgrade(FleetController c, byte[] content, Duration timeout, Bundle[] installed, long upgradeTimeoutMillis,
            Consumer<UpgradeReport> record) {
        String name = c.name();
        Bundle bundle = c.boundBundle();
        if (bundle == null) {
            throw new IllegalArgumentException("fleet " + name + " lost its implementation while the upgrade was prepared");
        }
        Class<?> protocol = c.protocol();
        UpgradeCheck.check(content, name, bundle, protocol == null ? "" : protocol.getName(), installed);
        CompletableFuture<UpgradeReport> report = c.nextReport();
        String from = bundle.getVersion().toString();
        updateLater(bundle, content, e -> {
            UpgradeReport refused = new UpgradeReport(name, from, null, UpgradeReport.Outcome.ROLLED_BACK, 0L, 0,
                    "the framework refused the new jar, version " + from + " serves on: " + e.getMessage(), System.currentTimeMillis());
            record.accept(refused);
            report.complete(refused);
        });
        try {
            return report.get(timeout.toMillis() + 2 * upgradeTimeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the upgrade of " + name, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the upgrade of " + name + " did not finish: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the upgrade of " + name + " has not finished after " + timeout
                    + "; fos:fleets shows where it is", e);
        }
    }
}
