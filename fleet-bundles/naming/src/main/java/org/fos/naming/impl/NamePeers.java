package org.fos.naming.impl;

import org.fos.kernel.api.Capability;
import org.fos.kernel.api.NameEntry;
import org.fos.kernel.api.Right;
import org.fos.naming.api.NameService;
import org.fos.rpc.api.Idempotent;
import org.fos.rpc.api.Needs;

/**
 * The naming fleet as the nodes' name stores use it: {@link NameService} and the two methods that
 * change names, which only nodes call ({@link NameStoreClient}, with PEER). It lives in this bundle's
 * private package ({@code @Fleet(peers = ...)}): other bundles and clients see only the reading
 * protocol.
 */
public interface NamePeers extends NameService {

    /**
     * Publishes an entry.
     *
     * @param entry the entry
     * @param watcher the caller's watcher, or null
     * @return the number of the last change sent to {@code watcher} (0 if none)
     */
    @Idempotent
    @Needs(Right.PEER)
    long add(NameEntry entry, Capability watcher);

    /**
     * Removes an entry.
     *
     * @param entry the entry
     * @param watcher the caller's watcher, or null
     * @return the number of the last change sent to {@code watcher} (0 if none)
     */
    @Idempotent
    @Needs(Right.PEER)
    long remove(NameEntry entry, Capability watcher);
}
