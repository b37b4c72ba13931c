package org.fos.fleet.impl;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.fos.fleet.api.Elasticity;
import org.fos.fleet.api.FleetInfo;
import org.fos.fleet.api.MemberIdentity;
import org.fos.fleet.api.PlacedMembers;
import org.fos.fleet.api.Stateful;
import org.fos.kernel.api.Registration;
import org.fos.rpc.api.Dispatcher;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The elastic sizing of one fleet: its policy and recent changes, and the three steps that change
 * its size while it serves: a member joins ({@link #grow}), a member starts leaving ({@link #retire}),
 * a leaving member goes once it has answered everything ({@link #drain}).
 *
 * <p>It shares the controller's lock (the members and the binding are the controller's). A new
 * member's instance is activated, and a leaving member is paused, stopped and released, without
 * that lock; each step then commits under the lock only if the same version still serves.
 */
final class ElasticSizing {
    private static final Logger LOG = LoggerFactory.getLogger(ElasticSizing.class);

    /** How long a leaving member must have had nothing to answer before its name goes, ms. */
    static final long DRAIN_QUIET_MILLIS = 2_000;
    /** How long after its name went it must stay empty before its mailbox closes, ms. */
    static final long STOP_QUIET_MILLIS = 500;
    private static final int EVENTS_KEPT = 32;

    private final FleetController fleet;
    private final Members members;
    private final FleetHost host;
    private final String node;
    /** The policy, or null if the fleet is not elastic. */
    private ElasticPolicy policy;
    /**
     * Why the fleet's size cannot change (replicated, stateful prototype members), or null; known once
     * bound. For an elastic fleet it is also why it is not scaled though declared elastic.
     */
    private String unfit;
    /** The members a scheduler placed on this node, 0 while not placed; and why. */
    private int placed;
    private String placedReason;
    private final ArrayDeque<Elasticity.Event> events = new ArrayDeque<>();
    private long lastSampleNanos = System.nanoTime();
    private long lastBusyNanos;

    ElasticSizing(FleetController fleet, Members members, FleetHost host, String node) {
        this.fleet = fleet;
        this.members = members;
        this.host = host;
        this.node = node;
    }

    /** Takes an implementation's elastic settings on a binding, and says why they cannot apply if they cannot; under the lock. */
    void bound(ServiceReference<Object> ref, Object[] instances, ElasticPolicy.Settings settings) {
        String why = null;
        if (FleetController.isReplicated(ref)) {
            why = "a replicated fleet's members are its groups' replicas on this node; its size follows the groups, not the load";
        } else if (instances.length > 0 && instances[0] instanceof Stateful
                && Constants.SCOPE_PROTOTYPE.equals(ref.getProperty(Constants.SERVICE_SCOPE))) {
            why = "its members are Stateful prototype instances, each with state of its own, which a member that goes would take"
                    + " with it: share one instance, or keep the state elsewhere (a replicated fleet)";
        }
        String before = policy == null ? null : unfit;
        unfit = why;
        if (settings == null) {
            policy = null;
            return;
        }
        if (policy == null) {
            policy = new ElasticPolicy(settings, System.nanoTime());
        } else {
            policy.settings(settings);
        }
        if (why != null && !why.equals(before)) {
            LOG.error("fleet {} declares @Elastic, but {}: its members stay {}", fleet.name(), why, members.size());
        }
    }

    /** The implementation's changed service properties have elastic settings that are not valid: the ones before stay. */
    void settingsRefused(ServiceReference<Object> ref, String why) {
        synchronized (fleet) {
            if (fleet.bindingOf(ref) != null && policy != null) {
                int n = members.servingCount();
                event(n, n, "the changed settings were refused, the ones before stay: " + why);
                return;
            }
        }
        LOG.error("fleet {}: the changed properties of its service are not usable: {}", fleet.name(), why);
    }

    /** The implementation's service properties changed: elastic settings apply at once. */
    void propertiesChanged(ServiceReference<Object> ref, ElasticPolicy.Settings settings) {
        synchronized (fleet) {
            Implementation.Bound b = fleet.bindingOf(ref);
            if (b != null) {
                bound(ref, b.instances(), settings);
            }
        }
    }

    /** Whether the fleet has a policy; under the lock. */
    boolean isElastic() {
        return policy != null;
    }

    /** Records a change of size (or a refusal, {@code from == to}); under the lock. */
    void event(int from, int to, String reason) {
        if (events.size() == EVENTS_KEPT) {
            events.removeFirst();
        }
        events.addLast(new Elasticity.Event(System.currentTimeMillis(), from, to, reason));
        if (from == to) {
            LOG.warn("fleet {} on node {}: {}", fleet.name(), node, reason);
        } else {
            LOG.info("fleet {} on node {}: {} -> {} members: {}", fleet.name(), node, from, to, reason);
        }
    }

    /**
     * One sample, on the runtime's scaling thread: the policy decides, and a member is added or starts
     * leaving.
     *
     * @param fixed whether the node's configuration keeps this fleet's members as they are
     */
    void tick(boolean fixed) {
        long now = System.nanoTime();
        ElasticPolicy p;
        int serving = 0;
        int queued = 0;
        long busy;
        long interval;
        String toGrow = null;
        String toRetire = null;
        synchronized (fleet) {
            p = policy;
            if (p == null && placed == 0) {
                return;
            }
            long total = 0;
            for (Member m : members.list()) {
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
            if (placed > 0) {
                if (!fixed && unfit == null && fleet.servingBinding() != null && serving != placed) {
                    String why = "placed: " + placed + " members on this node (" + placedReason + ")";
                    if (serving < placed) {
                        toGrow = why;
                    } else {
                        toRetire = why;
                    }
                }
            } else if (unfit != null || fixed || !p.settings().enabled() || fleet.servingBinding() == null) {
                return;
            }
        }
        if (toGrow != null) {
            grow(toGrow);
            return;
        }
        if (toRetire != null) {
            retire(toRetire);
            return;
        }
        if (placed > 0) {
            return;
        }
        switch (p.sample(now, serving, queued, busy, interval)) {
            case GROW -> grow(p.reason());
            case SHRINK -> retire(p.reason());
            default -> {
                // within bounds and target
            }
        }
    }

    /**
     * Adds a member: its mailbox and thread, and its instance activated without the lock; then, if the
     * same implementation still serves, it joins and its name is published; otherwise it is undone.
     */
    void grow(String reason) {
        Implementation.Bound b;
        Member member;
        int size;
        synchronized (fleet) {
            b = fleet.servingBinding();
            if (b == null) {
                return;
            }
            size = members.servingCount() + 1;
            member = members.newMember(members.nextIndex(), host.batch());
        }
        Object instance = null;
        String failure = null;
        try {
            instance = fleet.implementation().activateOne(b.objects(), new MemberIdentity(fleet.name(), member.index, size,
                    member.mailbox.address()));
            if (instance == null) {
                failure = "its component did not activate (see the log)";
            }
        } catch (RuntimeException e) {
            failure = e.toString();
        }
        synchronized (fleet) {
            if (failure == null && fleet.servingBinding() == b) {
                Object[] instances = Arrays.copyOf(b.instances(), b.instances().length + 1);
                instances[instances.length - 1] = instance;
                fleet.rebind(b.with(instances));
                members.join(member, host.libfos().dispatcher(Members.cast(fleet.dispatched()), instance));
                event(size - 1, size, reason);
                return;
            }
            if (failure != null) {
                event(size - 1, size - 1, "adding member " + member.index + " failed: " + failure);
            }
        }
        if (instance != null) {
            fleet.implementation().release(b.objects(), new Object[] {instance});
        }
        member.mailbox.close();
    }

    /**
     * Starts a member leaving: the one with the highest index is published again as draining (the new
     * entry first, then the old one goes, so that it is never missing from the name), and a task
     * on the scaling thread takes it away once it has answered everything.
     */
    void retire(String reason) {
        Member leaving = null;
        synchronized (fleet) {
            if (fleet.servingBinding() == null) {
                return;
            }
            for (Member m : members.list()) {
                if (!m.draining && (leaving == null || m.index > leaving.index)) {
                    leaving = m;
                }
            }
            int from = members.servingCount();
            if (leaving == null || from <= 1) {
                return;
            }
            Registration old = leaving.registration;
            leaving.registration = members.register(leaving, true);
            leaving.draining = true;
            if (old != null) {
                old.close();
            }
            event(from, from - 1, reason + "; member " + leaving.index + " leaves once it has answered what it holds");
        }
        Member m = leaving;
        host.scheduleElastic(() -> drain(m, Long.MIN_VALUE), 100);
    }

    /**
     * One step of a leaving member's departure, every 100 ms until it is gone: while it holds calls
     * (queued, or dispatched and not yet answered) or the fleet is not serving, it waits; once it
     * had nothing for {@link #DRAIN_QUIET_MILLIS}, its name goes; after another
     * {@link #STOP_QUIET_MILLIS} with nothing, it is paused (without the lock: a dispatch may still
     * be running), and if it is still empty and the same version serves, it stops and its instance
     * is released.
     */
    void drain(Member m, long quietSince) {
        Implementation.Bound decided;
        synchronized (fleet) {
            if (!members.list().contains(m)) {
                return; // the fleet was removed or stopped: its members went with it
            }
            long now = System.nanoTime();
            decided = fleet.servingBinding();
            Dispatcher d = members.dispatcherOf(m);
            boolean quiet = decided != null && m.depth() == 0 && d != null && d.outstanding() == 0;
            if (!quiet) {
                host.scheduleElastic(() -> drain(m, Long.MIN_VALUE), 100);
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
                host.scheduleElastic(() -> drain(m, next), 100);
                return;
            }
            if (now - since < TimeUnit.MILLISECONDS.toNanos(STOP_QUIET_MILLIS)) {
                long from = since;
                host.scheduleElastic(() -> drain(m, from), 100);
                return;
            }
        }
        m.pause();
        Object instance;
        Implementation.Bound b;
        synchronized (fleet) {
            b = fleet.servingBinding();
            boolean mine = members.list().contains(m);
            if (!mine || b != decided || m.depth() > 0) {
                // a call came in after all (it is answered first), or the version changed meanwhile
                if (mine && b == decided) {
                    m.resume(members.dispatcherOf(m));
                }
                if (mine) {
                    host.scheduleElastic(() -> drain(m, Long.MIN_VALUE), 100);
                }
                return;
            }
            m.mailbox.close();
            int at = members.leave(m);
            Object[] instances = new Object[b.instances().length - 1];
            System.arraycopy(b.instances(), 0, instances, 0, at);
            System.arraycopy(b.instances(), at + 1, instances, at, instances.length - at);
            instance = b.instances()[at];
            fleet.rebind(b.with(instances));
        }
        Members.stop(List.of(m));
        fleet.implementation().release(b.objects(), new Object[] {instance});
        LOG.info("fleet {} on node {}: member {} left after answering everything it held", fleet.name(), node, m.index);
    }

    /**
     * Sets the members a scheduler placed on this node; the scaling thread steps toward them. Under the lock.
     *
     * @throws IllegalArgumentException if the fleet's size cannot change
     */
    PlacedMembers place(int target, String reason, FleetInfo.Status status) {
        if (unfit != null) {
            throw new IllegalArgumentException("fleet " + fleet.name() + " cannot be placed: " + unfit);
        }
        if (placed != target) {
            LOG.info("fleet {} on node {}: placed, {} members here: {}", fleet.name(), node, target, reason);
        }
        placed = target;
        placedReason = reason;
        return placedMembers(status);
    }

    /** Gives the fleet back to its own sizing; whether it was placed. Under the lock. */
    boolean unplace() {
        boolean was = placed > 0;
        if (was) {
            LOG.info("fleet {} on node {}: no longer placed, {} members serve", fleet.name(), node, members.servingCount());
        }
        placed = 0;
        placedReason = null;
        return was;
    }

    /** The fleet's placement on this node, or null if it is not placed; under the lock. */
    PlacedMembers placedMembers(FleetInfo.Status status) {
        if (placed == 0) {
            return null;
        }
        int serving = members.servingCount();
        int draining = members.size() - serving;
        String why = unfit != null ? unfit : status != FleetInfo.Status.SERVING ? "the fleet is " + status + ", not serving" : null;
        return new PlacedMembers(node, fleet.name(), placed, serving, draining, placedReason, why);
    }

    /** What the runtime does with this fleet, or null if it is not elastic; under the lock. */
    Elasticity elasticity(boolean fixed, FleetInfo.Status status) {
        ElasticPolicy p = policy;
        if (p == null) {
            return null;
        }
        ElasticPolicy.Settings s = p.settings();
        String why = unfit != null ? unfit
                : placed > 0 ? "placed by a scheduler: " + placed + " members on this node (" + placedReason + ")"
                : fixed ? "the node's configuration keeps it fixed (fixedFleets of " + FleetRuntimeImpl.PID + ")"
                : !s.enabled() ? "switched off (fos.elastic.enabled=false)"
                : status != FleetInfo.Status.SERVING ? "the fleet is " + status + ", not serving"
                : null;
        List<Integer> serving = new ArrayList<>();
        List<Integer> draining = new ArrayList<>();
        for (Member m : members.list()) {
            (m.draining ? draining : serving).add(m.index);
        }
        return new Elasticity(node, fleet.name(), s.min(), s.max(), s.depth(), s.periodMillis(), s.idleMillis(), why, serving, draining,
                List.copyOf(events));
    }
}
