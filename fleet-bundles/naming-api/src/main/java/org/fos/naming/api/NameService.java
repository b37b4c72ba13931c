package org.fos.naming.api;

import java.util.List;

import org.fos.kernel.api.Capability;
import org.fos.kernel.api.NameEntry;
import org.fos.kernel.api.Right;
import org.fos.rpc.api.Idempotent;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The naming fleet. An entry is identified by its node (of its capability's address) and its
 * registration id, which that node's kernel gives out; adding or removing twice is harmless.
 *
 * <p>A <em>watcher</em> is a mailbox served with the {@link NameWatcher} protocol. For each name it
 * watches it gets every change, numbered: the numbers count the changes sent to that watcher, so a
 * watcher sees a gap if it ever misses one.
 *
 * <p>Only a node's own kernel adds and removes names: the methods that do are in the naming
 * bundle's private extension of this protocol and need {@link Right#PEER}; each returns the number
 * of the last change sent to the calling node's watcher, so that it can wait until its own change
 * has reached it (read-your-writes). What {@link #find},
 * {@link #list}, {@link #watch} and the changes sent to watchers hold carries each entry's member
 * capability ({@link NameEntry#member()}) only for callers whose capability holds {@link Right#PEER}
 * or {@link Right#ADMIN}; others, such as plain-JVM clients, get the entries without it.
 */
@ProviderType
public interface NameService {

    /** The well-known name of the naming fleet. */
    String NAME = "/sys/names";

    /**
     * Returns the members of a name.
     *
     * @param name the name
     * @return the members, ordered by registration
     */
    @Idempotent
    List<NameEntry> find(String name);

    /**
     * Returns the entries at or below a prefix.
     *
     * @param prefix {@code /} or a name
     * @return the entries, ordered by name and then by registration
     */
    @Idempotent
    List<NameEntry> list(String prefix);

    /**
     * Starts sending a watcher the changes of a name.
     *
     * @param name the name
     * @param watcher the watcher
     * @return the name's members now, and the number of the last change sent to the watcher before
     *         them: changes of this name with that number or lower are older than the snapshot
     */
    @Idempotent
    WatchStart watch(String name, Capability watcher);

    /**
     * Stops sending a watcher the changes of a name.
     *
     * @param name the name
     * @param watcher the watcher
     */
    @Idempotent
    void unwatch(String name, Capability watcher);
}
