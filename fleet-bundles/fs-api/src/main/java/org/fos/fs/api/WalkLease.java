package org.fos.fs.api;

import java.util.List;

/**
 * What {@link FileSystemFleet#leasedWalk} answers: the walk, every entry it passed, and how long the
 * caller may answer the same lookups and the reached entry's attributes from its own cache.
 *
 * <p>The lease covers the entries of every directory the walk looked a name up in (the start
 * directory, then each directory of {@code path} but the last entry) and the attributes of
 * {@code walked().entry()} when {@code walked().attributes()} is not null. It ends {@code leaseMillis}
 * after the caller sent the call, or earlier when the member revokes it through the
 * {@link LeaseHolder} the call named: before any change to what it covers returns to its caller.
 *
 * @param walked the walk, as {@link FileSystemFleet#walk} answers it
 * @param path the entry each resolved name led to, in order ({@code walked().consumed()} of them): for
 *        {@code .} the directory it stays in, for {@code ..} the parent directory
 * @param leaseMillis how long the lease lasts, counted from when the caller sent the call; 0 when the
 *        member grants none (leases switched off, or the member holds as many as it may: see
 *        docs/files.md)
 */
public record WalkLease(Walked walked, List<DirEntry> path, long leaseMillis) {
}
