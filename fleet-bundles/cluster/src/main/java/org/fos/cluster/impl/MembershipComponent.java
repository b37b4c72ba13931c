package org.fos.cluster.impl;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

import org.fos.cluster.api.ClusterNames;
import org.fos.cluster.api.Membership;
import org.fos.cluster.api.NodeInfo;
import org.fos.kernel.api.Kernel;
import org.fos.kernel.spi.NodeDirectory;
import org.fos.transport.api.ClusterSecret;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's place in a cluster (PID {@code org.fos.cluster}): a cluster of one unless a ZooKeeper
 * ensemble is configured; then it also offers the cluster's names ({@link ClusterNames}). It offers
 * the membership to the node's transports as the kernel's {@link NodeDirectory} too.
 */
@Component(service = Membership.class, immediate = true, configurationPid = MembershipComponent.PID)
@Designate(ocd = MembershipComponent.Config.class)
public final class MembershipComponent implements Membership {
    private static final Logger LOG = LoggerFactory.getLogger(MembershipComponent.class);

    /** The configuration PID. */
    public static final String PID = "org.fos.cluster";

    /** The cluster configuration. */
    @ObjectClassDefinition(name = "fos cluster", description = "Cluster membership of this node.")
    public @interface Config {
        /**
         * The ZooKeeper ensemble.
         *
         * @return a connect string, or empty
         */
        @AttributeDefinition(description = "The ZooKeeper ensemble, as a connect string such as"
                + " 127.0.0.1:2181,127.0.0.1:2182. Empty: this node is a cluster of one.")
        String zookeeper() default "";

        /**
         * The cluster's name.
         *
         * @return the name
         */
        @AttributeDefinition(description = "The cluster's name: nodes of one cluster share it; its data lives under"
                + " /fos/<name> in ZooKeeper.")
        String clusterName() default "fos";

        /**
         * The ZooKeeper session timeout.
         *
         * @return milliseconds
         */
        @AttributeDefinition(description = "Milliseconds after which ZooKeeper gives up a silent node: its members"
                + " leave every name and the cluster fails over.")
        long sessionTimeoutMillis() default 10_000;

        /**
         * How long to wait for ZooKeeper.
         *
         * @return milliseconds
         */
        @AttributeDefinition(description = "Milliseconds to wait for ZooKeeper when connecting and when a name change"
                + " must show before a registration returns.")
        long connectTimeoutMillis() default 15_000;

        /**
         * The cluster secret's file.
         *
         * @return a file path; required with a ZooKeeper ensemble
         */
        @AttributeDefinition(description = "The cluster secret (the transports' clusterSecret file), required with zookeeper:"
                + " the node logs into ZooKeeper with a password derived from it, the cluster's tree is readable and writable"
                + " by holders of the secret only, and the names' capability tokens are sealed under it (ADR 0081).")
        String clusterSecret() default "";
    }

    private final Membership delegate;
    private final ZooKeeperCluster zookeeper;
    private final ServiceRegistration<ClusterNames> names;
    private final ServiceRegistration<NodeDirectory> directory;

    /**
     * Starts the membership.
     *
     * @param context the cluster bundle's context, to offer the cluster's names
     * @param kernel the kernel, for the node id
     * @param config the configuration
     */
    @Activate
    public MembershipComponent(BundleContext context, @Reference Kernel kernel, Config config) {
        String connect = config.zookeeper().trim();
        if (connect.isEmpty()) {
            this.zookeeper = null;
            this.delegate = new LocalMembership(kernel.nodeId());
            this.names = null;
        } else {
            if (!config.clusterName().matches("[A-Za-z0-9._-]{1,64}")) {
                throw new IllegalArgumentException("invalid clusterName '" + config.clusterName()
                        + "': use 1 to 64 letters, digits, '.', '_' or '-'");
            }
            if (config.sessionTimeoutMillis() < 1000 || config.connectTimeoutMillis() < 100) {
                throw new IllegalArgumentException("sessionTimeoutMillis must be at least 1000 and connectTimeoutMillis at least 100");
            }
            this.zookeeper = new ZooKeeperCluster(kernel.nodeId(), connect, config.clusterName(), secret(config.clusterSecret()),
                    Duration.ofMillis(config.sessionTimeoutMillis()), Duration.ofMillis(config.connectTimeoutMillis()));
            this.delegate = zookeeper.membership;
            this.names = context.registerService(ClusterNames.class, zookeeper.names, null);
        }
        this.directory = context.registerService(NodeDirectory.class, new MembershipDirectory(delegate), null);
        LOG.info("node {} is {}", kernel.nodeId(), delegate);
    }

    /** Reads the cluster secret, which a node of a ZooKeeper cluster must have. */
    static ClusterSecret secret(String file) {
        String f = file == null ? "" : file.trim();
        if (f.isEmpty()) {
            throw new IllegalArgumentException("clusterSecret is required with zookeeper: name the cluster secret's file (the one the"
                    + " transports' clusterSecret names; bin/fos-cluster makes cluster/cluster.secret). ZooKeeper access and the"
                    + " names' capabilities are protected with it");
        }
        try {
            return ClusterSecret.read(Path.of(f));
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("clusterSecret '" + f + "' is not a file path: " + e.getMessage(), e);
        }
    }

    @Deactivate
    void deactivate() {
        directory.unregister();
        if (names != null) {
            names.unregister();
        }
        if (zookeeper != null) {
            zookeeper.close();
        }
    }

    @Override
    public String localNode() {
        return delegate.localNode();
    }

    @Override
    public List<NodeInfo> nodes() {
        return delegate.nodes();
    }

    @Override
    public AutoCloseable watch(Consumer<List<NodeInfo>> listener) {
        return delegate.watch(listener);
    }

    @Override
    public AutoCloseable publish(String key, String value) {
        return delegate.publish(key, value);
    }

    @Override
    public String claim(String key, String value) {
        return delegate.claim(key, value);
    }

    @Override
    public String claimed(String key) {
        return delegate.claimed(key);
    }

    @Override
    public void record(String key, String value) {
        delegate.record(key, value);
    }

    @Override
    public String recorded(String key) {
        return delegate.recorded(key);
    }
}
