package org.fos.cluster.impl;

import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

import org.fos.cluster.api.Membership;
import org.fos.cluster.api.NodeInfo;
import org.fos.kernel.spi.NodeDirectory;

/**
 * The membership as the kernel's transports see it ({@link NodeDirectory}): the same nodes,
 * attributes and claims, in the kernel SPI's types, so that a transport follows the cluster
 * without depending on the cluster's API. Thread-safe as the membership is.
 */
final class MembershipDirectory implements NodeDirectory {
    private final Membership membership;

    MembershipDirectory(Membership membership) {
        this.membership = Objects.requireNonNull(membership, "membership");
    }

    private static List<Node> nodes(List<NodeInfo> infos) {
        return infos.stream().map(n -> new Node(n.id(), n.attributes(), n.local())).toList();
    }

    @Override
    public String localNode() {
        return membership.localNode();
    }

    @Override
    public List<Node> nodes() {
        return nodes(membership.nodes());
    }

    @Override
    public AutoCloseable watch(Consumer<List<Node>> listener) {
        Objects.requireNonNull(listener, "listener");
        return membership.watch(infos -> listener.accept(nodes(infos)));
    }

    @Override
    public AutoCloseable publish(String key, String value) {
        return membership.publish(key, value);
    }

    @Override
    public String claim(String key, String value) {
        return membership.claim(key, value);
    }

    @Override
    public String claimed(String key) {
        return membership.claimed(key);
    }

    @Override
    public String toString() {
        return "directory of " + membership;
    }
}
