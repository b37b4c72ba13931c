package org.fos.fs.peers;

/**
 * Between members: one fact the coordinator of a cross-group operation asks a group's owner for.
 * Not for applications.
 *
 * @param kind what is asked
 * @param dir the directory, for {@link Kind#ENTRY}
 * @param name the entry's name, for {@link Kind#ENTRY}
 * @param inode the inode, for {@link Kind#INODE}
 */
public record Probe(Kind kind, long dir, String name, long inode) {

    /** What a probe asks. */
    public enum Kind {
        /** Whether {@code dir} is a directory and what its entry {@code name} names. */
        ENTRY,
        /** An inode's type, parent, links and, for a directory, whether it is empty. */
        INODE,
        /** Reserve a free inode of the group for a new directory. */
        RESERVE
    }
}
