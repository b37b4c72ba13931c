package org.fos.fleet.api;

import java.time.Duration;
import java.time.Instant;

/**
 * What happened when a fleet's implementation was replaced.
 *
 * @param fleet the fleet's name
 * @param from the version that served before
 * @param to the version that was installed, or null if it never registered
 * @param outcome how it ended
 * @param pause how long the members did not dispatch
 * @param queued how many requests waited in the members' mailboxes when dispatch resumed
 * @param detail why a rollback happened, or a short summary
 * @param at when dispatch resumed (or the upgrade gave up)
 */
public record UpgradeReport(String fleet, String from, String to, Outcome outcome, Duration pause, int queued,
        String detail, Instant at) {

    /** How an upgrade ended. */
    public enum Outcome {
        /** The new version serves, with the old state. */
        UPGRADED,
        /** The new version failed; the previous version serves again, with its state. */
        ROLLED_BACK,
        /** The new version failed and so did the rollback: the fleet stays paused, its requests queued. */
        FAILED
    }
}
