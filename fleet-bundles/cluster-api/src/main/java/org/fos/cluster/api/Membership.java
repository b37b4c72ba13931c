package org.fos.cluster.api;

import java.util.List;
import java.util.function.Consumer;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The nodes of the cluster as this node sees them. A node is a member while it is up: in a
 * ZooKeeper cluster, while its session lives (an ephemeral entry), so a node that dies leaves the
 * membership when its session times out. Thread-safe.
 */
@ProviderType
public interface Membership {

    /**
     * Returns this node's id.
     *
     * @return the node id
     */
    String localNode();

    /**
     * Returns the nodes that are up, this one included.
     *
     * @return a snapshot, ordered by node id
     */
    List<NodeInfo> nodes();

    /**
     * Follows the membership: the listener gets the current nodes at once, then the nodes after
     * every change, in order, on one thread. It must not block.
     *
     * @param listener takes the nodes
     * @return closing it stops the calls
     */
    AutoCloseable watch(Consumer<List<NodeInfo>> listener);

    /**
     * Publishes an attribute of this node for the others, for example a transport's endpoint
     * ({@code tcp} to {@code 127.0.0.1:7101}). It stays while this node is up, or until the handle is
     * closed.
     *
     * @param key the attribute's name: letters, digits, '.', '_', '-'
     * @param value the value
     * @return closing it withdraws the attribute
     * @throws IllegalArgumentException if the key is not valid or the value is null
     */
    AutoCloseable publish(String key, String value);

    /**
     * Records a value under a key for the whole cluster, once: the first call for a key stores its
     * value, every later call (from any node) gets the stored value back. In a ZooKeeper cluster the
     * record is a persistent entry under {@code /fos/<cluster>/claims}, so it outlives every node; a
     * cluster of one keeps it in memory, since its own data is then the only copy of what the
     * claim guards. This is how a cluster decides, for example, which nodes first keep a new
     * replicated group, without two nodes deciding differently.
     *
     * @param key a path of segments of letters, digits, '.', '_' and '-' separated by '/', at most 200
     *        characters, for example {@code raft/sys/kv/3}
     * @param value the value to store if none is stored yet; one line, at most 1024 characters
     * @return the stored value: {@code value} if this call stored it, else the earlier one
     * @throws IllegalArgumentException if the key or the value is not valid
     * @throws IllegalStateException if the cluster's store cannot be reached
     */
    String claim(String key, String value);

    /**
     * Returns what a key was claimed with ({@link #claim}), without claiming it.
     *
     * @param key a claim key, as {@link #claim} takes it
     * @return the stored value, or null if nobody claimed the key
     * @throws IllegalArgumentException if the key is not valid
     * @throws IllegalStateException if the cluster's store cannot be reached
     */
    String claimed(String key);

    /**
     * Records a value under a key for the whole cluster, replacing what was recorded there before:
     * unlike {@link #claim}, the last call wins. In a ZooKeeper cluster the record is a persistent entry
     * under {@code /fos/<cluster>/records}, readable and writable by the cluster's nodes only; a cluster
     * of one keeps it in memory. The replication records there, for example, the node a group was
     * moved to, so that its placement keeps the group there.
     *
     * @param key a path of segments of letters, digits, '.', '_' and '-' separated by '/', at most 200 characters
     * @param value one line, at most 1024 characters
     * @throws IllegalArgumentException if the key or the value is not valid
     * @throws IllegalStateException if the cluster's store cannot be reached
     * @throws UnsupportedOperationException if this membership keeps no records
     * @since 1.3
     */
    default void record(String key, String value) {
        throw new UnsupportedOperationException(this + " keeps no records");
    }

    /**
     * Returns what was last recorded under a key ({@link #record}).
     *
     * @param key a key, as {@link #record} takes it
     * @return the value, or null if nothing is recorded under the key
     * @throws IllegalArgumentException if the key is not valid
     * @throws IllegalStateException if the cluster's store cannot be reached
     * @since 1.3
     */
    default String recorded(String key) {
        return null;
    }
}
