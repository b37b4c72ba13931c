package org.fos.cluster.api;

import java.util.List;
import java.util.function.Consumer;

import org.fos.kernel.api.NameEntry;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The names of a cluster, kept by its coordination service (ZooKeeper). Present only when the node
 * is part of a ZooKeeper cluster; the naming fleet keeps names here then. An entry lives while the
 * session of the node that added it lives: when a node dies, its entries disappear from every node
 * once its session times out. Entries are identified by their node and registration id; adding or
 * removing twice is harmless. Thread-safe.
 */
@ProviderType
public interface ClusterNames {

    /**
     * Publishes an entry; returns once this node's view of the names has it.
     *
     * @param entry the entry
     * @throws IllegalStateException if the coordination service cannot be reached in time
     */
    void add(NameEntry entry);

    /**
     * Withdraws an entry; returns once this node's view no longer has it.
     *
     * @param entry the entry
     * @throws IllegalStateException if the coordination service cannot be reached in time
     */
    void remove(NameEntry entry);

    /**
     * Returns the members of a name in this node's view.
     *
     * @param name the name
     * @return the members, in the order they were added
     */
    List<NameEntry> find(String name);

    /**
     * Returns the entries at or below a prefix in this node's view.
     *
     * @param prefix {@code /} or a name
     * @return the entries, ordered by name and then in the order they were added
     */
    List<NameEntry> list(String prefix);

    /**
     * Follows a name: the listener gets its members at once, then after every change, in order, on
     * one thread. A change is given to the listeners before {@link #add} or {@link #remove} of this
     * node returns.
     *
     * @param name the name
     * @param listener takes the members
     * @return closing it stops the calls
     */
    AutoCloseable watch(String name, Consumer<List<NameEntry>> listener);
}
