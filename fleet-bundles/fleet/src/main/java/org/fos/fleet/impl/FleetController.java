package org.fos.fleet.impl;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.fos.fleet.api.Elasticity;
import org.fos.fleet.api.PlacedMembers;
import org.fos.fleet.api.FleetInfo;
import org.fos.fleet.api.FleetState;
import org.fos.fleet.api.GroupInfo;
import org.fos.fleet.api.MemberIdentity;
import org.fos.fleet.api.MemberInfo;
import org.fos.fleet.api.Replicated;
import org.fos.fleet.api.UpgradeReport;
import org.fos.fleet.impl.LifeCycle.State;
import org.fos.fleet.spi.Replication;
import org.fos.fleet.spi.ReplicatedFleetHandle;
import org.fos.kernel.api.Kernel;
import org.fos.kernel.api.Names;
import org.fos.rpc.api.Dispatcher;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceObjects;
import org.osgi.framework.ServiceReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one fleet: its members (created on the first binding and kept for the fleet's life), the
 * implementation bound to them, and the replacement of that implementation, through the states of
 * its {@link LifeCycle} (ADR 0038).
 *
 * <p>Replacing goes: the old service unregisters, the members pause (requests keep queueing), each
 * old instance exports its state, the instances are released; the new service registers, new
 * instances import that state, the members resume from the first undelivered request. If the new
 * version does not come (no service within the upgrade timeout, or its bundle fails to start) or
 * fails (no instance, or an import throws), the previous bundle content is put back with
 * {@code Bundle.update} and gets its own state back.
 *
 * <p>No code of the implementation runs under this object's lock: a binding or unbinding decides
 * under the lock and enters a transient state, runs the implementation's code ({@link Implementation})
 * without it, and commits under it again if the state did not move meanwhile. Its collaborators share
 * the lock: {@link Members} (mailboxes, threads, names), {@link ElasticSizing} (members that come and
 * go while it serves) and {@link UpgradeProcedure} (watchdogs, rollback, reports). Bundle updates run
 * on the runtime's upgrade thread.
 */
final class FleetController {
    private static final Logger LOG = LoggerFactory.getLogger(FleetController.class);

    private final String name;
    private final FleetHost host;
    private final Kernel kernel;
    private final LifeCycle life;
    private final Members members;
    private final ElasticSizing elastic;
    private final Implementation implementation;
    private Class<?> protocol;
    /** What the members dispatch: the protocol, or its members' private extension of it. */
    private Class<?> dispatched;
    private Implementation.Bound binding;
    private Implementation.LastGood lastGood;
    /** The service being activated, and whether it unregistered meanwhile (it is unbound once bound). */
    private ServiceReference<Object> activating;
    private boolean withdrawn;
    /** The bound bundle, if it was updated while its instances were being released. */
    private Bundle updatedWhileDeactivating;
    /** The bundle of a version refused while the fleet was removed (or of a first version that failed). */
    private Bundle refusedBundle;
    /** Unless serving: why not, and what to do. */
    private String detail = "no implementation has registered yet";
    private final UpgradeProcedure upgrade;
    /** A replicated fleet's groups on this node, once opened; kept across upgrades. */
    private ReplicatedFleetHandle replicated;
    /** The replication service {@link #replicated} was opened with. */
    private Replication openedWith;

    FleetController(String name, FleetHost host, Kernel kernel) {
        this.name = name;
        this.host = host;
        this.kernel = kernel;
        this.life = new LifeCycle(name);
        this.members = new Members(name, kernel);
        this.elastic = new ElasticSizing(this, members, host, kernel.nodeId());
        this.implementation = new Implementation(name, this);
        this.upgrade = new UpgradeProcedure(this, life, host);
    }

    String name() {
        return name;
    }

    synchronized State state() {
        return life.now();
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

    // ---------------------------------------------------------------- for the elastic sizing, under the lock

    /** The binding if the fleet serves, else null. */
    Implementation.Bound servingBinding() {
        return life.in(State.SERVING) ? binding : null;
    }

    /** The binding if it is of this service, else null. */
    Implementation.Bound bindingOf(ServiceReference<?> ref) {
        return binding != null && binding.ref().equals(ref) ? binding : null;
    }

    /** A member came or went: the binding's instances follow. */
    void rebind(Implementation.Bound b) {
        binding = b;
    }

    Class<?> dispatched() {
        return dispatched;
    }

    Implementation implementation() {
        return implementation;
    }

    // ---------------------------------------------------------------- for the upgrade procedure, under the lock

    Implementation.LastGood lastGood() {
        return lastGood;
    }

    boolean isBoundNow() {
        return binding != null;
    }

    void detail(String why) {
        detail = why;
    }

    int depth() {
        return members.depth();
    }

    // ---------------------------------------------------------------- binding and unbinding

    /** Binds a registered implementation if none is bound; false if it was not taken. */
    boolean bind(ServiceReference<Object> ref, Class<?> refProtocol, Class<?> refDispatched, int memberCount, int capacity,
            ElasticPolicy.Settings elasticSettings) {
        Bundle bundle = ref.getBundle();
        String version = bundle.getVersion().toString();
        boolean fresh;
        State from;
        List<MemberIdentity> identities;
        Implementation.LastGood last;
        ReplicatedFleetHandle groups;
        Replication groupsWith;
        synchronized (this) {
            if (binding != null || !life.in(State.NEW, State.PAUSED, State.UPGRADING, State.ROLLING_BACK, State.REMOVED)) {
                return false;
            }
            if (protocol != null && !protocol.getName().equals(refProtocol.getName())) {
                String why = "version " + version + " of " + bundle.getSymbolicName() + " serves protocol " + refProtocol.getName()
                        + ", but fleet " + name + " serves " + protocol.getName();
                if (life.in(State.REMOVED)) {
                    refused(bundle, why);
                } else {
                    LOG.error("{}: not bound", why);
                }
                return false;
            }
            // a fleet without members (first start, or removed) gets its names only once a version serves
            fresh = members.isEmpty();
            if (fresh) {
                members.create(elasticSettings == null ? memberCount : elasticSettings.initial(memberCount), capacity, host.batch());
            } else if (memberCount != members.size() && elasticSettings == null && !elastic.isElastic()) {
                LOG.warn("fleet {}: the new implementation asks for {} members; the fleet keeps its {} (members are fixed at first start)",
                        name, memberCount, members.size());
            }
            protocol = refProtocol;
            dispatched = refDispatched;
            from = life.to(State.ACTIVATING);
            activating = ref;
            withdrawn = false;
            identities = members.identities();
            last = lastGood;
            groups = replicated;
            groupsWith = openedWith;
        }
        ServiceObjects<Object> objects = host.serviceObjects(ref);
        Object[] instances = new Object[identities.size()];
        String failure = implementation.activate(objects, instances, identities, version);
        Implementation.Groups g = null;
        if (failure == null && isReplicated(ref)) {
            g = implementation.bindReplicated(ref, instances, version, groups, groupsWith, host.replication(), last);
            failure = g.failure();
        } else if (failure == null && last != null && last.states() != null) {
            failure = implementation.importStates(instances, version, last);
        }
        byte[] archive = failure == null ? archiveOf(bundle, version) : null;
        List<Member> gone = List.of();
        boolean closeGroups = false;
        boolean unbindNow;
        synchronized (this) {
            activating = null;
            unbindNow = withdrawn;
            if (!life.in(State.ACTIVATING)) {
                // the runtime stopped meanwhile and took the members: this thread undoes what it did
                failure = "the fleet runtime stopped";
                closeGroups = g != null && g.opened();
            } else {
                if (g != null && g.handle() != null) {
                    replicated = g.handle();
                    openedWith = g.openedWith();
                }
                if (failure == null) {
                    commitBinding(ref, bundle, version, instances, objects, archive, fresh, from, elasticSettings);
                } else if (fresh) {
                    gone = members.takeAll();
                    refused(bundle, failure);
                } else {
                    life.to(from);
                    upgrade.failed(bundle, failure);
                }
            }
        }
        if (failure == null) {
            if (unbindNow) {
                unbind(ref);
            }
            return true;
        }
        implementation.release(objects, instances);
        if (closeGroups) {
            implementation.close(g.handle());
        }
        Members.stop(gone);
        return false;
    }

    private byte[] archiveOf(Bundle bundle, String version) {
        try {
            return host.archive(bundle);
        } catch (IOException | RuntimeException e) {
            LOG.warn("fleet {}: cannot keep a copy of {} {} for rollback: {}", name, bundle.getSymbolicName(), version, e.toString());
            return null;
        }
    }

    /** A version activated and took its state: the members serve it. Under the lock, in {@link State#ACTIVATING}. */
    private void commitBinding(ServiceReference<Object> ref, Bundle bundle, String version, Object[] instances,
            ServiceObjects<Object> objects, byte[] archive, boolean fresh, State from, ElasticPolicy.Settings elasticSettings) {
        if (fresh) {
            members.registerNames(protocol, ref.getProperty(Names.SCOPE_PROPERTY));
        }
        elastic.bound(ref, instances, elasticSettings);
        binding = new Implementation.Bound(ref, bundle, version, instances, objects, archive);
        members.resume(host.libfos(), dispatched, instances);
        life.to(State.SERVING);
        detail = null;
        refusedBundle = null;
        if (upgrade.served(bundle, version, from, members.depth())) {
            host.deployedServes(bundle, archive);
        }
        LOG.info("fleet {}: {} {} serves {} members", name, bundle.getSymbolicName(), version, members.size());
    }

    /** Whether an implementation declares a replicated fleet ({@link Replicated}). */
    static boolean isReplicated(ServiceReference<?> ref) {
        return ref.getProperty(Replicated.GROUPS) != null || ref.getProperty(Replicated.REPLICAS) != null;
    }

    /** The node's replication service changed: a bound replicated fleet opens its groups with the new one. */
    void replicationChanged(Replication now) {
        Implementation.Bound b;
        synchronized (this) {
            if (replicated == null || now == openedWith) {
                // the news of a service this fleet opened its groups with already (it bound before the news came)
                return;
            }
            replicated = null;
            openedWith = null;
            if (binding == null || now == null || !life.in(State.SERVING)) {
                return;
            }
            b = binding;
        }
        ReplicatedFleetHandle handle = implementation.open(now, b.ref(), b.instances()[0]);
        boolean taken;
        synchronized (this) {
            taken = binding == b && replicated == null && life.in(State.SERVING);
            if (taken) {
                replicated = handle;
                openedWith = now;
            }
        }
        if (!taken) {
            implementation.close(handle);
            return;
        }
        implementation.giveReplicas(handle, b.instances());
        LOG.info("fleet {}: opened its groups with the new replication service", name);
    }

    /** The groups of a replicated fleet on this node, or none. */
    List<GroupInfo> groups() {
        ReplicatedFleetHandle handle;
        synchronized (this) {
            handle = replicated;
        }
        return handle == null ? List.of() : handle.replicas().describe();
    }

    /** The bound implementation's service went away: pause, keep its state, release it. */
    void unbind(ServiceReference<Object> ref) {
        Implementation.Bound going;
        List<Dispatcher> dispatchers;
        List<Member> paused;
        ReplicatedFleetHandle groups;
        synchronized (this) {
            if (life.in(State.ACTIVATING) && ref.equals(activating)) {
                withdrawn = true; // unbound by the binding thread once it has bound
                return;
            }
            if (binding == null || !binding.ref().equals(ref) || !life.in(State.SERVING)) {
                return;
            }
            upgrade.paused();
            life.to(State.DEACTIVATING);
            going = binding;
            dispatchers = members.dispatchers();
            paused = List.copyOf(members.list());
            groups = replicated;
        }
        for (Member m : paused) {
            m.pause();
        }
        if (groups == null) {
            implementation.quiesce(going.instances(), going.version());
        }
        Members.awaitAnswered(dispatchers, host.upgradeTimeoutMillis() / 2, name, going.version());
        List<FleetState> states = groups == null ? implementation.exportStates(going.instances(), going.version()) : null;
        Map<Integer, FleetState> replicas = null;
        if (groups != null) {
            try {
                replicas = implementation.suspend(groups);
            } catch (RuntimeException e) {
                LOG.error("fleet {}: suspending its replicas failed; the next version takes them as they are", name, e);
            }
        }
        implementation.release(going.objects(), going.instances());
        synchronized (this) {
            if (!life.in(State.DEACTIVATING)) {
                return; // the runtime stopped meanwhile and took the members
            }
            members.clearDispatchers();
            lastGood = new Implementation.LastGood(going.bundle(), going.version(), going.archive(), states, replicas);
            binding = null;
            life.to(State.PAUSED);
            Bundle b = lastGood.bundle();
            detail = "bundle " + b.getSymbolicName() + " " + lastGood.version() + " (id " + b.getBundleId() + ") stopped, so nothing"
                    + " serves " + name + " here: its calls queue (a call whose caller gave up is dropped unrun when it starts);"
                    + " 'start " + b.getBundleId() + "' resumes it, 'uninstall " + b.getBundleId() + "' removes the fleet";
            LOG.info("fleet {}: {} {} went away; {} requests wait", name, b.getSymbolicName(), lastGood.version(), members.depth());
            Bundle updatedMeanwhile = updatedWhileDeactivating;
            updatedWhileDeactivating = null;
            if (updatedMeanwhile != null) {
                upgrade.bundleUpdated(updatedMeanwhile);
            }
        }
    }

    // ---------------------------------------------------------------- removal

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
    Removal removed(Bundle bundle) {
        List<Member> gone;
        Removal removal;
        synchronized (this) {
            if (life.in(State.REMOVED) && bundle.equals(refusedBundle)) {
                // the version that was refused went: a fleet that keeps nothing is forgotten
                refusedBundle = null;
                return lastGood == null ? Removal.NOTHING_KEPT : Removal.NOT_MINE;
            }
            if (binding != null || lastGood == null || !lastGood.bundle().equals(bundle)
                    || !life.in(State.PAUSED, State.UPGRADING, State.ROLLING_BACK)) {
                return Removal.NOT_MINE;
            }
            FleetInfo.Status was = life.status();
            members.closeNames();
            String why = "bundle " + bundle.getSymbolicName() + " " + lastGood.version() + " (id " + bundle.getBundleId()
                    + ") was uninstalled";
            int refused = members.refuseQueued(host.libfos(), dispatched, "fleet " + name + " was removed from node " + kernel.nodeId()
                    + " (" + why + ") before this call ran: it did not run");
            gone = members.takeAll();
            life.to(State.REMOVED);
            boolean kept = lastGood.states() != null || replicated != null;
            String state = replicated != null ? "this node's replicas of its groups stay in them and on disk, suspended"
                    : lastGood.states() != null ? "the state version " + lastGood.version() + " exported is kept in memory (until the node stops)"
                    : "it had no state to keep";
            detail = why + ": " + name + " has no members here, calls fail with NO_SUCH_NAME; " + state
                    + (kept ? ". Installing a version that reads it serves it again (one that cannot is refused);"
                            + " 'fos:drop " + name + "' drops it" : "");
            upgrade.removed(lastGood.version(), why, was, refused);
            LOG.info("fleet {} removed: {}; {} queued calls answered NO_SUCH_NAME; {}", name, why, refused, state);
            removal = kept ? Removal.STATE_KEPT : Removal.NOTHING_KEPT;
        }
        Members.stop(gone);
        return removal;
    }

    /**
     * A version installed while the fleet is removed (or its first version) did not serve: nothing is
     * bound, the fleet has no names here, and the outcome is reported. Under the lock.
     */
    private void refused(Bundle bundle, String reason) {
        boolean wasRemoved = life.from() == State.REMOVED;
        if (!life.in(State.REMOVED)) {
            life.to(State.REMOVED);
        }
        refusedBundle = bundle;
        String from = lastGood == null ? null : lastGood.version();
        boolean kept = lastGood != null && (lastGood.states() != null || replicated != null);
        detail = "version " + bundle.getVersion() + " of " + bundle.getSymbolicName() + " (id " + bundle.getBundleId() + ") was refused: "
                + reason + ". Nothing serves " + name + " here, calls fail with NO_SUCH_NAME; "
                + (kept ? "the state of version " + from + " is kept: install a version that reads it, or 'fos:drop " + name
                        + "' to drop it and let this one start empty"
                        : "install a version that activates");
        LOG.error("fleet {}: {}", name, detail);
        upgrade.report(new UpgradeReport(name, from, bundle.getVersion().toString(), UpgradeReport.Outcome.REFUSED, 0L, 0,
                (wasRemoved && from != null ? "installed after " + from + " was removed: " : "") + detail, System.currentTimeMillis()));
    }

    /**
     * Drops what a removed fleet kept here: the exported state, and a replicated fleet's replicas on
     * this node (through the replication service). The fleet is then {@link State#STOPPED}.
     *
     * @return what was dropped
     */
    String drop() {
        List<String> dropped = new ArrayList<>();
        ReplicatedFleetHandle groups;
        Replication replication = null;
        synchronized (this) {
            if (!life.in(State.REMOVED)) {
                throw new IllegalArgumentException("fleet " + name + " is " + life.status() + " on node " + kernel.nodeId() + ": fos:drop"
                        + " drops the state of a removed fleet; uninstall its bundle first");
            }
            if (lastGood != null && lastGood.states() != null) {
                dropped.add("the state version " + lastGood.version() + " exported (" + lastGood.states().size() + " members)");
            }
            boolean replicas = replicated != null || lastGood != null && lastGood.replicated() != null;
            if (replicas) {
                replication = host.replication();
                if (replication == null) {
                    throw new IllegalStateException("fleet " + name + " keeps replicas on node " + kernel.nodeId() + ", and the node's"
                            + " replication service is not running to drop them");
                }
            } else if (dropped.isEmpty()) {
                throw new IllegalArgumentException("fleet " + name + " keeps no state on node " + kernel.nodeId() + ": nothing to drop");
            }
            groups = replicated;
            replicated = null;
            openedWith = null;
            lastGood = null;
            protocol = null;
            dispatched = null;
            life.to(State.STOPPED);
        }
        if (groups != null) {
            implementation.close(groups);
        }
        if (replication != null) {
            dropped.add(replication.drop(name) + " replicas of its groups on this node, with their files");
        }
        LOG.info("fleet {}: dropped {}", name, dropped);
        return "dropped " + String.join(" and ", dropped);
    }

    /** Stops the fleet: members stop, names and mailboxes go. */
    void stop() {
        Implementation.Bound bound;
        List<Member> gone;
        ReplicatedFleetHandle groups;
        List<CompletableFuture<UpgradeReport>> waiters;
        synchronized (this) {
            if (life.in(State.STOPPING, State.STOPPED)) {
                return;
            }
            State was = life.to(State.STOPPING);
            // in a transient state, the thread that entered it releases the instances it holds
            bound = was == State.SERVING ? binding : null;
            binding = null;
            members.closeNames();
            gone = members.takeAll();
            groups = replicated;
            replicated = null;
            openedWith = null;
            waiters = upgrade.stop();
        }
        for (Member m : gone) {
            m.pause();
        }
        if (bound != null) {
            implementation.release(bound.objects(), bound.instances());
        }
        if (groups != null) {
            implementation.close(groups);
        }
        Members.stop(gone);
        waiters.forEach(f -> f.completeExceptionally(new IllegalStateException("the fleet runtime stopped")));
        synchronized (this) {
            life.to(State.STOPPED);
        }
    }

    // ---------------------------------------------------------------- the upgrade procedure (UpgradeProcedure)

    /** The last implementation's bundle was updated: a new version should register soon. */
    synchronized void bundleUpdated(Bundle bundle) {
        if (life.in(State.DEACTIVATING) && binding != null && binding.bundle().equals(bundle)) {
            updatedWhileDeactivating = bundle; // taken up once its instances are released
            return;
        }
        upgrade.bundleUpdated(bundle);
    }

    /** The last implementation's bundle failed to start after an update. */
    synchronized void bundleFailed(Bundle bundle, Throwable error) {
        upgrade.bundleFailed(bundle, error);
    }

    /** A future that completes with the report of the next upgrade that ends. */
    synchronized CompletableFuture<UpgradeReport> nextReport() {
        return upgrade.nextReport();
    }

    // ---------------------------------------------------------------- what the runtime shows

    synchronized FleetInfo info() {
        List<MemberInfo> m = new ArrayList<>();
        for (Member member : members.list()) {
            m.add(member.info());
        }
        FleetInfo.Status status = life.status();
        return new FleetInfo(kernel.nodeId(), name, protocol == null ? null : protocol.getName(),
                binding == null ? null : binding.bundle().getSymbolicName(), binding == null ? null : binding.version(), status, m,
                status == FleetInfo.Status.SERVING ? null : detail);
    }

    // ---------------------------------------------------------------- elastic fleets

    /** The elastic sizing: the runtime samples it and passes it changed settings. */
    ElasticSizing elastic() {
        return elastic;
    }

    /** The members now, serving or leaving. */
    synchronized List<Member> membersNow() {
        return List.copyOf(members.list());
    }

    /** Sets the members a scheduler placed on this node (see {@link ElasticSizing#place}). */
    synchronized PlacedMembers place(int target, String reason) {
        return elastic.place(target, reason, life.status());
    }

    /** Gives the fleet back to its own sizing; whether it was placed. */
    synchronized boolean unplace() {
        return elastic.unplace();
    }

    /** The fleet's placement on this node, or null. */
    synchronized PlacedMembers placed() {
        return elastic.placedMembers(life.status());
    }

    /** What the runtime does with this fleet, or null if it is not elastic. */
    synchronized Elasticity elasticity(boolean fixed) {
        return elastic.elasticity(fixed, life.status());
    }
}
