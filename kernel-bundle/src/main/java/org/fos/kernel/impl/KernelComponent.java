package org.fos.kernel.impl;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.SecureRandom;

import org.fos.kernel.api.Address;
import org.fos.kernel.spi.NameStore;
import org.fos.kernel.spi.PayloadCodec;
import org.fos.kernel.spi.Transport;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the node's kernel: holds the {@link KernelCore}, applies the configuration (PID
 * {@code org.fos.kernel}), tracks transports and the payload codec, and releases what a bundle owns
 * when it stops. Configuration changes are applied in place: the kernel is never restarted by
 * them, since its mailboxes are the state everything else leans on.
 */
@Component(service = KernelComponent.class, immediate = true, configurationPid = KernelComponent.PID)
@Designate(ocd = KernelComponent.Config.class)
public final class KernelComponent implements SynchronousBundleListener {
    private static final Logger LOG = LoggerFactory.getLogger(KernelComponent.class);

    /** The configuration PID of the kernel. */
    public static final String PID = "org.fos.kernel";
    /** Framework property that sets the node id when the configuration does not. */
    public static final String NODE_ID_PROPERTY = "fos.node.id";
    /** Framework property naming the node's data folder, where a generated node id is kept. */
    public static final String DATA_PROPERTY = "fos.data";
    /** Framework property that turns {@code encodeAllMessages} on for the whole node (tests use it). */
    public static final String ENCODE_ALL_PROPERTY = "fos.kernel.encodeAllMessages";

    /** The kernel's configuration. */
    @ObjectClassDefinition(name = "fos kernel", description = "The microkernel of a fos node.")
    public @interface Config {
        /**
         * The node id.
         *
         * @return the node id, or empty
         */
        @AttributeDefinition(description = "This node's id. Empty: the framework property fos.node.id, else an id"
                + " generated once and kept in the node's data folder (framework property fos.data) or the kernel bundle's data area. Read at start only: a node id is"
                + " stable for the life of the node.")
        String nodeId() default "";

        /**
         * Nanoseconds to spin.
         *
         * @return nanoseconds
         */
        @AttributeDefinition(description = "Nanoseconds a waiting receiver spins at most before it yields; it spins"
                + " less, or parks at once, when the kernel finds the cores taken or its spins do not pay.")
        long idleSpinNanos() default 10_000;

        /**
         * Nanoseconds until parking.
         *
         * @return nanoseconds
         */
        @AttributeDefinition(description = "Nanoseconds, counted from the start of the wait, after which a waiting"
                + " receiver stops yielding and parks until a sender wakes it. Not below idleSpinNanos.")
        long idleYieldNanos() default 50_000;

        /**
         * The longest stretched spin.
         *
         * @return nanoseconds
         */
        @AttributeDefinition(description = "Nanoseconds a receiver spins when it reads its own messages from a transport's"
                + " memory (shared memory; not TCP, whose every look is a system call) and its typical wait is at most"
                + " four times this (a caller catches a reply from another node without being woken). 0 turns it off;"
                + " 0 to 10000000.")
        long idleStretchNanos() default 250_000;

        /**
         * Largest mailbox capacity.
         *
         * @return messages
         */
        @AttributeDefinition(description = "The largest capacity, in messages, a mailbox may be created with.")
        int maxMailboxCapacity() default 1 << 20;

        /**
         * Whether to encode every message.
         *
         * @return true to encode every message
         */
        @AttributeDefinition(description = "Encode and decode the payload of every local send through the payload"
                + " codec, as if it crossed the wire (a test mode). The framework property"
                + " fos.kernel.encodeAllMessages=true turns it on too.")
        boolean encodeAllMessages() default false;

        /**
         * Unacknowledged messages a link keeps.
         *
         * @return messages
         */
        @AttributeDefinition(description = "The most messages to one other node that may wait for its acknowledgement;"
                + " sends beyond it answer FULL (backpressure from a slow peer).")
        int linkCapacity() default 1 << 16;

        /**
         * Milliseconds before a repeat.
         *
         * @return milliseconds
         */
        @AttributeDefinition(description = "Milliseconds a message to another node waits for its acknowledgement before"
                + " it is sent again. Read at start.")
        long retransmitMillis() default 200;

        /**
         * The largest payload to another node.
         *
         * @return bytes
         */
        @AttributeDefinition(description = "The largest encoded payload a message to another node may carry; a bigger"
                + " one is refused at send with CODEC_ERROR. Keep it below the transports' frame limit"
                + " (transport-tcp maxFrameBytes, 1 MiB by default) less a few KiB for the envelope.")
        int maxRemotePayloadBytes() default 1_000_000;

        /**
         * How long a node may be out of reach before its members are left out.
         *
         * @return milliseconds
         */
        @AttributeDefinition(description = "Milliseconds no transport may reach another node (its connections down) before"
                + " resolutions leave out that node's members (unless no other member is left) and calls waiting for them give"
                + " up with NO_ROUTE, even while the membership still lists the node. Fixed at start.")
        long unreachableAfterMillis() default 1_000;
    }

    private final BundleContext context;
    private final KernelCore core;
    private final boolean encodeAllByProperty;

    /**
     * Starts the kernel.
     *
     * @param context the kernel bundle's context
     * @param config the configuration
     * @throws IOException if a generated node id cannot be kept in the bundle's data area
     */
    @Activate
    public KernelComponent(BundleContext context, Config config) throws IOException {
        this.context = context;
        this.encodeAllByProperty = Boolean.parseBoolean(context.getProperty(ENCODE_ALL_PROPERTY));
        String nodeId = nodeId(context, config);
        this.core = new KernelCore(nodeId, KernelSettings.from(config, encodeAllByProperty), id -> context.getBundle(id) != null);
        context.addBundleListener(this);
        LOG.info("fos kernel started on node {} (encodeAllMessages={})", nodeId, core.settings().encodeAllMessages());
    }

    private static String nodeId(BundleContext context, Config config) throws IOException {
        if (!config.nodeId().isEmpty()) {
            return Address.requireValidNodeId(config.nodeId());
        }
        String property = context.getProperty(NODE_ID_PROPERTY);
        if (property != null && !property.isBlank()) {
            return Address.requireValidNodeId(property.trim());
        }
        String dataDir = context.getProperty(DATA_PROPERTY);
        File file = dataDir != null && !dataDir.isBlank() ? new File(dataDir, "node-id") : context.getDataFile("node-id");
        if (file != null && file.isFile()) {
            String kept = Files.readString(file.toPath(), StandardCharsets.UTF_8).trim();
            if (Address.isValidNodeId(kept)) {
                return kept;
            }
            LOG.warn("ignoring invalid node id '{}' kept in {}", kept, file);
        }
        String generated = String.format("n-%08x", new SecureRandom().nextInt());
        if (file != null) {
            Files.createDirectories(file.toPath().getParent());
            Files.writeString(file.toPath(), generated, StandardCharsets.UTF_8);
        }
        return generated;
    }

    /**
     * Applies a changed configuration without restarting the kernel.
     *
     * @param config the new configuration
     */
    @Modified
    void modified(Config config) {
        if (!config.nodeId().isEmpty() && !config.nodeId().equals(core.nodeId())) {
            LOG.warn("nodeId changed to '{}': a node id is stable for the life of a node, it takes effect at the next start",
                    config.nodeId());
        }
        core.update(KernelSettings.from(config, encodeAllByProperty));
        LOG.info("fos kernel settings changed: {}", core.settings());
    }

    @Deactivate
    void deactivate() {
        context.removeBundleListener(this);
        core.shutdown();
        LOG.info("fos kernel stopped on node {}", core.nodeId());
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addTransport(Transport transport) {
        core.addTransport(transport);
    }

    void removeTransport(Transport transport) {
        core.removeTransport(transport);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void setCodec(PayloadCodec codec) {
        core.setCodec(codec);
    }

    void unsetCodec(PayloadCodec codec) {
        core.setCodec(null);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void setNameStore(NameStore store) {
        core.setNameStore(store);
    }

    void unsetNameStore(NameStore store) {
        core.unsetNameStore(store);
    }

    KernelCore core() {
        return core;
    }

    /**
     * Returns the transport that messages to a node take now: the cheapest that reaches it.
     *
     * @param node a node id
     * @return the transport, or null if none reaches the node now
     */
    public Transport route(String node) {
        return core.route(node);
    }

    /**
     * Releases the mailboxes and names of a bundle that stopped or was uninstalled.
     *
     * @param event the bundle event
     */
    @Override
    public void bundleChanged(BundleEvent event) {
        if (event.getType() == BundleEvent.STOPPED || event.getType() == BundleEvent.UNINSTALLED) {
            long id = event.getBundle().getBundleId();
            if (id != context.getBundle().getBundleId()) {
                core.release(id);
            }
        }
    }
}
