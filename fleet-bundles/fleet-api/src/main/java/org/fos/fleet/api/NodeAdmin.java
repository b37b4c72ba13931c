package org.fos.fleet.api;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

import org.fos.kernel.api.Right;
import org.fos.rpc.api.Idempotent;
import org.fos.rpc.api.Needs;
import org.osgi.annotation.versioning.ProviderType;

/**
 * What each node's fleet runtime serves to the cluster under {@link #NAME} (one member a node): a
 * view of the node's fleets, the replacement of a fleet's implementation on that node, and a shell
 * for remote commands. Rolling upgrades and the cluster-wide shell commands are built on it.
 * {@link #upgrade}, {@link #implementation} and {@link #execute} need {@link Right#ADMIN}: the cluster's
 * nodes hold it, and clients whose ticket grants it.
 */
@ProviderType
public interface NodeAdmin {

    /** The name every node's administration member registers under. */
    String NAME = "/sys/nodes";

    /**
     * Returns the fleets this node runs.
     *
     * @return the fleets, ordered by name
     */
    @Idempotent
    List<FleetInfo> fleets();

    /**
     * Replaces the implementation bundle of a fleet on this node and waits for the outcome, as
     * {@link FleetRuntime#upgrade} does, from the bundle's bytes.
     *
     * @param fleet the fleet's name
     * @param bundle the new bundle jar
     * @param timeoutMillis how long to wait for the outcome
     * @return what happened on this node
     * @throws IllegalArgumentException if this node does not run the fleet or the jar is not one
     */
    @Needs(Right.ADMIN)
    UpgradeReport upgrade(String fleet, byte[] bundle, long timeoutMillis);

    /**
     * Returns the jar of the implementation bound to a fleet on this node (a copy taken when it was
     * bound), so that an upgrade across the cluster can be undone.
     *
     * @param fleet the fleet's name
     * @return the jar
     * @throws IllegalArgumentException if this node does not run the fleet or has no copy
     */
    @Idempotent
    @Needs(Right.ADMIN)
    byte[] implementation(String fleet);

    /**
     * Returns the upgrades this node's runtime has done, as {@link FleetRuntime#upgrades()} does:
     * how a console or a monitor learns each node's upgrade history, pauses and rollbacks.
     *
     * @return the reports, the oldest first
     */
    @Idempotent
    List<UpgradeReport> upgrades();

    /**
     * Returns the nodes of the cluster as this node's membership sees them, each with the attributes
     * it published (its TCP endpoint under {@code tcp}): how a plain-JVM client connected to this
     * node learns where the other nodes are.
     *
     * @return the attributes by node id; this node alone, with what it published, outside a cluster
     */
    @Idempotent
    Map<String, Map<String, String>> nodes();

    /**
     * Runs a shell command on this node, as its own shell would.
     *
     * @param commandLine the command line, for example {@code fos:mailboxes}
     * @return what the command printed or returned, or its error
     */
    @Needs(Right.ADMIN)
    CommandOutput execute(String commandLine);

    /**
     * Runs a shell command on this node as {@link #execute} does, on a thread of its own: the member
     * serves {@code execute} through this method, so that a command which calls this node's
     * {@code /sys/nodes} member itself ({@code fos:fleets}, {@code fos:upgrades}, a cluster-wide
     * {@code fos:upgrade}) is served meanwhile instead of waiting for the call that runs it. A node
     * runs a bounded number of remote commands at once and refuses more with a failed output.
     *
     * @param commandLine the command line, for example {@code fos:mailboxes}
     * @return what the command printed or returned, or its error, when it has finished
     */
    @Needs(Right.ADMIN)
    CompletionStage<CommandOutput> executeAsync(String commandLine);

    /**
     * What a remote command did.
     *
     * @param node the node it ran on
     * @param failed whether it threw
     * @param text what it printed and returned as the shell prints them, or, if it threw, what it printed
     *        before (such as the command's forms, when its arguments fit none) and then its error message
     */
    record CommandOutput(String node, boolean failed, String text) {
    }
}
