package org.fos.fleet.api;

import java.time.Duration;
import java.time.Instant;

/**
 * What happened when a fleet's implementation was replaced on a node.
 *
 * @param fleet the fleet's name
 * @param from the version that served before (or left the kept state), or null for a first version
 * @param to the version that was installed, or null if it never registered
 * @param outcome how it ended
 * @param pauseNanos how long the members did not dispatch, in nanoseconds
 * @param queued how many requests waited in the members' mailboxes when dispatch resumed
 * @param detail why a rollback happened, or a short summary
 * @param atMillis when dispatch resumed (or the upgrade gave up), in milliseconds since the epoch
 */
public record UpgradeReport(String fleet, String from, String to, Outcome outcome, long pauseNanos, int queued,
        String detail, long atMillis) {

    /** How an upgrade ended. */
    public enum Outcome {
        /** The new version serves, with the old state. */
        UPGRADED,
        /** The new version failed; the previous version serves again, with its state. */
        ROLLED_BACK,
        /** The new version failed and so did the rollback: the fleet stays paused, its requests queued. */
        FAILED,
        /**
         * A version installed while the fleet was {@link FleetInfo.Status#REMOVED} (or a first version)
         * did not serve: it cannot take the state the fleet kept, serves another protocol, or failed to
         * activate. Nothing was bound and the fleet stays removed; the detail says what to do.
         *
         * @since 1.5
         */
        REFUSED
    }

    /**
     * Returns how long the members did not dispatch.
     *
     * @return the pause
     */
    public Duration pause() {
        return Duration.ofNanos(pauseNanos);
    }

    /**
     * Returns when dispatch resumed (or the upgrade gave up).
     *
     * @return the instant
     */
    public Instant at() {
        return Instant.ofEpochMilli(atMillis);
    }
}
