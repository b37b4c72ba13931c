package org.fos.fleet.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A fleet implementation that wants to know which member each of its instances serves, for example
 * to check that a call it got by key affinity is for a key it owns. The fleet runtime calls
 * {@link #joined(MemberIdentity)} once on every instance it binds, before {@link Stateful#importState}
 * and before any request is dispatched to it.
 */
@ConsumerType
public interface MemberAware {

    /**
     * Tells the instance which member it serves.
     *
     * @param member the fleet, the member's number and mailbox
     */
    void joined(MemberIdentity member);
}
