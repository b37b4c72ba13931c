package org.fos.fs.api;

/**
 * What {@link FileSystemFleet#lock} answers: whether the lock was granted, and the lease its holder
 * renews it within ({@link FileSystemFleet#renewLocks}).
 *
 * @param granted true if the holder holds the lock now; false if another holder's lock overlaps it
 *        and one of them is exclusive (nothing was taken)
 * @param leaseMillis how long the holder's locks on this member last after a grant or renewal: the
 *        fleet's {@code lockLeaseMillis}
 */
public record Locked(boolean granted, long leaseMillis) {
}
