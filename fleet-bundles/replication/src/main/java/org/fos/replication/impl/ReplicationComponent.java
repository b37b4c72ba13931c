package org.fos.replication.impl;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.fos.cluster.api.Membership;
import org.fos.fleet.api.GroupInfo;
import org.fos.fleet.api.Replicated;
import org.fos.fleet.api.ReplicatedFleet;
import org.fos.fleet.spi.Replication;
import org.fos.fleet.spi.ReplicatedFleetHandle;
import org.fos.kernel.api.Kernel;
import org.fos.kernel.api.Names;
import org.fos.kernel.spi.PayloadCodec;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The node's replication service (PID {@value #PID}): one Raft server for every group of every
 * replicated fleet on this node, with its logs and snapshots under {@code data/raft}. It restarts
 * with the membership (a new ZooKeeper configuration) and with the codec; its groups come back from
 * disk each time.
 */
@Component(service = {Replication.class, ReplicationComponent.class}, immediate = true, configurationPid = ReplicationComponent.PID)
@Designate(ocd = ReplicationComponent.Config.class)
public final class ReplicationComponent implements Replication {

    /** The configuration PID. */
    public static final String PID = "org.fos.replication";

    /** The replication's configuration. */
    @ObjectClassDefinition(name = "fos replication", description = "The node's Raft server for the groups of replicated fleets.")
    public @interface Config {
        /**
         * Where the Raft server listens.
         *
         * @return an address
         */
        @AttributeDefinition(description = "The address the Raft server listens on: 127.0.0.1 serves this host only, 0.0.0.0 every interface.")
        String host() default "127.0.0.1";

        /**
         * The Raft server's port.
         *
         * @return a port
         */
        @AttributeDefinition(description = "The Raft server's port. 0 picks a free port on the first start and keeps it in data/raft/port"
                + " for later starts: a node's Raft address must not change, the groups' configurations name it.")
        int port() default 0;

        /**
         * What other nodes dial.
         *
         * @return a host, or empty
         */
        @AttributeDefinition(description = "The host other nodes dial, published through the membership (attribute raft). Empty: host.")
        String advertisedHost() default "";

        /**
         * The storage folder.
         *
         * @return a path, or empty
         */
        @AttributeDefinition(description = "The folder of the Raft logs and snapshots. Empty: data/raft in the node's folder.")
        String storage() default "";

        /**
         * The election timeout's lower bound.
         *
         * @return milliseconds
         */
        @AttributeDefinition(description = "Milliseconds: the lower bound of Raft's randomized election timeout (how long a follower"
                + " waits for its leader before it stands for election).")
        long electionTimeoutMinMillis() default 1_000;

        /**
         * The election timeout's upper bound.
         *
         * @return milliseconds
         */
        @AttributeDefinition(description = "Milliseconds: the upper bound of Raft's randomized election timeout.")
        long electionTimeoutMaxMillis() default 2_000;

        /**
         * How long a request may wait for a quorum.
         *
         * @return milliseconds
         */
        @AttributeDefinition(description = "Milliseconds a write or a linearizable read may wait for its group's quorum before it fails"
                + " with NO_QUORUM; at least twice electionTimeoutMaxMillis.")
        long requestTimeoutMillis() default 5_000;

        /**
         * How long a node may be gone before its replicas move.
         *
         * @return milliseconds
         */
        @AttributeDefinition(description = "Milliseconds a node may be gone from the membership before placement gives its replicas to"
                + " other nodes (a node that comes back sooner keeps them).")
        long replaceAfterMillis() default 60_000;

        /**
         * How often placement runs.
         *
         * @return milliseconds
         */
        @AttributeDefinition(description = "Milliseconds between two rounds of placement (it also runs when the membership changes).")
        long placementPeriodMillis() default 2_000;

        /**
         * The fleets whose groups the balancer does not move.
         *
         * @return fleet names, or {@code *} for all
         */
        @AttributeDefinition(description = "Replicated fleets whose groups the balancer leaves where they are ('*': every fleet). Placement"
                + " still replaces the replicas of gone nodes, and fos:move still moves a group by hand.")
        String[] rebalanceOff() default {};

        /**
         * How long the nodes of a new fleet must stay put.
         *
         * @return milliseconds
         */
        @AttributeDefinition(description = "Milliseconds the set of nodes that run a new replicated fleet must stay the same before its"
                + " groups are created, so that nodes starting together get the first replicas (a cluster of one does not wait).")
        long settleMillis() default 2_000;

        /**
         * How many entries make a snapshot.
         *
         * @return entries
         */
        @AttributeDefinition(description = "How many applied entries make a group write a snapshot and drop the log before it.")
        long snapshotEveryEntries() default 100_000;

        /**
         * How long request ids are remembered.
         *
         * @return milliseconds
         */
        @AttributeDefinition(description = "Milliseconds a group remembers a request id it applied: a call delivered again within it is"
                + " applied once.")
        long dedupWindowMillis() default 600_000;

        /**
         * How many request ids are remembered.
         *
         * @return entries
         */
        @AttributeDefinition(description = "The most request ids a group remembers, the oldest forgotten first.")
        int dedupMaxEntries() default 200_000;

        /**
         * Whether Raft traffic uses TLS.
         *
         * @return true for mutual TLS
         */
        @AttributeDefinition(description = "Mutual TLS between the Raft servers, with the same stores as the TCP transport.")
        boolean tls() default false;

        /**
         * The key store.
         *
         * @return a path
         */
        @AttributeDefinition(description = "This node's key and certificate chain.")
        String keyStore() default "";

        /**
         * The key store's password.
         *
         * @return the password
         */
        @AttributeDefinition(description = "The key store's password (also the key's).", type = org.osgi.service.metatype.annotations.AttributeType.PASSWORD)
        String keyStorePassword() default "";

        /**
         * The key store's type.
         *
         * @return a type
         */
        @AttributeDefinition(description = "The key store's type.")
        String keyStoreType() default "PKCS12";

        /**
         * The trust store.
         *
         * @return a path
         */
        @AttributeDefinition(description = "The cluster CA's certificate.")
        String trustStore() default "";

        /**
         * The trust store's password.
         *
         * @return the password
         */
        @AttributeDefinition(description = "The trust store's password.", type = org.osgi.service.metatype.annotations.AttributeType.PASSWORD)
        String trustStorePassword() default "";

        /**
         * The trust store's type.
         *
         * @return a type
         */
        @AttributeDefinition(description = "The trust store's type.")
        String trustStoreType() default "PKCS12";

        /**
         * Whether Raft may run in plain text on an address other hosts reach.
         *
         * @return true to allow it
         */
        @AttributeDefinition(description = "Allow Raft without TLS on a host that is not a loopback address: only on a network that"
                + " nobody but the cluster's nodes reaches, since Ratis's gRPC authenticates nobody. Without it such a configuration"
                + " is refused.")
        boolean plainTextOnNetwork() default false;
    }

    /** Why the last start of the replication in this bundle failed; null once one succeeded. */
    private static final AtomicReference<String> START_FAILURE = new AtomicReference<>();

    private final RaftNode node;

    /**
     * Starts the node's Raft server.
     *
     * @param context the bundle's context, for the node's data folder
     * @param kernel the kernel, for the node id
     * @param membership the membership, to publish the endpoint and find the others
     * @param codec the payload codec, for entries and snapshots
     * @param config the configuration
     */
    @Activate
    public ReplicationComponent(BundleContext context, @Reference Kernel kernel, @Reference Membership membership,
            @Reference PayloadCodec codec, Config config) {
        try {
            this.node = start(context, kernel, membership, codec, config);
        } catch (RuntimeException e) {
            START_FAILURE.set(e.getMessage());
            throw e;
        }
        START_FAILURE.set(null);
    }

    /**
     * Why the last start of this node's replication failed (the shell's commands say it while it does
     * not run).
     *
     * @return the error, or null if the last start succeeded or none was tried
     */
    public static String startFailure() {
        return START_FAILURE.get();
    }

    private static RaftNode start(BundleContext context, Kernel kernel, Membership membership, PayloadCodec codec, Config config) {
        Settings settings = new Settings(config.host().trim(), config.port(), config.advertisedHost().trim(), storage(context, config),
                config.electionTimeoutMinMillis(), config.electionTimeoutMaxMillis(), config.requestTimeoutMillis(),
                config.replaceAfterMillis(), config.placementPeriodMillis(), config.settleMillis(), config.snapshotEveryEntries(),
                config.dedupWindowMillis(), config.dedupMaxEntries(), config.tls(), config.keyStore().trim(), config.keyStorePassword(),
                config.keyStoreType(), config.trustStore().trim(), config.trustStorePassword(), config.trustStoreType(),
                config.plainTextOnNetwork(), java.util.Set.of(config.rebalanceOff()));
        try {
            return new RaftNode(settings, kernel.nodeId(), membership, codec);
        } catch (IOException e) {
            throw new UncheckedIOException("the replication of node " + kernel.nodeId() + " cannot start: " + e.getMessage(), e);
        }
    }

    private static Path storage(BundleContext context, Config config) {
        if (!config.storage().isBlank()) {
            return Path.of(config.storage().trim()).toAbsolutePath();
        }
        String data = context.getProperty("fos.data");
        return data != null ? Path.of(data, "raft").toAbsolutePath() : context.getDataFile("raft").toPath().toAbsolutePath();
    }

    @Deactivate
    void deactivate() {
        node.close();
    }

    @Override
    public ReplicatedFleetHandle open(String fleet, int groups, int replicas, ReplicatedFleet implementation) {
        Names.requireValidName(fleet);
        if (groups < 1 || groups > 256) {
            throw new IllegalArgumentException(Replicated.GROUPS + " must be from 1 to 256, was " + groups);
        }
        if (replicas < 1 || replicas > 7) {
            throw new IllegalArgumentException(Replicated.REPLICAS + " must be from 1 to 7, was " + replicas);
        }
        return node.open(fleet, groups, replicas, implementation);
    }

    @Override
    public int drop(String fleet) {
        Names.requireValidName(fleet);
        return node.drop(fleet);
    }

    /**
     * Describes the groups of the fleets open on this node.
     *
     * @param fleet a fleet's name, or null for all
     * @return one entry a group
     */
    public List<GroupInfo> groups(String fleet) {
        List<GroupInfo> out = new ArrayList<>();
        for (String f : new java.util.TreeSet<>(node.fleets().keySet())) {
            if (fleet == null || fleet.equals(f)) {
                out.addAll(node.fleets().get(f).describe());
            }
        }
        return out;
    }

    /**
     * Moves a group's replica from one node to another while the group serves (see
     * {@code fos:move}): a replica on {@code to} first, caught up and made the preferred leader, then the
     * leadership, then the old replica away. Placement keeps the group on {@code to} afterwards.
     *
     * @param fleet the fleet's name
     * @param group the group
     * @param from the node that keeps a replica now
     * @param to the node that is to keep it instead
     * @return what the move did
     * @throws IllegalArgumentException if the fleet does not run here, the group does not exist, {@code from}
     *         keeps no replica of it, or {@code to} is not up, does not run the fleet or keeps one already
     * @throws IllegalStateException if the move did not finish within 30 request timeouts
     */
    public Move move(String fleet, int group, String from, String to) {
        Names.requireValidName(fleet);
        if (from == null || to == null || from.isBlank() || to.isBlank()) {
            throw new IllegalArgumentException("name the node the group leaves and the node it goes to");
        }
        if (from.equals(to)) {
            throw new IllegalArgumentException("a group moves from one node to another, not from " + from + " to itself");
        }
        return node.move(fleet, group, from, to);
    }

    /**
     * Returns this node's replication counters, its Raft endpoint, its Raft server's state ({@code RUNNING}
     * while it serves) and the replicas it keeps.
     *
     * @return the figures by name
     */
    public Map<String, Object> status() {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        out.put("node", node.nodeId());
        out.put("endpoint", node.endpoint());
        out.put("tls", node.settings().tls());
        out.put("server", node.serverState());
        out.put("replicas", node.machines().size());
        out.putAll(node.counterSnapshot());
        return out;
    }
}
