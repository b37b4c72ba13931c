package org.fos.fleet.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A fleet implementation that wants to know which member an instance serves (for example to tell
 * itself apart from the other replicas of a key). The runtime calls {@link #joined} once per
 * instance, before it imports a state and before the first request.
 */
@ConsumerType
public interface FleetMember {

    /**
     * Tells the instance which member it serves.
     *
     * @param identity the member
     */
    void joined(MemberIdentity identity);
}
