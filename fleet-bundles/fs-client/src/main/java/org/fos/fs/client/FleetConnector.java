package org.fos.fs.client;

import org.fos.fs.api.FileSystemFleet;
import org.fos.fs.api.LeaseHolder;

/**
 * How the provider reaches a file-system fleet: inside a node through libfos; the plain-JVM client
 * of the cluster issue will connect through a node's transport instead. The provider depends on
 * nothing else of OSGi or of the node.
 */
@FunctionalInterface
public interface FleetConnector {

    /**
     * Returns a proxy of the fleet registered under a name.
     *
     * @param fleet the fleet's name, such as {@code /sys/fs}
     * @return the proxy; calls resolve the members as they are made
     */
    FileSystemFleet connect(String fleet);

    /**
     * Says whether the node that serves a fleet can be reached now: a call waiting for a fleet whose
     * node cannot be reached fails after {@link Remote#UNREACHABLE_MILLIS} instead of its whole timeout.
     * Inside a node the answer is always yes.
     *
     * @param fleet the fleet's name
     * @return false if the connection to the fleet's node is down
     */
    default boolean reachable(String fleet) {
        return true;
    }

    /**
     * Opens a mailbox where the client serves a {@link LeaseHolder} for a file system, so that it may
     * cache lookups and attributes under leases the members revoke through it. A connector that cannot
     * take calls back answers null, and its file systems ask the members for every path.
     *
     * @param fleet the fleet's name
     * @param holder what serves the members' calls back
     * @return the open callbacks, or null for none (the default)
     */
    default LeaseCallbacks callbacks(String fleet, LeaseHolder holder) {
        return null;
    }
}
