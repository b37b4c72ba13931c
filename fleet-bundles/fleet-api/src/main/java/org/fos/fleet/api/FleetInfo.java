package org.fos.fleet.api;

import java.util.List;

/**
 * A snapshot of a fleet.
 *
 * @param node the node these members run on
 * @param name the fleet's name
 * @param protocol the protocol interface's class name
 * @param implementation the implementation bundle's symbolic name, or null if none is bound
 * @param version the implementation bundle's version, or null if none is bound
 * @param status what the fleet is doing
 * @param members its members
 */
public record FleetInfo(String node, String name, String protocol, String implementation, String version, Status status,
        List<MemberInfo> members) {

    /** What a fleet is doing. */
    public enum Status {
        /** An implementation is bound and the members dispatch. */
        SERVING,
        /** No implementation is bound (its bundle stopped): requests queue until one comes. */
        PAUSED,
        /** The implementation bundle is being replaced: requests queue. */
        UPGRADING,
        /** A failed upgrade is being undone: requests queue. */
        ROLLING_BACK
    }

    /**
     * Returns the calls the members have served.
     *
     * @return the sum over the members
     */
    public long served() {
        long n = 0;
        for (MemberInfo m : members) {
            n += m.served();
        }
        return n;
    }
}
