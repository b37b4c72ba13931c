package org.fos.cluster.api;

import java.util.Map;
import java.util.Objects;

/**
 * A node of the cluster.
 *
 * @param id the node id
 * @param attributes what the node publishes (transport endpoints, ...), unmodifiable
 * @param local whether it is this node
 */
public record NodeInfo(String id, Map<String, String> attributes, boolean local) {

    /**
     * Checks and copies the parts.
     *
     * @param id the node id
     * @param attributes the attributes
     * @param local whether it is this node
     */
    public NodeInfo {
        Objects.requireNonNull(id, "id");
        attributes = Map.copyOf(attributes);
    }
}
