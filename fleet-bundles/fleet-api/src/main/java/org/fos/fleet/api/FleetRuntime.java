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
     * Returns the fleets this runtime runs, and (since 1.10) the replicated fleets offered here that wait
     * for this node's replication service ({@link FleetInfo.Status#WAITING}).
     *
     * @return a snapshot, ordered by name
     */
    List<FleetInfo> fleets();

    /**
     * Returns one fleet.
     *
     * @param name the fleet's name
     * @return its snapshot, or null if this runtime runs no fleet of that name (nor for one that
     *         {@link FleetInfo.Status#WAITING waits}: {@link #fleets()} lists those)
     */
    FleetInfo fleet(String name);

    /**
     * Replaces the implementation bundle of a fleet with the bundle at {@code location} and waits for
     * the outcome: the new version serving, or a rollback to the previous version and its state.
     * Requests queue in the members' mailboxes meanwhile; none is lost.
     *
     * @param name the fleet's name
     * @param location the new bundle jar: a URL, for example {@code file:/tmp/kv-2.0.0.jar}, or a file
     *        path, for example {@code /tmp/kv-2.0.0.jar} (a relative one from the node's working folder)
     * @param timeout how long to wait for the new version to serve before rolling back
     * @return what happened
     * @throws IllegalArgumentException if no such fleet runs here, it has no implementation bound,
     *         the location cannot be read, or the jar is not a version of the fleet's bundle (another
     *         symbolic name, no component providing the fleet's protocol, a mandatory import that no
     *         bundle here exports in range); nothing is changed then, and the fleet never paused
     */
    UpgradeReport upgrade(String name, String location, Duration timeout);

    /**
     * Replaces the implementation bundle of a fleet on this node with the given jar; see
     * {@link #upgrade(String, String, Duration)}.
     *
     * @param name the fleet's name
     * @param bundle the new bundle jar
     * @param timeout how long to wait for the outcome
     * @return what happened
     * @throws IllegalArgumentException if no such fleet runs here, it has no implementation bound, or
     *         the bytes are not a jar that is a version of the fleet's bundle (as above)
     */
    UpgradeReport upgrade(String name, byte[] bundle, Duration timeout);

    /**
     * Rolls a new implementation of a fleet through every node that runs it, one node at a time, the
     * canary (the first node) first: after each node it checks that the fleet serves the new version
     * there and has not started failing, and at the first failure it stops and puts the previous
     * version back on the nodes already upgraded. On a single node this is {@link #upgrade}.
     *
     * @param name the fleet's name
     * @param bundle the new bundle jar
     * @param timeout how long each node may take
     * @return the outcome and each node's report
     * @throws IllegalArgumentException if no node runs the fleet or the bytes are not a jar
     */
    RollingUpgrade rollingUpgrade(String name, byte[] bundle, Duration timeout);

    /**
     * Returns the jar of the implementation bound to a fleet here (a copy taken when it was bound).
     *
     * @param name the fleet's name
     * @return the jar
     * @throws IllegalArgumentException if no such fleet runs here or no copy was kept
     */
    byte[] implementation(String name);

    /**
     * Returns the groups of the {@link Replicated} fleets this runtime runs, as this node sees them.
     *
     * @return one entry a group, ordered by fleet name and group number; empty without replicated fleets
     */
    List<GroupInfo> groups();

    /**
     * Drops the state that a {@link FleetInfo.Status#REMOVED removed} fleet kept on this node for its
     * next version: the members' exported states, and for a {@link Replicated} fleet this node's
     * replicas of its groups with their files (each group that has other replicas is asked to let this
     * node go first, so it keeps its quorum). A version of the fleet that was installed and refused
     * because it could not take that state is bound at once, starting empty.
     *
     * @param name the fleet's name
     * @return what was dropped, in a sentence
     * @throws IllegalArgumentException if the fleet serves (or is paused, upgrading) on this node: it
     *         must be removed first, by uninstalling its bundle; or this node keeps nothing of it
     * @throws IllegalStateException if a group did not let this node's replica go; what was dropped
     *         before stays dropped, and dropping again goes on
     * @since 1.5
     */
    String drop(String name);

    /**
     * Returns the upgrades this runtime has done, the oldest first.
     *
     * @return the reports
     */
    List<UpgradeReport> upgrades();

    /**
     * Returns what this runtime does with each {@link Elastic} fleet it runs.
     *
     * @return one entry a fleet, by name
     * @since 1.7
     */
    List<Elasticity> elasticity();

    /**
     * Returns the cores the members of this node's pinned fleets run on.
     *
     * @return the map
     * @since 1.7
     */
    CoreMap cores();

    /**
     * Sets how many members of a fleet serve on this node, as a scheduler decided (the scheduling
     * fleet's agent calls this with its placement): the runtime adds or takes away one member at a
     * time, each step as an {@link Elastic} fleet grows or shrinks, so no call is lost, until the
     * fleet serves {@code members}. While placed, the fleet's own {@link Elastic} settings do not
     * change its size. Setting the same target again only updates the reason.
     *
     * @param name the fleet's name
     * @param members how many members serve here, at least 1 and at most {@link #MAX_PLACED}
     * @param reason why, shown by {@link #placed()} and in the log
     * @return the fleet's placement as it stands
     * @throws IllegalArgumentException if no such fleet runs here, {@code members} is out of range, or the
     *         fleet cannot be sized (a replicated fleet, whose members follow its groups, one whose
     *         members are stateful prototype instances, or one the node's configuration keeps fixed)
     * @since 1.8
     */
    PlacedMembers place(String name, int members, String reason);

    /**
     * Gives a placed fleet back to its own sizing: its {@link Elastic} settings if it has some, else
     * the members it serves now stay.
     *
     * @param name the fleet's name
     * @return whether it was placed
     * @since 1.8
     */
    boolean unplace(String name);

    /**
     * Returns the fleets whose members here a scheduler placed.
     *
     * @return one entry a placed fleet, by name
     * @since 1.8
     */
    List<PlacedMembers> placed();

    /** The most members a placement may ask of one node for one fleet. */
    int MAX_PLACED = 64;
}
