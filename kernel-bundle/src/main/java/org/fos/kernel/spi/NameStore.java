package org.fos.kernel.spi;

import java.util.List;

import org.fos.kernel.api.NameEntry;
import org.fos.kernel.api.NameListener;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Where the names of the cluster are kept. The kernel has a store of its own for a single node; a
 * {@code NameStore} service (the naming fleet's client) replaces it for every name except those
 * at or below {@code /sys/names}, which stay in the kernel so that the naming fleet can be found.
 * When a store service comes or goes, the kernel moves every registration it holds to the store in
 * use and follows its names there.
 *
 * <p>An entry is identified by its node (the node of its capability's address) and its registration
 * id, which that node's kernel gives out: adding or removing an entry twice is harmless. Thread-safe.
 */
@ConsumerType
public interface NameStore {

    /** The names at or below this one always stay in the kernel's own store. */
    String BOOTSTRAP = "/sys/names";

    /**
     * Publishes an entry. Returns once the change has reached this store's watchers on this node,
     * so the kernel's name cache has it before the registration returns.
     *
     * @param entry the entry
     * @throws RuntimeException if the store cannot be reached; the registration then fails
     */
    void add(NameEntry entry);

    /**
     * Removes an entry, with the same guarantee as {@link #add}.
     *
     * @param entry the entry
     */
    void remove(NameEntry entry);

    /**
     * Returns the members of a name.
     *
     * @param name the name
     * @return a snapshot, ordered by registration
     */
    List<NameEntry> find(String name);

    /**
     * Returns the entries at or below a prefix.
     *
     * @param prefix {@code /} or a name
     * @return a snapshot, ordered by name and then by registration
     */
    List<NameEntry> list(String prefix);

    /**
     * Follows a name: the listener gets a {@code SNAPSHOT} before this method returns, then every
     * change in order, one call at a time.
     *
     * @param name the name
     * @param listener takes the events
     * @return closing it stops the events
     */
    AutoCloseable watch(String name, NameListener listener);
}
