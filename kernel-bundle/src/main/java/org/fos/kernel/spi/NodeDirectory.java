package org.fos.kernel.spi;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * The nodes of the cluster as a transport needs them: which nodes are up, what each publishes (its
 * endpoints), and a cluster-wide record of values written once. The cluster bundle registers one
 * as a service (backed by its membership: a cluster of one, or ZooKeeper); transports follow it
 * to find their peers and publish their own endpoint, without depending on the cluster's API. A
 * node without a directory is a node whose transports dial only the peers configured for them.
 * Implementations are thread-safe.
 */
@ConsumerType
public interface NodeDirectory {

    /**
     * A node of the cluster.
     *
     * @param id the node id
     * @param attributes what the node publishes (transport endpoints, ...), unmodifiable
     * @param local whether it is this node
     */
    record Node(String id, Map<String, String> attributes, boolean local) {

        /**
         * Checks and copies the parts.
         *
         * @param id the node id
         * @param attributes the attributes
         * @param local whether it is this node
         */
        public Node {
            Objects.requireNonNull(id, "id");
            attributes = Map.copyOf(attributes);
        }
    }

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
    List<Node> nodes();

    /**
     * Follows the nodes: the listener gets the current nodes at once, then the nodes after every
     * change, in order, on one thread. It must not block.
     *
     * @param listener takes the nodes
     * @return closing it stops the calls
     */
    AutoCloseable watch(Consumer<List<Node>> listener);

    /**
     * Publishes an attribute of this node for the others, for example a transport's endpoint. It
     * stays while this node is up, or until the handle is closed.
     *
     * @param key the attribute's name: letters, digits, '.', '_', '-'
     * @param value the value
     * @return closing it withdraws the attribute
     * @throws IllegalArgumentException if the key is not valid or the value is null
     */
    AutoCloseable publish(String key, String value);

    /**
     * Records a value under a key for the whole cluster, once: the first call for a key stores its
     * value, every later call (from any node) gets the stored value back. What the record outlives
     * is the directory's to say (a ZooKeeper cluster keeps it in ZooKeeper; a cluster of one in
     * memory).
     *
     * @param key a path of segments of letters, digits, '.', '_' and '-' separated by '/', at most 200
     *        characters
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
}
