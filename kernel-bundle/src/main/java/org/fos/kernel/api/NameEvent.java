package org.fos.kernel.api;

import java.util.List;

/**
 * A change of the members of a name, delivered to a {@link NameListener}.
 *
 * @param name the name
 * @param kind what happened
 * @param entry the member that came or went; null for {@link Kind#SNAPSHOT}
 * @param members all members after the change, ordered by registration
 */
public record NameEvent(String name, Kind kind, NameEntry entry, List<NameEntry> members) {

    /** What happened to a name. */
    public enum Kind {
        /** The first event of a subscription: the members at the time it started. */
        SNAPSHOT,
        /** A member registered. */
        ADDED,
        /** A member went away. */
        REMOVED
    }
}
