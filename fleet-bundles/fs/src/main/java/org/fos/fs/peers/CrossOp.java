package org.fos.fs.peers;

/**
 * Between members: a namespace operation whose entries and inodes lie in more than one group,
 * handed to the coordinator (the owner of group 0). Not for applications.
 *
 * @param kind the operation
 * @param dir the directory (the source directory of a rename)
 * @param name the entry's name (the source name of a rename)
 * @param targetDir the target directory of a rename
 * @param targetName the target name of a rename
 * @param replace whether a rename may replace an existing target
 * @param group the group that gets the new directory, for {@link Kind#MKDIR}
 * @param inode the inode a new hard link names, for {@link Kind#LINK}
 * @param mode the permission bits of the new directory, for {@link Kind#MKDIR}
 * @param uid the owner of the new directory, for {@link Kind#MKDIR}
 * @param gid the group of the new directory, for {@link Kind#MKDIR}
 */
public record CrossOp(Kind kind, long dir, String name, long targetDir, String targetName, boolean replace, int group,
        long inode, int mode, int uid, int gid) {

    /** The operations that may span groups. */
    public enum Kind {
        /** Make a directory whose inode lives in another group than its parent. */
        MKDIR,
        /** Remove an entry whose inode lives in another group than its directory. */
        DELETE,
        /** Move an entry between directories, or over an entry of another group. */
        RENAME,
        /** Name an inode of another group in a directory (a hard link). */
        LINK
    }
}
