package org.fos.fs.peers;

import org.fos.fs.api.FileType;

/**
 * Between members: the answer to a {@link Probe}. Not for applications.
 *
 * @param status how the probe went
 * @param inode the entry's inode ({@link Probe.Kind#ENTRY}), the probed inode, or the reserved one
 * @param type the inode's type, or null if there is none
 * @param parent the parent directory of a directory inode
 * @param empty for a directory inode: whether it has no entries
 */
public record ProbeResult(Status status, long inode, FileType type, long parent, boolean empty) {

    /** How a probe went. */
    public enum Status {
        /** The entry or inode exists (or the inode was reserved). */
        FOUND,
        /** The directory exists but has no such entry, or the inode is free. */
        ABSENT,
        /** The probed directory does not exist. */
        NO_DIRECTORY,
        /** The probed directory is a file. */
        NOT_DIRECTORY,
        /** No inode is free in the group. */
        FULL
    }
}
