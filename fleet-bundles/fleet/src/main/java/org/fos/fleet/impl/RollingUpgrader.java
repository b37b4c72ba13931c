package org.fos.fleet.impl;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

import org.fos.fleet.api.FleetInfo;
import org.fos.fleet.api.NodeAdmin;
import org.fos.fleet.api.RollingUpgrade;
import org.fos.fleet.api.UpgradeReport;
import org.fos.kernel.api.Kernel;
import org.fos.kernel.api.NameEntry;
import org.fos.rpc.api.CallOptions;
import org.fos.rpc.api.Libfos;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rolls a fleet's new implementation through every node that runs it, one node at a time through
 * the nodes' {@link NodeAdmin} members, checking after each node that it serves the new version
 * and has not started failing; at the first failure it puts the previous version back where it was
 * replaced. On a node of its own this is a plain local upgrade.
 */
final class RollingUpgrader {
    private static final Logger LOG = LoggerFactory.getLogger(RollingUpgrader.class);
    /** How long a node must keep serving the new version without new failures before the next one goes. */
    private static final Duration SOAK = Duration.ofSeconds(1);

    private record Node(String id, NodeAdmin admin) {
    }

    private final Kernel kernel;
    private final Libfos libfos;
    private final FleetRuntimeImpl runtime;

    RollingUpgrader(Kernel kernel, Libfos libfos, FleetRuntimeImpl runtime) {
        this.kernel = kernel;
        this.libfos = libfos;
        this.runtime = runtime;
    }

    RollingUpgrade run(String fleet, byte[] bundle, Duration timeout) {
        CallOptions options = CallOptions.DEFAULT.withTimeout(timeout.plus(runtime.upgradeTimeoutMillis() > 0
                ? Duration.ofMillis(3 * runtime.upgradeTimeoutMillis()) : Duration.ZERO));
        List<Node> nodes = new ArrayList<>();
        for (NameEntry e : kernel.names().cached(NodeAdmin.NAME)) {
            // upgrade needs ADMIN: the member capability, which this node has as a member of the cluster
            NodeAdmin admin = libfos.proxy(NodeAdmin.class, e.member() != null ? e.member() : e.capability(), options);
            if (runs(admin, fleet)) {
                nodes.add(new Node(e.address().node(), admin));
            }
        }
        if (nodes.isEmpty()) {
            if (runtime.fleet(fleet) != null) {
                UpgradeReport r = runtime.upgrade(fleet, bundle, timeout);
                return new RollingUpgrade(fleet, r.outcome(), List.of(new RollingUpgrade.Step(kernel.nodeId(), "upgrade", r)),
                        "upgraded on this node only: no other node's runtime answers under " + NodeAdmin.NAME);
            }
            throw new IllegalArgumentException("no node runs fleet " + fleet);
        }
        nodes.sort(Comparator.comparing(Node::id));
        List<RollingUpgrade.Step> steps = new ArrayList<>();
        List<Node> done = new ArrayList<>();
        List<byte[]> previous = new ArrayList<>();
        for (Node node : nodes) {
            byte[] before = node.admin().implementation(fleet);
            UpgradeReport r = null;
            String failure;
            try {
                long failedBefore = failed(node.admin(), fleet);
                r = node.admin().upgrade(fleet, bundle, timeout.toMillis());
                steps.add(new RollingUpgrade.Step(node.id(), "upgrade", r));
                failure = r.outcome() == UpgradeReport.Outcome.UPGRADED ? healthy(node, fleet, r.to(), failedBefore) : r.detail();
            } catch (RuntimeException e) {
                failure = "the upgrade call to node " + node.id() + " failed: " + e.getMessage();
            }
            if (failure != null) {
                String what = (done.isEmpty() ? "the canary " : "node ") + node.id() + ": " + failure;
                LOG.warn("rolling upgrade of {} stopped at {}", fleet, what);
                return rollBack(fleet, steps, done, previous, timeout, what);
            }
            done.add(node);
            previous.add(before);
            LOG.info("rolling upgrade of {}: node {} serves {}", fleet, node.id(), r == null ? "?" : r.to());
        }
        return new RollingUpgrade(fleet, UpgradeReport.Outcome.UPGRADED, steps,
                nodes.size() + " node(s) serve the new version, " + nodes.get(0).id() + " first as the canary");
    }

    private static boolean runs(NodeAdmin admin, String fleet) {
        try {
            return admin.fleets().stream().anyMatch(f -> f.name().equals(fleet) && f.implementation() != null);
        } catch (RuntimeException e) {
            LOG.warn("a node's runtime did not answer: {}", e.getMessage());
            return false;
        }
    }

    private static long failed(NodeAdmin admin, String fleet) {
        return admin.fleets().stream().filter(f -> f.name().equals(fleet)).flatMap(f -> f.members().stream())
                .mapToLong(m -> m.failed()).sum();
    }

    /** Null if the node serves {@code version} and no dispatch failed for a while, else what is wrong. */
    private static String healthy(Node node, String fleet, String version, long failedBefore) {
        long end = System.nanoTime() + SOAK.toNanos();
        do {
            FleetInfo f = node.admin().fleets().stream().filter(i -> i.name().equals(fleet)).findFirst().orElse(null);
            if (f == null || f.status() != FleetInfo.Status.SERVING || !Objects.equals(f.version(), version)) {
                return "after the upgrade the fleet is " + (f == null ? "gone" : f.status() + " with version " + f.version());
            }
            long failed = f.members().stream().mapToLong(m -> m.failed()).sum();
            if (failed > failedBefore) {
                return (failed - failedBefore) + " dispatches failed on the new version";
            }
            java.util.concurrent.locks.LockSupport.parkNanos(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(50));
        } while (System.nanoTime() < end);
        return null;
    }

    private static RollingUpgrade rollBack(String fleet, List<RollingUpgrade.Step> steps, List<Node> done, List<byte[]> previous,
            Duration timeout, String why) {
        boolean ok = true;
        for (int i = done.size() - 1; i >= 0; i--) {
            Node node = done.get(i);
            try {
                UpgradeReport r = node.admin().upgrade(fleet, previous.get(i), timeout.toMillis());
                steps.add(new RollingUpgrade.Step(node.id(), "rollback", r));
                ok &= r.outcome() == UpgradeReport.Outcome.UPGRADED;
            } catch (RuntimeException e) {
                ok = false;
                LOG.error("rolling back {} on node {} failed", fleet, node.id(), e);
            }
        }
        return new RollingUpgrade(fleet, ok ? UpgradeReport.Outcome.ROLLED_BACK : UpgradeReport.Outcome.FAILED, steps,
                "stopped at " + why + (done.isEmpty() ? "" : "; " + done.size() + " node(s) put back on the previous version"));
    }
}
