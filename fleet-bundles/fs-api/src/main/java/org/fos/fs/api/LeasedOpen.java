package org.fos.fs.api;

/**
 * What {@link FileSystemFleet#openLeased} answers: the open, as {@link FileSystemFleet#open} answers
 * it, and, for a regular file the call counted open, a lease on the file's inode with the first bytes
 * of its content.
 *
 * <p>The lease covers the inode's attributes and its content: while it lasts the caller may answer
 * the file's attributes from its own cache, and reads of {@code head}'s bytes from {@code head}. It
 * ends {@code leaseMillis} after the caller sent the call, or earlier when the member revokes it
 * through the {@link LeaseHolder} the call named: before any change to the file's content or
 * attributes (a write, an append, a truncation, a link or unlink) returns to its caller.
 *
 * @param opened the open
 * @param leaseMillis how long the lease lasts, counted from when the caller sent the call; 0 when the
 *        member grants none (the entry is not a regular file this member counted open, leases are
 *        switched off, or the member holds as many as it may), and then {@code head} is empty
 * @param head the file's bytes from offset 0, as many as the call asked for and the file has; the
 *        whole file when its length is the file's size in {@code opened().attributes()}; inside a
 *        node it may be the member's cached block itself, so the caller must not change it
 */
public record LeasedOpen(Opened opened, long leaseMillis, byte[] head) {
}
