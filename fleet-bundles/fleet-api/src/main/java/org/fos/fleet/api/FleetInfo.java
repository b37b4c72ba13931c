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
 * @param members its members (none once it is {@link Status#REMOVED}, nor while it is {@link Status#WAITING})
 * @param detail unless it is {@link Status#SERVING}: why not, what became of its state, and what to do
 *        (null while it serves)
 */
public record FleetInfo(String node, String name, String protocol, String implementation, String version, Status status,
        List<MemberInfo> members, String detail) {

    /**
     * A snapshot without a detail.
     *
     * @param node the node
     * @param name the fleet's name
     * @param protocol the protocol interface's class name
     * @param implementation the implementation bundle's symbolic name, or null
     * @param version the implementation bundle's version, or null
     * @param status what the fleet is doing
     * @param members its members
     */
    public FleetInfo(String node, String name, String protocol, String implementation, String version, Status status,
            List<MemberInfo> members) {
        this(node, name, protocol, implementation, version, status, members, null);
    }

    /** What a fleet is doing. */
    public enum Status {
        /** An implementation is bound and the members dispatch. */
        SERVING,
        /**
         * No implementation is bound (its bundle stopped, or an upgrade and its rollback both failed):
         * requests queue until one comes; the detail says which and what to do.
         */
        PAUSED,
        /** The implementation bundle is being replaced: requests queue. */
        UPGRADING,
        /** A failed upgrade is being undone: requests queue. */
        ROLLING_BACK,
        /**
         * The fleet has no members and no names on this node, so calls to it here fail at once with
         * {@code NO_SUCH_NAME}: its implementation bundle was uninstalled, or a version installed
         * since was refused. The detail says why and whether its state is kept for the next version
         * installed ({@link FleetRuntime#drop} drops it).
         *
         * @since 1.5
         */
        REMOVED,
        /**
         * A bundle offers the fleet, but it cannot run on this node yet: it is replicated and this node's
         * replication service does not run (it has not started, or it failed to: {@code fos:replication} says
         * why). It has no members and no names here, so calls to it from this node go to its members on
         * other nodes or fail with {@code NO_SUCH_NAME}. It starts once the replication service comes.
         *
         * @since 1.10
         */
        WAITING
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
