package org.fos.kernel.commands;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.felix.service.command.Descriptor;
import org.fos.kernel.api.Kernel;
import org.fos.kernel.api.LinkInfo;
import org.fos.kernel.impl.KernelComponent;
import org.fos.kernel.spi.Transport;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * The {@code fos:transport} command: each link to another node with the transport its messages take
 * now and its counters, and what every transport says about itself. It lives in the kernel, which
 * owns the links and chooses the transports, so it stays while transport bundles come and go.
 */
@Component(service = TransportCommands.class, immediate = true, property = {
        "osgi.command.scope=fos",
        "osgi.command.function=transport"})
public final class TransportCommands {

    /**
     * One link as {@code fos:transport} shows it.
     *
     * @param node the other node
     * @param transport the name of the transport its messages take now, or {@code none}
     * @param reachableBy every transport that reaches the node now, with its cost, cheapest first
     *        ({@code shm:1 tcp:10})
     * @param sent messages numbered for the node
     * @param unacknowledged messages waiting for its acknowledgement
     * @param retransmitted transmissions that were repeats
     * @param delivered the highest number of its messages delivered here
     * @param duplicates its messages that arrived again and were dropped
     * @param outOfOrder its messages that arrived ahead of a missing one and were dropped
     * @param deferred its messages that found their mailbox full
     */
    public record LinkRoute(String node, String transport, String reachableBy, long sent, int unacknowledged, long retransmitted,
            long delivered, long duplicates, long outOfOrder, long deferred) {
    }

    private final Kernel kernel;
    private final KernelComponent core;
    private final Map<Transport, String> names = new ConcurrentHashMap<>();

    /**
     * Creates the command.
     *
     * @param kernel the kernel, for the links
     * @param core the kernel component, for the route of each link
     */
    @Activate
    public TransportCommands(@Reference Kernel kernel, @Reference KernelComponent core) {
        this.kernel = kernel;
        this.core = core;
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addTransport(Transport transport, Map<String, Object> properties) {
        Object name = properties.get(Transport.NAME_PROPERTY);
        names.put(transport, name == null ? transport.getClass().getSimpleName() : name.toString());
    }

    void removeTransport(Transport transport) {
        names.remove(transport);
    }

    /**
     * Shows the links and the transports.
     *
     * @return {@code links} (one {@link LinkRoute} a node), then each transport's own description under its name
     */
    @Descriptor("show each link to another node (the transport it takes now, its counters) and every transport's state")
    public Map<String, Object> transport() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("node", kernel.nodeId());
        List<LinkRoute> links = new ArrayList<>();
        for (LinkInfo l : kernel.links()) {
            Transport route = core.route(l.node());
            links.add(new LinkRoute(l.node(), route == null ? "none" : name(route), reachableBy(l.node()), l.sent(), l.unacknowledged(),
                    l.retransmitted(), l.delivered(), l.duplicates(), l.outOfOrder(), l.deferred()));
        }
        out.put("links", links);
        List<String> transports = new ArrayList<>(names.values());
        transports.sort(null);
        out.put("transports", transports);
        return out;
    }

    /**
     * Shows one transport in detail.
     *
     * @param name the transport's name, as {@code fos:transport} lists it ({@code tcp}, {@code shm})
     * @return what the transport says about itself: endpoint, peers, connections, counters
     * @throws IllegalArgumentException if no transport of that name runs
     */
    @Descriptor("show one transport in detail: endpoint, peers, connections and counters (faults by reason)")
    public Map<String, Object> transport(@Descriptor("the transport's name, such as tcp or shm") String name) {
        for (Map.Entry<Transport, String> e : names.entrySet()) {
            if (e.getValue().equals(name)) {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("transport", name);
                out.putAll(e.getKey().info());
                return out;
            }
        }
        throw new IllegalArgumentException("no transport named '" + name + "' runs on this node; the transports are "
                + new java.util.TreeSet<>(names.values()));
    }

    private String reachableBy(String node) {
        List<Map.Entry<String, Integer>> costs = new ArrayList<>();
        for (Map.Entry<Transport, String> e : names.entrySet()) {
            int cost;
            try {
                cost = e.getKey().cost(node);
            } catch (RuntimeException ex) {
                continue;
            }
            if (cost >= 0) {
                costs.add(Map.entry(e.getValue(), cost));
            }
        }
        costs.sort(Map.Entry.comparingByValue());
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, Integer> c : costs) {
            b.append(b.length() == 0 ? "" : " ").append(c.getKey()).append(':').append(c.getValue());
        }
        return b.length() == 0 ? "-" : b.toString();
    }

    private String name(Transport t) {
        String n = names.get(t);
        return n == null ? t.getClass().getSimpleName() : n;
    }
}
