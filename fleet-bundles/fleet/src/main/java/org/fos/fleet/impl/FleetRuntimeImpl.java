package org.fos.fleet.impl;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import org.fos.fleet.api.CoreMap;
import org.fos.fleet.api.Elasticity;
import org.fos.fleet.api.Fleet;
import org.fos.fleet.api.FleetInfo;
import org.fos.fleet.api.FleetRuntime;
import org.fos.fleet.api.GroupInfo;
import org.fos.fleet.api.RollingUpgrade;
import org.fos.fleet.api.Stateful;
import org.fos.fleet.api.UpgradeReport;
import org.fos.fleet.spi.Replication;
import org.fos.kernel.api.Kernel;
import org.fos.kernel.api.Names;
import org.fos.rpc.api.Libfos;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceObjects;
import org.osgi.framework.ServiceReference;
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
import org.osgi.util.tracker.ServiceTracker;
import org.osgi.util.tracker.ServiceTrackerCustomizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet runtime of a node: it tracks every service with a {@code fos.fleet.name} property, runs
 * a {@link FleetController} a fleet name, and tells the controllers when an implementation bundle
 * is updated or fails to start.
 */
@Component(service = FleetRuntime.class, immediate = true, configurationPid = FleetRuntimeImpl.PID)
@Designate(ocd = FleetRuntimeImpl.Config.class)
public final class FleetRuntimeImpl implements FleetRuntime, SynchronousBundleListener, FrameworkListener {
    private static final Logger LOG = LoggerFactory.getLogger(FleetRuntimeImpl.class);

    /** The configuration PID. */
    public static final String PID = "org.fos.fleet";
    private static final int MAX_MEMBERS = 64;

    /** The runtime's configuration. */
    @ObjectClassDefinition(name = "fos fleet runtime", description = "Runs the fleets of a node and replaces their implementations live.")
    public @interface Config {
        /**
         * Milliseconds to wait for a new version.
         *
         * @return milliseconds
         */
        @AttributeDefinition(description = "Milliseconds to wait, after an implementation bundle was updated, for the new"
                + " version to register its fleet service before rolling back to the previous version.")
        long upgradeTimeoutMillis() default 30_000;

        /**
         * Messages a batch.
         *
         * @return messages
         */
        @AttributeDefinition(description = "The most requests a member dispatches in one batch before it checks for a pause.")
        int batchSize() default 64;

        /**
         * Fleets this node does not run.
         *
         * @return fleet names
         */
        @AttributeDefinition(description = "Names of fleets this node does not run even if their implementation is"
                + " installed (placement: for example /sys/kv on a node meant only for clients).")
        String[] excludedFleets() default {};

        /**
         * Elastic fleets this node does not scale.
         *
         * @return fleet names
         */
        @AttributeDefinition(description = "Names of @Elastic fleets whose members this node neither adds nor removes: they stay"
                + " as many as they are (fos:sched shows them as off).")
        String[] fixedFleets() default {};

        /**
         * Fleets whose members are bound to cores.
         *
         * @return fleet names
         */
        @AttributeDefinition(description = "Names of fleets whose members each run on a core of their own among those not kept for"
                + " clients (thread affinity where the OS allows; fos:sched shows the map).")
        String[] pinnedFleets() default {};

        /**
         * Cores kept for clients.
         *
         * @return cores
         */
        @AttributeDefinition(description = "How many of the first cores are kept for clients and the kernel: members of pinned"
                + " fleets are placed on the others (on all of them if that leaves none).")
        int clientCores() default 1;
    }

    private final BundleContext context;
    private final Kernel kernel;
    private final Libfos libfos;
    private final Map<String, FleetController> controllers = new ConcurrentHashMap<>();
    private final List<UpgradeReport> upgrades = new CopyOnWriteArrayList<>();
    private final ScheduledThreadPoolExecutor executor;
    private final ServiceTracker<Object, ServiceReference<Object>> tracker;
    private final Customizer customizer = new Customizer();
    private volatile Config config;
    private volatile Replication replication;
    private volatile Set<String> excluded = Set.of();
    private volatile Set<String> fixed = Set.of();
    private volatile Set<String> pinned = Set.of();
    private final int cores = Runtime.getRuntime().availableProcessors();
    /** The scaling thread: samples elastic fleets and takes leaving members away (never the upgrade thread, which may block). */
    private final ScheduledThreadPoolExecutor scaler;
    private final List<Path> deployFolders;

    /**
     * Starts the runtime.
     *
     * @param context the runtime bundle's context
     * @param kernel the kernel
     * @param libfos libfos, for the dispatchers
     * @param config the configuration
     * @throws InvalidSyntaxException never: the filter is constant
     */
    @Activate
    public FleetRuntimeImpl(BundleContext context, @Reference Kernel kernel, @Reference Libfos libfos, Config config)
            throws InvalidSyntaxException {
        this.context = context;
        this.kernel = kernel;
        this.libfos = libfos;
        this.config = validate(config);
        this.excluded = excluded(config.excludedFleets());
        this.fixed = fleetNames("fixedFleets", config.fixedFleets());
        this.pinned = fleetNames("pinnedFleets", config.pinnedFleets());
        this.deployFolders = DeployWatcher.folders(context.getProperty("fos.base"), context.getProperty("felix.fileinstall.dir"),
                context.getProperty("felix.fileinstall.filter"));
        this.executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "fos-fleet-upgrades");
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        this.scaler = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "fos-fleet-elastic");
            t.setDaemon(true);
            return t;
        });
        scaler.scheduleWithFixedDelay(this::sampleElastic, 100, 100, TimeUnit.MILLISECONDS);
        context.addBundleListener(this);
        context.addFrameworkListener(this);
        this.tracker = new ServiceTracker<>(context, context.createFilter("(" + Fleet.NAME + "=*)"), customizer);
        // opened once this component is registered: fleets of this bundle (/sys/nodes) need the runtime's service
        executor.execute(tracker::open);
        LOG.info("fos fleet runtime started (upgrade timeout {} ms)", config.upgradeTimeoutMillis());
    }

    private static Config validate(Config c) {
        excluded(c.excludedFleets());
        fleetNames("fixedFleets", c.fixedFleets());
        fleetNames("pinnedFleets", c.pinnedFleets());
        if (c.clientCores() < 0 || c.clientCores() > 4096) {
            throw new IllegalArgumentException("clientCores must be from 0 to 4096, was " + c.clientCores());
        }
        if (c.upgradeTimeoutMillis() < 1) {
            throw new IllegalArgumentException("upgradeTimeoutMillis must be positive, was " + c.upgradeTimeoutMillis());
        }
        if (c.batchSize() < 1 || c.batchSize() > 65_536) {
            throw new IllegalArgumentException("batchSize must be from 1 to 65536, was " + c.batchSize());
        }
        return c;
    }

    /**
     * The excluded fleet names: a list, or one string of names separated by commas (as a
     * {@code .cfg} file gives it); each must be a valid name.
     */
    static Set<String> excluded(String[] entries) {
        return fleetNames("excludedFleets", entries);
    }

    /** Fleet names of a configuration attribute, as {@link #excluded(String[])} reads them. */
    static Set<String> fleetNames(String attribute, String[] entries) {
        Set<String> out = new TreeSet<>();
        for (String entry : entries) {
            for (String name : entry.split(",")) {
                String n = name.strip();
                if (!n.isEmpty()) {
                    try {
                        Names.requireValidName(n);
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException(attribute + ": " + e.getMessage(), e);
                    }
                    out.add(n);
                }
            }
        }
        return Set.copyOf(out);
    }

    @Modified
    void modified(Config newConfig) {
        this.config = validate(newConfig);
        this.excluded = excluded(newConfig.excludedFleets());
        this.fixed = fleetNames("fixedFleets", newConfig.fixedFleets());
        this.pinned = fleetNames("pinnedFleets", newConfig.pinnedFleets());
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        context.removeBundleListener(this);
        context.removeFrameworkListener(this);
        scaler.shutdownNow();
        tracker.close();
        // the naming fleet last: the others' names are removed through it
        List<FleetController> order = new ArrayList<>(controllers.values());
        order.sort(Comparator.comparing((FleetController c) -> c.name().startsWith("/sys/names")));
        for (FleetController c : order) {
            c.stop();
        }
        controllers.clear();
        executor.shutdownNow();
        executor.awaitTermination(10, TimeUnit.SECONDS);
    }

    /**
     * The node's replication service, for replicated fleets; it may come and go (its bundle updated).
     *
     * @param r the service
     */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void setReplication(Replication r) {
        this.replication = r;
        replicationChanged(r);
    }

    void unsetReplication(Replication r) {
        if (replication == r) {
            replication = null;
            replicationChanged(null);
        }
    }

    private void replicationChanged(Replication now) {
        if (tracker == null || executor.isShutdown()) {
            return;
        }
        executor.execute(() -> {
            for (FleetController c : controllers.values()) {
                try {
                    c.replicationChanged(now);
                } catch (RuntimeException e) {
                    LOG.error("fleet {} could not open its groups with the new replication service: {}", c.name(), e.toString());
                }
            }
            if (now != null) {
                // replicated implementations that waited for the service
                ServiceReference<Object>[] refs = tracker.getServiceReferences();
                if (refs != null) {
                    for (ServiceReference<Object> ref : refs) {
                        FleetController c = controllers.get(String.valueOf(ref.getProperty(Fleet.NAME)));
                        if (FleetController.isReplicated(ref) && (c == null || !c.isBound())) {
                            customizer.addingService(ref);
                        }
                    }
                }
            }
        });
    }

    Replication replication() {
        return replication;
    }

    // ---------------------------------------------------------------- for the controllers

    Libfos libfos() {
        return libfos;
    }

    int batch() {
        return config.batchSize();
    }

    long upgradeTimeoutMillis() {
        return config.upgradeTimeoutMillis();
    }

    ServiceObjects<Object> serviceObjects(ServiceReference<Object> ref) {
        return context.getServiceObjects(ref);
    }

    ScheduledFuture<?> schedule(Runnable task, long delayMillis) {
        return executor.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
    }

    /** Runs a step of an elastic fleet's change on the scaling thread; nothing once the runtime stops. */
    void scheduleElastic(Runnable task, long delayMillis) {
        if (!scaler.isShutdown()) {
            try {
                scaler.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException stopped) {
                LOG.debug("the fleet runtime stopped: an elastic fleet's step is not run");
            }
        }
    }

    private void sampleElastic() {
        try {
            placeOnCores();
        } catch (RuntimeException e) {
            LOG.error("placing members on cores failed", e);
        }
        for (FleetController c : controllers.values()) {
            try {
                c.elasticTick(fixed.contains(c.name()));
            } catch (RuntimeException e) {
                LOG.error("fleet {}: scaling failed", c.name(), e);
            }
        }
    }

    /** The members of pinned fleets in a stable order: by fleet name, then index. */
    private List<Map.Entry<String, Member>> pinnedMembers() {
        List<Map.Entry<String, Member>> out = new ArrayList<>();
        for (String name : new TreeSet<>(controllers.keySet())) {
            FleetController c = controllers.get(name);
            if (c == null || !pinned.contains(name)) {
                continue;
            }
            List<Member> ms = new ArrayList<>(c.membersNow());
            ms.sort(Comparator.comparingInt(m -> m.index));
            ms.forEach(m -> out.add(Map.entry(name, m)));
        }
        return out;
    }

    /** Space partitioning: each member of a pinned fleet on its core, every other member anywhere. */
    private void placeOnCores() {
        List<Map.Entry<String, Member>> members = pinnedMembers();
        Map<Member, Integer> plan = new java.util.IdentityHashMap<>();
        List<Member> order = new ArrayList<>();
        members.forEach(e -> order.add(e.getValue()));
        Cores.plan(cores, config.clientCores(), order).forEach(plan::put);
        for (FleetController c : controllers.values()) {
            for (Member m : c.membersNow()) {
                m.pin(plan.getOrDefault(m, -1));
            }
        }
    }

    @Override
    public CoreMap cores() {
        List<CoreMap.Pinned> out = new ArrayList<>();
        for (Map.Entry<String, Member> e : pinnedMembers()) {
            Member m = e.getValue();
            Cores.Applied a = m.applied();
            boolean current = a != null && a.core() == m.wantedCore();
            out.add(new CoreMap.Pinned(e.getKey(), m.index, m.wantedCore(), current ? a.threadId() : -1, current && a.bound(),
                    current ? a.note() : "not applied yet: the member's thread binds itself before its next receive"));
        }
        return new CoreMap(kernel.nodeId(), cores, config.clientCores(), out);
    }

    @Override
    public List<Elasticity> elasticity() {
        List<Elasticity> out = new ArrayList<>();
        for (FleetController c : controllers.values()) {
            Elasticity e = c.elasticity(fixed.contains(c.name()));
            if (e != null) {
                out.add(e);
            }
        }
        out.sort(Comparator.comparing(Elasticity::fleet));
        return out;
    }

    /**
     * Updates a bundle from bytes on the upgrade thread; reports a failure to {@code onError}. A bundle
     * File Install installed from {@code deploy/} is updated through its file instead (ADR 0036): the
     * jar is written there and File Install applies it, so that the folder always holds what runs.
     */
    void updateLater(Bundle bundle, byte[] content, Consumer<Exception> onError) {
        Path deployed = deployed(bundle);
        executor.execute(() -> {
            try {
                if (deployed != null) {
                    DeployFiles.replace(deployed, content);
                } else {
                    bundle.update(new ByteArrayInputStream(content));
                }
            } catch (BundleException | IOException | RuntimeException e) {
                onError.accept(e);
            }
        });
    }

    /**
     * Puts the last good version back after a refused one: a bundle from {@code deploy/} gets its
     * refused jar copied aside (into {@code deploy.refused/}, the reason beside it) and the good jar
     * written in its place; any other bundle is updated directly.
     */
    void rollBackLater(Bundle bundle, byte[] good, String reason, Consumer<Exception> onError) {
        Path deployed = deployed(bundle);
        if (deployed != null) {
            executor.execute(() -> {
                try {
                    Path aside = DeployFiles.setAside(deployed, reason);
                    LOG.warn("{} was refused ({}); it is kept as {} and the jar that serves again is written in its place", deployed,
                            reason, aside);
                    DeployFiles.replace(deployed, good);
                } catch (IOException | RuntimeException e) {
                    onError.accept(e);
                }
            });
        } else {
            updateLater(bundle, good, onError);
        }
    }

    /**
     * After an upgrade that did not go through {@code deploy/} (a shell {@code update}), writes the jar
     * that serves into the bundle's file there, if it came from there and holds another version.
     */
    void deployedServes(Bundle bundle, byte[] archive) {
        Path deployed = deployed(bundle);
        if (deployed == null || archive == null) {
            return;
        }
        executor.execute(() -> {
            try {
                String there = DeployFiles.version(deployed);
                if (!bundle.getVersion().toString().equals(there)) {
                    LOG.info("{} held version {} while {} serves: writing the jar that serves there (File Install applies it once more)",
                            deployed, there, bundle.getVersion());
                    DeployFiles.replace(deployed, archive);
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("cannot write the jar that serves into {}: {}", deployed, e.toString());
            }
        });
    }

    /** The file in a deploy folder a bundle was installed from by File Install, or null. */
    Path deployed(Bundle bundle) {
        return DeployFiles.fileOf(bundle.getLocation(), deployFolders);
    }

    void recordUpgrade(UpgradeReport report) {
        upgrades.add(report);
    }

    // ---------------------------------------------------------------- tracking implementations

    private final class Customizer implements ServiceTrackerCustomizer<Object, ServiceReference<Object>> {
        @Override
        public ServiceReference<Object> addingService(ServiceReference<Object> ref) {
            String name = String.valueOf(ref.getProperty(Fleet.NAME));
            if (excluded.contains(name)) {
                LOG.info("fleet {} is excluded on this node: {} of bundle {} stays unbound", name,
                        ref.getProperty(Constants.SERVICE_ID), ref.getBundle().getSymbolicName());
                return ref;
            }
            if (FleetController.isReplicated(ref) && replication == null) {
                LOG.warn("fleet {} of bundle {} is replicated: it waits for this node's replication service", name,
                        ref.getBundle().getSymbolicName());
                return ref;
            }
            try {
                Names.requireValidName(name);
                FleetController c = controllers.computeIfAbsent(name, n -> new FleetController(n, FleetRuntimeImpl.this, kernel));
                Class<?> protocol = protocolOf(ref);
                c.bind(ref, protocol, dispatchedOf(ref, protocol), intProperty(ref, Fleet.MEMBERS, 1, 1, MAX_MEMBERS),
                        intProperty(ref, Fleet.CAPACITY, 4096, 2, 1 << 20), ElasticPolicy.Settings.of(ref));
            } catch (IllegalArgumentException e) {
                LOG.error("fleet service {} of bundle {} is not usable: {}", ref.getProperty(Constants.SERVICE_ID),
                        ref.getBundle().getSymbolicName(), e.getMessage());
            }
            return ref;
        }

        @Override
        public void modifiedService(ServiceReference<Object> ref, ServiceReference<Object> service) {
            // a fleet keeps its name for its life; an elastic fleet's settings apply at once
            FleetController c = controllers.get(String.valueOf(ref.getProperty(Fleet.NAME)));
            if (c != null) {
                try {
                    c.propertiesChanged(ref, ElasticPolicy.Settings.of(ref));
                } catch (IllegalArgumentException e) {
                    c.settingsRefused(ref, e.getMessage());
                }
            }
        }

        @Override
        public void removedService(ServiceReference<Object> ref, ServiceReference<Object> service) {
            FleetController c = controllers.get(String.valueOf(ref.getProperty(Fleet.NAME)));
            if (c == null) {
                return;
            }
            c.unbind(ref);
            if (!c.isBound()) {
                ServiceReference<Object>[] others = tracker.getServiceReferences();
                if (others != null) {
                    for (ServiceReference<Object> other : others) {
                        if (!other.equals(ref) && c.name().equals(other.getProperty(Fleet.NAME))) {
                            addingService(other);
                            if (c.isBound()) {
                                break;
                            }
                        }
                    }
                }
            }
        }
    }

    /** The protocol a fleet service serves: its one service interface that is not {@link Stateful}. */
    private static Class<?> protocolOf(ServiceReference<Object> ref) {
        String[] classes = (String[]) ref.getProperty(Constants.OBJECTCLASS);
        Class<?> found = null;
        for (String name : classes) {
            Class<?> c;
            try {
                c = ref.getBundle().loadClass(name);
            } catch (ClassNotFoundException e) {
                throw new IllegalArgumentException("its bundle cannot load its service type " + name, e);
            }
            if (!c.isInterface() || c == Stateful.class) {
                continue;
            }
            if (found != null) {
                throw new IllegalArgumentException("it registers two protocol interfaces, " + found.getName() + " and "
                        + c.getName() + ": register one");
            }
            found = c;
        }
        if (found == null) {
            throw new IllegalArgumentException("it registers no protocol interface (service types " + List.of(classes) + ")");
        }
        return found;
    }

    /**
     * What a fleet's members dispatch: the interface {@link Fleet#PEERS} names (its bundle's private
     * extension of the protocol with the member-to-member methods), else the protocol itself.
     */
    static Class<?> dispatchedOf(ServiceReference<Object> ref, Class<?> protocol) {
        Object v = ref.getProperty(Fleet.PEERS);
        String peers = v == null ? "" : v.toString().trim();
        if (peers.isEmpty() || peers.equals(Void.class.getName())) {
            return protocol;
        }
        Class<?> c;
        try {
            c = ref.getBundle().loadClass(peers);
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException(Fleet.PEERS + " names " + peers + ", which its bundle cannot load", e);
        }
        if (!c.isInterface() || !protocol.isAssignableFrom(c) || c == protocol) {
            throw new IllegalArgumentException(Fleet.PEERS + " names " + peers + ", which is not an interface extending the protocol "
                    + protocol.getName());
        }
        return c;
    }

    static int intProperty(ServiceReference<?> ref, String key, int fallback, int min, int max) {
        Object v = ref.getProperty(key);
        if (v == null) {
            return fallback;
        }
        int n;
        try {
            n = v instanceof Number num ? num.intValue() : Integer.parseInt(v.toString().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a number, was '" + v + "'", e);
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException(key + " must be from " + min + " to " + max + ", was " + n);
        }
        return n;
    }

    @Override
    public void bundleChanged(BundleEvent event) {
        if (event.getType() == BundleEvent.UPDATED) {
            for (FleetController c : controllers.values()) {
                c.bundleUpdated(event.getBundle());
            }
        } else if (event.getType() == BundleEvent.UNINSTALLED) {
            // its services went before this event: a fleet it served is removed (names away, queued calls refused)
            for (FleetController c : controllers.values()) {
                if (c.removed(event.getBundle()) == FleetController.Removal.NOTHING_KEPT) {
                    controllers.remove(c.name(), c);
                }
            }
        }
    }

    @Override
    public void frameworkEvent(FrameworkEvent event) {
        if (event.getType() == FrameworkEvent.ERROR && event.getBundle() != null) {
            for (FleetController c : controllers.values()) {
                c.bundleFailed(event.getBundle(), event.getThrowable());
            }
        }
    }

    // ---------------------------------------------------------------- FleetRuntime

    @Override
    public List<FleetInfo> fleets() {
        List<FleetInfo> out = new ArrayList<>();
        for (FleetController c : controllers.values()) {
            out.add(c.info());
        }
        out.sort(Comparator.comparing(FleetInfo::name));
        return out;
    }

    @Override
    public FleetInfo fleet(String name) {
        FleetController c = controllers.get(name);
        return c == null ? null : c.info();
    }

    /** The protocol of a fleet running here, or null. */
    Class<?> protocol(String name) {
        FleetController c = controllers.get(name);
        return c == null ? null : c.protocol();
    }

    @Override
    public UpgradeReport upgrade(String name, String location, Duration timeout) {
        FleetController c = upgradable(name, timeout);
        return upgrade(c, Jars.read(location), timeout);
    }

    @Override
    public UpgradeReport upgrade(String name, byte[] content, Duration timeout) {
        FleetController c = upgradable(name, timeout);
        return upgrade(c, Jars.check(content, "the new bundle"), timeout);
    }

    /** The controller of a fleet that runs here with an implementation bound, or a precise refusal. */
    private FleetController upgradable(String name, Duration timeout) {
        Names.requireValidName(name);
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("upgrade timeout must be positive, was " + timeout);
        }
        FleetController c = controllers.get(name);
        if (c == null) {
            throw new IllegalArgumentException("no fleet named " + name + " runs on this node; fleets here: " + controllers.keySet());
        }
        if (c.boundBundle() == null) {
            throw new IllegalArgumentException("fleet " + name + " has no implementation bound now (" + c.info().status()
                    + "): nothing to upgrade");
        }
        return c;
    }

    private UpgradeReport upgrade(FleetController c, byte[] content, Duration timeout) {
        String name = c.name();
        Bundle bundle = c.boundBundle();
        if (bundle == null) {
            throw new IllegalArgumentException("fleet " + name + " lost its implementation while the upgrade was prepared");
        }
        Class<?> protocol = c.protocol();
        UpgradeCheck.check(content, name, bundle, protocol == null ? "" : protocol.getName(), context.getBundles());
        CompletableFuture<UpgradeReport> report = c.nextReport();
        String from = bundle.getVersion().toString();
        Path deployed = deployed(bundle);
        executor.execute(() -> {
            try {
                if (deployed != null) {
                    // File Install applies it, and deploy/ holds the jar that runs (ADR 0036)
                    DeployFiles.replace(deployed, content);
                } else {
                    bundle.update(new ByteArrayInputStream(content));
                }
            } catch (BundleException | IOException | RuntimeException e) {
                UpgradeReport refused = new UpgradeReport(name, from, null, UpgradeReport.Outcome.ROLLED_BACK, 0L, 0,
                        "the framework refused the new jar, version " + from + " serves on: " + e.getMessage(), System.currentTimeMillis());
                recordUpgrade(refused);
                report.complete(refused);
            }
        });
        try {
            return report.get(timeout.toMillis() + 2 * config.upgradeTimeoutMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the upgrade of " + name, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the upgrade of " + name + " did not finish: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the upgrade of " + name + " has not finished after " + timeout
                    + "; fos:fleets shows where it is", e);
        }
    }

    @Override
    public byte[] implementation(String name) {
        FleetController c = controllers.get(Names.requireValidName(name));
        if (c == null) {
            throw new IllegalArgumentException("no fleet named " + name + " runs on this node");
        }
        byte[] archive = c.archive();
        if (archive == null) {
            throw new IllegalArgumentException("fleet " + name + " has no implementation bound, or no copy of it was kept");
        }
        return archive;
    }

    @Override
    public RollingUpgrade rollingUpgrade(String name, byte[] bundle, Duration timeout) {
        Names.requireValidName(name);
        Jars.check(bundle, "the new bundle");
        FleetController here = controllers.get(name);
        Bundle bound = here == null ? null : here.boundBundle();
        if (bound != null) {
            // refused before any node is touched; a node that does not run the fleet leaves this to the canary
            Class<?> protocol = here.protocol();
            UpgradeCheck.check(bundle, name, bound, protocol == null ? "" : protocol.getName(), context.getBundles());
        }
        return new RollingUpgrader(kernel, libfos, this).run(name, bundle, timeout);
    }

    @Override
    public List<GroupInfo> groups() {
        List<GroupInfo> out = new ArrayList<>();
        for (FleetController c : new java.util.TreeMap<>(controllers).values()) {
            out.addAll(c.groups());
        }
        return out;
    }

    @Override
    public String drop(String name) {
        Names.requireValidName(name);
        FleetController c = controllers.get(name);
        String dropped;
        if (c == null) {
            // nothing runs under the name here; its replicas may still be on disk (a node restarted without the fleet)
            Replication r = replication;
            int replicas = r == null ? 0 : r.drop(name);
            if (replicas == 0) {
                throw new IllegalArgumentException("no fleet named " + name + " was removed on this node, and it keeps no replicas of one;"
                        + " fleets here: " + controllers.keySet());
            }
            dropped = "dropped " + replicas + " replicas of the groups of " + name + " on this node, with their files";
        } else {
            dropped = c.drop();
            controllers.remove(name, c);
        }
        // a version that was refused because it could not read that state starts empty now
        ServiceReference<Object>[] refs = tracker.getServiceReferences();
        if (refs != null) {
            for (ServiceReference<Object> ref : refs) {
                if (name.equals(ref.getProperty(Fleet.NAME))) {
                    customizer.addingService(ref);
                    FleetController now = controllers.get(name);
                    if (now != null && now.isBound()) {
                        FleetInfo f = now.info();
                        return dropped + "; version " + f.version() + " of " + f.implementation() + " serves " + name + " now, starting empty";
                    }
                }
            }
        }
        return dropped;
    }

    @Override
    public List<UpgradeReport> upgrades() {
        return List.copyOf(upgrades);
    }
}
