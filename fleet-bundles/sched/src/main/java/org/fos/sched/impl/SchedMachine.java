package org.fos.sched.impl;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.fos.fleet.api.FleetState;
import org.fos.fleet.api.StateMachine;
import org.fos.sched.api.Decided;
import org.fos.sched.api.Decision;
import org.fos.sched.api.NodeReport;
import org.fos.sched.api.Placement;
import org.fos.sched.api.Policy;
import org.fos.sched.api.SchedView;
import org.fos.sched.api.Scheduler;
import org.fos.sched.log.Commands;

/**
 * The scheduler's state, one replicated group: the nodes' latest reports, the policies, the
 * placements and the latest decisions. Every change takes the next revision; a placement changes
 * only if the decision names the revision it replaces, so whatever the deciders do, a fleet has one
 * placement. Time is the writers' clocks carried in the commands, never the replica's own, so every
 * replica applies the same log the same way. Called from one thread at a time.
 */
final class SchedMachine implements StateMachine {
    /** The state layout this version writes and reads. */
    static final int LAYOUT = 1;
    /** A report this far behind the newest makes its node stale: listed, not placed on. */
    static final long STALE_MILLIS = 10_000;
    /** A report this far behind the newest is forgotten. */
    static final long FORGET_MILLIS = 600_000;
    static final int EVENTS_KEPT = 64;

    private long revision;
    private long newestReport;
    private final TreeMap<String, NodeReport> nodes = new TreeMap<>();
    private final TreeMap<String, Policy> policies = new TreeMap<>();
    private final TreeMap<String, Placement> placements = new TreeMap<>();
    private final ArrayDeque<String> events = new ArrayDeque<>();

    @Override
    public Object apply(Object command, long index) {
        if (command instanceof Commands.Report r) {
            return report(r.report());
        }
        if (command instanceof Commands.SetPolicy s) {
            Policy p = s.policy();
            Policy kept = new Policy(p.fleet(), p.kind(), p.members(), p.affinity(), p.enabled(), p.source(), ++revision);
            Policy before = policies.put(p.fleet(), kept);
            event("policy of " + p.fleet() + (before == null ? " set: " : " changed: ") + describe(kept) + " (" + p.source() + ")");
            return kept;
        }
        if (command instanceof Commands.RemovePolicy r) {
            boolean had = policies.remove(r.fleet()) != null;
            if (had) {
                placements.remove(r.fleet());
                revision++;
                event("policy and placement of " + r.fleet() + " removed");
            }
            return had;
        }
        if (command instanceof Commands.Decide d) {
            return decide(d.decision(), d.atMillis());
        }
        throw new IllegalArgumentException("the scheduling fleet has no command " + (command == null ? "null" : command.getClass().getName()));
    }

    private long report(NodeReport r) {
        newestReport = Math.max(newestReport, r.atMillis());
        if (!nodes.containsKey(r.node()) && nodes.size() >= Scheduler.MAX_NODES) {
            String oldest = null;
            for (NodeReport n : nodes.values()) {
                if (oldest == null || n.atMillis() < nodes.get(oldest).atMillis()) {
                    oldest = n.node();
                }
            }
            nodes.remove(oldest);
        }
        nodes.put(r.node(), r);
        nodes.values().removeIf(n -> newestReport - n.atMillis() > FORGET_MILLIS);
        return ++revision;
    }

    private Decided decide(Decision d, long atMillis) {
        Placement now = placements.get(d.fleet());
        long current = now == null ? 0 : now.revision();
        if (!policies.containsKey(d.fleet())) {
            event("decision of " + d.decidedOn() + " for " + d.fleet() + " refused: the fleet has no policy any more");
            return new Decided(false, now);
        }
        if (current != d.basedOn()) {
            event("decision of " + d.decidedOn() + " for " + d.fleet() + " refused: based on placement " + d.basedOn() + ", but "
                    + current + " is in force");
            return new Decided(false, now);
        }
        for (String node : d.members().keySet()) {
            if (!nodes.containsKey(node)) {
                event("decision of " + d.decidedOn() + " for " + d.fleet() + " refused: node " + node + " has not reported");
                return new Decided(false, now);
            }
        }
        Placement taken = new Placement(d.fleet(), ++revision, d.members(), d.reason(), d.decidedOn(), atMillis);
        placements.put(d.fleet(), taken);
        event("placement " + taken.revision() + " of " + d.fleet() + " by " + d.decidedOn() + ": " + new TreeMap<>(d.members()) + " ("
                + d.reason() + ")");
        return new Decided(true, taken);
    }

    private void event(String what) {
        if (events.size() == EVENTS_KEPT) {
            events.removeFirst();
        }
        events.addLast("r" + revision + " " + what);
    }

    static String describe(Policy p) {
        return p.kind().name().toLowerCase() + ", " + p.members() + " members" + (p.affinity() == null ? "" : ", beside " + p.affinity())
                + (p.enabled() ? "" : ", switched off");
    }

    @Override
    public Object query(Object query) {
        if (query instanceof Commands.View) {
            return view();
        }
        throw new IllegalArgumentException("the scheduling fleet has no query " + (query == null ? "null" : query.getClass().getName()));
    }

    SchedView view() {
        List<String> stale = new ArrayList<>();
        for (NodeReport n : nodes.values()) {
            if (newestReport - n.atMillis() > STALE_MILLIS) {
                stale.add(n.node());
            }
        }
        return new SchedView(revision, new ArrayList<>(nodes.values()), stale, new ArrayList<>(policies.values()),
                new ArrayList<>(placements.values()), new ArrayList<>(events));
    }

    // ---------------------------------------------------------------- snapshots

    @Override
    public FleetState snapshot() {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("revision", revision);
        data.put("newestReport", newestReport);
        data.put("nodes", StateCodec.reports(nodes.values()));
        data.put("policies", StateCodec.policies(policies.values()));
        data.put("placements", StateCodec.placements(placements.values()));
        data.put("events", new ArrayList<>(events));
        return new FleetState(LAYOUT, data);
    }

    @Override
    public void restore(FleetState snapshot) {
        if (snapshot.version() != LAYOUT) {
            throw new IllegalArgumentException("the scheduling fleet reads state layout " + LAYOUT + ", not " + snapshot.version());
        }
        StateCodec.Fields f = new StateCodec.Fields(snapshot.data(), "state");
        long rev = f.number("revision");
        long newest = f.number("newestReport");
        List<NodeReport> reports = StateCodec.reports(f.list("nodes"));
        List<Policy> ps = StateCodec.policies(f.list("policies"));
        List<Placement> pls = StateCodec.placements(f.list("placements"));
        List<String> evs = StateCodec.strings(f.list("events"), "state.events");
        nodes.clear();
        policies.clear();
        placements.clear();
        events.clear();
        revision = rev;
        newestReport = newest;
        reports.forEach(r -> nodes.put(r.node(), r));
        ps.forEach(p -> policies.put(p.fleet(), p));
        pls.forEach(p -> placements.put(p.fleet(), p));
        events.addAll(evs);
    }
}
