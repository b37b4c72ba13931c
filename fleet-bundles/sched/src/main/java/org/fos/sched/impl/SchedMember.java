package org.fos.sched.impl;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;

import org.fos.fleet.api.FleetRuntime;
import org.fos.fleet.api.Fleet;
import org.fos.fleet.api.Replicas;
import org.fos.fleet.api.Replicated;
import org.fos.fleet.api.ReplicatedFleet;
import org.fos.fleet.api.StateMachine;
import org.fos.kernel.api.Address;
import org.fos.kernel.api.Names;
import org.fos.sched.api.Decided;
import org.fos.sched.api.Decision;
import org.fos.sched.api.FleetLoad;
import org.fos.sched.api.NodeReport;
import org.fos.sched.api.Policy;
import org.fos.sched.api.SchedView;
import org.fos.sched.api.Scheduler;
import org.fos.sched.log.Commands;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ServiceScope;

/**
 * One member of the scheduling fleet: it checks a call's arguments and writes it into the one
 * replicated group ({@link SchedMachine}), or reads the group linearizably. It holds nothing itself;
 * the group's replicas are on up to three nodes ({@code fos.replicated.replicas} of ConfigAdmin PID
 * {@code org.fos.sched.fleet}).
 */
@Component(service = Scheduler.class, scope = ServiceScope.PROTOTYPE, configurationPid = "org.fos.sched.fleet")
@Fleet(name = Scheduler.NAME, members = 1)
@Replicated(groups = 1, replicas = 3)
public final class SchedMember implements Scheduler, ReplicatedFleet {
    /** The longest text a reason or source may have. */
    static final int MAX_TEXT = 512;

    private volatile Replicas replicas;

    @Override
    public StateMachine newStateMachine(int group) {
        return new SchedMachine();
    }

    @Override
    public Set<Class<?>> commandTypes() {
        return Commands.TYPES;
    }

    @Override
    public void replicas(Replicas r) {
        this.replicas = r;
    }

    private Replicas group() {
        Replicas r = replicas;
        if (r == null) {
            throw new IllegalStateException("this member has no group yet: it is not bound by a fleet runtime");
        }
        return r;
    }

    // ---------------------------------------------------------------- checks

    static NodeReport check(NodeReport r) {
        if (r == null) {
            throw new IllegalArgumentException("the report is missing");
        }
        Address.requireValidNodeId(r.node());
        if (r.cores() < 1 || r.cores() > 65_536) {
            throw new IllegalArgumentException("report of " + r.node() + ": cores must be from 1 to 65536, was " + r.cores());
        }
        if (Double.isNaN(r.load()) || r.load() < -1 || r.load() > 1e6) {
            throw new IllegalArgumentException("report of " + r.node() + ": load must be -1 (none) or from 0 to 1e6, was " + r.load());
        }
        if (r.atMillis() <= 0) {
            throw new IllegalArgumentException("report of " + r.node() + ": atMillis must be a time, was " + r.atMillis());
        }
        if (r.fleets().size() > MAX_FLEETS) {
            throw new IllegalArgumentException("report of " + r.node() + " lists " + r.fleets().size() + " fleets, more than " + MAX_FLEETS);
        }
        Set<String> seen = new HashSet<>();
        for (FleetLoad f : r.fleets()) {
            if (f == null) {
                throw new IllegalArgumentException("report of " + r.node() + " lists a fleet that is null");
            }
            Names.requireValidName(f.fleet());
            if (!seen.add(f.fleet())) {
                throw new IllegalArgumentException("report of " + r.node() + " lists fleet " + f.fleet() + " twice");
            }
            if (f.serving() < 0 || f.queued() < 0) {
                throw new IllegalArgumentException("report of " + r.node() + ": fleet " + f.fleet() + " has a negative count");
            }
        }
        return r;
    }

    static Policy check(Policy p) {
        if (p == null) {
            throw new IllegalArgumentException("the policy is missing");
        }
        Names.requireValidName(p.fleet());
        if (isSystem(p.fleet())) {
            throw new IllegalArgumentException("fleet " + p.fleet() + " is a system fleet: its members are sized by its own configuration,"
                    + " not placed");
        }
        if (p.kind() == null) {
            throw new IllegalArgumentException("policy of " + p.fleet() + ": the kind is missing (spread, pack, affinity, anti_affinity)");
        }
        if (p.members() < 1 || p.members() > MAX_MEMBERS) {
            throw new IllegalArgumentException("policy of " + p.fleet() + ": members must be from 1 to " + MAX_MEMBERS + ", was " + p.members());
        }
        if (p.kind() == Policy.Kind.AFFINITY) {
            if (p.affinity() == null) {
                throw new IllegalArgumentException("policy of " + p.fleet() + ": affinity needs the fleet to stay beside");
            }
            Names.requireValidName(p.affinity());
            if (p.affinity().equals(p.fleet())) {
                throw new IllegalArgumentException("policy of " + p.fleet() + ": a fleet cannot be placed beside itself");
            }
        } else if (p.affinity() != null) {
            throw new IllegalArgumentException("policy of " + p.fleet() + ": only the affinity kind names another fleet");
        }
        text(p.source(), "policy of " + p.fleet() + ": source");
        return p;
    }

    /** Whether a fleet is the system's own (under /sys or /dev): those are never placed. */
    static boolean isSystem(String fleet) {
        return fleet.startsWith("/sys/") || fleet.startsWith("/dev/");
    }

    static Decision check(Decision d) {
        if (d == null) {
            throw new IllegalArgumentException("the decision is missing");
        }
        Names.requireValidName(d.fleet());
        Address.requireValidNodeId(d.decidedOn());
        if (d.basedOn() < 0) {
            throw new IllegalArgumentException("decision for " + d.fleet() + ": basedOn must not be negative, was " + d.basedOn());
        }
        if (d.members().isEmpty() || d.members().size() > MAX_NODES) {
            throw new IllegalArgumentException("decision for " + d.fleet() + " places on " + d.members().size() + " nodes: from 1 to "
                    + MAX_NODES);
        }
        for (Map.Entry<String, Integer> e : d.members().entrySet()) {
            Address.requireValidNodeId(e.getKey());
            if (e.getValue() == null || e.getValue() < 1 || e.getValue() > FleetRuntime.MAX_PLACED) {
                throw new IllegalArgumentException("decision for " + d.fleet() + ": node " + e.getKey() + " gets " + e.getValue()
                        + " members, not from 1 to " + FleetRuntime.MAX_PLACED);
            }
        }
        text(d.reason(), "decision for " + d.fleet() + ": reason");
        return d;
    }

    private static void text(String s, String what) {
        if (s == null || s.isBlank()) {
            throw new IllegalArgumentException(what + " is missing");
        }
        if (s.length() > MAX_TEXT) {
            throw new IllegalArgumentException(what + " is " + s.length() + " characters, more than " + MAX_TEXT);
        }
    }

    // ---------------------------------------------------------------- Scheduler

    @Override
    public long report(NodeReport report) {
        throw servedByTwin("report");
    }

    @Override
    public CompletionStage<Long> reportAsync(NodeReport report) {
        return group().write(0, new Commands.Report(check(report)), Long.class);
    }

    @Override
    public Policy setPolicy(Policy policy) {
        throw servedByTwin("setPolicy");
    }

    @Override
    public CompletionStage<Policy> setPolicyAsync(Policy policy) {
        return group().write(0, new Commands.SetPolicy(check(policy)), Policy.class);
    }

    @Override
    public boolean removePolicy(String fleet) {
        throw servedByTwin("removePolicy");
    }

    @Override
    public CompletionStage<Boolean> removePolicyAsync(String fleet) {
        return group().write(0, new Commands.RemovePolicy(Names.requireValidName(fleet)), Boolean.class);
    }

    @Override
    public Decided decide(Decision decision) {
        throw servedByTwin("decide");
    }

    @Override
    public CompletionStage<Decided> decideAsync(Decision decision) {
        return group().write(0, new Commands.Decide(check(decision), System.currentTimeMillis()), Decided.class);
    }

    @Override
    public SchedView view() {
        throw servedByTwin("view");
    }

    @Override
    public CompletionStage<SchedView> viewAsync() {
        return group().read(0, new Commands.View(), SchedView.class);
    }

    /** A synchronous method reached directly: libfos serves it through its asynchronous twin. */
    private static IllegalStateException servedByTwin(String method) {
        return new IllegalStateException(method + " is served by " + method + "Async: call it through libfos");
    }

    @Override
    public String toString() {
        return "scheduling member over " + (replicas == null ? "no group" : replicas.groups() + " group");
    }
}
