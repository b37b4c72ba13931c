package org.fos.transport.shm.impl;

import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.fos.kernel.api.Kernel;
import org.fos.kernel.api.Message;
import org.fos.kernel.spi.Links;
import org.fos.kernel.spi.NodeDirectory;
import org.fos.kernel.spi.PayloadCodec;
import org.fos.kernel.spi.Transport;
import org.fos.transport.api.ClusterSecret;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's shared-memory transport as a DS component (PID {@value #PID}): a {@link Transport} service
 * for the kernel, the endpoint published through the membership (attribute {@value ShmEndpoint#ATTRIBUTE}),
 * and links to the members on this host. A configuration change restarts the transport; the kernel
 * keeps unacknowledged messages meanwhile and sends them through TCP while shared memory is down.
 */
@Component(service = Transport.class, configurationPid = ShmTransportComponent.PID, property = Transport.NAME_PROPERTY + "=shm")
@Designate(ocd = ShmTransportComponent.Config.class)
public final class ShmTransportComponent implements Transport {
    private static final Logger LOG = LoggerFactory.getLogger(ShmTransportComponent.class);

    /** The configuration PID. */
    public static final String PID = "org.fos.transport.shm";

    /** The transport's configuration; every duration and size says its unit. */
    @ObjectClassDefinition(name = "fos shared-memory transport", description = "Carries messages between the node processes of one"
            + " machine through Aeron IPC log buffers in shared memory.")
    public @interface Config {
        /**
         * The cluster secret's file.
         *
         * @return a path, or empty
         */
        @AttributeDefinition(description = "A file holding the cluster secret (hexadecimal, readable by the node's user only) with"
                + " which linked nodes prove their membership. Empty: no shared-memory link (messages go through TCP).")
        String clusterSecret() default "";

        /**
         * The cluster name.
         *
         * @return the name
         */
        @AttributeDefinition(description = "The cluster's name; a peer that says another one in its HELLO is refused.")
        String clusterName() default "fos";

        /**
         * Which nodes to link.
         *
         * @return sameHost or none
         */
        @AttributeDefinition(description = "sameHost: link every member that publishes this node's host id; none: link no node.",
                options = {@Option(label = "same host", value = "sameHost"), @Option(label = "none", value = "none")})
        String linkTo() default "sameHost";

        /**
         * Nodes never linked.
         *
         * @return node ids, comma-separated
         */
        @AttributeDefinition(description = "Node ids, comma-separated, that never use shared memory (their messages go through TCP).")
        String excludedNodes() default "";

        /**
         * The host id.
         *
         * @return an id, or empty
         */
        @AttributeDefinition(description = "This machine's id in the membership. Empty: the kernel's boot id (else the machine id,"
                + " else the host name). Nodes with equal host ids link through shared memory.")
        String hostId() default "";

        /**
         * The media driver directory.
         *
         * @return a path, or empty
         */
        @AttributeDefinition(description = "The node's media driver directory. Empty: /dev/shm/fos-<user>/<node>-<hash of the node's"
                + " folder> (the system temporary folder without /dev/shm). Its parent is made readable by the node's user only.")
        String directory() default "";

        /**
         * The stream id.
         *
         * @return the Aeron stream id
         */
        @AttributeDefinition(description = "The Aeron stream id this node reads (published through the membership).")
        int streamId() default 1001;

        /**
         * The route cost.
         *
         * @return the cost
         */
        @AttributeDefinition(description = "The cost reported to the kernel for a linked node (lower wins; TCP's default is 10).")
        int cost() default 1;

        /**
         * The largest frame.
         *
         * @return bytes
         */
        @AttributeDefinition(description = "The largest frame in bytes, the 64-byte header included (4096 to 67108864); the log"
                + " buffers' terms are eight times this.")
        int maxFrameBytes() default 1 << 20;

        /**
         * The heartbeat interval.
         *
         * @return milliseconds
         */
        @AttributeDefinition(description = "A link that wrote nothing for this many milliseconds sends a heartbeat.")
        long heartbeatIntervalMillis() default 1_000;

        /**
         * The heartbeat timeout.
         *
         * @return milliseconds
         */
        @AttributeDefinition(description = "A link that read nothing for this many milliseconds is reset (its messages go through TCP).")
        long heartbeatTimeoutMillis() default 5_000;

        /**
         * The handshake timeout.
         *
         * @return milliseconds
         */
        @AttributeDefinition(description = "How long a link's HELLO and AUTH may take, in milliseconds.")
        long handshakeTimeoutMillis() default 5_000;

        /**
         * The first reconnect delay.
         *
         * @return milliseconds
         */
        @AttributeDefinition(description = "The delay before the second attempt to link a node, doubled on each failure, with jitter.")
        long reconnectMinMillis() default 100;

        /**
         * The longest reconnect delay.
         *
         * @return milliseconds
         */
        @AttributeDefinition(description = "The longest delay between attempts to link a node, in milliseconds.")
        long reconnectMaxMillis() default 5_000;

        /**
         * The driver timeout.
         *
         * @return milliseconds
         */
        @AttributeDefinition(description = "How long a media driver (this node's, or a peer's) may be silent before its clients are"
                + " dropped, in milliseconds.")
        long driverTimeoutMillis() default 5_000;

        /**
         * Spins of the idle reader.
         *
         * @return a count
         */
        @AttributeDefinition(description = "How often the idle reading thread spins before it yields (latency against CPU).")
        int idleSpins() default 2_000;

        /**
         * Yields of the idle reader.
         *
         * @return a count
         */
        @AttributeDefinition(description = "How often the idle reading thread yields before it parks.")
        int idleYields() default 100;

        /**
         * The longest park.
         *
         * @return nanoseconds
         */
        @AttributeDefinition(description = "The longest park of the idle reading thread in nanoseconds (1000 to 100000000): the"
                + " most an idle link adds to the first message's latency.")
        long idleParkMaxNanos() default 1_000_000;
    }

    private final ShmTransport transport;
    private final Object membershipLock = new Object();
    private NodeDirectory membership;
    private AutoCloseable published;
    private AutoCloseable watching;

    /**
     * Starts the transport.
     *
     * @param context the bundle context, for the node's data folder
     * @param kernel the kernel, for the node id
     * @param links the kernel's links
     * @param codec the payload codec
     * @param config the configuration
     * @throws IllegalArgumentException if a setting is invalid (the secret's file among them)
     * @throws IllegalStateException if the transport cannot start
     */
    @Activate
    public ShmTransportComponent(BundleContext context, @Reference Kernel kernel, @Reference Links links, @Reference PayloadCodec codec,
            Config config) {
        this.transport = new ShmTransport(settings(config, kernel.nodeId(), context.getProperty("fos.data")), kernel.nodeId(), links, codec);
    }

    /**
     * Reads the configuration.
     *
     * @param c the configuration
     * @param nodeId the node's id, for the default directory
     * @param dataFolder the node's data folder, or null, for the default directory
     * @return the validated settings
     * @throws IllegalArgumentException naming the first bad attribute
     */
    static ShmSettings settings(Config c, String nodeId, String dataFolder) {
        String link = c.linkTo().strip();
        if (!link.equals("sameHost") && !link.equals("none")) {
            throw new IllegalArgumentException("linkTo must be sameHost or none, not '" + c.linkTo() + "'");
        }
        ClusterSecret secret = c.clusterSecret().isBlank() ? null : ClusterSecret.read(path("clusterSecret", c.clusterSecret()));
        Path dir = c.directory().isBlank() ? defaultDirectory(nodeId, dataFolder) : path("directory", c.directory()).toAbsolutePath();
        String host = c.hostId().isBlank() ? HostId.detect() : c.hostId().strip();
        return new ShmSettings(dir, c.streamId(), host, c.clusterName(), secret, link.equals("sameHost"),
                ShmSettings.parseNodes(c.excludedNodes()), c.cost(), c.maxFrameBytes(), c.heartbeatIntervalMillis(),
                c.heartbeatTimeoutMillis(), c.handshakeTimeoutMillis(), c.reconnectMinMillis(), c.reconnectMaxMillis(),
                c.driverTimeoutMillis(), c.idleSpins(), c.idleYields(), c.idleParkMaxNanos());
    }

    private static Path path(String name, String value) {
        try {
            return Path.of(value.strip());
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException(name + " '" + value + "' is not a file path: " + e.getMessage(), e);
        }
    }

    /**
     * The default directory: under {@code /dev/shm} (memory), in a folder of the user's, named by the
     * node and its folder, so that nodes of other folders (other checkouts, other tests) never meet.
     */
    static Path defaultDirectory(String nodeId, String dataFolder) {
        Path shm = Path.of("/dev/shm");
        Path root = java.nio.file.Files.isDirectory(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir"));
        String folder = dataFolder != null ? Path.of(dataFolder).toAbsolutePath().normalize().toString()
                : Path.of("").toAbsolutePath().toString();
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(folder.getBytes(StandardCharsets.UTF_8));
            return root.resolve("fos-" + System.getProperty("user.name")).resolve(nodeId + "-" + HexFormat.of().formatHex(hash, 0, 4));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    @Deactivate
    void deactivate() {
        synchronized (membershipLock) {
            stopFollowing();
            membership = null;
        }
        transport.close();
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindMembership(NodeDirectory m) {
        synchronized (membershipLock) {
            stopFollowing();
            membership = m;
            ShmEndpoint e = transport.endpoint();
            published = e == null ? null : m.publish(ShmEndpoint.ATTRIBUTE, e.format());
            watching = m.watch(this::membershipChanged);
        }
    }

    void unbindMembership(NodeDirectory m) {
        synchronized (membershipLock) {
            if (membership == m) {
                stopFollowing();
                membership = null;
                transport.peers(Map.of());
            }
        }
    }

    private void stopFollowing() {
        close(watching, "membership watch");
        close(published, "published endpoint");
        watching = null;
        published = null;
    }

    private static void close(AutoCloseable c, String what) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            LOG.warn("cannot close the {}: {}", what, e.toString());
        }
    }

    private void membershipChanged(List<NodeDirectory.Node> nodes) {
        Map<String, ShmEndpoint> endpoints = new HashMap<>();
        for (NodeDirectory.Node n : nodes) {
            String value = n.attributes().get(ShmEndpoint.ATTRIBUTE);
            if (n.local() || value == null) {
                continue;
            }
            try {
                endpoints.put(n.id(), ShmEndpoint.parse(value));
            } catch (IllegalArgumentException e) {
                LOG.warn("node {} publishes a shared-memory endpoint this node cannot use: {}", n.id(), e.getMessage());
            }
        }
        transport.peers(endpoints);
    }

    /**
     * Returns the transport itself.
     *
     * @return the transport
     */
    public ShmTransport transport() {
        return transport;
    }

    @Override
    public int cost(String nodeId) {
        return transport.cost(nodeId);
    }

    @Override
    public boolean transmit(String nodeId, long sequence, Message message) {
        return transport.transmit(Objects.requireNonNull(nodeId, "nodeId"), sequence, message);
    }

    @Override
    public void acknowledge(String nodeId, long sequence) {
        transport.acknowledge(nodeId, sequence);
    }

    @Override
    public int assist() {
        return transport.assist();
    }

    @Override
    public Map<String, Object> info() {
        return transport.info();
    }
}
