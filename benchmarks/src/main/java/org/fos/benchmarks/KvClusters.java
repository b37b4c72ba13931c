package org.fos.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.AlreadyExistsException;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.util.TimeDuration;
import org.awaitility.Awaitility;
import org.fos.client.FosClient;
import org.fos.kv.api.Entry;
import org.fos.kv.api.KeyValue;
import org.fos.testkit.Cluster;
import org.fos.testkit.NodeProcess;

/**
 * The two 3-node loopback clusters of row 13, each behind the same small interface ({@link Store}):
 * fos's replicated key-value fleet on the shipped distribution ({@link #fos()}) and a bare Ratis
 * state machine doing the same work ({@link #ratis()}). Both keep their data under
 * {@code target/clusters} of the working folder, on the same disk.
 */
final class KvClusters {

    /** Groups of /sys/kv (the fleet's default) and of the baseline. */
    static final int GROUPS = 8;
    /** Nodes that keep replicas: 3 on both sides. */
    static final List<String> REPLICA_NODES = List.of("node-b", "node-c", "node-d");
    /** How long a cluster may take to start and elect its leaders. */
    private static final Duration START = Duration.ofMinutes(3);
    private static final Duration COMMAND = Duration.ofSeconds(30);
    private static final Pattern GROUP = Pattern.compile(
            "GroupInfo\\[fleet=/sys/kv, group=\\d+, peers=\\[([^\\]]*)\\], leader=([^,]+),");

    private KvClusters() {
    }

    /** A key-value store on a 3-node cluster: put, and a linearizable get. */
    interface Store extends AutoCloseable {
        /**
         * Writes a key; returns once a majority has it in its log and it is applied.
         *
         * @param key the key
         * @param value the value
         * @return the write's revision (log index)
         */
        long put(String key, byte[] value);

        /**
         * Reads a key linearizably.
         *
         * @param key the key
         * @return its value, or null if absent
         */
        byte[] get(String key);

        /** Stops the cluster and every process it started. */
        @Override
        void close();
    }

    /**
     * Starts the fos side: ZooKeeper and four node processes of the distribution (its folder is the
     * {@value NodeProcess#DISTRIBUTION_DIR} property, else {@code distribution/target/fos} of the
     * working folder). node-b, node-c and node-d keep /sys/kv's replicas; node-a runs no member
     * ({@code excludedFleets=/sys/kv}) and hands out a client ticket to the {@link FosClient} of
     * this JVM, whose calls it forwards to the members. Returns once every group has 3 replicas and a
     * leader.
     *
     * @return the store
     */
    static Store fos() {
        if (System.getProperty(NodeProcess.DISTRIBUTION_DIR) == null) {
            System.setProperty(NodeProcess.DISTRIBUTION_DIR, Path.of("distribution", "target", "fos").toAbsolutePath().toString());
        }
        Path home = NodeProcess.distribution();
        if (!Files.isDirectory(home.resolve("bin"))) {
            throw new IllegalStateException("no fos distribution at " + home + ": build it (mvn package -pl distribution -am)"
                    + " or name it with -D" + NodeProcess.DISTRIBUTION_DIR);
        }
        Path ticket = Path.of("target", "clusters", "kv-bench.ticket").toAbsolutePath();
        Cluster cluster = null;
        try {
            Files.deleteIfExists(ticket);
            cluster = Cluster.builder("kv-bench").nodes("node-a", "node-b", "node-c", "node-d")
                    .configure("node-a", n -> n.config("org.fos.fleet", Map.of("excludedFleets", "/sys/kv"))
                            .config("org.fos.transport.tcp", Map.of("clientTicket", ticket.toString())))
                    .start();
            cluster.awaitMembers(START);
            NodeProcess b = cluster.node("node-b").awaitReady(START);
            Awaitility.await("the " + GROUPS + " groups of /sys/kv on 3 nodes each, with a leader").atMost(START)
                    .pollInterval(Duration.ofMillis(500)).until(() -> readyGroups(b.execute("fos:groups /sys/kv", COMMAND)) == GROUPS);
            Awaitility.await("node-a's client ticket").atMost(START).until(() -> Files.exists(ticket));
            FosClient client = FosClient.builder(ticket).callTimeout(Duration.ofSeconds(10)).connect();
            KeyValue kv = client.fleet(KeyValue.class, KeyValue.NAME);
            Cluster running = cluster;
            return new Store() {
                @Override
                public long put(String key, byte[] value) {
                    return kv.put(key, value).revision();
                }

                @Override
                public byte[] get(String key) {
                    Entry e = kv.get(key);
                    return e == null ? null : e.value();
                }

                @Override
                public void close() {
                    client.close();
                    running.close();
                }
            };
        } catch (IOException | RuntimeException e) {
            if (cluster != null) {
                cluster.close();
            }
            throw e instanceof IOException io ? new UncheckedIOException("the fos cluster did not start", io) : (RuntimeException) e;
        }
    }

    /** Counts the groups that fos:groups shows on 3 nodes with a leader. */
    static int readyGroups(String groups) {
        Matcher m = GROUP.matcher(groups);
        int ready = 0;
        while (m.find()) {
            if (m.group(1).split(", ").length == REPLICA_NODES.size() && !"null".equals(m.group(2))) {
                ready++;
            }
        }
        return ready;
    }

    /**
     * Starts the bare Ratis side: three {@link KvRatisPeer} processes on loopback gRPC, the same
     * {@value #GROUPS} groups on all three (added through Ratis's group management), each group's
     * leadership moved to peer {@code g % 3} so that leaders are spread as fos spreads them, and a
     * {@link RaftClient} per group in this JVM with fos's retry policy. Returns once every group has
     * applied a write.
     *
     * @return the store
     */
    static Store ratis() {
        Path folder = Path.of("target", "clusters", "ratis-kv-bench").toAbsolutePath();
        List<CrossProcess> processes = new ArrayList<>();
        List<RaftClient> clients = new ArrayList<>();
        try {
            deleteTree(folder);
            List<RaftPeer> peers = new ArrayList<>();
            for (String id : REPLICA_NODES) {
                int port = freePort();
                Files.createDirectories(folder.resolve(id));
                processes.add(new CrossProcess(KvRatisPeer.class, id, Integer.toString(port), folder.resolve(id).toString()));
                peers.add(RaftPeer.newBuilder().setId(id).setAddress("127.0.0.1:" + port).build());
            }
            processes.forEach(CrossProcess::ready);
            RaftProperties properties = KvRatisPeer.properties(0, null);
            for (int g = 0; g < GROUPS; g++) {
                RaftGroup group = RaftGroup.valueOf(RaftGroupId.valueOf(new UUID(0x6b76_6265_6e63_6800L, g)), peers);
                for (RaftPeer p : peers) {
                    try (RaftClient admin = RaftClient.newBuilder().setProperties(properties).setRaftGroup(group).build()) {
                        RaftClientReply reply = admin.getGroupManagementApi(p.getId()).add(group);
                        if (!alreadyExists(reply.getException())) {
                            check(reply, "add group " + g + " on " + p.getId());
                        }
                    } catch (IOException e) {
                        if (!alreadyExists(e)) {
                            throw e;
                        }
                        // a retried add, after one that the loaded machine answered late: the group is there
                    }
                }
                clients.add(RaftClient.newBuilder().setProperties(properties).setRaftGroup(group)
                        .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(3, TimeDuration.valueOf(100, TimeUnit.MILLISECONDS)))
                        .build());
            }
            for (int g = 0; g < GROUPS; g++) {
                RaftClient c = clients.get(g);
                Awaitility.await("a leader of group " + g).atMost(START).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                        .until(() -> c.io().send(KvMapMachine.put("start", new byte[1])).isSuccess());
                RaftPeerId to = peers.get(g % peers.size()).getId();
                Awaitility.await("group " + g + " led by " + to).atMost(START).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                        .until(() -> c.admin().transferLeadership(to, 5_000).isSuccess());
            }
            return new Store() {
                @Override
                public long put(String key, byte[] value) {
                    RaftClientReply reply = call(() -> clients.get(groupOf(key)).io().send(KvMapMachine.put(key, value)));
                    return ByteBuffer.wrap(reply.getMessage().getContent().toByteArray()).getLong();
                }

                @Override
                public byte[] get(String key) {
                    RaftClientReply reply = call(() -> clients.get(groupOf(key)).io().sendReadOnly(KvMapMachine.get(key)));
                    return reply.getMessage().getContent().isEmpty() ? null : reply.getMessage().getContent().toByteArray();
                }

                @Override
                public void close() {
                    stop(clients, processes);
                }
            };
        } catch (IOException | RuntimeException e) {
            stop(clients, processes);
            throw e instanceof IOException io ? new UncheckedIOException("the Ratis cluster did not start", io) : (RuntimeException) e;
        }
    }

    private static boolean alreadyExists(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof AlreadyExistsException) {
                return true;
            }
        }
        return false;
    }

    /** The group of a key: its hash, as the key-value fleet partitions keys over its groups. */
    static int groupOf(String key) {
        return Math.floorMod(key.hashCode(), GROUPS);
    }

    private interface Call {
        RaftClientReply run() throws IOException;
    }

    private static RaftClientReply call(Call call) {
        try {
            return check(call.run(), "request");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static RaftClientReply check(RaftClientReply reply, String what) {
        if (!reply.isSuccess()) {
            throw new IllegalStateException(what + " failed: " + reply);
        }
        return reply;
    }

    private static void stop(List<RaftClient> clients, List<CrossProcess> processes) {
        for (RaftClient c : clients) {
            try {
                c.close();
            } catch (IOException e) {
                // the servers stop next; a client that cannot close holds nothing of theirs
            }
        }
        processes.forEach(CrossProcess::close);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return s.getLocalPort();
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> all = Files.walk(p)) {
            for (Path f : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }
}
