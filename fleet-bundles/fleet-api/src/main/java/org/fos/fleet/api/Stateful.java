package org.fos.fleet.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A fleet member whose state survives a live upgrade. When its implementation bundle is replaced,
 * the fleet runtime stops dispatching to the member (requests keep queueing in its mailbox), calls
 * {@link #exportState()} on the old instance, and {@link #importState(FleetState)} on the new one
 * before it resumes dispatching. If the new version fails to import, the runtime rolls the bundle
 * back and gives the exported state back to the old version. Both methods are called with no
 * request being dispatched to the member.
 *
 * <p>Between the pause and the export the runtime waits, up to half its upgrade timeout, for the
 * answers of the calls already dispatched; {@link #quiesce()} comes first, so that a call waiting on
 * something the pause holds back does not hold the upgrade for that long.
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
     * Called on the old instance once no request is dispatched to the member any more and before the
     * runtime waits for the answers of the calls in flight: the member answers (or fails, for example
     * with {@code TryAgainException}, which its callers call again and the next version serves) every
     * call that waits on something the pause holds back. Such a call is one waiting for another member
     * of the same fleet, which is paused too: without this the upgrade would wait for it until the
     * runtime gives up (half its upgrade timeout) with the fleet's dispatch paused all along. The
     * instance serves nothing after this; {@link #exportState()} follows. The default does nothing.
     */
    default void quiesce() {
        // a member whose calls never wait on another member of its fleet has nothing to answer early
    }

    /**
     * Takes over a state exported by this or an older (or, after a rollback, the same) version.
     * A member that cannot read the state throws, and the upgrade is rolled back.
     *
     * @param state the state, with the version of its layout
     * @throws IllegalArgumentException or any runtime exception if it cannot take the state
     */
    void importState(FleetState state);
}
