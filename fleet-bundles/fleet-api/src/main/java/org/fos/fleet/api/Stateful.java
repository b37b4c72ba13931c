package org.fos.fleet.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A fleet member whose state survives a live upgrade. When its implementation bundle is replaced,
 * the fleet runtime stops dispatching to the member (requests keep queueing in its mailbox), calls
 * {@link #exportState()} on the old instance, and {@link #importState(FleetState)} on the new one
 * before it resumes dispatching. If the new version fails to import, the runtime rolls the bundle
 * back and gives the exported state back to the old version. Both methods are called with no
 * request being dispatched to the member.
 */
@ConsumerType
public interface Stateful {

    /**
     * Exports the member's state, written in the plain types of {@link FleetState}.
     *
     * @return the state, with the version of its layout
     */
    FleetState exportState();

    /**
     * Takes over a state exported by this or an older (or, after a rollback, the same) version.
     * A member that cannot read the state throws, and the upgrade is rolled back.
     *
     * @param state the state, with the version of its layout
     * @throws IllegalArgumentException or any runtime exception if it cannot take the state
     */
    void importState(FleetState state);
}
