package org.fos.kernel.api;

/**
 * How resolving a name picks one member of a fleet.
 */
public enum Selection {
    /** Each member in turn. */
    ROUND_ROBIN,
    /** The member whose mailbox holds the fewest messages; members on other nodes count as busier than idle local ones. */
    LEAST_LOADED,
    /** A member on this node if there is one (in turn), else any member in turn. */
    LOCAL_FIRST,
    /** The member that owns the key on a consistent-hash ring of all members. */
    KEY_AFFINITY
}
