package org.fos.fleet.impl;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.fos.fleet.api.Fleet;
import org.fos.fleet.api.FleetInfo;
import org.fos.fleet.api.Stateful;
import org.fos.kernel.api.Kernel;
import org.fos.kernel.api.Names;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;
import org.osgi.util.tracker.ServiceTrackerCustomizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tracks every service with a {@code fos.fleet.name} property for the runtime: reads what it
 * serves (its protocol, members, mailbox capacity, elastic settings) and hands it to its fleet's
 * controller, creating the controller for the first; when the bound one goes, another registered
 * for the same name is bound. A service that is not usable is logged with why and left unbound.
 */
final class FleetServices implements ServiceTrackerCustomizer<Object, ServiceReference<Object>> {
    private static final Logger LOG = LoggerFactory.getLogger(FleetServices.class);
    private static final int MAX_MEMBERS = 64;

    private final FleetRuntimeImpl runtime;
    private final Map<String, FleetController> controllers;
    private final FleetHost host;
    private final Kernel kernel;
    private final ServiceTracker<Object, ServiceReference<Object>> tracker;

    FleetServices(BundleContext context, FleetRuntimeImpl runtime, Map<String, FleetController> controllers, FleetHost host, Kernel kernel)
            throws InvalidSyntaxException {
        this.runtime = runtime;
        this.controllers = controllers;
        this.host = host;
        this.kernel = kernel;
        this.tracker = new ServiceTracker<>(context, context.createFilter("(" + Fleet.NAME + "=*)"), this);
    }

    void open() {
        tracker.open();
    }

    void close() {
        tracker.close();
    }

    /** Offers again the services registered for a fleet name (all names if null) that are not bound. */
    void offerAgain(String name, boolean replicatedOnly) {
        ServiceReference<Object>[] refs = tracker.getServiceReferences();
        if (refs == null) {
            return;
        }
        for (ServiceReference<Object> ref : refs) {
            String n = String.valueOf(ref.getProperty(Fleet.NAME));
            FleetController c = controllers.get(n);
            if ((name == null || name.equals(n)) && (!replicatedOnly || FleetController.isReplicated(ref))
                    && (c == null || !c.isBound())) {
                addingService(ref);
            }
        }
    }

    /**
     * The fleets offered here that wait for this node's replication service: replicated, not excluded, and
     * no controller yet (one that had it keeps its controller, which says what it lacks). One entry a name.
     *
     * @param node this node's id
     * @return the waiting fleets by name; empty while the replication service runs
     */
    Map<String, FleetInfo> waiting(String node) {
        ServiceReference<Object>[] refs = runtime.replication() == null ? tracker.getServiceReferences() : null;
        if (refs == null) {
            return Map.of();
        }
        Map<String, FleetInfo> out = new TreeMap<>();
        for (ServiceReference<Object> ref : refs) {
            String name = String.valueOf(ref.getProperty(Fleet.NAME));
            Bundle bundle = ref.getBundle();
            if (bundle == null || !FleetController.isReplicated(ref) || runtime.isExcluded(name) || controllers.containsKey(name)) {
                continue; // (no bundle: unregistered meanwhile)
            }
            String protocol;
            try {
                Names.requireValidName(name);
                protocol = protocolOf(ref).getName();
            } catch (IllegalArgumentException unusable) {
                continue; // not usable whatever comes: logged when it was offered
            }
            out.putIfAbsent(name, new FleetInfo(node, name, protocol, null, null, FleetInfo.Status.WAITING, List.of(), "bundle "
                    + bundle.getSymbolicName() + " " + bundle.getVersion() + " offers it, but it is replicated and this node's replication"
                    + " service does not run: it starts when that service comes (fos:replication says why it does not run)"));
        }
        return out;
    }

    @Override
    public ServiceReference<Object> addingService(ServiceReference<Object> ref) {
        String name = String.valueOf(ref.getProperty(Fleet.NAME));
        if (runtime.isExcluded(name)) {
            LOG.info("fleet {} is excluded on this node: {} of bundle {} stays unbound", name,
                    ref.getProperty(Constants.SERVICE_ID), ref.getBundle().getSymbolicName());
            return ref;
        }
        if (FleetController.isReplicated(ref) && runtime.replication() == null) {
            LOG.warn("fleet {} of bundle {} is replicated: it waits for this node's replication service", name,
                    ref.getBundle().getSymbolicName());
            return ref;
        }
        try {
            Names.requireValidName(name);
            FleetController c = controllers.computeIfAbsent(name, n -> new FleetController(n, host, kernel));
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
                c.elastic().propertiesChanged(ref, ElasticPolicy.Settings.of(ref));
            } catch (IllegalArgumentException e) {
                c.elastic().settingsRefused(ref, e.getMessage());
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

}
