package org.fos.fs.api;

/**
 * What {@code stat} tells about an inode.
 *
 * @param inode the inode's number; its group is {@link FileSystemFleet#groupOf(long)}
 * @param type what it holds
 * @param size its size in bytes (for a directory: the bytes its entries take on the device)
 * @param links how many directory entries name it
 * @param createdMillis when it was created, in milliseconds since the epoch
 * @param modifiedMillis when its content last changed, in milliseconds since the epoch
 * @param accessedMillis when it was last written or had its times set, in milliseconds since the epoch
 * @param blocks how many device blocks it holds, its index blocks included
 */
public record Attributes(long inode, FileType type, long size, int links, long createdMillis, long modifiedMillis,
        long accessedMillis, long blocks) {
}
