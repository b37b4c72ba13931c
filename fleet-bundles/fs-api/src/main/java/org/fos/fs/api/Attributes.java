package org.fos.fs.api;

/**
 * What {@code stat} tells about an inode.
 *
 * @param inode the inode's number; its group is {@link FileSystemFleet#groupOf(long)}
 * @param type what it holds
 * @param size its size in bytes (for a directory: the bytes its entries take on the device; for a
 *        symbolic link: the bytes of its target)
 * @param links how many directory entries name it (0 for a file deleted while still open)
 * @param createdMillis when it was created, in milliseconds since the epoch
 * @param modifiedMillis when its content last changed, in milliseconds since the epoch
 * @param accessedMillis when it was last written or had its times set, in milliseconds since the epoch
 * @param changedMillis when its content or its attributes (mode, owner, links) last changed
 * @param blocks how many device blocks it holds, its index blocks included
 * @param generation how many times the inode number was given out before: a handle whose generation
 *        differs names a file that no longer exists
 * @param mode the POSIX permission bits ({@code 07777}: set-user-id, set-group-id, sticky, rwx for
 *        owner, group and others)
 * @param uid the owner's user id
 * @param gid the owning group id
 * @param parent for a directory, its parent directory (the root names itself); 0 for other inodes
 */
public record Attributes(long inode, FileType type, long size, int links, long createdMillis, long modifiedMillis,
        long accessedMillis, long changedMillis, long blocks, int generation, int mode, int uid, int gid, long parent) {
}
