package org.fos.fleet.api;

import java.util.List;

/**
 * What a rolling upgrade across the cluster did.
 *
 * @param fleet the fleet's name
 * @param outcome {@link UpgradeReport.Outcome#UPGRADED} if every node serves the new version;
 *        {@link UpgradeReport.Outcome#ROLLED_BACK} if it stopped at a failure and every node serves the
 *        previous version again; {@link UpgradeReport.Outcome#FAILED} if putting it back failed too
 * @param steps what happened on each node, in order (upgrades, then any rollbacks)
 * @param detail a summary, and the failure that stopped it
 */
public record RollingUpgrade(String fleet, UpgradeReport.Outcome outcome, List<Step> steps, String detail) {

    /**
     * One step of a rolling upgrade.
     *
     * @param node the node
     * @param action what was done there: {@code upgrade} or {@code rollback}
     * @param report that node's report
     */
    public record Step(String node, String action, UpgradeReport report) {
    }
}
