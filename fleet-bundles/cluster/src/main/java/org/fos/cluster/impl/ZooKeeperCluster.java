package org.fos.cluster.impl;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
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
import org.apache.curator.framework.api.ACLProvider;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.fos.cluster.api.ClusterNames;
import org.fos.cluster.api.Membership;
import org.fos.cluster.api.NodeInfo;
import org.fos.kernel.api.NameEntry;
import org.fos.transport.api.ClusterSecret;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node in a ZooKeeper cluster, through Curator. It logs into ZooKeeper with the digest scheme, as
 * user {@value #USER} with a password derived from the cluster secret, and everything it creates
 * under {@code /fos/<cluster>} carries an ACL that lets that user only read and write it (ADR 0081);
 * the tokens of name entries are sealed under the secret ({@link TokenSeal}). Under {@code /fos/<cluster>}:
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
    /** The ZooKeeper user of every node of a cluster; its password is derived from the cluster secret. */
    static final String USER = "fos";
    /** The label under which the ZooKeeper password is derived from the cluster secret. */
    static final String PASSWORD_LABEL = "fos-zookeeper-v1";
    /** ZooKeeper's permission bits: read, write, create, delete, admin (its {@code ZooDefs.Perms.ALL}). */
    private static final int ALL_PERMISSIONS = 31;
    /** What anyone may do with {@code /fos}, which the clusters of an ensemble share. */
    private static final List<ACL> OPEN = Collections.unmodifiableList(Arrays.asList(new ACL(ALL_PERMISSIONS, new Id("world", "anyone"))));

    private final String node;
    private final String root;
    private final CuratorFramework client;
    private final CuratorCache nodesCache;
    private final CuratorCache namesCache;
    private final ExecutorService events;
    private final Duration timeout;
    private final PersistentNode self;
    private final TokenSeal seal;
    /** Who may do what below the cluster's root: the cluster's user, everything; anyone else, nothing. */
    private final List<ACL> acl;
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

    ZooKeeperCluster(String node, String connect, String cluster, ClusterSecret secret, Duration sessionTimeout, Duration connectTimeout) {
        this.node = node;
        this.root = "/fos/" + cluster;
        this.timeout = connectTimeout;
        this.seal = new TokenSeal(secret, cluster);
        String password = password(secret, cluster);
        // not List.of: ZooKeeper asks the list whether it contains null, which List.of answers with an exception
        this.acl = Collections.unmodifiableList(Arrays.asList(new ACL(ALL_PERMISSIONS, new Id("digest", digest(USER + ":" + password)))));
        this.nodes = List.of(new NodeInfo(node, Map.of(), true));
        this.events = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fos-cluster-events");
            t.setDaemon(true);
            return t;
        });
        this.client = CuratorFrameworkFactory.builder().connectString(connect)
                .sessionTimeoutMs((int) sessionTimeout.toMillis()).connectionTimeoutMs((int) connectTimeout.toMillis())
                .authorization("digest", (USER + ":" + password).getBytes(StandardCharsets.UTF_8))
                .aclProvider(new ACLProvider() {
                    @Override
                    public List<ACL> getDefaultAcl() {
                        return acl;
                    }

                    @Override
                    public List<ACL> getAclForPath(String path) {
                        // /fos is shared by the clusters of an ensemble; each cluster's tree is its own
                        return path.equals(root) || path.startsWith(root + "/") ? acl : OPEN;
                    }
                })
                .retryPolicy(new ExponentialBackoffRetry(100, 10, 2000)).build();
        client.getConnectionStateListenable().addListener((c, state) -> {
            LOG.info("ZooKeeper connection of node {}: {}", node, state);
            if (state == ConnectionState.CONNECTED) {
                events.execute(this::secureTree);
            }
        });
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

    /** The ZooKeeper password of a cluster's nodes: derived from the secret, so that only its holders log in as {@value #USER}. */
    static String password(ClusterSecret secret, String cluster) {
        return secret.derive(PASSWORD_LABEL, cluster).toHex();
    }

    /** ZooKeeper's digest of {@code user:password}, as its digest authentication provider computes it. */
    static String digest(String userPassword) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1").digest(userPassword.getBytes(StandardCharsets.UTF_8));
            return userPassword.substring(0, userPassword.indexOf(':')) + ":" + Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-1", e);
        }
    }

    /**
     * Puts the cluster's ACL on its root and the folders below it that exist already: a tree that an
     * earlier version made open to anyone is closed once a node with the secret connects. A tree
     * closed under another secret cannot be changed, and says so in the log.
     */
    private void secureTree() {
        List<String> paths = new ArrayList<>(List.of(root, root + "/nodes", root + "/names", root + "/claims", root + "/records"));
        try {
            if (client.checkExists().forPath(root + "/names") != null) {
                for (String name : client.getChildren().forPath(root + "/names")) {
                    paths.add(root + "/names/" + name);
                }
            }
            for (String path : paths) {
                if (client.checkExists().forPath(path) != null && !acl.equals(client.getACL().forPath(path))) {
                    client.setACL().withACL(acl).forPath(path);
                    LOG.info("node {}: ZooKeeper folder {} is now readable and writable by the cluster's nodes only", node, path);
                }
            }
        } catch (KeeperException.NoAuthException e) {
            LOG.error("node {}: ZooKeeper refuses this node access to {} ({}): that tree was made with another cluster secret."
                    + " Give every node the same clusterSecret, or remove the tree", node, root, e.getMessage());
        } catch (Exception e) {
            LOG.warn("node {}: cannot check the ZooKeeper ACLs of {}: {}", node, root, e.toString());
        }
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
        public String claimed(String key) {
            return text(root + "/claims/" + Attributes.requireClaimKey(key), "claim " + key);
        }

        @Override
        public void record(String key, String value) {
            String path = root + "/records/" + Attributes.requireClaimKey(key);
            byte[] bytes = Attributes.requireValue(key, value).getBytes(StandardCharsets.UTF_8);
            try {
                try {
                    client.setData().forPath(path, bytes);
                } catch (KeeperException.NoNodeException absent) {
                    try {
                        client.create().creatingParentsIfNeeded().withMode(CreateMode.PERSISTENT).forPath(path, bytes);
                    } catch (KeeperException.NodeExistsException raced) {
                        client.setData().forPath(path, bytes);
                    }
                }
            } catch (Exception e) {
                throw new IllegalStateException("cannot record " + key + " in ZooKeeper: " + e, e);
            }
        }

        @Override
        public String recorded(String key) {
            return text(root + "/records/" + Attributes.requireClaimKey(key), "record " + key);
        }

        /** The text a persistent entry holds, or null if there is none. */
        private String text(String path, String what) {
            try {
                return new String(client.getData().forPath(path), StandardCharsets.UTF_8);
            } catch (KeeperException.NoNodeException none) {
                return null;
            } catch (Exception e) {
                throw new IllegalStateException("cannot read " + what + " from ZooKeeper: " + e, e);
            }
        }

        @Override
        public String toString() {
            return "a member of ZooKeeper cluster " + root;
        }
    };

    /**
     * Writes this node's attributes into its membership entry, once ZooKeeper has created the entry:
     * Curator's {@code PersistentNode} refuses a change before its first create ("initial create has
     * not been processed"), which a node whose services publish as they start met when ZooKeeper
     * answered late (its replication then never started). Waits up to the connect timeout.
     */
    private void writeAttributes() {
        try {
            if (!self.waitForInitialCreate(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("ZooKeeper did not create the membership entry of node " + node + " within "
                        + timeout.toMillis() + " ms");
            }
            self.setData(EntryCodec.write(attributes));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing the attributes of node " + node, e);
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
                    members.put(member, new Ordered(data.getStat() == null ? 0 : data.getStat().getCzxid(), EntryCodec.entry(data.getData(), seal)));
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
                        root + "/names/" + EntryCodec.znode(entry.name()) + "/" + EntryCodec.member(entry), EntryCodec.entry(entry, seal));
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
