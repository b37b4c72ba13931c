package org.fos.health.impl;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.felix.hc.api.FormattingResultLog;
import org.apache.felix.hc.api.HealthCheck;
import org.apache.felix.hc.api.Result;
import org.fos.cluster.api.Membership;
import org.fos.cluster.api.NodeInfo;
import org.fos.kernel.api.Kernel;
import org.fos.kernel.spi.Transport;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * Whether this node reaches every other node of its cluster: for each node the membership lists, a
 * transport must say it reaches it now (a cost of 0 or more, as the kernel asks when it routes).
 * CRITICAL for a node no transport reaches: messages to it wait in the kernel's link buffer.
 */
@Component(service = HealthCheck.class, property = {HealthCheck.NAME + "=" + LinksUpCheck.NAME, HealthCheck.TAGS + "=" + Checks.TAG,
        HealthCheck.TAGS + "=transport"})
public final class LinksUpCheck implements HealthCheck {
    /** The check's name. */
    static final String NAME = "fos links up";

    private final Kernel kernel;
    private final Map<Transport, Map<String, Object>> transports = new ConcurrentHashMap<>();
    private volatile Membership membership;

    /**
     * Creates the check.
     *
     * @param kernel the kernel, for this node's id
     */
    @Activate
    public LinksUpCheck(@Reference Kernel kernel) {
        this.kernel = kernel;
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

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void addTransport(Transport t, Map<String, Object> properties) {
        transports.put(t, properties);
    }

    void removeTransport(Transport t) {
        transports.remove(t);
    }

    /** The transports of a node as the check sees them: a name and the cost to a node. */
    interface Route {
        String name();

        int cost(String node);
    }

    @Override
    public Result execute() {
        Membership m = membership;
        List<String> others = new ArrayList<>();
        if (m != null) {
            for (NodeInfo n : m.nodes()) {
                if (!n.local()) {
                    others.add(n.id());
                }
            }
        }
        List<Route> routes = new ArrayList<>();
        for (Map.Entry<Transport, Map<String, Object>> t : transports.entrySet()) {
            Object name = t.getValue().get(Transport.NAME_PROPERTY);
            Transport transport = t.getKey();
            routes.add(new Route() {
                @Override
                public String name() {
                    return name == null ? "unnamed" : name.toString();
                }

                @Override
                public int cost(String node) {
                    return transport.cost(node);
                }
            });
        }
        return judge(kernel.nodeId(), others, routes);
    }

    static Result judge(String self, List<String> others, List<Route> routes) {
        FormattingResultLog log = new FormattingResultLog();
        if (others.isEmpty()) {
            log.info("node {} has no other node to reach", self);
            return Checks.of(log);
        }
        List<String> unreachable = new ArrayList<>();
        for (String node : others) {
            String best = null;
            int bestCost = Integer.MAX_VALUE;
            for (Route r : routes) {
                int cost;
                try {
                    cost = r.cost(node);
                } catch (RuntimeException e) {
                    cost = -1;
                }
                if (cost >= 0 && cost < bestCost) {
                    bestCost = cost;
                    best = r.name();
                }
            }
            if (best == null) {
                unreachable.add(node);
            } else {
                log.debug("{} reaches {} over {} (cost {})", self, node, best, bestCost);
            }
        }
        if (!unreachable.isEmpty()) {
            log.critical("no transport reaches {} from {}: messages to them wait in the kernel", unreachable, self);
        }
        log.info("{} of {} other node(s) reachable from {}", others.size() - unreachable.size(), others.size(), self);
        return Checks.of(log);
    }
}
