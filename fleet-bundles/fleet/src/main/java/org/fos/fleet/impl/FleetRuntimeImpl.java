package org.fos.fleet.impl;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.fos.fleet.api.CoreMap;
import org.fos.fleet.api.Elasticity;
import org.fos.fleet.api.PlacedMembers;
import org.fos.fleet.api.FleetInfo;
import org.fos.fleet.api.FleetRuntime;
import org.fos.fleet.api.GroupInfo;
import org.fos.fleet.api.RollingUpgrade;
import org.fos.fleet.api.UpgradeReport;
import org.fos.fleet.spi.Replication;
import org.fos.kernel.api.Kernel;
import org.fos.kernel.api.Names;
import org.fos.rpc.api.Libfos;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet runtime of a node: it runs a {@link FleetController} a fleet name, fed by
 * {@link FleetServices} (every service with a {@code fos.fleet.name} property), tells the controllers
 * when an implementation bundle is updated, uninstalled or fails to start, and answers
 * {@link FleetRuntime}. Bundle updates run on the upgrade thread of {@link BundleUpdates}; elastic
 * sampling and core placement ({@link CorePlacement}) on the scaling thread.
 */
@Component(service = FleetRuntime.class, immediate = true, configurationPid = FleetRuntimeImpl.PID)
@Designate(ocd = FleetRuntimeImpl.Config.class)
public final class FleetRuntimeImpl implements FleetRuntime, SynchronousBundleListener, FrameworkListener {
    private static final Logger LOG = LoggerFactory.getLogger(FleetRuntimeImpl.class);

    /** The configuration PID. */
    public static final String PID = "org.fos.fleet";

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
    private final FleetHost host = new Host();
    private final BundleUpdates updates;
    private final FleetServices services;
    private volatile Config config;
    private volatile Replication replication;
    private volatile Set<String> excluded = Set.of();
    private volatile Set<String> fixed = Set.of();
    private volatile Set<String> pinned = Set.of();
    private final int cores = Runtime.getRuntime().availableProcessors();
    /** The scaling thread: samples elastic fleets and takes leaving members away (never the upgrade thread, which may block). */
    private final ScheduledThreadPoolExecutor scaler;

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
        this.updates = new BundleUpdates(DeployWatcher.folders(context.getProperty("fos.base"), context.getProperty("felix.fileinstall.dir"),
                context.getProperty("felix.fileinstall.filter")));
        this.scaler = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "fos-fleet-elastic");
            t.setDaemon(true);
            return t;
        });
        scaler.scheduleWithFixedDelay(this::sampleElastic, 100, 100, TimeUnit.MILLISECONDS);
        context.addBundleListener(this);
        context.addFrameworkListener(this);
        this.services = new FleetServices(context, this, controllers, host, kernel);
        // opened once this component is registered: fleets of this bundle (/sys/nodes) need the runtime's service
        updates.execute(services::open);
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
        services.close();
        // the naming fleet last: the others' names are removed through it
        List<FleetController> order = new ArrayList<>(controllers.values());
        order.sort(Comparator.comparing((FleetController c) -> c.name().startsWith("/sys/names")));
        for (FleetController c : order) {
            c.stop();
        }
        controllers.clear();
        updates.shutdown();
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
        if (services == null || updates.isShutdown()) {
            return;
        }
        updates.execute(() -> {
            for (FleetController c : controllers.values()) {
                try {
                    c.replicationChanged(now);
                } catch (RuntimeException e) {
                    LOG.error("fleet {} could not open its groups with the new replication service: {}", c.name(), e.toString());
                }
            }
            if (now != null) {
                // replicated implementations that waited for the service
                services.offerAgain(null, true);
            }
        });
    }

    Replication replication() {
        return replication;
    }

    /** Whether this node does not run the fleet (excludedFleets). */
    boolean isExcluded(String name) {
        return excluded.contains(name);
    }

    long upgradeTimeoutMillis() {
        return config.upgradeTimeoutMillis();
    }

    /** What the controllers use of the runtime. */
    private final class Host implements FleetHost {
        @Override
        public Libfos libfos() {
            return libfos;
        }

        @Override
        public int batch() {
            return config.batchSize();
        }

        @Override
        public long upgradeTimeoutMillis() {
            return config.upgradeTimeoutMillis();
        }

        @Override
        public Replication replication() {
            return replication;
        }

        @Override
        public ServiceObjects<Object> serviceObjects(ServiceReference<Object> ref) {
            return context.getServiceObjects(ref);
        }

        @Override
        public byte[] archive(Bundle bundle) throws IOException {
            return BundleArchive.of(bundle);
        }

        @Override
        public ScheduledFuture<?> schedule(Runnable task, long delayMillis) {
            return updates.schedule(task, delayMillis);
        }

        @Override
        public void scheduleElastic(Runnable task, long delayMillis) {
            if (!scaler.isShutdown()) {
                try {
                    scaler.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException stopped) {
                    LOG.debug("the fleet runtime stopped: an elastic fleet's step is not run");
                }
            }
        }

        @Override
        public void recordUpgrade(UpgradeReport report) {
            upgrades.add(report);
        }

        @Override
        public void rollBackLater(Bundle bundle, byte[] good, String reason, Consumer<Exception> onError) {
            updates.rollBackLater(bundle, good, reason, onError);
        }

        @Override
        public void deployedServes(Bundle bundle, byte[] archive) {
            updates.deployedServes(bundle, archive);
        }
    }

    private void sampleElastic() {
        try {
            CorePlacement.place(controllers, pinned, cores, config.clientCores());
        } catch (RuntimeException e) {
            LOG.error("placing members on cores failed", e);
        }
        for (FleetController c : controllers.values()) {
            try {
                c.elastic().tick(fixed.contains(c.name()));
            } catch (RuntimeException e) {
                LOG.error("fleet {}: scaling failed", c.name(), e);
            }
        }
    }

    @Override
    public CoreMap cores() {
        return CorePlacement.map(controllers, pinned, kernel.nodeId(), cores, config.clientCores());
    }

    @Override
    public PlacedMembers place(String name, int members, String reason) {
        if (members < 1 || members > MAX_PLACED) {
            throw new IllegalArgumentException("a placement of fleet " + name + " asks for " + members + " members on node "
                    + kernel.nodeId() + ": it must be from 1 to " + MAX_PLACED);
        }
        FleetController c = controllerOf(name);
        if (fixed.contains(name)) {
            throw new IllegalArgumentException("fleet " + name + " cannot be placed: the configuration of node " + kernel.nodeId()
                    + " keeps its members fixed (fixedFleets of " + PID + ")");
        }
        return c.place(members, reason == null ? "no reason given" : reason);
    }

    @Override
    public boolean unplace(String name) {
        return controllerOf(name).unplace();
    }

    @Override
    public List<PlacedMembers> placed() {
        List<PlacedMembers> out = new ArrayList<>();
        for (FleetController c : controllers.values()) {
            PlacedMembers p = c.placed();
            if (p != null) {
                out.add(p);
            }
        }
        out.sort(Comparator.comparing(PlacedMembers::fleet));
        return out;
    }

    private FleetController controllerOf(String name) {
        FleetController c = name == null ? null : controllers.get(name);
        if (c == null) {
            throw new IllegalArgumentException("no fleet " + name + " runs on node " + kernel.nodeId());
        }
        return c;
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
        out.addAll(services.waiting(kernel.nodeId()).values());
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
        return updates.upgrade(c, Jars.read(location), timeout, context.getBundles(), config.upgradeTimeoutMillis(), upgrades::add);
    }

    @Override
    public UpgradeReport upgrade(String name, byte[] content, Duration timeout) {
        FleetController c = upgradable(name, timeout);
        return updates.upgrade(c, Jars.check(content, "the new bundle"), timeout, context.getBundles(), config.upgradeTimeoutMillis(),
                upgrades::add);
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
        services.offerAgain(name, false);
        FleetController now = controllers.get(name);
        if (now != null && now.isBound()) {
            FleetInfo f = now.info();
            return dropped + "; version " + f.version() + " of " + f.implementation() + " serves " + name + " now, starting empty";
        }
        return dropped;
    }

    @Override
    public List<UpgradeReport> upgrades() {
        return List.copyOf(upgrades);
    }
}
