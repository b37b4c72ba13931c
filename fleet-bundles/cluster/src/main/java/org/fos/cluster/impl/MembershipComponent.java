package org.fos.cluster.impl;

import java.util.List;
import java.util.function.Consumer;

import org.fos.cluster.api.Membership;
import org.fos.cluster.api.NodeInfo;
import org.fos.kernel.api.Kernel;
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
 * The node's membership service (PID {@code org.fos.cluster}): a cluster of one unless a ZooKeeper
 * ensemble is configured.
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
    }

    private final Membership delegate;

    /**
     * Starts the membership.
     *
     * @param kernel the kernel, for the node id
     * @param config the configuration
     */
    @Activate
    public MembershipComponent(@Reference Kernel kernel, Config config) {
        this.delegate = new LocalMembership(kernel.nodeId());
        LOG.info("node {} is {}", kernel.nodeId(), delegate);
    }

    @Deactivate
    void deactivate() {
        // nothing held beyond the delegate's listeners
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
}
