package org.fos.metrics.impl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.fos.fleet.api.FleetInfo;
import org.fos.fleet.api.FleetRuntime;
import org.fos.fleet.api.GroupInfo;
import org.fos.fleet.api.MemberInfo;
import org.fos.fleet.api.UpgradeReport;
import org.fos.kernel.api.Kernel;
import org.fos.kernel.api.KernelStats;
import org.fos.kernel.api.LinkInfo;
import org.fos.kernel.api.Status;
import org.fos.kernel.spi.Transport;
import org.fos.kernel.spi.TransportStats;
import org.fos.rpc.api.CallObserver;
import org.fos.rpc.api.FleetException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The node's metrics in Prometheus' text format at {@code /metrics} (HTTP whiteboard), through
 * Micrometer's Prometheus registry. Each scrape reads the node's services afresh: the kernel's
 * counters, rejections by status and links, this node's fleet members (requests served, failed
 * dispatches, queue depth) and upgrades (count by outcome, pauses), the Raft groups of its
 * replicated fleets (leader, term, commit and applied index, followers' lag), every transport's traffic per
 * peer and its faults. The calls this node's bundles make through libfos (rate, latency histogram,
 * failures by status, per fleet) are recorded as they end ({@link CallObserver}). Plus the JVM's
 * memory, garbage collection, threads, classes, CPU and uptime. Names follow Prometheus'
 * conventions: {@code fos_} prefix, base units, {@code _total} on counters.
 */
@Component(service = {Servlet.class, CallObserver.class}, property = {
        "osgi.http.whiteboard.servlet.pattern=" + MetricsEndpoint.PATH,
        "osgi.http.whiteboard.servlet.name=fos-metrics"})
public final class MetricsEndpoint extends HttpServlet implements CallObserver {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(MetricsEndpoint.class);

    /** Where Prometheus scrapes. */
    public static final String PATH = "/metrics";
    private static final String LINK_REJECTIONS = "messages of a peer dropped here, by reason: duplicate, out of order, or deferred"
            + " because their mailbox was full (the peer sends them again)";
    /** A transport's traffic totals: the per-peer meters have them, split by peer. */
    private static final java.util.Set<String> TRAFFIC = java.util.Set.of("bytesIn", "bytesOut", "framesIn", "framesOut");
    private static final String TEXT = "text/plain; version=0.0.4; charset=utf-8";
    private static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    /** Call latency histogram buckets: 50 microseconds to 10 seconds. */
    private static final Duration[] CALL_BUCKETS = {Duration.ofNanos(50_000), Duration.ofNanos(100_000), Duration.ofNanos(250_000),
        Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofNanos(2_500_000), Duration.ofMillis(5), Duration.ofMillis(10),
        Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
        Duration.ofSeconds(1), Duration.ofMillis(2_500), Duration.ofSeconds(5), Duration.ofSeconds(10)};

    private final transient Kernel kernel;
    private final transient FleetRuntime runtime;
    private final transient PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final transient DynamicMeters dynamic = new DynamicMeters(registry);
    private final transient JvmGcMetrics gc = new JvmGcMetrics();
    private final transient Map<TransportStats, Map<String, Object>> transports = new ConcurrentHashMap<>();
    /** Call timers by fleet, then by status: looked up without allocating once they exist. */
    private final transient Map<String, Map<String, Timer>> calls = new ConcurrentHashMap<>();
    private transient int upgradesSeen;

    /**
     * Starts the registry and the JVM's meters.
     *
     * @param kernel the kernel
     * @param runtime this node's fleet runtime
     */
    @Activate
    public MetricsEndpoint(@Reference Kernel kernel, @Reference FleetRuntime runtime) {
        this.kernel = kernel;
        this.runtime = runtime;
        registry.config().commonTags("node", kernel.nodeId());
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        LOG.info("fos metrics: node {}, Prometheus endpoint {}", kernel.nodeId(), PATH);
    }

    @Deactivate
    void deactivate() {
        gc.close();
        registry.close();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void addTransport(TransportStats t, Map<String, Object> properties) {
        transports.put(t, properties);
    }

    void removeTransport(TransportStats t) {
        transports.remove(t);
    }

    // ---------------------------------------------------------------- calls, as they end

    @Override
    public void called(String fleet, String method, long nanos, Throwable failure) {
        String status = failure == null ? "OK"
                : failure instanceof FleetException f && f.status() != Status.OK ? f.status().name() : "FAILED";
        Map<String, Timer> byStatus = calls.computeIfAbsent(fleet == null ? "(member)" : fleet, f -> new ConcurrentHashMap<>());
        Timer t = byStatus.get(status);
        if (t == null) {
            t = byStatus.computeIfAbsent(status, s -> Timer.builder("fos.fleet.calls")
                    .description("calls this node's bundles made to a fleet through libfos, by how they ended: OK, FAILED (the"
                            + " method threw on the member), or the kernel status that stopped them (TIMEOUT, NO_SUCH_NAME, ...)")
                    .tags("fleet", fleet == null ? "(member)" : fleet, "status", s).serviceLevelObjectives(CALL_BUCKETS).register(registry));
        }
        t.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    // ---------------------------------------------------------------- scrapes

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String accept = request.getHeader("Accept");
        String type = accept != null && accept.contains("application/openmetrics-text") ? OPENMETRICS : TEXT;
        String body;
        synchronized (this) {
            refresh();
            body = registry.scrape(type);
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(type);
        response.setContentLength(bytes.length);
        response.setHeader("Cache-Control", "no-store");
        response.getOutputStream().write(bytes);
    }

    /** Reads the node's services into the meters. */
    void refresh() {
        dynamic.begin();
        kernel();
        fleets();
        groups();
        upgrades();
        links();
        transports();
        dynamic.end();
    }

    private void kernel() {
        KernelStats s = kernel.stats();
        dynamic.counter("fos.kernel.messages.sent", "messages the mailboxes of this node accepted", s.sent());
        dynamic.counter("fos.kernel.messages.received", "messages taken out of the mailboxes of this node", s.received());
        dynamic.counter("fos.kernel.messages.forwarded", "messages handed to transports for other nodes", s.forwarded());
        dynamic.counter("fos.kernel.mailbox.creations", "mailboxes created since the kernel started", s.mailboxesCreated());
        dynamic.gauge("fos.kernel.mailboxes.open", "open mailboxes", s.mailboxes());
        dynamic.gauge("fos.kernel.capabilities", "capabilities in the kernel's table", s.capabilities());
        dynamic.gauge("fos.kernel.names", "name registrations the bundles of this node hold", s.names());
        for (Map.Entry<Status, Long> e : s.rejections().entrySet()) {
            dynamic.counter("fos.kernel.rejections", "operations the kernel refused, by named error", e.getValue(), "status", e.getKey().name());
        }
    }

    private void fleets() {
        for (FleetInfo f : runtime.fleets()) {
            dynamic.gauge("fos.fleet.serving", "1 if the fleet's members dispatch on this node, 0 while it is paused or being upgraded",
                    f.status() == FleetInfo.Status.SERVING ? 1 : 0, "fleet", f.name());
            for (MemberInfo m : f.members()) {
                String member = Integer.toString(m.index());
                dynamic.counter("fos.fleet.requests.served", "requests a member of this node dispatched", m.served(), "fleet", f.name(),
                        "member", member);
                dynamic.counter("fos.fleet.dispatch.failures", "dispatches that threw out of the dispatcher (a bug, not a failing method)",
                        m.failed(), "fleet", f.name(), "member", member);
                dynamic.gauge("fos.fleet.queue.depth", "requests waiting in a member's mailbox", m.depth(), "fleet", f.name(), "member",
                        member);
            }
        }
    }

    /** The Raft groups of this node's replicated fleets, as this node sees them ({@code fos:groups}). */
    private void groups() {
        for (GroupInfo g : runtime.groups()) {
            String group = Integer.toString(g.group());
            dynamic.gauge("fos.replication.group.leader", "1 if this node leads the group, else 0 (summed over the nodes: 1 for a group that has a leader)",
                    "LEADER".equals(g.role()) ? 1 : 0, "fleet", g.fleet(), "group", group);
            dynamic.gauge("fos.replication.group.leader.known", "1 if this node knows a leader of the group, else 0", g.leader() == null ? 0 : 1,
                    "fleet", g.fleet(), "group", group);
            dynamic.gauge("fos.replication.group.peers", "the nodes that keep the group (its Raft configuration), as this node knows it",
                    g.peers().size(), "fleet", g.fleet(), "group", group);
            dynamic.gauge("fos.replication.group.term", "the group's Raft term as this node knows it, 0 if it keeps no replica", g.term(),
                    "fleet", g.fleet(), "group", group);
            dynamic.gauge("fos.replication.group.commit.index", "the highest log index this node knows committed in the group",
                    g.commitIndex(), "fleet", g.fleet(), "group", group);
            dynamic.gauge("fos.replication.group.applied.index", "the highest log index this node's state machine of the group applied",
                    g.appliedIndex(), "fleet", g.fleet(), "group", group);
            for (Map.Entry<String, Long> lag : g.lag().entrySet()) {
                dynamic.gauge("fos.replication.follower.lag.entries", "on the leader: committed entries a follower has yet to receive",
                        lag.getValue(), "fleet", g.fleet(), "group", group, "peer", lag.getKey());
            }
        }
    }

    /** Counts the upgrade reports added since the last scrape and records their pauses. */
    private void upgrades() {
        List<UpgradeReport> reports = runtime.upgrades();
        for (int i = upgradesSeen; i < reports.size(); i++) {
            UpgradeReport u = reports.get(i);
            Counter.builder("fos.fleet.upgrades").description("live upgrades of a fleet's implementation on this node, by outcome")
                    .tags("fleet", u.fleet(), "outcome", u.outcome().name()).register(registry).increment();
            Timer.builder("fos.fleet.upgrade.pause").description("how long a fleet's members did not dispatch during an upgrade")
                    .tags("fleet", u.fleet()).register(registry).record(u.pause());
        }
        upgradesSeen = reports.size();
    }

    private void links() {
        for (LinkInfo l : kernel.links()) {
            dynamic.counter("fos.link.messages.sent", "messages this node numbered for a peer node", l.sent(), "peer", l.node());
            dynamic.counter("fos.link.messages.retransmitted", "transmissions to a peer that were repeats", l.retransmitted(), "peer",
                    l.node());
            dynamic.counter("fos.link.messages.delivered", "messages of a peer delivered here (the highest number delivered)", l.delivered(),
                    "peer", l.node());
            dynamic.counter("fos.link.rejections", LINK_REJECTIONS, l.duplicates(), "peer", l.node(), "reason", "duplicate");
            dynamic.counter("fos.link.rejections", LINK_REJECTIONS, l.outOfOrder(), "peer", l.node(), "reason", "out_of_order");
            dynamic.counter("fos.link.rejections", LINK_REJECTIONS, l.deferred(), "peer", l.node(), "reason", "deferred");
            dynamic.gauge("fos.link.unacknowledged", "messages to a peer waiting for its acknowledgement", l.unacknowledged(), "peer", l.node());
        }
    }

    private void transports() {
        for (Map.Entry<TransportStats, Map<String, Object>> t : transports.entrySet()) {
            Object n = t.getValue().get(Transport.NAME_PROPERTY);
            String name = n == null ? "unnamed" : n.toString();
            for (TransportStats.PeerStats p : t.getKey().peers()) {
                dynamic.counter("fos.transport.bytes.sent", "bytes a transport sent to a peer", p.bytesOut(), "transport", name, "peer", p.node());
                dynamic.counter("fos.transport.bytes.received", "bytes a transport received from a peer", p.bytesIn(), "transport", name,
                        "peer", p.node());
                dynamic.counter("fos.transport.frames.sent", "frames a transport sent to a peer", p.framesOut(), "transport", name, "peer",
                        p.node());
                dynamic.counter("fos.transport.frames.received", "frames a transport received from a peer", p.framesIn(), "transport", name,
                        "peer", p.node());
                dynamic.gauge("fos.transport.queued.bytes", "bytes waiting to be sent to a peer", p.queuedBytes(), "transport", name, "peer",
                        p.node());
                dynamic.gauge("fos.transport.connected", "1 while a connection to the peer is established", p.connected() ? 1 : 0, "transport",
                        name, "peer", p.node());
            }
            for (Map.Entry<String, Long> c : t.getKey().counters().entrySet()) {
                String key = c.getKey();
                if (key.startsWith("fault.")) {
                    dynamic.counter("fos.transport.faults", "frames, connections or messages a transport refused, by reason", c.getValue(),
                            "transport", name, "reason", key.substring("fault.".length()));
                } else if (key.startsWith("refused")) {
                    dynamic.counter("fos.transport.refusals", "messages a transport could not take, by reason (the kernel keeps them)",
                            c.getValue(), "transport", name, "reason", key.substring("refused".length()));
                } else if (!TRAFFIC.contains(key)) {
                    dynamic.counter("fos.transport.events", "a transport's other counters (connections accepted, dialled, ...)", c.getValue(),
                            "transport", name, "event", key);
                }
            }
        }
    }
}
