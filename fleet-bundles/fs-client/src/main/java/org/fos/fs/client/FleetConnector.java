package org.fos.fs.client;

import java.time.Duration;

import org.fos.fs.api.FileSystemFleet;
import org.fos.fs.api.LeaseHolder;
import org.fos.rpc.api.CallOptions;

/**
 * How the provider reaches a file-system fleet: inside a node through libfos; the plain-JVM client
 * of the cluster issue will connect through a node's transport instead. The provider depends on
 * nothing else of OSGi or of the node.
 */
@FunctionalInterface
public interface FleetConnector {

    /**
     * The options of a fleet proxy inside a node: the timeout, and direct replies (ADR 0115). The
     * provider waits for most calls on the calling thread ({@link #callerWaits}); the calls it does
     * not wait for (a close, a lock's release or renewal) complete where their reply is delivered,
     * the member's thread, instead of waking the client bundle's reply thread, a third thread on
     * cores the caller and the member already share. What the provider does when they complete is
     * short and never blocks: it sends a call again or updates its lease cache and locks.
     *
     * @param timeoutMillis milliseconds a call may take
     * @return the options
     * @throws IllegalArgumentException if the timeout is not positive
     */
    static CallOptions inNode(long timeoutMillis) {
        return CallOptions.DEFAULT.withTimeout(Duration.ofMillis(timeoutMillis)).withDirectReplies(true);
    }

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
     * Says whether a file call may take its reply on the calling thread
     * ({@link org.fos.rpc.api.WaitingCaller}): one hand-off back from the member instead of two, through
     * the client bundle's reply thread. Inside a node yes (the default). A connector whose calls must
     * notice an unreachable node ({@link #reachable}) says no: such a call waits for its stage in slices,
     * asking between them, which a call waiting for its reply cannot.
     *
     * @return true if file calls wait for their replies on the calling thread
     */
    default boolean callerWaits() {
        return true;
    }

    /**
     * Says whether a fleet that has no member registered is known not to be coming: a call that finds
     * no member ({@code NO_SUCH_NAME}) then fails at once, where it would otherwise wait up to
     * {@link Remote#STARTING_MILLIS} for the fleet to register, as it does while a node starts. Inside a
     * node the node's fleet runtime knows: a fleet it lists as removed (its bundle was uninstalled, or
     * the version installed was refused) has no names until a version is installed that serves. A fleet
     * the node does not know (yet) may still be starting.
     *
     * @param fleet the fleet's name
     * @return why the fleet is not coming, in a sentence, or null if it may be starting (the default)
     */
    default String notComing(String fleet) {
        return null;
    }

    /**
     * Opens a mailbox where the client serves a {@link LeaseHolder} for a file system, so that it may
     * cache lookups and attributes under leases the members revoke through it. A connector that cannot
     * take calls back answers null, and its file systems ask the members for every path. Called again
     * when the callbacks it opened stop while the file system is open (a plain-JVM client's connection
     * made again after its node restarted): the cache is forgotten, and leases then name the new ones.
     *
     * @param fleet the fleet's name
     * @param holder what serves the members' calls back
     * @return the open callbacks, or null for none (the default)
     */
    default LeaseCallbacks callbacks(String fleet, LeaseHolder holder) {
        return null;
    }
}
