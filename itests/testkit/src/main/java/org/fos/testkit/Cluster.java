package org.fos.testkit;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.fos.testkit.faults.FaultyNetwork;

/**
 * A development cluster for a test: a ZooKeeper server (a process started from the distribution's
 * {@code lib/zookeeper}) and fos nodes in processes of their own ({@link NodeProcess}), joined
 * through ZooKeeper and the TCP transport on loopback.
 *
 * <pre>
 * try (Cluster cluster = Cluster.builder("kv").nodes("node-a", "node-b", "node-c")
 *         .configure("node-a", n -&gt; n.config("org.fos.fleet", Map.of("excludedFleets", "/sys/kv")))
 *         .start()) {
 *     cluster.awaitMembers(Duration.ofMinutes(1));
 *     cluster.node("node-a").executeOk("fos:call /sys/kv put k v");
 *     cluster.kill("node-b");                       // kill -9
 * }
 * </pre>
 *
 * <p>With {@link Builder#faultInjection(String...)} the nodes talk through a {@link FaultyNetwork}
 * that the test can partition:
 *
 * <pre>
 * try (Cluster cluster = Cluster.builder("raft").nodes("node-a", "node-b", "node-c").faultInjection().start()) {
 *     cluster.awaitMembers(Duration.ofMinutes(2));
 *     cluster.partition("node-b");                  // cut from the other nodes; still reaches ZooKeeper
 *     cluster.heal();
 *     cluster.isolateFromZooKeeper("node-c");
 *     cluster.heal();
 *     cluster.node("node-a").pause();               // SIGSTOP, then resume(): SIGCONT
 *     cluster.restart("node-b", Duration.ofMinutes(1)); // stop 0 and start again: same folder, same ports
 * }
 * </pre>
 */
public final class Cluster implements AutoCloseable {
    private final String name;
    private final Path folder;
    private final Process zookeeper;
    private final String connect;
    private final FaultyNetwork network;
    private final Map<String, NodeProcess> nodes = new LinkedHashMap<>();
    private final Map<String, NodePorts> ports = new LinkedHashMap<>();

    private Cluster(String name, Path folder, Process zookeeper, String connect, FaultyNetwork network) {
        this.name = name;
        this.folder = folder;
        this.zookeeper = zookeeper;
        this.connect = connect;
        this.network = network;
    }

    /** The PID of the replication endpoint's configuration (issue 11), which the cluster sets on every node. */
    public static final String REPLICATION_PID = "org.fos.replication";
    /** The name of the ZooKeeper server in the cluster's {@link FaultyNetwork}. */
    public static final String ZOOKEEPER = "zookeeper";

    /**
     * The ports a node listens on, chosen once when the cluster starts, so that a node started again
     * listens where it did before.
     *
     * @param transport the TCP transport's port, or 0 for one the node picks at each start (without fault injection)
     * @param replication the replication endpoint's port
     */
    public record NodePorts(int transport, int replication) {
    }

    /**
     * Starts describing a cluster.
     *
     * @param name the cluster's name (also its folder under {@code target/clusters})
     * @return the builder
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** Describes a cluster before it starts. */
    public static final class Builder {
        private final String name;
        private final List<String> ids = new ArrayList<>();
        private final Map<String, List<Consumer<NodeProcess.Builder>>> customizers = new HashMap<>();
        private final List<Consumer<NodeProcess.Builder>> all = new ArrayList<>();
        private long sessionTimeoutMillis = 4_000;
        private boolean tls;
        private boolean sharedMemory;
        private boolean faults;
        private final List<String> extraParticipants = new ArrayList<>();
        private final java.util.Set<String> later = new java.util.HashSet<>();

        private Builder(String name) {
            if (!name.matches("[A-Za-z0-9._-]{1,64}")) {
                throw new IllegalArgumentException("invalid cluster name '" + name + "'");
            }
            this.name = name;
        }

        /**
         * Names the nodes.
         *
         * @param nodeIds the node ids
         * @return this builder
         */
        public Builder nodes(String... nodeIds) {
            ids.addAll(List.of(nodeIds));
            return this;
        }

        /**
         * Names nodes that are prepared with the others (folder, configuration, ports, a place on the
         * faulty network) but not started: {@code node(id).start()} starts one later, to join the
         * running cluster.
         *
         * @param nodeIds the node ids, each also named in {@link #nodes}
         * @return this builder
         */
        public Builder later(String... nodeIds) {
            later.addAll(List.of(nodeIds));
            return this;
        }

        /**
         * Sets the ZooKeeper session timeout of the nodes (default 4 s): how long a dead node stays.
         *
         * @param timeout the timeout
         * @return this builder
         */
        public Builder sessionTimeout(Duration timeout) {
            this.sessionTimeoutMillis = timeout.toMillis();
            return this;
        }

        /**
         * Turns TLS on between the nodes: a CA in the cluster's folder ({@code certs/}, made with
         * {@code bin/fos-certs}) signs a certificate for each node, and every node trusts it, on the
         * TCP transport and on the replication's Raft servers alike.
         *
         * @return this builder
         */
        public Builder tls() {
            this.tls = true;
            return this;
        }

        /**
         * Links the nodes through shared memory (the {@code org.fos.transport.shm} transport) as
         * {@code bin/fos-cluster} does: a cluster secret in the cluster's folder
         * ({@code cluster.secret}, readable by this user only) that every node is given. Without
         * it the nodes talk TCP only.
         *
         * @return this builder
         */
        public Builder sharedMemory() {
            this.sharedMemory = true;
            return this;
        }

        /**
         * Runs the cluster on a {@link FaultyNetwork}: every node reaches every other node, and
         * ZooKeeper, through proxies of its own that {@link #partition(String)}, {@link
         * #isolateFromZooKeeper(String)} and {@link #network()} can black-hole. Each node listens on
         * 127.0.0.1 at ports chosen once ({@link #ports(String)}), advertises its host name
         * {@code <node>.fos.test} for the TCP transport and the replication endpoint, and resolves the
         * others' names through its own hosts file. A plain JVM that should reach the nodes (a client
         * process) needs a participant of its own, named here, and its hosts file
         * ({@code network().jvmOption(name)}); the test's own JVM cannot resolve the nodes' names.
         * Excludes {@link #sharedMemory()}, which would carry messages past the proxies.
         *
         * @param clientParticipants more participants for client processes, such as {@code client-1}
         * @return this builder
         */
        public Builder faultInjection(String... clientParticipants) {
            this.faults = true;
            extraParticipants.addAll(List.of(clientParticipants));
            return this;
        }

        /**
         * Adjusts one node before it starts (configuration, bundles to deploy, JVM options).
         *
         * @param nodeId the node
         * @param customizer what to do with its builder
         * @return this builder
         */
        public Builder configure(String nodeId, Consumer<NodeProcess.Builder> customizer) {
            customizers.computeIfAbsent(nodeId, n -> new ArrayList<>()).add(customizer);
            return this;
        }

        /**
         * Adjusts every node before it starts.
         *
         * @param customizer what to do with each builder
         * @return this builder
         */
        public Builder configureAll(Consumer<NodeProcess.Builder> customizer) {
            all.add(customizer);
            return this;
        }

        /**
         * Starts ZooKeeper, then the nodes.
         *
         * @return the running cluster
         * @throws IOException if a process cannot be started
         */
        public Cluster start() throws IOException {
            if (ids.isEmpty()) {
                throw new IllegalStateException("a cluster needs at least one node");
            }
            if (!ids.containsAll(later)) {
                throw new IllegalStateException("later() names nodes that nodes() does not: " + later);
            }
            if (faults && sharedMemory) {
                throw new IllegalStateException("faultInjection() and sharedMemory() exclude each other: shared memory would carry"
                        + " the nodes' messages past the network's proxies");
            }
            Path folder = Path.of("target", "clusters", name).toAbsolutePath();
            Path home = NodeProcess.distribution();
            NodeProcess.deleteTree(folder); // a cluster starts afresh: no ZooKeeper data, no certificates of an earlier run
            Files.createDirectories(folder.resolve("zookeeper/data"));
            int port = freePort();
            Process zk = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Dzookeeper.admin.enableServer=false", "-Dzookeeper.4lw.commands.whitelist=ruok,srvr",
                    "-Dorg.slf4j.simpleLogger.logFile=" + folder.resolve("zookeeper/zookeeper.log"),
                    "-cp", home.resolve("lib/zookeeper") + File.separator + "*",
                    "org.apache.zookeeper.server.ZooKeeperServerMain", Integer.toString(port), folder.resolve("zookeeper/data").toString())
                    .redirectErrorStream(true).redirectOutput(folder.resolve("zookeeper/console.log").toFile()).start();
            String connect = "127.0.0.1:" + port;
            FaultyNetwork network = null;
            Cluster cluster = null;
            try {
                if (faults) {
                    List<String> participants = new ArrayList<>(ids);
                    participants.add(ZOOKEEPER);
                    participants.addAll(extraParticipants);
                    network = FaultyNetwork.create(folder.resolve("network"), participants);
                }
                cluster = new Cluster(name, folder, zk, connect, network);
                awaitPort(port, zk);
                if (network != null) {
                    network.exposeByAddress(ZOOKEEPER, port);
                }
                for (String id : ids) {
                    NodePorts p = cluster.allocatePorts(id);
                    NodeProcess.Builder b = NodeProcess.builder(id).base(folder.resolve(id))
                            .config("org.fos.cluster", Map.of("zookeeper", network == null ? connect : network.connectString(id, ZOOKEEPER),
                                    "clusterName", name, "sessionTimeoutMillis", Long.toString(sessionTimeoutMillis),
                                    "connectTimeoutMillis", "15000", "clusterSecret", secret(folder).toString()))
                            .config("org.fos.transport.tcp", Map.of("host", "127.0.0.1", "port", Integer.toString(p.transport()),
                                    "clusterName", name, "clusterSecret", secret(folder).toString()))
                            .config(REPLICATION_PID, Map.of("host", "127.0.0.1", "port", Integer.toString(p.replication()),
                                    "advertisedHost", network == null ? "127.0.0.1" : network.hostName(id)));
                    if (network != null) {
                        b.config("org.fos.transport.tcp", Map.of("advertisedHost", network.hostName(id))).jvmOption(network.jvmOption(id));
                    }
                    if (tls) {
                        Map<String, String> stores = Certificates.authority(folder.resolve("certs")).node(id);
                        b.config("org.fos.transport.tcp", stores).config(REPLICATION_PID, stores);
                    }
                    if (sharedMemory) {
                        b.config("org.fos.transport.shm", Map.of("clusterSecret", secret(folder).toString(), "clusterName", name));
                    }
                    all.forEach(c -> c.accept(b));
                    customizers.getOrDefault(id, List.of()).forEach(c -> c.accept(b));
                    cluster.nodes.put(id, later.contains(id) ? b.prepare() : b.start());
                }
            } catch (IOException | RuntimeException e) {
                if (cluster != null) {
                    cluster.close();
                } else {
                    zk.destroyForcibly();
                    if (network != null) {
                        network.close();
                    }
                }
                throw e;
            }
            return cluster;
        }
    }

    /** The cluster's secret: 32 random bytes as hexadecimal text, readable by this user only; made once. */
    private static Path secret(Path folder) throws IOException {
        Path file = folder.resolve("cluster.secret");
        if (!Files.exists(file)) {
            byte[] key = new byte[32];
            new java.security.SecureRandom().nextBytes(key);
            Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, java.util.HexFormat.of().formatHex(key));
        }
        return file;
    }

    /** Chooses a node's ports once: with fault injection both are fixed and proxied, else the transport's is picked at each start. */
    private NodePorts allocatePorts(String id) throws IOException {
        NodePorts p = null;
        for (int attempt = 0; p == null; attempt++) {
            int transport = network == null ? 0 : FaultyNetwork.freePort();
            int replication = FaultyNetwork.freePort();
            if (transport == replication) {
                continue;
            }
            try {
                if (network != null) {
                    network.expose(id, transport);
                    network.expose(id, replication);
                }
                p = new NodePorts(transport, replication);
            } catch (IOException e) {
                if (attempt >= 10) {
                    throw e;
                }
            }
        }
        ports.put(id, p);
        return p;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void awaitPort(int port, Process zk) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException e) {
                if (!zk.isAlive() || System.nanoTime() > deadline) {
                    throw new IOException("the ZooKeeper server did not start on port " + port + " (see its console.log)", e);
                }
                java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
            }
        }
    }

    /**
     * Returns the ZooKeeper connect string.
     *
     * @return for example {@code 127.0.0.1:34567}
     */
    public String zookeeper() {
        return connect;
    }

    /**
     * Returns the ports a node listens on, chosen when the cluster started and kept across restarts.
     *
     * @param nodeId the node
     * @return its ports
     * @throws IllegalArgumentException if the cluster has no such node
     */
    public NodePorts ports(String nodeId) {
        node(nodeId);
        return ports.get(nodeId);
    }

    /**
     * Returns the network the cluster runs on, for faults beyond those of this class (one-way
     * blocks, partitions between sets of nodes, resets).
     *
     * @return the network
     * @throws IllegalStateException if the cluster was built without {@link Builder#faultInjection(String...)}
     */
    public FaultyNetwork network() {
        if (network == null) {
            throw new IllegalStateException("cluster " + name + " runs without fault injection: build it with faultInjection()");
        }
        return network;
    }

    /**
     * Cuts a node off from every other node, both ways; it keeps reaching ZooKeeper. What is in
     * flight waits; new connections are held unanswered.
     *
     * @param nodeId the node
     * @throws IllegalStateException without fault injection
     */
    public void partition(String nodeId) {
        node(nodeId);
        network().partition(nodeId, ZOOKEEPER);
    }

    /**
     * Cuts a node off from ZooKeeper, both ways; it keeps reaching the other nodes.
     *
     * @param nodeId the node
     * @throws IllegalStateException without fault injection
     */
    public void isolateFromZooKeeper(String nodeId) {
        node(nodeId);
        network().partition(List.of(nodeId), List.of(ZOOKEEPER));
    }

    /**
     * Ends every network fault: all links open.
     *
     * @throws IllegalStateException without fault injection
     */
    public void heal() {
        network().heal();
    }

    /**
     * Stops a node gracefully ({@code felix:stop 0}, SIGKILL after the timeout) and starts it again in
     * its folder, on the same ports.
     *
     * @param nodeId the node
     * @param stopTimeout how long the stop may take
     * @return the node
     * @throws IOException if it cannot be started
     * @throws InterruptedException if interrupted while it stops
     */
    public NodeProcess restart(String nodeId, Duration stopTimeout) throws IOException, InterruptedException {
        NodeProcess n = node(nodeId);
        n.stop(stopTimeout);
        n.start();
        return n;
    }

    /**
     * Returns a node.
     *
     * @param nodeId its id
     * @return the node
     * @throws IllegalArgumentException if the cluster has no such node
     */
    public NodeProcess node(String nodeId) {
        NodeProcess n = nodes.get(nodeId);
        if (n == null) {
            throw new IllegalArgumentException("cluster " + name + " has no node " + nodeId + "; it has " + nodes.keySet());
        }
        return n;
    }

    /**
     * Returns the nodes, in the order they were named.
     *
     * @return the nodes
     */
    public List<NodeProcess> nodes() {
        return List.copyOf(nodes.values());
    }

    /**
     * Waits until every running node lists every running node in {@code fos:nodes} and its shell answers.
     *
     * @param timeout how long to wait
     * @throws IllegalStateException if they do not in time
     */
    public void awaitMembers(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<NodeProcess> running = nodes.values().stream().filter(NodeProcess::isAlive).toList();
        for (NodeProcess n : running) {
            n.awaitReady(timeout);
            while (true) {
                String out = n.execute("fos:nodes", timeout);
                if (running.stream().allMatch(r -> out.contains("node=" + r.nodeId() + ","))) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("node " + n.nodeId() + " does not list every node after " + timeout + ": " + out);
                }
                java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
            }
        }
    }

    /**
     * Kills a node with SIGKILL.
     *
     * @param nodeId the node
     * @throws InterruptedException if interrupted while it dies
     */
    public void kill(String nodeId) throws InterruptedException {
        node(nodeId).kill();
    }

    /** Stops every node and the ZooKeeper server. */
    @Override
    public void close() {
        if (network != null) {
            network.heal(); // a node stopping gracefully may need its peers and ZooKeeper
        }
        for (NodeProcess n : nodes.values()) {
            n.close();
        }
        if (network != null) {
            network.close();
        }
        zookeeper.destroy();
        try {
            if (!zookeeper.waitFor(30, TimeUnit.SECONDS)) {
                zookeeper.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            zookeeper.destroyForcibly();
        }
    }

    @Override
    public String toString() {
        return "cluster " + name + " in " + folder + " (ZooKeeper " + connect + ", nodes " + nodes.keySet() + ")";
    }
}
