package org.fos.fleet.commands;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.fos.cluster.api.Membership;
import org.fos.cluster.api.NodeInfo;
import org.fos.fleet.api.CoreMap;
import org.fos.fleet.api.Elasticity;
import org.fos.fleet.api.PlacedMembers;
import org.fos.fleet.api.FleetInfo;
import org.fos.fleet.api.FleetRuntime;
import org.fos.fleet.api.NodeAdmin;
import org.fos.fleet.api.RollingUpgrade;
import org.fos.fleet.api.UpgradeReport;
import org.fos.fleet.impl.Jars;
import org.fos.kernel.api.Kernel;
import org.fos.kernel.api.LinkInfo;
import org.fos.kernel.api.NameEntry;
import org.fos.kernel.api.Names;
import org.fos.kernel.api.Selection;
import org.fos.kernel.api.Status;
import org.fos.rpc.api.CallOptions;
import org.fos.rpc.api.FleetException;
import org.fos.rpc.api.Libfos;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet commands, scope {@code fos}: list fleets, call a fleet from the shell, replace a fleet's
 * implementation. They return data and leave printing to the shell.
 */
@Component(service = FleetCommands.class, property = {
        "osgi.command.scope=fos",
        "osgi.command.function=fleets",
        "osgi.command.function=call",
        "osgi.command.function=upgrade",
        "osgi.command.function=upgrades",
        "osgi.command.function=sched",
        "osgi.command.function=drop",
        "osgi.command.function=nodes",
        "osgi.command.function=remote"})
public final class FleetCommands {
    private static final Logger LOG = LoggerFactory.getLogger(FleetCommands.class);
    private static final CallOptions QUICK = CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(10));
    /**
     * How long {@code fos:remote} waits for a command to finish: long, as a command there may roll an upgrade
     * or copy a file. A node that dies, freezes or is cut off fails the call sooner, with {@code NO_ROUTE}, once
     * no transport reaches it (the TCP heartbeat's 5 s and the kernel's 1 s).
     */
    static final Duration REMOTE_WAIT = Duration.ofMinutes(10);
    private static final CallOptions REMOTE = CallOptions.DEFAULT.withTimeout(REMOTE_WAIT);

    private final BundleContext context;
    private final FleetRuntime runtime;
    private final Libfos libfos;
    private final Kernel kernel;
    private volatile Membership membership;

    /**
     * Creates the commands.
     *
     * @param context the fleet bundle's context, to find protocol interfaces
     * @param runtime the fleet runtime
     * @param libfos libfos, for calls
     * @param kernel the kernel, for names
     */
    @Activate
    public FleetCommands(BundleContext context, @Reference FleetRuntime runtime, @Reference Libfos libfos, @Reference Kernel kernel) {
        this.context = context;
        this.runtime = runtime;
        this.libfos = libfos;
        this.kernel = kernel;
    }

    /** A node of the cluster as {@code fos:nodes} shows it. */
    public record NodeView(String node, boolean local, Map<String, String> attributes, LinkInfo link) {
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void setMembership(Membership m) {
        this.membership = m;
    }

    void unsetMembership(Membership m) {
        if (membership == m) {
            membership = null;
        }
    }

    /**
     * Lists the fleets of the whole cluster.
     *
     * @return one entry a fleet and node
     */
    @Descriptor("list the fleets of every node: node, protocol, implementation bundle and version, status (SERVING, PAUSED,"
            + " UPGRADING, ROLLING_BACK, REMOVED, WAITING), members with queue depths and calls served, and unless it serves a detail"
            + " saying why not and what to do")
    public List<FleetInfo> fleets() {
        List<FleetInfo> out = new ArrayList<>();
        List<NameEntry> admins = kernel.names().cached(NodeAdmin.NAME);
        for (NameEntry e : admins) {
            try {
                out.addAll(libfos.proxy(NodeAdmin.class, e.capability(), QUICK).fleets());
            } catch (RuntimeException ex) {
                LOG.warn("node {} did not list its fleets: {}", e.address().node(), ex.getMessage());
            }
        }
        if (admins.isEmpty()) {
            out.addAll(runtime.fleets());
        }
        out.sort(Comparator.comparing(FleetInfo::name).thenComparing(FleetInfo::node));
        return out;
    }

    /**
     * Shows one fleet on every node that runs it.
     *
     * @param name the fleet's name
     * @return one entry a node that runs it
     */
    @Descriptor("show one fleet on every node that runs it")
    public List<FleetInfo> fleets(@Descriptor("the fleet's name, such as /sys/kv") String name) {
        Names.requireValidName(name);
        List<FleetInfo> f = fleets().stream().filter(i -> i.name().equals(name)).toList();
        if (f.isEmpty()) {
            throw new IllegalArgumentException("no node runs a fleet named " + name + "; fos:fleets lists them");
        }
        return f;
    }

    /**
     * Lists the nodes of the cluster.
     *
     * @return one entry a node
     */
    @Descriptor("list the nodes of the cluster: what each publishes (transport endpoints) and this node's link to it")
    public List<NodeView> nodes() {
        Map<String, LinkInfo> links = new HashMap<>();
        for (LinkInfo l : kernel.links()) {
            links.put(l.node(), l);
        }
        Membership m = membership;
        List<NodeView> out = new ArrayList<>();
        if (m == null) {
            out.add(new NodeView(kernel.nodeId(), true, Map.of(), null));
            return out;
        }
        for (NodeInfo n : m.nodes()) {
            out.add(new NodeView(n.id(), n.local(), n.attributes(), links.get(n.id())));
        }
        return out;
    }

    /**
     * Runs a command on another node.
     *
     * @param node the node
     * @param words the command line
     * @return what it printed
     */
    @Descriptor("run a shell command on another node of the cluster (or this one) and show what it printed; waits up to 10 minutes"
            + " for it, and fails with NO_ROUTE within seconds once no transport reaches the node")
    public String remote(@Descriptor("the node's id, as fos:nodes lists it") String node,
            @Descriptor("the command line, such as fos:mailboxes") String... words) {
        if (words.length == 0) {
            throw new IllegalArgumentException("no command given: fos:remote <node> <command> [arguments]");
        }
        NameEntry admin = kernel.names().cached(NodeAdmin.NAME).stream().filter(e -> e.address().node().equals(node)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no node '" + node + "' answers under " + NodeAdmin.NAME
                        + "; fos:nodes lists the nodes"));
        String line = String.join(" ", words);
        NodeAdmin.CommandOutput out;
        try {
            out = libfos.proxy(NodeAdmin.class, admin.member() != null ? admin.member() : admin.capability(), REMOTE).execute(line);
        } catch (FleetException e) {
            if (e.status() == Status.TIMEOUT) {
                throw new IllegalStateException("node " + node + " did not finish '" + line + "' within " + REMOTE_WAIT.toMinutes()
                        + " minutes; it may still be running there", e);
            }
            throw e;
        }
        if (out.failed()) {
            throw new IllegalStateException("on node " + node + ": " + out.text());
        }
        return out.text();
    }

    /**
     * Calls a method of a fleet.
     *
     * @param timeoutMillis the call timeout
     * @param select how to pick a member for methods without a key
     * @param name the fleet's name
     * @param method the method
     * @param arguments the arguments as text
     * @return what the method returned (byte[] as UTF-8 text); the text {@code null} where a method that
     *         returns a value returned none (the shell prints nothing for null), nothing for a void method
     */
    @Descriptor("call a method of a fleet, with arguments as text (numbers, booleans, enum names; byte[] as UTF-8 text)")
    public Object call(
            @Descriptor("milliseconds to wait for the reply")
            @Parameter(names = {"-t", "--timeout"}, absentValue = "30000") long timeoutMillis,
            @Descriptor("how to pick the member for methods without a key: round-robin, least-loaded, local-first")
            @Parameter(names = {"-s", "--select"}, absentValue = "round-robin") String select,
            @Descriptor("the fleet's name, such as /sys/kv") String name,
            @Descriptor("the method, such as get") String method,
            @Descriptor("the arguments, one a parameter") String... arguments) {
        if (timeoutMillis <= 0) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeoutMillis);
        }
        Names.requireValidName(name);
        Selection selection = switch (select.trim().toLowerCase(Locale.ROOT)) {
            case "round-robin" -> Selection.ROUND_ROBIN;
            case "least-loaded" -> Selection.LEAST_LOADED;
            case "local-first" -> Selection.LOCAL_FIRST;
            default -> throw new IllegalArgumentException("unknown selection '" + select + "': use round-robin, least-loaded or local-first");
        };
        Class<?> protocol = protocolOf(name);
        Object result = libfos.call(protocol, name, method, Arrays.asList(arguments),
                new CallOptions(Duration.ofMillis(timeoutMillis), selection));
        if (result == null) {
            return returnsValue(protocol, method) ? "null" : null;
        }
        return result instanceof byte[] bytes ? new String(bytes, java.nio.charset.StandardCharsets.UTF_8) : result;
    }

    /** Whether the protocol's method of this name returns a value: neither void nor a stage of Void. */
    private static boolean returnsValue(Class<?> protocol, String method) {
        for (java.lang.reflect.Method m : protocol.getMethods()) {
            if (!m.getName().equals(method)) {
                continue;
            }
            java.lang.reflect.Type type = m.getGenericReturnType();
            if (type instanceof java.lang.reflect.ParameterizedType stage
                    && java.util.concurrent.CompletionStage.class.isAssignableFrom((Class<?>) stage.getRawType())) {
                type = stage.getActualTypeArguments()[0];
            }
            return type != void.class && type != Void.class;
        }
        return false;
    }

    /**
     * Replaces a fleet's implementation bundle.
     *
     * @param timeoutMillis how long to wait for the outcome
     * @param name the fleet's name
     * @param location the new bundle's file path or URL
     * @return what happened on each node
     */
    @Descriptor("replace the implementation bundle of a fleet live on every node that runs it, one node at a time, canary"
            + " first: requests queue meanwhile, and a failure stops it and rolls the upgraded nodes back")
    public RollingUpgrade upgrade(
            @Descriptor("milliseconds to wait for the outcome")
            @Parameter(names = {"-t", "--timeout"}, absentValue = "60000") long timeoutMillis,
            @Descriptor("the fleet's name, such as /sys/kv") String name,
            @Descriptor("the new bundle jar: a path such as /tmp/kv-2.0.0.jar (relative to the node's folder) or a URL"
                    + " such as file:/tmp/kv-2.0.0.jar") String location) {
        if (timeoutMillis <= 0) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeoutMillis);
        }
        Names.requireValidName(name);
        if (fleets().stream().noneMatch(f -> f.name().equals(name))) {
            throw new IllegalArgumentException("no node runs a fleet named " + name + "; fos:fleets lists them");
        }
        return runtime.rollingUpgrade(name, Jars.read(location), Duration.ofMillis(timeoutMillis));
    }

    /**
     * Lists the upgrades done on this node.
     *
     * @return the reports, oldest first
     */
    @Descriptor("list the upgrades of fleets on this node, with their outcome and how long dispatch paused")
    public List<UpgradeReport> upgrades() {
        return runtime.upgrades();
    }

    /**
     * What the node's fleet runtime schedules: the cores of pinned fleets' members, the elastic fleets
     * and the fleets a scheduler placed.
     *
     * @param cores the map of cores to the members of pinned fleets
     * @param elastic the elastic fleets
     * @param placed the fleets whose members here the scheduling fleet placed
     */
    public record Schedule(CoreMap cores, List<Elasticity> elastic, List<PlacedMembers> placed) {
    }

    /**
     * Shows what this node's fleet runtime schedules.
     *
     * @return the map of cores to pinned members, and the elastic fleets
     */
    @Descriptor("show what this node schedules: the map of cores to the members of pinned fleets (pinnedFleets, clientCores of"
            + " org.fos.fleet; whether the OS binds each thread, and why not), and the elastic fleets (@Elastic): bounds and target"
            + " queue depth, the members that serve and those leaving, whether scaling is off and why, the latest changes; and the"
            + " fleets the scheduling fleet /sys/sched placed here: members asked for, serving and leaving")
    public Schedule sched() {
        return new Schedule(runtime.cores(), runtime.elasticity(), runtime.placed());
    }

    /**
     * Shows what this node's fleet runtime does with one elastic fleet.
     *
     * @param name the fleet's name
     * @return its entry
     */
    @Descriptor("show one elastic fleet of this node")
    public Elasticity sched(@Descriptor("the fleet's name, such as /app/resize") String name) {
        Names.requireValidName(name);
        for (Elasticity e : runtime.elasticity()) {
            if (e.fleet().equals(name)) {
                return e;
            }
        }
        throw new IllegalArgumentException("no elastic fleet " + name + " runs on node " + kernel.nodeId() + " (fos:sched lists those"
                + " that do; a fleet is elastic when its component declares @Elastic or the property fos.elastic.max)");
    }

    /**
     * Drops the state a removed fleet kept on this node.
     *
     * @param name the fleet's name
     * @return what was dropped
     */
    @Descriptor("drop the state a removed fleet (its bundle uninstalled, status REMOVED) kept on this node for its next version:"
            + " its exported state, and a replicated fleet's replicas of its groups with their files (a group with replicas on"
            + " other nodes lets this node go first); a version refused because it could not read that state then serves, empty")
    public String drop(@Descriptor("the removed fleet's name, such as /app/counters") String name) {
        return runtime.drop(Names.requireValidName(name));
    }

    /** The protocol interface of a fleet: from its local runtime, else from the name's fos.protocol property. */
    private Class<?> protocolOf(String name) {
        FleetInfo local = runtime.fleet(name);
        String protocol = local != null ? local.protocol() : null;
        if (protocol == null) {
            protocol = kernel.names().cached(name).stream().map(e -> e.properties().get("fos.protocol"))
                    .filter(java.util.Objects::nonNull).findFirst().orElse(null);
        }
        if (protocol == null) {
            List<NameEntry> members = kernel.names().find(name);
            if (members.isEmpty()) {
                throw new IllegalArgumentException("no fleet is registered under " + name + "; fos:names lists the names");
            }
            protocol = members.get(0).properties().get("fos.protocol");
            if (protocol == null) {
                throw new IllegalArgumentException(name + " is not a fleet (its members do not name a protocol): use fos:send");
            }
        }
        return loadExported(protocol);
    }

    private Class<?> loadExported(String className) {
        int dot = className.lastIndexOf('.');
        String pkg = dot < 0 ? "" : className.substring(0, dot);
        for (Bundle b : context.getBundles()) {
            BundleWiring wiring = b.adapt(BundleWiring.class);
            if (wiring == null) {
                continue;
            }
            for (BundleCapability cap : wiring.getCapabilities(PackageNamespace.PACKAGE_NAMESPACE)) {
                if (pkg.equals(cap.getAttributes().get(PackageNamespace.PACKAGE_NAMESPACE))) {
                    try {
                        return b.loadClass(className);
                    } catch (ClassNotFoundException e) {
                        // another exporter may have it
                    }
                }
            }
        }
        throw new IllegalArgumentException("protocol " + className + " is not exported by any bundle on this node: install its API bundle");
    }
}
