package org.fos.fleet.impl;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.fos.fleet.api.FleetState;
import org.fos.fleet.api.MemberAware;
import org.fos.fleet.api.MemberIdentity;
import org.fos.fleet.api.Replicated;
import org.fos.fleet.api.ReplicatedFleet;
import org.fos.fleet.api.Stateful;
import org.fos.fleet.spi.Replication;
import org.fos.fleet.spi.ReplicatedFleetHandle;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceObjects;
import org.osgi.framework.ServiceReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every call a controller makes into a fleet's implementation: activating its instances, telling
 * them who they are, handing them state, taking their state, giving them their replicas, releasing
 * them (which deactivates them). None of this may run under the controller's lock (ADR 0038): each
 * method checks that its caller does not hold it, and throws {@link IllegalStateException} if it does.
 */
final class Implementation {
    private static final Logger LOG = LoggerFactory.getLogger(Implementation.class);

    /** The implementation bound now, with one instance a member. */
    record Bound(ServiceReference<Object> ref, Bundle bundle, String version, Object[] instances, ServiceObjects<Object> objects,
            byte[] archive) {

        /** The same binding with other instances (a member came or went). */
        Bound with(Object[] others) {
            return new Bound(ref, bundle, version, others, objects, archive);
        }
    }

    /**
     * The last implementation that served, with what it exported when it went: the members' states,
     * or for a replicated fleet the states of this node's replicas, by group.
     */
    record LastGood(Bundle bundle, String version, byte[] archive, List<FleetState> states, Map<Integer, FleetState> replicated) {
    }

    /** A replicated fleet's groups on this node as a binding found or opened them, or why it could not. */
    record Groups(ReplicatedFleetHandle handle, Replication openedWith, boolean opened, String failure) {
    }

    private final String fleet;
    private final Object lock;

    /**
     * @param fleet the fleet's name, for messages
     * @param lock the controller's lock, which no call into the implementation may hold
     */
    Implementation(String fleet, Object lock) {
        this.fleet = fleet;
        this.lock = lock;
    }

    /** Refuses a call into the implementation made under the controller's lock. */
    private void outsideLock() {
        if (Thread.holdsLock(lock)) {
            throw new IllegalStateException("fleet " + fleet + ": the implementation's code must not run under the controller's lock");
        }
    }

    /**
     * Activates one instance a member and tells each ({@link MemberAware}) who it is.
     *
     * @param instances filled with what activated; the caller releases them on a failure
     * @return why it failed, or null
     */
    String activate(ServiceObjects<Object> objects, Object[] instances, List<MemberIdentity> members, String version) {
        outsideLock();
        try {
            for (int i = 0; i < instances.length; i++) {
                instances[i] = objects.getService();
                if (instances[i] == null) {
                    return "version " + version + " did not activate (its component failed; see the log)";
                }
            }
            for (int i = 0; i < instances.length; i++) {
                if (instances[i] instanceof MemberAware aware) {
                    aware.joined(members.get(i));
                }
            }
        } catch (RuntimeException e) {
            return "version " + version + " failed: " + e;
        }
        return null;
    }

    /** Activates one more instance, for a member that joins, and tells it who it is; null if it did not activate. */
    Object activateOne(ServiceObjects<Object> objects, MemberIdentity member) {
        outsideLock();
        Object instance = objects.getService();
        if (instance == null) {
            return null;
        }
        try {
            if (instance instanceof MemberAware aware) {
                aware.joined(member);
            }
        } catch (RuntimeException e) {
            release(objects, new Object[] {instance});
            throw e;
        }
        return instance;
    }

    /**
     * Hands each instance the state the last version exported (a shared instance once).
     *
     * @return why it failed, or null
     */
    String importStates(Object[] instances, String version, LastGood last) {
        outsideLock();
        List<FleetState> states = last.states();
        for (int i = 0; i < instances.length; i++) {
            FleetState state = states.get(Math.min(i, states.size() - 1));
            if (!(instances[i] instanceof Stateful s)) {
                return "version " + version + " is not Stateful, but " + last.version() + " left state to take over";
            }
            try {
                s.importState(state);
            } catch (RuntimeException e) {
                return "version " + version + " could not import the state of member " + i + " (layout " + state.version() + "): " + e;
            }
            if (instances.length > 1 && instances[1] == instances[0]) {
                break; // one shared instance: imported once
            }
        }
        return null;
    }

    /**
     * Gives a replicated fleet's instances their groups: opens them on the first binding, hands them to
     * the new version's state machines after an upgrade (or back to the old one's after a rollback).
     *
     * @param groups the groups open now, or null
     * @param with the replication service they were opened with
     * @param last the last version, or null
     */
    Groups bindReplicated(ServiceReference<Object> ref, Object[] instances, String version, ReplicatedFleetHandle groups, Replication with,
            Replication replication, LastGood last) {
        outsideLock();
        for (Object instance : instances) {
            if (!(instance instanceof ReplicatedFleet)) {
                return new Groups(groups, with, false, "version " + version + " declares " + Replicated.GROUPS + " but "
                        + instance.getClass().getName() + " does not implement ReplicatedFleet");
            }
        }
        ReplicatedFleet first = (ReplicatedFleet) instances[0];
        ReplicatedFleetHandle handle = groups;
        Replication openedWith = with;
        boolean opened = false;
        try {
            if (handle == null) {
                if (replication == null) {
                    return new Groups(null, null, false, "version " + version + " is replicated, and this node's replication service is not"
                            + " running");
                }
                handle = open(replication, ref, first);
                openedWith = replication;
                opened = true;
            } else if (last != null && last.replicated() != null) {
                try {
                    handle.resume(first, last.replicated());
                } catch (RuntimeException e) {
                    return new Groups(handle, openedWith, false, "version " + version + " cannot take over the state of " + last.version()
                            + ": " + e.getMessage());
                }
            }
            giveReplicas(handle, instances);
        } catch (RuntimeException e) {
            return new Groups(handle, openedWith, opened, "version " + version + " failed: " + e);
        }
        return new Groups(handle, openedWith, opened, null);
    }

    /** Opens a replicated fleet's groups with a replication service, the first instance's state machine serving them. */
    ReplicatedFleetHandle open(Replication replication, ServiceReference<Object> ref, Object first) {
        outsideLock();
        return replication.open(fleet, FleetServices.intProperty(ref, Replicated.GROUPS, 8, 1, 256),
                FleetServices.intProperty(ref, Replicated.REPLICAS, 3, 1, 7), (ReplicatedFleet) first);
    }

    /** Tells each instance of a replicated fleet its replicas. */
    void giveReplicas(ReplicatedFleetHandle handle, Object[] instances) {
        outsideLock();
        for (Object instance : instances) {
            ((ReplicatedFleet) instance).replicas(handle.replicas());
        }
    }

    /** Suspends a replicated fleet's replicas here, taking their states by group. */
    Map<Integer, FleetState> suspend(ReplicatedFleetHandle handle) {
        outsideLock();
        return handle.suspend();
    }

    /** Closes a replicated fleet's groups here; a failure is logged. */
    void close(ReplicatedFleetHandle handle) {
        outsideLock();
        try {
            handle.close();
        } catch (RuntimeException e) {
            LOG.error("fleet {}: closing its groups failed", fleet, e);
        }
    }

    /**
     * Tells each {@link Stateful} instance that its members are paused, before the runtime waits for the
     * calls in flight (a shared instance once); one that throws is logged and the upgrade goes on.
     */
    void quiesce(Object[] instances, String version) {
        outsideLock();
        for (int i = 0; i < instances.length; i++) {
            if (!(instances[i] instanceof Stateful s) || (i > 0 && instances[i] == instances[i - 1])) {
                continue;
            }
            try {
                s.quiesce();
            } catch (RuntimeException e) {
                LOG.error("fleet {}: member {} of version {} failed to quiesce; the runtime waits for its calls in flight", fleet, i,
                        version, e);
            }
        }
    }

    /**
     * Takes the state of each instance; one that fails gives an empty state (logged), so that the
     * next version starts that member empty.
     *
     * @return the states, one a member, or null if the version is not {@link Stateful}
     */
    List<FleetState> exportStates(Object[] instances, String version) {
        outsideLock();
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
                LOG.error("fleet {}: member {} of version {} failed to export its state; the next version starts it empty", fleet, i,
                        version, e);
                states.add(new FleetState(0, null));
            }
        }
        return states;
    }

    /** Releases instances (each deactivates); a failure is logged and the others are released still. */
    void release(ServiceObjects<Object> objects, Object[] instances) {
        outsideLock();
        for (Object instance : instances) {
            if (instance != null) {
                try {
                    objects.ungetService(instance);
                } catch (RuntimeException e) {
                    LOG.warn("fleet {}: releasing an instance failed: {}", fleet, e.toString());
                }
            }
        }
    }
}
