package org.fos.fleet.api;

import java.util.Set;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * The implementation of a {@link Replicated} fleet: it makes the state machines of its groups and
 * receives the handle through which its members write and read them.
 *
 * <p>The fleet runtime calls {@link #replicas(Replicas)} on every instance it binds, before any
 * request is dispatched to it, and {@link #newStateMachine(int)} on one of them for each group this
 * node keeps (when the fleet starts here, when the node receives a new replica, and on a live
 * upgrade, where the new version's state machines restore the old version's snapshots).
 */
@ConsumerType
public interface ReplicatedFleet {

    /**
     * Creates the empty state of one group.
     *
     * @param group the group's number, from 0
     * @return a new state machine
     */
    StateMachine newStateMachine(int group);

    /**
     * Names the types that commands, queries and their results are made of: records and enums (with
     * the records and enums reachable from their components). They are encoded into the groups' logs
     * with the node's payload codec, so they follow its rules of evolution: a later version reads
     * what an earlier one wrote, for as long as the log or a snapshot holds it.
     *
     * @return the types
     */
    Set<Class<?>> commandTypes();

    /**
     * Hands the instance the groups' handle.
     *
     * @param replicas the handle; valid until the instance is released
     */
    void replicas(Replicas replicas);
}
