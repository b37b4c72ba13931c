package org.fos.replication.impl;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.fos.cluster.api.Membership;
import org.fos.cluster.api.NodeInfo;

/** One membership several nodes of a test share, as ZooKeeper would give them; a node can leave it. */
final class SharedMembership {
    private final Map<String, Map<String, String>> attributes = new TreeMap<>();
    private final Map<String, String> claims = new HashMap<>();
    private final Map<String, String> records = new HashMap<>();
    private final List<Runnable> watchers = new CopyOnWriteArrayList<>();

    synchronized List<NodeInfo> nodes(String local) {
        List<NodeInfo> out = new ArrayList<>();
        attributes.forEach((id, a) -> out.add(new NodeInfo(id, a, id.equals(local))));
        return out;
    }

    /** The node leaves (its session expired). */
    void leave(String node) {
        synchronized (this) {
            attributes.remove(node);
        }
        watchers.forEach(Runnable::run);
    }

    Membership view(String local) {
        synchronized (this) {
            attributes.putIfAbsent(local, new TreeMap<>());
        }
        return new Membership() {
            @Override
            public String localNode() {
                return local;
            }

            @Override
            public List<NodeInfo> nodes() {
                return SharedMembership.this.nodes(local);
            }

            @Override
            public AutoCloseable watch(Consumer<List<NodeInfo>> listener) {
                Runnable w = () -> listener.accept(nodes());
                watchers.add(w);
                w.run();
                return () -> watchers.remove(w);
            }

            @Override
            public AutoCloseable publish(String key, String value) {
                synchronized (SharedMembership.this) {
                    attributes.computeIfAbsent(local, n -> new TreeMap<>()).put(key, value);
                }
                watchers.forEach(Runnable::run);
                return () -> {
                    synchronized (SharedMembership.this) {
                        Map<String, String> a = attributes.get(local);
                        if (a != null) {
                            a.remove(key, value);
                        }
                    }
                    watchers.forEach(Runnable::run);
                };
            }

            @Override
            public String claim(String key, String value) {
                synchronized (SharedMembership.this) {
                    return claims.computeIfAbsent(key, k -> value);
                }
            }

            @Override
            public String claimed(String key) {
                synchronized (SharedMembership.this) {
                    return claims.get(key);
                }
            }

            @Override
            public void record(String key, String value) {
                synchronized (SharedMembership.this) {
                    records.put(key, value);
                }
            }

            @Override
            public String recorded(String key) {
                synchronized (SharedMembership.this) {
                    return records.get(key);
                }
            }
        };
    }
}
