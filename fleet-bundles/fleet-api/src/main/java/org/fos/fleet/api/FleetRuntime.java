package org.fos.fleet.api;

import java.time.Duration;
import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The fleet runtime of a node: it runs every fleet implementation registered on the node (see
 * {@link Fleet}), owns each member's mailbox and thread for the member's whole life, and replaces
 * implementations live. Thread-safe.
 */
@ProviderType
public interface FleetRuntime {

    /**
     * Returns the fleets this runtime runs.
     *
     * @return a snapshot, ordered by name
     */
    List<FleetInfo> fleets();

    /**
     * Returns one fleet.
     *
     * @param name the fleet's name
     * @return its snapshot, or null if this runtime runs no fleet of that name
     */
    FleetInfo fleet(String name);

    /**
     * Replaces the implementation bundle of a fleet with the bundle at {@code location} and waits for
     * the outcome: the new version serving, or a rollback to the previous version and its state.
     * Requests queue in the members' mailboxes meanwhile; none is lost.
     *
     * @param name the fleet's name
     * @param location a URL of the new bundle jar, for example {@code file:/tmp/kv-2.0.0.jar}
     * @param timeout how long to wait for the new version to serve before rolling back
     * @return what happened
     * @throws IllegalArgumentException if no such fleet runs here, it has no implementation bound,
     *         or the location cannot be read; nothing is changed then
     */
    UpgradeReport upgrade(String name, String location, Duration timeout);

    /**
     * Returns the upgrades this runtime has done, the oldest first.
     *
     * @return the reports
     */
    List<UpgradeReport> upgrades();
}
