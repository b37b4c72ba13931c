package org.fos.console.impl;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.fos.fleet.api.FleetInfo;
import org.fos.fleet.api.FleetRuntime;
import org.fos.fleet.api.RollingUpgrade;
import org.fos.fleet.api.UpgradeReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A rolling upgrade started from the console: it runs {@link FleetRuntime#rollingUpgrade} on a
 * thread of its own (as {@code fos:upgrade} does from the shell) and tells how far it has got on
 * each node by asking the nodes, while it runs, for the fleet's version and status and for the
 * upgrade reports they have added since it started. Thread-safe.
 */
final class UpgradeJob {
    private static final Logger LOG = LoggerFactory.getLogger(UpgradeJob.class);

    /**
     * How far the upgrade has got on one node.
     *
     * @param node the node
     * @param before the version it served when the upgrade started
     * @param version the version it serves now
     * @param status the fleet's status there now
     * @param step what the upgrade has done there: waiting, upgrading, upgraded, rolled back, failed
     * @param pauseMillis how long dispatch paused there, or -1 if it has not been upgraded yet
     */
    record NodeProgress(String node, String before, String version, String status, String step, double pauseMillis) {
    }

    final String fleet;
    final String bundle;
    final String version;
    final long startedMillis = System.currentTimeMillis();
    /** The nodes that run the fleet, with the version each served and how many reports it had, at the start. */
    private final Map<String, String> before = new LinkedHashMap<>();
    private final Map<String, Integer> reportsBefore = new LinkedHashMap<>();
    /**
     * How the upgrade ended, null while it runs: one field, so that a reader sees the result and the error of the same
     * moment (a page that read them one after the other saw the job end between its reads: neither running nor done).
     */
    private volatile Ended ended;

    /** How an upgrade ended: with a result, or with the error it failed on. */
    private record Ended(RollingUpgrade result, String error) {
    }

    UpgradeJob(String fleet, String bundle, String version, List<ConsoleModel.NodeReport> cluster) {
        this.fleet = fleet;
        this.bundle = bundle;
        this.version = version;
        for (ConsoleModel.NodeReport r : cluster) {
            for (FleetInfo f : r.fleets()) {
                if (f.name().equals(fleet)) {
                    before.put(r.node(), f.version());
                    reportsBefore.put(r.node(), count(r.upgrades()));
                }
            }
        }
    }

    private int count(List<UpgradeReport> reports) {
        int n = 0;
        for (UpgradeReport u : reports) {
            if (u.fleet().equals(fleet)) {
                n++;
            }
        }
        return n;
    }

    /** Runs the upgrade on the calling thread. */
    void run(FleetRuntime runtime, byte[] jar, Duration timeout) {
        try {
            RollingUpgrade r = runtime.rollingUpgrade(fleet, jar, timeout);
            ended = new Ended(r, null);
            LOG.info("console: rolling upgrade of {} to {} {}: {}", fleet, bundle, version, r.outcome());
        } catch (RuntimeException e) {
            String error = e.getMessage() == null ? e.toString() : e.getMessage();
            ended = new Ended(null, error);
            LOG.warn("console: rolling upgrade of {} to {} {} failed: {}", fleet, bundle, version, error);
        }
    }

    boolean running() {
        return ended == null;
    }

    RollingUpgrade result() {
        Ended e = ended;
        return e == null ? null : e.result();
    }

    String error() {
        Ended e = ended;
        return e == null ? null : e.error();
    }

    /**
     * Tells how far the upgrade has got.
     *
     * @param cluster what the nodes answer now
     * @return the fleet, the new version, the state and outcome, and one {@link NodeProgress} a node
     */
    Map<String, Object> progress(List<ConsoleModel.NodeReport> cluster) {
        List<NodeProgress> nodes = new ArrayList<>();
        Ended end = ended;
        RollingUpgrade done = end == null ? null : end.result();
        String error = end == null ? null : end.error();
        for (Map.Entry<String, String> b : before.entrySet()) {
            String node = b.getKey();
            ConsoleModel.NodeReport r = cluster.stream().filter(x -> x.node().equals(node)).findFirst().orElse(null);
            FleetInfo now = r == null ? null : r.fleets().stream().filter(f -> f.name().equals(fleet)).findFirst().orElse(null);
            List<UpgradeReport> added = new ArrayList<>();
            if (r != null) {
                int skip = reportsBefore.getOrDefault(node, 0);
                for (UpgradeReport u : r.upgrades()) {
                    if (u.fleet().equals(fleet) && skip-- <= 0) {
                        added.add(u);
                    }
                }
            }
            UpgradeReport last = added.isEmpty() ? null : added.get(added.size() - 1);
            String step;
            if (done != null) {
                RollingUpgrade.Step s = null;
                for (RollingUpgrade.Step x : done.steps()) {
                    if (x.node().equals(node)) {
                        s = x;
                    }
                }
                step = s == null ? "not upgraded" : s.action().equals("rollback") ? "put back: " + s.report().outcome() : s.report().outcome().name();
            } else if (now != null && now.status() == FleetInfo.Status.UPGRADING) {
                step = "upgrading";
            } else if (now != null && now.status() == FleetInfo.Status.ROLLING_BACK) {
                step = "rolling back";
            } else if (last != null) {
                step = last.outcome().name();
            } else {
                step = r == null || r.error() != null ? "not answering" : "waiting";
            }
            nodes.add(new NodeProgress(node, b.getValue(), now == null ? "" : now.version(), now == null ? "gone" : now.status().name(),
                    step, last == null ? -1 : last.pauseNanos() / 1e6));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("fleet", fleet);
        out.put("bundle", bundle);
        out.put("version", version);
        out.put("started", Html.time(startedMillis));
        out.put("state", end == null ? "RUNNING" : error != null ? "ERROR" : done.outcome().name());
        out.put("detail", error != null ? error : done == null ? "" : done.detail());
        out.put("nodes", nodes);
        return out;
    }
}
