package org.fos.fs.peers;

import org.fos.fs.api.FileType;

/**
 * Between members: one change a cross-group operation makes in one group, written in its intent and
 * applied by the group's owner (again after a crash, exactly once a group). Not for applications.
 *
 * @param kind the change
 * @param dir the directory, for {@link Kind#PUT} and {@link Kind#REMOVE}
 * @param name the entry's name, for {@link Kind#PUT} and {@link Kind#REMOVE}
 * @param inode the inode named, made, moved or dropped
 * @param type the type of the inode, for {@link Kind#PUT}
 * @param parent the new parent, for {@link Kind#INIT_DIRECTORY} and {@link Kind#SET_PARENT}
 * @param timeMillis when the operation happened
 * @param mode the permission bits of a new directory, for {@link Kind#INIT_DIRECTORY}
 * @param uid the owner of a new directory, for {@link Kind#INIT_DIRECTORY}
 * @param gid the group of a new directory, for {@link Kind#INIT_DIRECTORY}
 */
public record Step(Kind kind, long dir, String name, long inode, FileType type, long parent, long timeMillis, int mode, int uid,
        int gid) {

    /** The changes a step can make. */
    public enum Kind {
        /** Make {@code dir}'s entry {@code name} name {@code inode} (adding or replacing it). */
        PUT,
        /** Remove {@code dir}'s entry {@code name}. */
        REMOVE,
        /** Make the free {@code inode} an empty directory under {@code parent}. */
        INIT_DIRECTORY,
        /** Set the parent of directory {@code inode}. */
        SET_PARENT,
        /** Drop one link of {@code inode}, freeing it and its blocks at none (or at its last close). */
        DROP,
        /** Add one link to {@code inode} (a hard link made in another group). */
        LINK
    }
}
