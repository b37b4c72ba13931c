package org.fos.cluster.impl;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.fos.cluster.api.Membership;
import org.fos.cluster.api.NodeInfo;

/** A cluster of one: this node, with the attributes it publishes. */
final class LocalMembership implements Membership {
    private final String node;
    private final Map<String, String> attributes = new ConcurrentHashMap<>();
    private final List<Consumer<List<NodeInfo>>> listeners = new CopyOnWriteArrayList<>();
    private final Map<String, String> claims = new ConcurrentHashMap<>();
    private final Map<String, String> records = new ConcurrentHashMap<>();

    LocalMembership(String node) {
        this.node = node;
    }

    @Override
    public String localNode() {
        return node;
    }

    @Override
    public List<NodeInfo> nodes() {
        return List.of(new NodeInfo(node, attributes, true));
    }

    @Override
    public synchronized AutoCloseable watch(Consumer<List<NodeInfo>> listener) {
        listeners.add(listener);
        listener.accept(nodes());
        return () -> listeners.remove(listener);
    }

    @Override
    public synchronized AutoCloseable publish(String key, String value) {
        attributes.put(Attributes.requireKey(key), Attributes.requireValue(key, value));
        changed();
        return () -> {
            synchronized (this) {
                if (attributes.remove(key, value)) {
                    changed();
                }
            }
        };
    }

    @Override
    public String claim(String key, String value) {
        return claims.computeIfAbsent(Attributes.requireClaimKey(key), k -> Attributes.requireValue(k, value));
    }

    @Override
    public String claimed(String key) {
        return claims.get(Attributes.requireClaimKey(key));
    }

    @Override
    public void record(String key, String value) {
        records.put(Attributes.requireClaimKey(key), Attributes.requireValue(key, value));
    }

    @Override
    public String recorded(String key) {
        return records.get(Attributes.requireClaimKey(key));
    }

    private void changed() {
        List<NodeInfo> now = nodes();
        for (Consumer<List<NodeInfo>> l : listeners) {
            l.accept(now);
        }
    }

    @Override
    public String toString() {
        return "a cluster of one (" + node + ")";
    }
}
