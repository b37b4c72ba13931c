package org.fos.cluster.impl;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.fos.cluster.api.ClusterNames;
import org.fos.cluster.api.Membership;
import org.fos.cluster.api.NodeInfo;
import org.fos.kernel.api.NameEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node in a ZooKeeper cluster, through Curator. Under {@code /fos/<cluster>}:
 *
 * <pre>
 * nodes/&lt;node id&gt;                      ephemeral; data: the node's attributes
 * names/&lt;name, '/' as '|'&gt;/&lt;node&gt;~&lt;id&gt;  ephemeral; data: the name entry
 * </pre>
 *
 * Ephemeral znodes are re-created by Curator after a session is lost and found again
 * ({@code PersistentNode}); they vanish when the node's session expires. Each node mirrors both
 * trees with a {@code CuratorCache}; listeners are called from one thread, in order.
 */
final class ZooKeeperCluster implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ZooKeeperCluster.class);

    private final String node;
    private final String root;
    private final CuratorFramework client;
    private final CuratorCache nodesCache;
    private final CuratorCache namesCache;
    private final ExecutorService events;
    private final Duration timeout;
    private final PersistentNode self;
    private final Map<String, String> attributes = new ConcurrentHashMap<>();
    private final List<Consumer<List<NodeInfo>>> membershipListeners = new CopyOnWriteArrayList<>();
    private final Map<String, PersistentNode> ownEntries = new ConcurrentHashMap<>();
    /** The mirror of all names: name, then znode member name, then entry with its creation order. */
    private final Map<String, TreeMap<String, Ordered>> mirror = new HashMap<>();
    private final Map<String, List<Consumer<List<NameEntry>>>> nameListeners = new HashMap<>();
    private final Object lock = new Object();
    private volatile List<NodeInfo> nodes;
    /** True while the events thread tells listeners about a change of names (guarded by the lock). */
    private boolean telling;

    private record Ordered(long czxid, NameEntry entry) {
    }

    ZooKeeperCluster(String node, String connect, String cluster, Duration sessionTimeout, Duration connectTimeout) {
        this.node = node;
        this.root = "/fos/" + cluster;
        this.timeout = connectTimeout;
        this.nodes = List.of(new NodeInfo(node, Map.of(), true));
        this.events = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fos-cluster-events");
            t.setDaemon(true);
            return t;
        });
        this.client = CuratorFrameworkFactory.builder().connectString(connect)
                .sessionTimeoutMs((int) sessionTimeout.toMillis()).connectionTimeoutMs((int) connectTimeout.toMillis())
                .retryPolicy(new ExponentialBackoffRetry(100, 10, 2000)).build();
        client.getConnectionStateListenable().addListener((c, state) -> LOG.info("ZooKeeper connection of node {}: {}", node, state));
        client.start();
        this.self = new PersistentNode(client, CreateMode.EPHEMERAL, false, root + "/nodes/" + node, EntryCodec.write(Map.of()));
        self.start();
        this.nodesCache = CuratorCache.build(client, root + "/nodes");
        nodesCache.listenable().addListener((type, oldData, data) -> events.execute(this::membershipChanged), events);
        nodesCache.start();
        this.namesCache = CuratorCache.build(client, root + "/names");
        namesCache.listenable().addListener((type, oldData, data) -> events.execute(() -> nameChanged(oldData, data)), events);
        namesCache.start();
    }

    // ---------------------------------------------------------------- membership

    private void membershipChanged() {
        String prefix = root + "/nodes/";
        List<NodeInfo> now = new ArrayList<>();
        nodesCache.stream().filter(d -> d.getPath().startsWith(prefix) && d.getPath().indexOf('/', prefix.length()) < 0)
                .forEach(d -> {
                    String id = d.getPath().substring(prefix.length());
                    try {
                        now.add(new NodeInfo(id, EntryCodec.read(d.getData()), id.equals(node)));
                    } catch (IllegalArgumentException e) {
                        LOG.warn("ignoring node {} with malformed data: {}", id, e.getMessage());
                    }
                });
        now.sort(Comparator.comparing(NodeInfo::id));
        if (now.stream().noneMatch(NodeInfo::local)) {
            now.add(0, new NodeInfo(node, attributes, true));
        }
        if (!now.equals(nodes)) {
            nodes = List.copyOf(now);
            for (Consumer<List<NodeInfo>> l : membershipListeners) {
                l.accept(nodes);
            }
        }
    }

    final Membership membership = new Membership() {
        @Override
        public String localNode() {
            return node;
        }

        @Override
        public List<NodeInfo> nodes() {
            return nodes;
        }

        @Override
        public AutoCloseable watch(Consumer<List<NodeInfo>> listener) {
            onEvents(() -> {
                membershipListeners.add(listener);
                listener.accept(nodes);
            });
            return () -> membershipListeners.remove(listener);
        }

        @Override
        public AutoCloseable publish(String key, String value) {
            attributes.put(Attributes.requireKey(key), Attributes.requireValue(key, value));
            writeAttributes();
            return () -> {
                if (attributes.remove(key, value)) {
                    writeAttributes();
                }
            };
        }

        @Override
        public String claim(String key, String value) {
            String path = root + "/claims/" + Attributes.requireClaimKey(key);
            byte[] bytes = Attributes.requireValue(key, value).getBytes(StandardCharsets.UTF_8);
            try {
                client.create().creatingParentsIfNeeded().withMode(CreateMode.PERSISTENT).forPath(path, bytes);
                return value;
            } catch (KeeperException.NodeExistsException taken) {
                try {
                    return new String(client.getData().forPath(path), StandardCharsets.UTF_8);
                } catch (Exception e) {
                    throw new IllegalStateException("cannot read claim " + key + " from ZooKeeper: " + e, e);
                }
            } catch (Exception e) {
                throw new IllegalStateException("cannot claim " + key + " in ZooKeeper: " + e, e);
            }
        }

        @Override
        public String toString() {
            return "a member of ZooKeeper cluster " + root;
        }
    };

    private void writeAttributes() {
        try {
            self.setData(EntryCodec.write(attributes));
        } catch (Exception e) {
            throw new IllegalStateException("cannot publish the attributes of node " + node + " to ZooKeeper: " + e, e);
        }
    }

    /** Runs on the events thread and waits for it. */
    private void onEvents(Runnable r) {
        try {
            events.submit(r).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the cluster events thread did not answer: " + e, e);
        }
    }

    // ---------------------------------------------------------------- names

    private void nameChanged(ChildData oldData, ChildData data) {
        String namesRoot = root + "/names/";
        ChildData d = data != null ? data : oldData;
        if (d == null || !d.getPath().startsWith(namesRoot)) {
            return;
        }
        String rest = d.getPath().substring(namesRoot.length());
        int slash = rest.indexOf('/');
        if (slash < 0) {
            return; // the container of a name
        }
        String name = EntryCodec.name(rest.substring(0, slash));
        String member = rest.substring(slash + 1);
        List<NameEntry> now;
        List<Consumer<List<NameEntry>>> listeners;
        synchronized (lock) {
            TreeMap<String, Ordered> members = mirror.computeIfAbsent(name, n -> new TreeMap<>());
            if (data == null) {
                members.remove(member);
            } else {
                try {
                    members.put(member, new Ordered(data.getStat() == null ? 0 : data.getStat().getCzxid(), EntryCodec.entry(data.getData())));
                } catch (IllegalArgumentException e) {
                    LOG.warn("ignoring malformed name entry {}: {}", d.getPath(), e.getMessage());
                    return;
                }
            }
            if (members.isEmpty()) {
                mirror.remove(name);
            }
            now = membersOf(name);
            listeners = List.copyOf(nameListeners.getOrDefault(name, List.of()));
            telling = true;
        }
        // listeners are called without the lock (they take their own), then waiters are woken:
        // add() and remove() return only after the change was told
        try {
            for (Consumer<List<NameEntry>> l : listeners) {
                try {
                    l.accept(now);
                } catch (RuntimeException e) {
                    LOG.warn("a name listener failed on a change of {}", name, e);
                }
            }
        } finally {
            synchronized (lock) {
                telling = false;
                lock.notifyAll();
            }
        }
    }

    private List<NameEntry> membersOf(String name) {
        TreeMap<String, Ordered> members = mirror.get(name);
        if (members == null) {
            return List.of();
        }
        return members.values().stream().sorted(Comparator.comparingLong(Ordered::czxid)).map(Ordered::entry).toList();
    }

    private boolean mirrored(NameEntry e) {
        TreeMap<String, Ordered> members = mirror.get(e.name());
        return members != null && members.containsKey(EntryCodec.member(e));
    }

    private void awaitMirror(String what, Predicate<Void> done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (!done.test(null)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IllegalStateException(what + " did not show in ZooKeeper within " + timeout.toMillis() + " ms");
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for ZooKeeper", ex);
                }
            }
        }
    }

    final ClusterNames names = new ClusterNames() {
        @Override
        public void add(NameEntry entry) {
            String key = entry.address().node() + "~" + entry.registrationId();
            ownEntries.computeIfAbsent(key, k -> {
                PersistentNode p = new PersistentNode(client, CreateMode.EPHEMERAL, false,
                        root + "/names/" + EntryCodec.znode(entry.name()) + "/" + EntryCodec.member(entry), EntryCodec.entry(entry));
                p.start();
                return p;
            });
            awaitMirror("the registration of " + entry.address() + " under " + entry.name(), v -> mirrored(entry) && !telling);
        }

        @Override
        public void remove(NameEntry entry) {
            PersistentNode p = ownEntries.remove(entry.address().node() + "~" + entry.registrationId());
            if (p != null) {
                try {
                    p.close();
                } catch (Exception e) {
                    throw new IllegalStateException("cannot remove " + entry.address() + " from " + entry.name() + ": " + e, e);
                }
            }
            awaitMirror("the removal of " + entry.address() + " from " + entry.name(), v -> !mirrored(entry) && !telling);
        }

        @Override
        public List<NameEntry> find(String name) {
            synchronized (lock) {
                return membersOf(name);
            }
        }

        @Override
        public List<NameEntry> list(String prefix) {
            synchronized (lock) {
                List<NameEntry> out = new ArrayList<>();
                new TreeMap<>(mirror).forEach((name, members) -> {
                    if ("/".equals(prefix) || name.equals(prefix) || name.startsWith(prefix + "/")) {
                        out.addAll(membersOf(name));
                    }
                });
                return out;
            }
        }

        @Override
        public AutoCloseable watch(String name, Consumer<List<NameEntry>> listener) {
            synchronized (lock) {
                nameListeners.computeIfAbsent(name, n -> new CopyOnWriteArrayList<>()).add(listener);
                listener.accept(membersOf(name));
            }
            return () -> {
                synchronized (lock) {
                    Optional.ofNullable(nameListeners.get(name)).ifPresent(l -> l.remove(listener));
                }
            };
        }

        @Override
        public String toString() {
            return "the names of ZooKeeper cluster " + root;
        }
    };

    boolean awaitConnected(Duration wait) throws InterruptedException {
        return client.blockUntilConnected((int) wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        for (PersistentNode p : ownEntries.values()) {
            closeQuietly(p);
        }
        closeQuietly(self);
        namesCache.close();
        nodesCache.close();
        client.close();
        events.shutdownNow();
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            LOG.debug("closing {} failed", c, e);
        }
    }
}
