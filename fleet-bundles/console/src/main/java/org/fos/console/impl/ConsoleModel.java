package org.fos.console.impl;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.fos.cluster.api.Membership;
import org.fos.cluster.api.NodeInfo;
import org.fos.fleet.api.FleetInfo;
import org.fos.fleet.api.FleetRuntime;
import org.fos.fleet.api.GroupInfo;
import org.fos.fleet.api.MemberInfo;
import org.fos.fleet.api.NodeAdmin;
import org.fos.fleet.api.UpgradeReport;
import org.fos.kernel.api.Kernel;
import org.fos.kernel.api.KernelStats;
import org.fos.kernel.api.LinkInfo;
import org.fos.kernel.api.MailboxInfo;
import org.fos.kernel.api.Capability;
import org.fos.kernel.api.NameEntry;
import org.fos.kernel.spi.Transport;
import org.fos.kernel.spi.TransportStats;
import org.fos.rpc.api.CallOptions;
import org.fos.rpc.api.Libfos;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the console's pages show, read through the node's services: the kernel (counters, mailboxes,
 * links), the fleet runtime and every node's {@link NodeAdmin} (fleets, upgrade history), the
 * membership (nodes and what they publish) and the transports (which one carries each link). It
 * samples this node's counters every {@code sampleMillis} for the charts, and publishes the
 * console's address in the membership (attribute {@value #CONSOLE_ATTRIBUTE}) so that every node's
 * console links to the others'.
 */
@Component(service = ConsoleModel.class, configurationPid = ConsoleModel.PID)
@Designate(ocd = ConsoleModel.Config.class)
public final class ConsoleModel {
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleModel.class);

    /** The configuration PID. */
    public static final String PID = "org.fos.console";
    /** The membership attribute that holds a node's console address. */
    public static final String CONSOLE_ATTRIBUTE = "console";
    /** The prefix of the charts' series of groups' commit indexes: {@code group.commits <fleet>#<group>}. */
    static final String COMMITS = "group.commits ";
    private static final String HTTP_RUNTIME = "org.osgi.service.servlet.runtime.HttpServiceRuntime";

    /** The console's configuration. */
    @ObjectClassDefinition(name = "fos web console", description = "The fos pages of the Felix Web Console.")
    public @interface Config {
        /**
         * How often the charts' counters are sampled.
         *
         * @return milliseconds
         */
        @AttributeDefinition(description = "How often this node's counters are sampled for the charts, in milliseconds (200 to 60000).")
        long sampleMillis() default 2_000;

        /**
         * How long the charts reach back.
         *
         * @return seconds
         */
        @AttributeDefinition(description = "How far back the charts reach, in seconds (the samples kept: this over sampleMillis).")
        long historySeconds() default 300;

        /**
         * The timeout of calls to other nodes.
         *
         * @return milliseconds
         */
        @AttributeDefinition(description = "How long a page waits for another node's runtime (fleets, upgrade history), in milliseconds.")
        long callTimeoutMillis() default 5_000;
    }

    /**
     * A node as the cluster page shows it.
     *
     * @param node the node id
     * @param local whether it is this node
     * @param attributes what it publishes (transport endpoints, console address)
     * @param link this node's link to it, or null if they have exchanged no message
     * @param transport the transport that carries messages to it now and its cost, or null if none reaches it
     */
    record NodeRow(String node, boolean local, Map<String, String> attributes, LinkInfo link, String transport) {
    }

    /**
     * A transport as the cluster page shows it.
     *
     * @param name its name ({@code fos.transport})
     * @param bundle the bundle that registered it
     * @param costs its cost to each other node, negative where it does not reach
     */
    record TransportRow(String name, String bundle, Map<String, Integer> costs) {
    }

    /**
     * What one node answered about its fleets and upgrades, or why it did not.
     *
     * @param node the node
     * @param fleets its fleets
     * @param upgrades its upgrade reports, the oldest first
     * @param error why it did not answer, or null
     */
    record NodeReport(String node, List<FleetInfo> fleets, List<UpgradeReport> upgrades, String error) {
    }

    private final BundleContext context;
    private final Kernel kernel;
    private final FleetRuntime runtime;
    private final Libfos libfos;
    private final Map<Transport, Map<String, Object>> transports = new ConcurrentHashMap<>();
    private final Map<TransportStats, Map<String, Object>> traffic = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sampler;
    private final RateHistory history;
    private final CallOptions calls;
    private volatile Membership membership;
    private AutoCloseable published;
    private String publishedUrl;

    /**
     * Starts sampling.
     *
     * @param context this bundle's context, to find the HTTP runtime's address
     * @param kernel the kernel
     * @param runtime this node's fleet runtime
     * @param libfos libfos, to ask the other nodes
     * @param config the configuration
     */
    @Activate
    public ConsoleModel(BundleContext context, @Reference Kernel kernel, @Reference FleetRuntime runtime, @Reference Libfos libfos,
            Config config) {
        if (config.sampleMillis() < 200 || config.sampleMillis() > 60_000) {
            throw new IllegalArgumentException("sampleMillis must be from 200 to 60000, was " + config.sampleMillis());
        }
        if (config.historySeconds() * 1000 < 2 * config.sampleMillis() || config.historySeconds() > 86_400) {
            throw new IllegalArgumentException("historySeconds must cover two samples and at most a day, was " + config.historySeconds());
        }
        if (config.callTimeoutMillis() < 1) {
            throw new IllegalArgumentException("callTimeoutMillis must be positive, was " + config.callTimeoutMillis());
        }
        this.context = context;
        this.kernel = kernel;
        this.runtime = runtime;
        this.libfos = libfos;
        this.calls = CallOptions.DEFAULT.withTimeout(Duration.ofMillis(config.callTimeoutMillis()));
        this.history = new RateHistory((int) Math.max(2, config.historySeconds() * 1000 / config.sampleMillis() + 1));
        this.sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "fos-console-sampler");
            t.setDaemon(true);
            return t;
        });
        sampler.scheduleAtFixedRate(this::sample, 0, config.sampleMillis(), TimeUnit.MILLISECONDS);
        LOG.info("fos console: node {}, sampling every {} ms", kernel.nodeId(), config.sampleMillis());
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        sampler.shutdownNow();
        sampler.awaitTermination(10, TimeUnit.SECONDS);
        unpublish();
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void setMembership(Membership m) {
        this.membership = m;
    }

    void unsetMembership(Membership m) {
        if (membership == m) {
            membership = null;
            synchronized (this) {
                published = null; // its registration went with it
                publishedUrl = null;
            }
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void addTransport(Transport t, Map<String, Object> properties) {
        transports.put(t, properties);
    }

    void removeTransport(Transport t) {
        transports.remove(t);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void addTraffic(TransportStats t, Map<String, Object> properties) {
        traffic.put(t, properties);
    }

    void removeTraffic(TransportStats t) {
        traffic.remove(t);
    }

    /**
     * A transport's traffic with one peer, as the cluster page shows it.
     *
     * @param transport the transport's name
     * @param peer what it reports for the peer
     */
    record TrafficRow(String transport, TransportStats.PeerStats peer) {
    }

    /** The traffic of every transport that describes it, by transport and peer. */
    List<TrafficRow> traffic() {
        List<TrafficRow> out = new ArrayList<>();
        for (Map.Entry<TransportStats, Map<String, Object>> t : traffic.entrySet()) {
            String name = name(t.getValue());
            for (TransportStats.PeerStats p : t.getKey().peers()) {
                out.add(new TrafficRow(name, p));
            }
        }
        out.sort(Comparator.comparing(TrafficRow::transport).thenComparing(r -> r.peer().node()));
        return out;
    }

    // ---------------------------------------------------------------- this node

    String nodeId() {
        return kernel.nodeId();
    }

    KernelStats stats() {
        return kernel.stats();
    }

    List<MailboxInfo> mailboxes() {
        return kernel.mailboxes();
    }

    /** The symbolic name of a bundle of this node, or its id if it is gone. */
    String bundleName(long id) {
        if (id == 0) {
            return "kernel";
        }
        org.osgi.framework.Bundle b = context.getBundle(id);
        return b == null ? "bundle " + id : b.getSymbolicName();
    }

    /** This node's own fleets, as its runtime runs them. */
    List<FleetInfo> localFleets() {
        return runtime.fleets();
    }

    FleetRuntime runtime() {
        return runtime;
    }

    Libfos libfos() {
        return libfos;
    }

    CallOptions calls() {
        return calls;
    }

    Map<String, Object> rates(String prefix) {
        return history.rates(prefix);
    }

    // ---------------------------------------------------------------- the cluster

    /** The nodes of the cluster as the membership sees them (this node alone without one), with this node's links. */
    List<NodeRow> nodes() {
        Map<String, LinkInfo> links = new HashMap<>();
        for (LinkInfo l : kernel.links()) {
            links.put(l.node(), l);
        }
        List<NodeRow> out = new ArrayList<>();
        Membership m = membership;
        List<NodeInfo> nodes = m == null ? List.of(new NodeInfo(kernel.nodeId(), Map.of(), true)) : m.nodes();
        for (NodeInfo n : nodes) {
            out.add(new NodeRow(n.id(), n.local(), new TreeMap<>(n.attributes()), links.get(n.id()), n.local() ? null : route(n.id())));
        }
        return out;
    }

    /** The transport the kernel would pick for a node: the lowest cost that reaches it. */
    private String route(String node) {
        String best = null;
        int bestCost = Integer.MAX_VALUE;
        for (Map.Entry<Transport, Map<String, Object>> t : transports.entrySet()) {
            int cost;
            try {
                cost = t.getKey().cost(node);
            } catch (RuntimeException e) {
                continue;
            }
            if (cost >= 0 && cost < bestCost) {
                bestCost = cost;
                best = name(t.getValue()) + " (cost " + cost + ")";
            }
        }
        return best;
    }

    /** The transports of this node and their cost to each other node. */
    List<TransportRow> transports() {
        List<String> others = nodes().stream().filter(n -> !n.local()).map(NodeRow::node).toList();
        List<TransportRow> out = new ArrayList<>();
        for (Map.Entry<Transport, Map<String, Object>> t : transports.entrySet()) {
            Map<String, Integer> costs = new TreeMap<>();
            for (String n : others) {
                try {
                    costs.put(n, t.getKey().cost(n));
                } catch (RuntimeException e) {
                    costs.put(n, -1);
                }
            }
            Object bundleId = t.getValue().get("service.bundleid");
            out.add(new TransportRow(name(t.getValue()), bundleId instanceof Long id ? bundleName(id) : "?", costs));
        }
        out.sort(Comparator.comparing(TransportRow::name));
        return out;
    }

    private static String name(Map<String, Object> properties) {
        Object n = properties.get(Transport.NAME_PROPERTY);
        return n == null ? "unnamed" : n.toString();
    }

    /**
     * Asks every node's runtime for its fleets and upgrade history, as {@code fos:fleets} does; on a
     * node without a cluster, this node's runtime answers.
     *
     * @return one report a node, by node id
     */
    List<NodeReport> cluster() {
        List<NameEntry> admins = kernel.names().cached(NodeAdmin.NAME);
        List<NodeReport> out = new ArrayList<>();
        if (admins.isEmpty()) {
            out.add(new NodeReport(kernel.nodeId(), runtime.fleets(), runtime.upgrades(), null));
            return out;
        }
        for (NameEntry e : admins) {
            String node = e.address().node();
            try {
                NodeAdmin admin = libfos.proxy(NodeAdmin.class, e.capability(), calls);
                out.add(new NodeReport(node, admin.fleets(), admin.upgrades(), null));
            } catch (RuntimeException ex) {
                out.add(new NodeReport(node, List.of(), List.of(), ex.getMessage()));
            }
        }
        out.sort(Comparator.comparing(NodeReport::node));
        return out;
    }

    /** A proxy of one node's runtime, or null if that node does not answer under {@link NodeAdmin#NAME}. */
    NodeAdmin admin(String node, Duration timeout) {
        for (NameEntry e : kernel.names().cached(NodeAdmin.NAME)) {
            if (e.address().node().equals(node)) {
                // upgrades need ADMIN: the member capability, which this node has as a member of the cluster
                Capability c = e.member() != null ? e.member() : e.capability();
                return libfos.proxy(NodeAdmin.class, c, CallOptions.DEFAULT.withTimeout(timeout));
            }
        }
        return null;
    }

    // ---------------------------------------------------------------- sampling

    private void sample() {
        try {
            Map<String, Long> totals = new LinkedHashMap<>();
            KernelStats s = kernel.stats();
            totals.put("kernel.sent", s.sent());
            totals.put("kernel.received", s.received());
            totals.put("kernel.forwarded", s.forwarded());
            long rejected = 0;
            for (long r : s.rejections().values()) {
                rejected += r;
            }
            totals.put("kernel.rejected", rejected);
            for (FleetInfo f : runtime.fleets()) {
                long failed = 0;
                for (MemberInfo m : f.members()) {
                    failed += m.failed();
                }
                totals.put("fleet.served " + f.name(), f.served());
                totals.put("fleet.failed " + f.name(), failed);
            }
            for (GroupInfo g : runtime.groups()) {
                if (g.commitIndex() > 0) {
                    totals.put(COMMITS + g.fleet() + "#" + g.group(), g.commitIndex());
                }
            }
            for (LinkInfo l : kernel.links()) {
                totals.put("link.sent " + l.node(), l.sent());
                totals.put("link.delivered " + l.node(), l.delivered());
                totals.put("link.retransmitted " + l.node(), l.retransmitted());
            }
            for (TrafficRow r : traffic()) {
                totals.put("bytes.out " + r.peer().node() + " (" + r.transport() + ")", r.peer().bytesOut());
                totals.put("bytes.in " + r.peer().node() + " (" + r.transport() + ")", r.peer().bytesIn());
            }
            history.add(System.currentTimeMillis(), totals);
            publish();
        } catch (RuntimeException e) {
            // a sample is lost, the next one comes; the pages show the gap as a flat line
            LOG.debug("console sample failed", e);
        }
    }

    /** Publishes this console's address once the HTTP runtime says where it listens. */
    private void publish() {
        Membership m = membership;
        if (m == null) {
            return;
        }
        String url = consoleUrl();
        synchronized (this) {
            if (url == null || url.equals(publishedUrl)) {
                return;
            }
            unpublish();
            published = m.publish(CONSOLE_ATTRIBUTE, url);
            publishedUrl = url;
        }
    }

    private synchronized void unpublish() {
        if (published != null) {
            try {
                published.close();
            } catch (Exception e) {
                LOG.debug("withdrawing the console's address failed", e);
            }
            published = null;
            publishedUrl = null;
        }
    }

    /** The web console's address from the HTTP runtime's endpoint, or null if no runtime is registered. */
    String consoleUrl() {
        try {
            ServiceReference<?>[] refs = context.getServiceReferences(HTTP_RUNTIME, null);
            if (refs == null) {
                return null;
            }
            for (ServiceReference<?> r : refs) {
                Object endpoint = r.getProperty("osgi.http.endpoint");
                String first = endpoint instanceof String[] a && a.length > 0 ? a[0]
                        : endpoint instanceof java.util.Collection<?> c && !c.isEmpty() ? String.valueOf(c.iterator().next())
                        : endpoint == null ? null : endpoint.toString();
                if (first != null && first.startsWith("http")) {
                    return (first.endsWith("/") ? first : first + "/") + "system/console";
                }
            }
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        return null;
    }
}
