package org.fos.fleet.impl;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.fos.fleet.api.Elasticity;
import org.fos.fleet.api.Fleet;
import org.fos.fleet.api.FleetInfo;
import org.fos.fleet.api.FleetState;
import org.fos.fleet.api.MemberAware;
import org.fos.fleet.api.MemberIdentity;
import org.fos.fleet.api.MemberInfo;
import org.fos.fleet.api.GroupInfo;
import org.fos.fleet.api.Replicated;
import org.fos.fleet.api.ReplicatedFleet;
import org.fos.fleet.api.Stateful;
import org.fos.fleet.api.UpgradeReport;
import org.fos.fleet.spi.Replication;
import org.fos.fleet.spi.ReplicatedFleetHandle;
import org.fos.kernel.api.Kernel;
import org.fos.kernel.api.Mailbox;
import org.fos.kernel.api.Names;
import org.fos.kernel.api.Registration;
import org.fos.kernel.api.Right;
import org.fos.rpc.api.Dispatcher;
import org.fos.rpc.api.FleetException;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceObjects;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.Version;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one fleet: its members (created on the first binding and kept for the fleet's life), the
 * implementation bound to them, and the replacement of that implementation.
 *
 * <p>Replacing goes: the old service unregisters, the members pause (requests keep queueing), each
 * old instance exports its state, the instances are released; the new service registers, new
 * instances import that state, the members resume from the first undelivered request. If the new
 * version does not come (no service within the upgrade timeout, or its bundle fails to start) or
 * fails (no instance, or an import throws), the previous bundle content is put back with
 * {@code Bundle.update} and gets its own state back. All state changes happen under this object's
 * lock; bundle updates run on the runtime's upgrade thread.
 */
final class FleetController {
    private static final Logger LOG = LoggerFactory.getLogger(FleetController.class);

    /** The implementation bound now. */
    private record Binding(ServiceReference<Object> ref, Bundle bundle, String version, Object[] instances,
            ServiceObjects<Object> objects, byte[] archive) {
    }

    /**
     * The last implementation that served, with what it exported when it went: the members' states,
     * or for a replicated fleet the states of this node's replicas, by group.
     */
    private record LastGood(Bundle bundle, String version, byte[] archive, List<FleetState> states,
            Map<Integer, FleetState> replicated) {
    }

    private final String name;
    private final FleetRuntimeImpl runtime;
    private final Kernel kernel;
    private final List<Member> members = new ArrayList<>();
    /** The dispatchers of the bound implementation, one a member. */
    private final List<Dispatcher> dispatchers = new ArrayList<>();
    /** The properties of the members' name entries, set when the names are first registered. */
    private Map<String, String> nameProperties;
    private int capacity;
    /** An elastic fleet's policy, or null; why it is not scaled though declared elastic, or null. */
    private ElasticPolicy elastic;
    private String elasticOff;
    private final java.util.ArrayDeque<Elasticity.Event> elasticEvents = new java.util.ArrayDeque<>();
    private long lastSampleNanos = System.nanoTime();
    private long lastBusyNanos;
    private Class<?> protocol;
    /** What the members dispatch: the protocol, or its members' private extension of it ({@link Fleet#peers()}). */
    private Class<?> dispatched;
    private Binding binding;
    private LastGood lastGood;
    private FleetInfo.Status status = FleetInfo.Status.PAUSED;
    /** The bundle of a version refused while the fleet was removed (or of a first version that failed). */
    private Bundle refusedBundle;
    /** Unless serving: why not, and what to do. */
    private String detail = "no implementation has registered yet";
    private long pauseStartNanos;
    /** Set when the last implementation's bundle was updated: the next binding is an upgrade. */
    private boolean updated;
    private String rollbackReason;
    /** The version that failed, and the one being put back. */
    private String rollbackFrom;
    private String rollbackTo;
    private ScheduledFuture<?> watchdog;
    private final List<CompletableFuture<UpgradeReport>> waiting = new ArrayList<>();
    /** A replicated fleet's groups on this node, once opened; kept across upgrades. */
    private ReplicatedFleetHandle replicated;
    /** The replication service {@link #replicated} was opened with. */
    private Replication openedWith;

    FleetController(String name, FleetRuntimeImpl runtime, Kernel kernel) {
        this.name = name;
        this.runtime = runtime;
        this.kernel = kernel;
    }

    String name() {
        return name;
    }

    synchronized boolean isBound() {
        return binding != null;
    }

    synchronized Bundle boundBundle() {
        return binding == null ? null : binding.bundle();
    }

    /** The copy of the bound implementation's jar, or null. */
    synchronized byte[] archive() {
        return binding == null ? null : binding.archive();
    }

    synchronized Class<?> protocol() {
        return protocol;
    }

    /** Binds a registered implementation if none is bound; false if it was not taken. */
    synchronized boolean bind(ServiceReference<Object> ref, Class<?> refProtocol, Class<?> refDispatched, int memberCount, int capacity,
            ElasticPolicy.Settings elasticSettings) {
        if (binding != null) {
            return false;
        }
        if (protocol != null && !protocol.getName().equals(refProtocol.getName())) {
            String why = "version " + ref.getBundle().getVersion() + " of " + ref.getBundle().getSymbolicName() + " serves protocol "
                    + refProtocol.getName() + ", but fleet " + name + " serves " + protocol.getName();
            if (status == FleetInfo.Status.REMOVED) {
                refused(ref.getBundle(), why);
            } else {
                LOG.error("{}: not bound", why);
            }
            return false;
        }
        // a fleet without members (first start, or removed) gets its names only once a version serves
        boolean fresh = members.isEmpty();
        if (fresh) {
            createMembers(elasticSettings == null ? memberCount : elasticSettings.initial(memberCount), capacity);
        } else if (memberCount != members.size() && elasticSettings == null && elastic == null) {
            LOG.warn("fleet {}: the new implementation asks for {} members; the fleet keeps its {} (members are fixed at first start)",
                    name, memberCount, members.size());
        }
        protocol = refProtocol;
        dispatched = refDispatched;
        Bundle bundle = ref.getBundle();
        String version = bundle.getVersion().toString();
        ServiceObjects<Object> objects = runtime.serviceObjects(ref);
        Object[] instances = new Object[members.size()];
        String failure = null;
        try {
            for (int i = 0; i < instances.length; i++) {
                instances[i] = objects.getService();
                if (instances[i] == null) {
                    failure = "version " + version + " did not activate (its component failed; see the log)";
                    break;
                }
            }
            if (failure == null) {
                for (int i = 0; i < instances.length; i++) {
                    if (instances[i] instanceof MemberAware aware) {
                        aware.joined(new MemberIdentity(name, members.get(i).index, members.size(), members.get(i).mailbox.address()));
                    }
                }
            }
            if (failure == null && isReplicated(ref)) {
                failure = bindReplicated(ref, instances, version);
            } else if (failure == null && lastGood != null && lastGood.states() != null) {
                failure = importStates(instances, version);
            }
        } catch (RuntimeException e) {
            failure = "version " + version + " failed: " + e;
        }
        if (failure != null) {
            release(objects, instances);
            if (fresh) {
                stopMembers();
                refused(bundle, failure);
            } else {
                failed(bundle, failure);
            }
            return false;
        }
        if (fresh) {
            registerNames(refProtocol, ref.getProperty(Names.SCOPE_PROPERTY));
        }
        elasticBound(ref, instances, elasticSettings);
        byte[] archive;
        try {
            archive = BundleArchive.of(bundle);
        } catch (IOException | RuntimeException e) {
            LOG.warn("fleet {}: cannot keep a copy of {} {} for rollback: {}", name, bundle.getSymbolicName(), version, e.toString());
            archive = null;
        }
        binding = new Binding(ref, bundle, version, instances, objects, archive);
        cancelWatchdog();
        dispatchers.clear();
        for (int i = 0; i < members.size(); i++) {
            Dispatcher d = runtime.libfos().dispatcher(cast(dispatched), instances[i]);
            dispatchers.add(d);
            members.get(i).resume(d);
        }
        FleetInfo.Status before = status;
        status = FleetInfo.Status.SERVING;
        detail = null;
        refusedBundle = null;
        if (lastGood != null && before == FleetInfo.Status.REMOVED) {
            boolean older = Version.parseVersion(version).compareTo(Version.parseVersion(lastGood.version())) < 0;
            report(new UpgradeReport(name, lastGood.version(), version, UpgradeReport.Outcome.UPGRADED, 0L, 0, "version " + version
                    + " was installed after " + lastGood.version() + " was removed and serves the state it kept"
                    + (older ? " (an older version: it read the newer one's state)" : ""), System.currentTimeMillis()));
        } else if (lastGood != null && (updated || before == FleetInfo.Status.ROLLING_BACK)) {
            long pause = System.nanoTime() - pauseStartNanos;
            UpgradeReport.Outcome outcome = before == FleetInfo.Status.ROLLING_BACK ? UpgradeReport.Outcome.ROLLED_BACK
                    : UpgradeReport.Outcome.UPGRADED;
            String detail = outcome == UpgradeReport.Outcome.ROLLED_BACK ? rollbackReason
                    : "version " + version + " serves with the state of " + lastGood.version();
            report(new UpgradeReport(name, lastGood.version(), outcome == UpgradeReport.Outcome.ROLLED_BACK ? rollbackFrom : version,
                    outcome, pause, depth(), detail, System.currentTimeMillis()));
            if (outcome == UpgradeReport.Outcome.UPGRADED) {
                runtime.deployedServes(bundle, archive);
            }
        }
        updated = false;
        rollbackReason = null;
        LOG.info("fleet {}: {} {} serves {} members", name, bundle.getSymbolicName(), version, members.size());
        return true;
    }

    @SuppressWarnings("unchecked")
    private static <T> Class<T> cast(Class<?> c) {
        return (Class<T>) c;
    }

    /** Whether an implementation declares a replicated fleet ({@link Replicated}). */
    static boolean isReplicated(ServiceReference<?> ref) {
        return ref.getProperty(Replicated.GROUPS) != null || ref.getProperty(Replicated.REPLICAS) != null;
    }

    /**
     * Gives a replicated fleet's instances their groups: opens them on the first binding, hands them to
     * the new version's state machines after an upgrade (or back to the old one's after a rollback).
     *
     * @return why it failed, or null
     */
    private String bindReplicated(ServiceReference<Object> ref, Object[] instances, String version) {
        for (Object instance : instances) {
            if (!(instance instanceof ReplicatedFleet)) {
                return "version " + version + " declares " + Replicated.GROUPS + " but " + instance.getClass().getName()
                        + " does not implement ReplicatedFleet";
            }
        }
        ReplicatedFleet first = (ReplicatedFleet) instances[0];
        if (replicated == null) {
            Replication replication = runtime.replication();
            if (replication == null) {
                return "version " + version + " is replicated, and this node's replication service is not running";
            }
            replicated = replication.open(name, FleetRuntimeImpl.intProperty(ref, Replicated.GROUPS, 8, 1, 256),
                    FleetRuntimeImpl.intProperty(ref, Replicated.REPLICAS, 3, 1, 7), first);
            openedWith = replication;
        } else if (lastGood != null && lastGood.replicated() != null) {
            try {
                replicated.resume(first, lastGood.replicated());
            } catch (RuntimeException e) {
                return "version " + version + " cannot take over the state of " + lastGood.version() + ": " + e.getMessage();
            }
        }
        for (Object instance : instances) {
            ((ReplicatedFleet) instance).replicas(replicated.replicas());
        }
        return null;
    }

    /** The node's replication service changed: a bound replicated fleet opens its groups with the new one. */
    synchronized void replicationChanged(Replication now) {
        if (replicated == null || now == openedWith) {
            // the news of a service this fleet opened its groups with already (it bound before the news came)
            return;
        }
        replicated = null;
        openedWith = null;
        if (binding == null || now == null) {
            return;
        }
        Object[] instances = binding.instances();
        replicated = now.open(name, FleetRuntimeImpl.intProperty(binding.ref(), Replicated.GROUPS, 8, 1, 256),
                FleetRuntimeImpl.intProperty(binding.ref(), Replicated.REPLICAS, 3, 1, 7), (ReplicatedFleet) instances[0]);
        openedWith = now;
        for (Object instance : instances) {
            ((ReplicatedFleet) instance).replicas(replicated.replicas());
        }
        LOG.info("fleet {}: opened its groups with the new replication service", name);
    }

    /** The groups of a replicated fleet on this node, or none. */
    synchronized List<GroupInfo> groups() {
        return replicated == null ? List.of() : replicated.replicas().describe();
    }

    private String importStates(Object[] instances, String version) {
        List<FleetState> states = lastGood.states();
        for (int i = 0; i < instances.length; i++) {
            FleetState state = states.get(Math.min(i, states.size() - 1));
            if (!(instances[i] instanceof Stateful s)) {
                return "version " + version + " is not Stateful, but " + lastGood.version() + " left state to take over";
            }
            try {
                s.importState(state);
            } catch (RuntimeException e) {
                return "version " + version + " could not import the state of member " + i + " (layout "
                        + state.version() + "): " + e;
            }
            if (instances.length > 1 && instances[1] == instances[0]) {
                break; // one shared instance: imported once
            }
        }
        return null;
    }

    /** Creates the members, paused: their mailboxes and threads, not yet their names. */
    private void createMembers(int count, int capacity) {
        this.capacity = capacity;
        for (int i = 0; i < count; i++) {
            Mailbox box = kernel.createMailbox(name + "#" + i, capacity);
            Member m = new Member(name, i, box, runtime.batch());
            members.add(m);
            m.start();
        }
    }

    /**
     * Registers the members under the fleet's name; an implementation whose service has the property
     * {@link Names#SCOPE_PROPERTY} (a fleet per node, such as a device) passes it to the members' entries.
     */
    private void registerNames(Class<?> refProtocol, Object scope) {
        Map<String, String> properties = new HashMap<>();
        properties.put("fos.protocol", refProtocol.getName());
        properties.put("fos.fleet.members", Integer.toString(members.size()));
        if (scope != null) {
            properties.put(Names.SCOPE_PROPERTY, scope.toString());
        }
        nameProperties = Map.copyOf(properties);
        for (Member m : members) {
            m.registration = register(m, false);
        }
    }

    /** Publishes a member under the fleet's name; a leaving one with {@link Names#DRAINING_PROPERTY}. */
    private Registration register(Member m, boolean draining) {
        Map<String, String> properties = new HashMap<>(nameProperties);
        properties.put("fos.member", Integer.toString(m.index));
        if (draining) {
            properties.put(Names.DRAINING_PROPERTY, "true");
        }
        return kernel.names().register(name, kernel.narrow(m.mailbox.capability(),
                EnumSet.of(Right.SEND, Right.GRANT, Right.CALL, Right.PEER, Right.ADMIN)), Map.copyOf(properties));
    }

    /** Takes the members' names away. */
    private void closeNames() {
        for (Member m : members) {
            if (m.registration != null) {
                m.registration.close();
                m.registration = null;
            }
        }
    }

    /** Stops the members and closes their mailboxes; what still waits in them is discarded. */
    private void stopMembers() {
        for (Member m : members) {
            try {
                m.stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        members.clear();
    }

    /** The bound implementation's service went away: pause, keep its state, release it. */
    synchronized void unbind(ServiceReference<Object> ref) {
        if (binding == null || !binding.ref().equals(ref)) {
            return;
        }
        pauseStartNanos = System.nanoTime();
        for (Member m : members) {
            m.pause();
        }
        awaitOutstandingReplies();
        List<FleetState> states = replicated == null ? exportStates() : null;
        Map<Integer, FleetState> replicas = replicated == null ? null : replicated.suspend();
        release(binding.objects(), binding.instances());
        lastGood = new LastGood(binding.bundle(), binding.version(), binding.archive(), states, replicas);
        binding = null;
        if (status == FleetInfo.Status.SERVING) {
            status = FleetInfo.Status.PAUSED;
            Bundle b = lastGood.bundle();
            detail = "bundle " + b.getSymbolicName() + " " + lastGood.version() + " (id " + b.getBundleId() + ") stopped, so nothing"
                    + " serves " + name + " here: its calls queue (a call whose caller gave up is dropped unrun when it starts);"
                    + " 'start " + b.getBundleId() + "' resumes it, 'uninstall " + b.getBundleId() + "' removes the fleet";
        }
        LOG.info("fleet {}: {} {} went away; {} requests wait", name, lastGood.bundle().getSymbolicName(), lastGood.version(), depth());
    }

    /** What became of a fleet whose bundle was uninstalled. */
    enum Removal {
        /** The bundle was not this fleet's last implementation (or the fleet is bound): nothing changed. */
        NOT_MINE,
        /** The fleet is removed and kept nothing: the runtime forgets it. */
        NOTHING_KEPT,
        /** The fleet is removed and keeps its state for a later version. */
        STATE_KEPT
    }

    /**
     * The bundle of the fleet's last implementation was uninstalled: its names go at once, so new
     * calls fail with {@code NO_SUCH_NAME}; the calls that queued are answered {@code NO_SUCH_NAME}
     * too (none of them ran); the members stop. The state the last version exported is kept for the
     * next version installed, and a replicated fleet's replicas stay in their groups, suspended.
     */
    synchronized Removal removed(Bundle bundle) {
        if (status == FleetInfo.Status.REMOVED && bundle.equals(refusedBundle)) {
            // the version that was refused went: a fleet that keeps nothing is forgotten
            refusedBundle = null;
            return lastGood == null ? Removal.NOTHING_KEPT : Removal.NOT_MINE;
        }
        if (binding != null || lastGood == null || !lastGood.bundle().equals(bundle) || status == FleetInfo.Status.REMOVED) {
            return Removal.NOT_MINE;
        }
        cancelWatchdog();
        FleetInfo.Status was = status;
        closeNames();
        String why = "bundle " + bundle.getSymbolicName() + " " + lastGood.version() + " (id " + bundle.getBundleId() + ") was uninstalled";
        int refused = refuseQueued("fleet " + name + " was removed from node " + kernel.nodeId() + " (" + why + ") before this call ran:"
                + " it did not run");
        stopMembers();
        status = FleetInfo.Status.REMOVED;
        updated = false;
        boolean kept = lastGood.states() != null || replicated != null;
        String state = replicated != null ? "this node's replicas of its groups stay in them and on disk, suspended"
                : lastGood.states() != null ? "the state version " + lastGood.version() + " exported is kept in memory (until the node stops)"
                : "it had no state to keep";
        detail = why + ": " + name + " has no members here, calls fail with NO_SUCH_NAME; " + state
                + (kept ? ". Installing a version that reads it serves it again (one that cannot is refused);"
                        + " 'fos:drop " + name + "' drops it" : "");
        if (was == FleetInfo.Status.UPGRADING || was == FleetInfo.Status.ROLLING_BACK) {
            report(new UpgradeReport(name, lastGood.version(), rollbackFrom, UpgradeReport.Outcome.FAILED, System.nanoTime() - pauseStartNanos,
                    refused, why + " while the fleet was " + was, System.currentTimeMillis()));
        }
        LOG.info("fleet {} removed: {}; {} queued calls answered NO_SUCH_NAME; {}", name, why, refused, state);
        return kept ? Removal.STATE_KEPT : Removal.NOTHING_KEPT;
    }

    /**
     * Answers every request waiting in the members' mailboxes with {@code NO_SUCH_NAME}: a dispatcher
     * over an implementation of the protocol that refuses every method drains them.
     *
     * @return how many requests were answered
     */
    private int refuseQueued(String message) {
        int queued = depth();
        if (queued == 0 || dispatched == null) {
            return queued;
        }
        Object refuser = java.lang.reflect.Proxy.newProxyInstance(dispatched.getClassLoader(), new Class<?>[] {dispatched}, (proxy, method, args) -> {
            if (method.getDeclaringClass() == Object.class) {
                return switch (method.getName()) {
                    case "equals" -> proxy == args[0];
                    case "hashCode" -> System.identityHashCode(proxy);
                    default -> "removed fleet " + name;
                };
            }
            throw new FleetException(org.fos.kernel.api.Status.NO_SUCH_NAME, message, null);
        });
        Dispatcher d = runtime.libfos().dispatcher(cast(dispatched), refuser);
        for (Member m : members) {
            m.resume(d);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (depth() > 0 && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        for (Member m : members) {
            m.pause();
        }
        int left = depth();
        if (left > 0) {
            LOG.warn("fleet {}: {} queued calls were not answered within 10 s; they are discarded and their callers time out", name, left);
        }
        return queued - left;
    }

    /**
     * A version installed while the fleet is removed (or its first version) did not serve: nothing is
     * bound, the fleet has no names here, and the outcome is reported.
     */
    private void refused(Bundle bundle, String reason) {
        FleetInfo.Status was = status;
        status = FleetInfo.Status.REMOVED;
        refusedBundle = bundle;
        String from = lastGood == null ? null : lastGood.version();
        boolean kept = lastGood != null && (lastGood.states() != null || replicated != null);
        detail = "version " + bundle.getVersion() + " of " + bundle.getSymbolicName() + " (id " + bundle.getBundleId() + ") was refused: "
                + reason + ". Nothing serves " + name + " here, calls fail with NO_SUCH_NAME; "
                + (kept ? "the state of version " + from + " is kept: install a version that reads it, or 'fos:drop " + name
                        + "' to drop it and let this one start empty"
                        : "install a version that activates");
        LOG.error("fleet {}: {}", name, detail);
        report(new UpgradeReport(name, from, bundle.getVersion().toString(), UpgradeReport.Outcome.REFUSED, 0L, 0,
                (was == FleetInfo.Status.REMOVED && from != null ? "installed after " + from + " was removed: " : "") + detail,
                System.currentTimeMillis()));
    }

    /**
     * Drops what a removed fleet kept here: the exported state, and a replicated fleet's replicas on
     * this node (through the replication service).
     *
     * @return what was dropped
     */
    synchronized String drop() {
        if (status != FleetInfo.Status.REMOVED) {
            throw new IllegalArgumentException("fleet " + name + " is " + status + " on node " + kernel.nodeId() + ": fos:drop drops the"
                    + " state of a removed fleet; uninstall its bundle first");
        }
        List<String> dropped = new ArrayList<>();
        if (lastGood != null && lastGood.states() != null) {
            dropped.add("the state version " + lastGood.version() + " exported (" + lastGood.states().size() + " members)");
        }
        boolean replicas = replicated != null || lastGood != null && lastGood.replicated() != null;
        if (replicated != null) {
            replicated.close();
            replicated = null;
            openedWith = null;
        }
        if (replicas) {
            Replication replication = runtime.replication();
            if (replication == null) {
                throw new IllegalStateException("fleet " + name + " keeps replicas on node " + kernel.nodeId() + ", and the node's"
                        + " replication service is not running to drop them");
            }
            dropped.add(replication.drop(name) + " replicas of its groups on this node, with their files");
        }
        lastGood = null;
        protocol = null;
        dispatched = null;
        if (dropped.isEmpty()) {
            throw new IllegalArgumentException("fleet " + name + " keeps no state on node " + kernel.nodeId() + ": nothing to drop");
        }
        LOG.info("fleet {}: dropped {}", name, dropped);
        return "dropped " + String.join(" and ", dropped);
    }

    /**
     * Waits until the calls the members took are all answered: a method that returned a stage may
     * still be waiting for another fleet, through libfos of the bundle that is going, and its state
     * is only whole once it has answered. Bounded by half the upgrade timeout; what is still open
     * then is answered with an error when that bundle's libfos stops.
     */
    private void awaitOutstandingReplies() {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(runtime.upgradeTimeoutMillis() / 2);
        int open = outstandingReplies();
        while (open > 0 && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            open = outstandingReplies();
        }
        if (open > 0) {
            LOG.warn("fleet {}: {} calls still unanswered after {} ms; they fail as version {} goes", name, open,
                    runtime.upgradeTimeoutMillis() / 2, binding.version());
        }
        dispatchers.clear();
    }

    private int outstandingReplies() {
        int open = 0;
        for (Dispatcher d : dispatchers) {
            open += d.outstanding();
        }
        return open;
    }

    private List<FleetState> exportStates() {
        Object[] instances = binding.instances();
        if (instances.length == 0 || !(instances[0] instanceof Stateful)) {
            return null;
        }
        List<FleetState> states = new ArrayList<>();
        for (int i = 0; i < instances.length; i++) {
            if (i > 0 && instances[i] == instances[i - 1]) {
                states.add(states.get(i - 1));
                continue;
            }
            try {
                states.add(((Stateful) instances[i]).exportState());
            } catch (RuntimeException e) {
                LOG.error("fleet {}: member {} of version {} failed to export its state; the next version starts it empty",
                        name, i, binding.version(), e);
                states.add(new FleetState(0, null));
            }
        }
        return states;
    }

    private static void release(ServiceObjects<Object> objects, Object[] instances) {
        for (Object instance : instances) {
            if (instance != null) {
                try {
                    objects.ungetService(instance);
                } catch (RuntimeException e) {
                    LOG.debug("releasing an instance failed", e);
                }
            }
        }
    }

    /** The last implementation's bundle was updated: a new version should register soon. */
    synchronized void bundleUpdated(Bundle bundle) {
        if (binding != null || lastGood == null || !lastGood.bundle().equals(bundle)) {
            return;
        }
        if (status == FleetInfo.Status.ROLLING_BACK) {
            return;
        }
        updated = true;
        status = FleetInfo.Status.UPGRADING;
        cancelWatchdog();
        long timeout = runtime.upgradeTimeoutMillis();
        detail = "bundle " + bundle.getSymbolicName() + " (id " + bundle.getBundleId() + ") was updated from version " + lastGood.version()
                + ": calls queue while it waits up to " + timeout + " ms for the new version to serve, then version "
                + lastGood.version() + " is put back; fos:upgrades reports the outcome";
        watchdog = runtime.schedule(() -> timedOut(bundle), timeout);
    }

    private synchronized void timedOut(Bundle bundle) {
        if (binding == null && status == FleetInfo.Status.UPGRADING) {
            failed(bundle, "no implementation of " + name + " registered within " + runtime.upgradeTimeoutMillis()
                    + " ms of the update (state " + bundleState(bundle) + ")");
        }
    }

    /** The last implementation's bundle failed to start after an update. */
    synchronized void bundleFailed(Bundle bundle, Throwable error) {
        if (binding == null && status == FleetInfo.Status.UPGRADING && lastGood != null && lastGood.bundle().equals(bundle)) {
            failed(bundle, "version " + bundle.getVersion() + " failed to start: " + error);
        }
    }

    /** A new version failed: roll its bundle back to the last good content if that is what it replaced. */
    private void failed(Bundle bundle, String reason) {
        LOG.error("fleet {}: {}", name, reason);
        cancelWatchdog();
        if (lastGood == null || !lastGood.bundle().equals(bundle) || status == FleetInfo.Status.ROLLING_BACK) {
            if (status == FleetInfo.Status.ROLLING_BACK) {
                giveUp("the rollback to " + (lastGood == null ? "?" : lastGood.version()) + " failed too: " + reason);
            }
            return;
        }
        if (lastGood.archive() == null) {
            giveUp(reason + "; no copy of version " + lastGood.version() + " was kept, so it cannot be rolled back");
            return;
        }
        status = FleetInfo.Status.ROLLING_BACK;
        detail = reason + "; version " + lastGood.version() + " is being put back with its state, calls queue meanwhile";
        rollbackReason = reason;
        rollbackFrom = bundle.getVersion().toString();
        rollbackTo = lastGood.version();
        byte[] archive = lastGood.archive();
        runtime.rollBackLater(bundle, archive, reason, error -> {
            synchronized (FleetController.this) {
                if (binding == null && status == FleetInfo.Status.ROLLING_BACK) {
                    giveUp("rolling back to " + rollbackTo + " failed: " + error);
                }
            }
        });
        watchdog = runtime.schedule(this::rollbackTimedOut, runtime.upgradeTimeoutMillis());
    }

    private synchronized void rollbackTimedOut() {
        if (binding == null && status == FleetInfo.Status.ROLLING_BACK) {
            giveUp("version " + rollbackTo + " did not come back within " + runtime.upgradeTimeoutMillis() + " ms of the rollback");
        }
    }

    private void giveUp(String reason) {
        LOG.error("fleet {}: {}; the fleet stays paused with {} requests queued", name, reason, depth());
        status = FleetInfo.Status.PAUSED;
        String id = lastGood == null ? "" : " " + lastGood.bundle().getBundleId();
        detail = reason + ". Calls queue: 'fos:upgrade " + name + " <jar of a working version>' puts one in,"
                + " 'uninstall" + id + "' removes the fleet";
        report(new UpgradeReport(name, lastGood == null ? null : lastGood.version(), rollbackFrom, UpgradeReport.Outcome.FAILED,
                System.nanoTime() - pauseStartNanos, depth(), reason, System.currentTimeMillis()));
        updated = false;
    }

    private void report(UpgradeReport r) {
        runtime.recordUpgrade(r);
        LOG.info("fleet {}: {} {} -> {} after a pause of {} ms ({})", name, r.outcome(), r.from(), r.to(),
                r.pause().toNanos() / 1_000_000.0, r.detail());
        List<CompletableFuture<UpgradeReport>> w = new ArrayList<>(waiting);
        waiting.clear();
        w.forEach(f -> f.complete(r));
    }

    /** A future that completes with the report of the next upgrade that ends. */
    synchronized CompletableFuture<UpgradeReport> nextReport() {
        CompletableFuture<UpgradeReport> f = new CompletableFuture<>();
        waiting.add(f);
        return f;
    }

    private void cancelWatchdog() {
        if (watchdog != null) {
            watchdog.cancel(false);
            watchdog = null;
        }
    }

    private static String bundleState(Bundle b) {
        return switch (b.getState()) {
            case Bundle.ACTIVE -> "ACTIVE";
            case Bundle.RESOLVED -> "RESOLVED";
            case Bundle.INSTALLED -> "INSTALLED";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            default -> "UNINSTALLED";
        };
    }

    private int depth() {
        int n = 0;
        for (Member m : members) {
            n += m.depth();
        }
        return n;
    }

    synchronized FleetInfo info() {
        List<MemberInfo> m = new ArrayList<>();
        for (Member member : members) {
            m.add(member.info());
        }
        return new FleetInfo(kernel.nodeId(), name, protocol == null ? null : protocol.getName(),
                binding == null ? null : binding.bundle().getSymbolicName(), binding == null ? null : binding.version(), status, m,
                status == FleetInfo.Status.SERVING ? null : detail);
    }

    /** Stops the fleet: members stop, names and mailboxes go. */
    synchronized void stop() {
        cancelWatchdog();
        if (binding != null) {
            for (Member m : members) {
                m.pause();
            }
            release(binding.objects(), binding.instances());
            binding = null;
        }
        closeNames();
        if (replicated != null) {
            replicated.close();
            replicated = null;
            openedWith = null;
        }
        for (Member m : members) {
            try {
                m.stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        waiting.forEach(f -> f.completeExceptionally(new IllegalStateException("the fleet runtime stopped")));
        waiting.clear();
    }

    // ---------------------------------------------------------------- elastic fleets

    /** How long a leaving member must have had nothing to answer before its name goes, ms. */
    static final long DRAIN_QUIET_MILLIS = 2_000;
    /** How long after its name went it must stay empty before its mailbox closes, ms. */
    static final long STOP_QUIET_MILLIS = 500;
    private static final int EVENTS_KEPT = 32;

    /** Takes an implementation's elastic settings on a binding, and says why they cannot apply if they cannot. */
    private void elasticBound(ServiceReference<Object> ref, Object[] instances, ElasticPolicy.Settings settings) {
        if (settings == null) {
            elastic = null;
            elasticOff = null;
            return;
        }
        if (elastic == null) {
            elastic = new ElasticPolicy(settings, System.nanoTime());
        } else {
            elastic.settings(settings);
        }
        String off = null;
        if (isReplicated(ref)) {
            off = "a replicated fleet's members are its groups' replicas on this node; its size follows the groups, not the load";
        } else if (instances.length > 0 && instances[0] instanceof Stateful
                && Constants.SCOPE_PROTOTYPE.equals(ref.getProperty(Constants.SERVICE_SCOPE))) {
            off = "its members are Stateful prototype instances, each with state of its own, which a member that goes would take"
                    + " with it: share one instance, or keep the state elsewhere (a replicated fleet)";
        }
        if (off != null && !off.equals(elasticOff)) {
            LOG.error("fleet {} declares @Elastic, but {}: its members stay {}", name, off, members.size());
        }
        elasticOff = off;
    }

    /** The implementation's changed service properties have elastic settings that are not valid: the ones before stay. */
    synchronized void settingsRefused(ServiceReference<Object> ref, String why) {
        if (binding != null && binding.ref().equals(ref) && elastic != null) {
            int n = servingCount();
            event(n, n, "the changed settings were refused, the ones before stay: " + why);
        } else {
            LOG.error("fleet {}: the changed properties of its service are not usable: {}", name, why);
        }
    }

    /** The implementation's service properties changed: elastic settings apply at once. */
    synchronized void propertiesChanged(ServiceReference<Object> ref, ElasticPolicy.Settings settings) {
        if (binding != null && binding.ref().equals(ref)) {
            elasticBound(ref, binding.instances(), settings);
        }
    }

    /**
     * One sample of an elastic fleet, on the runtime's scaling thread: the policy decides, and a
     * member is added or starts leaving.
     *
     * @param fixed whether the node's configuration keeps this fleet's members as they are
     */
    void elasticTick(boolean fixed) {
        long now = System.nanoTime();
        ElasticPolicy policy;
        int serving = 0;
        int queued = 0;
        long busy;
        long interval;
        synchronized (this) {
            policy = elastic;
            if (policy == null) {
                return;
            }
            long total = 0;
            for (Member m : members) {
                total += m.busyNanos();
                if (!m.draining) {
                    serving++;
                    queued += m.depth();
                }
            }
            busy = Math.max(0, total - lastBusyNanos);
            lastBusyNanos = total;
            interval = now - lastSampleNanos;
            lastSampleNanos = now;
            if (elasticOff != null || fixed || !policy.settings().enabled() || binding == null || status != FleetInfo.Status.SERVING) {
                return;
            }
        }
        switch (policy.sample(now, serving, queued, busy, interval)) {
            case GROW -> grow(policy.reason());
            case SHRINK -> retire(policy.reason());
            default -> {
                // within bounds and target
            }
        }
    }

    private int servingCount() {
        int n = 0;
        for (Member m : members) {
            n += m.draining ? 0 : 1;
        }
        return n;
    }

    private void event(int from, int to, String reason) {
        if (elasticEvents.size() == EVENTS_KEPT) {
            elasticEvents.removeFirst();
        }
        elasticEvents.addLast(new Elasticity.Event(System.currentTimeMillis(), from, to, reason));
        if (from == to) {
            LOG.warn("fleet {} on node {}: {}", name, kernel.nodeId(), reason);
        } else {
            LOG.info("fleet {} on node {}: {} -> {} members: {}", name, kernel.nodeId(), from, to, reason);
        }
    }

    /**
     * Adds a member: its mailbox, thread and instance first (the instance activates outside this
     * object's lock), then, if the same implementation still serves, it joins and its name is
     * published; otherwise it is undone.
     */
    private void grow(String reason) {
        Binding b;
        int index = 0;
        int size;
        synchronized (this) {
            if (binding == null || status != FleetInfo.Status.SERVING) {
                return;
            }
            b = binding;
            for (Member m : members) {
                index = Math.max(index, m.index + 1);
            }
            size = servingCount() + 1;
        }
        Mailbox box = kernel.createMailbox(name + "#" + index, capacity);
        Member member = new Member(name, index, box, runtime.batch());
        Object instance = null;
        String failure = null;
        try {
            instance = b.objects().getService();
            if (instance == null) {
                failure = "its component did not activate (see the log)";
            } else if (instance instanceof MemberAware aware) {
                aware.joined(new MemberIdentity(name, index, size, box.address()));
            }
        } catch (RuntimeException e) {
            failure = e.toString();
        }
        synchronized (this) {
            if (failure == null && binding == b && status == FleetInfo.Status.SERVING) {
                members.add(member);
                Object[] instances = java.util.Arrays.copyOf(b.instances(), b.instances().length + 1);
                instances[instances.length - 1] = instance;
                binding = new Binding(b.ref(), b.bundle(), b.version(), instances, b.objects(), b.archive());
                Dispatcher d = runtime.libfos().dispatcher(cast(dispatched), instance);
                dispatchers.add(d);
                member.start();
                member.resume(d);
                member.registration = register(member, false);
                event(size - 1, size, reason);
                return;
            }
            if (failure != null) {
                event(size - 1, size - 1, "adding member " + index + " failed: " + failure);
            }
        }
        release(b.objects(), new Object[] {instance});
        box.close();
    }

    /**
     * Starts a member leaving: the one with the highest index is published again as draining (the new
     * entry first, then the old one goes, so that it is never missing from the name), and a task
     * on the scaling thread takes it away once it has answered everything.
     */
    private synchronized void retire(String reason) {
        if (binding == null || status != FleetInfo.Status.SERVING) {
            return;
        }
        Member leaving = null;
        for (Member m : members) {
            if (!m.draining && (leaving == null || m.index > leaving.index)) {
                leaving = m;
            }
        }
        int from = servingCount();
        if (leaving == null || from <= 1) {
            return;
        }
        Registration old = leaving.registration;
        leaving.registration = register(leaving, true);
        leaving.draining = true;
        if (old != null) {
            old.close();
        }
        event(from, from - 1, reason + "; member " + leaving.index + " leaves once it has answered what it holds");
        Member m = leaving;
        runtime.scheduleElastic(() -> drain(m, Long.MIN_VALUE), 100);
    }

    /**
     * One step of a leaving member's departure, every 100 ms until it is gone: while it holds calls
     * (queued, or dispatched and not yet answered) or the fleet is not serving, it waits; once it
     * had nothing for {@link #DRAIN_QUIET_MILLIS}, its name goes; after another
     * {@link #STOP_QUIET_MILLIS} with nothing, it stops and its instance is released.
     */
    private void drain(Member m, long quietSince) {
        Object instance;
        ServiceObjects<Object> objects;
        synchronized (this) {
            int at = members.indexOf(m);
            if (at < 0) {
                return; // the fleet was removed or stopped: its members went with it
            }
            long now = System.nanoTime();
            boolean quiet = binding != null && status == FleetInfo.Status.SERVING && m.depth() == 0
                    && dispatchers.size() == members.size() && dispatchers.get(at).outstanding() == 0;
            if (!quiet) {
                runtime.scheduleElastic(() -> drain(m, Long.MIN_VALUE), 100);
                return;
            }
            long since = quietSince == Long.MIN_VALUE ? now : quietSince;
            if (m.registration != null) {
                if (now - since >= TimeUnit.MILLISECONDS.toNanos(DRAIN_QUIET_MILLIS)) {
                    m.registration.close();
                    m.registration = null;
                    since = now;
                }
                long next = since;
                runtime.scheduleElastic(() -> drain(m, next), 100);
                return;
            }
            if (now - since < TimeUnit.MILLISECONDS.toNanos(STOP_QUIET_MILLIS)) {
                long from = since;
                runtime.scheduleElastic(() -> drain(m, from), 100);
                return;
            }
            m.pause();
            if (m.depth() > 0) {
                // a call came in after all: it is answered first
                m.resume(dispatchers.get(at));
                runtime.scheduleElastic(() -> drain(m, Long.MIN_VALUE), 100);
                return;
            }
            m.mailbox.close();
            members.remove(at);
            dispatchers.remove(at);
            Binding b = binding;
            Object[] instances = new Object[b.instances().length - 1];
            System.arraycopy(b.instances(), 0, instances, 0, at);
            System.arraycopy(b.instances(), at + 1, instances, at, instances.length - at);
            instance = b.instances()[at];
            objects = b.objects();
            binding = new Binding(b.ref(), b.bundle(), b.version(), instances, objects, b.archive());
        }
        try {
            m.stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        release(objects, new Object[] {instance});
        LOG.info("fleet {} on node {}: member {} left after answering everything it held", name, kernel.nodeId(), m.index);
    }

    /** The members now, serving or leaving. */
    synchronized List<Member> membersNow() {
        return List.copyOf(members);
    }

    /** What the runtime does with this fleet, or null if it is not elastic. */
    synchronized Elasticity elasticity(boolean fixed) {
        ElasticPolicy policy = elastic;
        if (policy == null) {
            return null;
        }
        ElasticPolicy.Settings s = policy.settings();
        String off = elasticOff != null ? elasticOff
                : fixed ? "the node's configuration keeps it fixed (fixedFleets of " + FleetRuntimeImpl.PID + ")"
                : !s.enabled() ? "switched off (fos.elastic.enabled=false)"
                : status != FleetInfo.Status.SERVING ? "the fleet is " + status + ", not serving"
                : null;
        List<Integer> serving = new ArrayList<>();
        List<Integer> draining = new ArrayList<>();
        for (Member m : members) {
            (m.draining ? draining : serving).add(m.index);
        }
        return new Elasticity(kernel.nodeId(), name, s.min(), s.max(), s.depth(), s.periodMillis(), s.idleMillis(), off, serving, draining,
                List.copyOf(elasticEvents));
    }
}
