package org.fos.sched.impl;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.fos.fleet.api.FleetInfo;
import org.fos.fleet.api.FleetRuntime;
import org.fos.fleet.api.GroupInfo;
import org.fos.fleet.api.MemberInfo;
import org.fos.fleet.api.PlacedMembers;
import org.fos.kernel.api.Kernel;
import org.fos.rpc.api.CallOptions;
import org.fos.rpc.api.Libfos;
import org.fos.sched.api.Decided;
import org.fos.sched.api.Decision;
import org.fos.sched.api.FleetLoad;
import org.fos.sched.api.NodeReport;
import org.fos.sched.api.Placement;
import org.fos.sched.api.Policy;
import org.fos.sched.api.SchedView;
import org.fos.sched.api.Scheduler;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's part in the scheduling: every period, on a thread of its own, it reports the node to
 * {@code /sys/sched}, sets the policies of the node's configuration there, decides the placements
 * if this node leads the scheduler's group, and has the node's fleet runtime follow the placements
 * that name it ({@link FleetRuntime#place}). A decision is a compare-and-set on the placement's
 * revision: a decider that dies half-way, or two that think they lead, leave one placement.
 */
@Component(service = SchedAgent.class, immediate = true, configurationPid = SchedAgent.PID)
@Designate(ocd = SchedAgent.Config.class)
public final class SchedAgent {
    private static final Logger LOG = LoggerFactory.getLogger(SchedAgent.class);
    /** The configuration PID. */
    public static final String PID = "org.fos.sched";

    /** The settings. */
    @ObjectClassDefinition(name = "fos scheduling agent", description = "How this node takes part in the scheduling fleet /sys/sched.")
    public @interface Config {
        /**
         * The period.
         *
         * @return milliseconds between rounds
         */
        @AttributeDefinition(description = "Milliseconds between two rounds (report, policies, decisions, placements): 100 to 60000",
                min = "100", max = "60000")
        long periodMillis() default 1000;

        /**
         * Whether this node follows the placements.
         *
         * @return false to report only
         */
        @AttributeDefinition(description = "False: this node reports but neither decides nor follows placements (its fleets keep"
                + " their own sizing)")
        boolean enabled() default true;
    }

    private final FleetRuntime runtime;
    private final String node;
    private final Scheduler scheduler;
    private final boolean enabled;
    private final ScheduledExecutorService thread;
    private final Map<PolicyConfig, Boolean> configs = new ConcurrentHashMap<>();
    private final Set<String> withdrawn = ConcurrentHashMap.newKeySet();
    /** On the agent's thread only: what this node set of each configured policy, why fleets could not be placed. */
    private final Map<String, Policy> pushed = new HashMap<>();
    /** Fleets whose runtime refused a placement: the version refused, so that a later version is tried again. */
    private final Map<String, String> unfit = new HashMap<>();
    private volatile String lastProblem;
    private volatile SchedView lastView;

    /**
     * Starts the agent.
     *
     * @param config the settings
     * @param runtime the node's fleet runtime
     * @param libfos libfos, for the calls to {@code /sys/sched}
     * @param kernel the kernel, for the node's id
     */
    @Activate
    public SchedAgent(Config config, @Reference FleetRuntime runtime, @Reference Libfos libfos, @Reference Kernel kernel) {
        if (config.periodMillis() < 100 || config.periodMillis() > 60_000) {
            throw new IllegalArgumentException(PID + ": periodMillis must be from 100 to 60000, was " + config.periodMillis());
        }
        this.runtime = runtime;
        this.node = kernel.nodeId();
        this.enabled = config.enabled();
        this.scheduler = libfos.proxy(Scheduler.class, Scheduler.NAME,
                CallOptions.DEFAULT.withTimeout(Duration.ofMillis(Math.max(2_000, 2 * config.periodMillis()))));
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "fos-sched-agent");
            t.setDaemon(true);
            return t;
        });
        thread.scheduleWithFixedDelay(this::round, config.periodMillis(), config.periodMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stops the agent; the fleets it placed go back to their own sizing. */
    @Deactivate
    void stop() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (PlacedMembers p : runtime.placed()) {
            try {
                runtime.unplace(p.fleet());
            } catch (RuntimeException e) {
                LOG.debug("fleet {} went before it was given back its own sizing", p.fleet(), e);
            }
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addPolicy(PolicyConfig c) {
        configs.put(c, Boolean.TRUE);
        if (c.policy() != null) {
            withdrawn.remove(c.policy().fleet());
        }
    }

    void removePolicy(PolicyConfig c) {
        configs.remove(c);
        if (c.policy() != null) {
            withdrawn.add(c.policy().fleet());
        }
    }

    // ---------------------------------------------------------------- for the shell

    /**
     * Reads the scheduler's state now.
     *
     * @return the state, read linearizably
     */
    public SchedView view() {
        return scheduler.view();
    }

    /**
     * Returns one fleet's placement.
     *
     * @param fleet the fleet's name
     * @return the placement in force
     * @throws IllegalArgumentException if the fleet has none
     */
    public Placement placement(String fleet) {
        SchedView view = scheduler.view();
        Placement p = view.placement(fleet);
        if (p == null) {
            throw new IllegalArgumentException("fleet " + fleet + " has no placement: " + Planner.whyUnplaced(view, fleet));
        }
        return p;
    }

    /**
     * Sets a fleet's policy from the shell.
     *
     * @param fleet the fleet's name
     * @param kind the kind's name
     * @param members the members over all nodes
     * @param affinity the fleet to stay beside, or null
     * @return the policy as kept
     * @throws IllegalArgumentException if the policy is not valid
     */
    public Policy policy(String fleet, String kind, int members, String affinity) {
        Policy p = SchedMember.check(PolicyConfig.parse(fleet, kind, members, affinity, true, "fos:policy on " + node));
        return scheduler.setPolicy(p);
    }

    /**
     * Switches a fleet's policy off or on, or removes it, from the shell.
     *
     * @param fleet the fleet's name
     * @param action off, on or remove
     * @return what was done
     * @throws IllegalArgumentException if the action is not one of the three or the fleet has no policy
     */
    public String policy(String fleet, String action) {
        String a = action == null ? "" : action.trim().toLowerCase();
        if (a.equals("remove")) {
            return scheduler.removePolicy(fleet) ? "policy and placement of " + fleet + " removed"
                    : "fleet " + fleet + " had no policy";
        }
        if (!a.equals("on") && !a.equals("off")) {
            throw new IllegalArgumentException("'" + action + "' is not off, on or remove");
        }
        Policy there = policy(scheduler.view(), fleet);
        if (there == null) {
            throw new IllegalArgumentException("fleet " + fleet + " has no placement policy to switch " + a);
        }
        Policy kept = scheduler.setPolicy(new Policy(there.fleet(), there.kind(), there.members(), there.affinity(), a.equals("on"),
                "fos:policy on " + node, 0));
        return "policy of " + fleet + " switched " + a + ": " + SchedMachine.describe(kept);
    }

    /**
     * The policies of this node's configuration, and the problems of those that are not valid.
     *
     * @return one line a configuration
     */
    public List<String> configured() {
        List<String> out = new ArrayList<>();
        for (PolicyConfig c : configs.keySet()) {
            out.add(c.policy() != null ? c.policy().fleet() + ": " + SchedMachine.describe(c.policy()) : "not used: " + c.problem());
        }
        out.sort(null);
        return out;
    }

    /**
     * What went wrong in the latest round.
     *
     * @return the problem, or null if the round went through
     */
    public String lastProblem() {
        return lastProblem;
    }

    /**
     * The scheduler's state as the latest round read it.
     *
     * @return the view, or null before the first
     */
    SchedView lastView() {
        return lastView;
    }

    /** The scheduler this agent calls. */
    Scheduler scheduler() {
        return scheduler;
    }

    /** The node's id. */
    String node() {
        return node;
    }

    // ---------------------------------------------------------------- a round

    private void round() {
        try {
            scheduler.report(report());
            SchedView view = scheduler.view();
            if (pushPolicies(view)) {
                view = scheduler.view();
            }
            if (enabled && leads()) {
                view = decide(view);
            }
            lastView = view;
            if (enabled) {
                follow(view);
            }
            lastProblem = null;
        } catch (RuntimeException e) {
            String problem = e.toString();
            if (!problem.equals(lastProblem)) {
                LOG.warn("scheduling round on node {} did not go through: {}", node, problem);
            }
            lastProblem = problem;
        }
    }

    private NodeReport report() {
        Set<String> replicated = new HashSet<>();
        for (GroupInfo g : runtime.groups()) {
            replicated.add(g.fleet());
        }
        List<FleetLoad> fleets = new ArrayList<>();
        for (FleetInfo f : runtime.fleets()) {
            if (f.status() == FleetInfo.Status.REMOVED || f.status() == FleetInfo.Status.WAITING || fleets.size() == Scheduler.MAX_FLEETS) {
                continue;
            }
            int queued = 0;
            for (MemberInfo m : f.members()) {
                queued += m.depth();
            }
            boolean placeable = f.status() == FleetInfo.Status.SERVING && !replicated.contains(f.name()) && !SchedMember.isSystem(f.name())
                    && !String.valueOf(f.version()).equals(unfit.get(f.name()));
            fleets.add(new FleetLoad(f.name(), f.members().size(), queued, placeable));
        }
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return new NodeReport(node, Runtime.getRuntime().availableProcessors(), load < 0 ? -1 : load, System.currentTimeMillis(), fleets);
    }

    /**
     * Sets the configured policies that changed since this node last set them; withdraws removed ones.
     *
     * @param view the state read this round
     * @return whether it changed a policy
     */
    private boolean pushPolicies(SchedView view) {
        boolean changed = false;
        for (PolicyConfig c : configs.keySet()) {
            Policy p = c.policy();
            if (p == null || same(pushed.get(p.fleet()), p)) {
                continue;
            }
            if (!pushed.containsKey(p.fleet())) {
                // the first time since this node started: a policy set since by someone else stays
                Policy there = policy(view, p.fleet());
                if (there != null && !there.source().equals(p.source())) {
                    LOG.info("placement policy of {} configured on node {} not set: {} set it since ({})", p.fleet(), node, there.source(),
                            SchedMachine.describe(there));
                    pushed.put(p.fleet(), p);
                    continue;
                }
            }
            Policy kept = scheduler.setPolicy(p);
            pushed.put(p.fleet(), kept);
            changed = true;
            LOG.info("placement policy of {} set from node {}'s configuration: {}", p.fleet(), node, SchedMachine.describe(kept));
        }
        for (String fleet : List.copyOf(withdrawn)) {
            Policy there = policy(view, fleet);
            if (there != null && there.source().equals(PolicyConfig.source(node))) {
                scheduler.removePolicy(fleet);
                changed = true;
                LOG.info("placement policy of {} removed with node {}'s configuration", fleet, node);
            }
            withdrawn.remove(fleet);
            pushed.remove(fleet);
        }
        return changed;
    }

    private static boolean same(Policy a, Policy b) {
        return a != null && b != null && a.kind() == b.kind() && a.members() == b.members() && a.enabled() == b.enabled()
                && java.util.Objects.equals(a.affinity(), b.affinity());
    }

    private static Policy policy(SchedView view, String fleet) {
        for (Policy p : view.policies()) {
            if (p.fleet().equals(fleet)) {
                return p;
            }
        }
        return null;
    }

    private boolean leads() {
        for (GroupInfo g : runtime.groups()) {
            if (g.fleet().equals(Scheduler.NAME)) {
                return node.equals(g.leader());
            }
        }
        return false;
    }

    /** Decides every enabled policy whose plan differs from its placement; the view after. */
    private SchedView decide(SchedView view) {
        boolean changed = false;
        for (Policy p : view.policies()) {
            if (!p.enabled()) {
                continue;
            }
            Map<String, Integer> plan = Planner.plan(p, view);
            Placement now = view.placement(p.fleet());
            if (plan.isEmpty() || now != null && now.members().equals(plan)) {
                continue;
            }
            String reason = SchedMachine.describe(p) + " over " + plan.size() + " node" + (plan.size() == 1 ? "" : "s");
            Decided d = scheduler.decide(new Decision(p.fleet(), now == null ? 0 : now.revision(), plan, reason, node));
            changed = true;
            if (d.taken()) {
                LOG.info("placement {} of {} decided on node {}: {}", d.placement().revision(), p.fleet(), node, plan);
            } else {
                LOG.info("placement of {} decided on node {} not taken: placement {} is in force", p.fleet(), node,
                        d.placement() == null ? 0 : d.placement().revision());
            }
        }
        return changed ? scheduler.view() : view;
    }

    /** Has the runtime follow the placements that name this node, and gives back fleets no longer placed. */
    private void follow(SchedView view) {
        Set<String> enabledPolicies = new HashSet<>();
        for (Policy p : view.policies()) {
            if (p.enabled()) {
                enabledPolicies.add(p.fleet());
            }
        }
        Set<String> here = new HashSet<>();
        for (Placement p : view.placements()) {
            int n = p.on(node);
            FleetInfo fleet = runtime.fleet(p.fleet());
            if (n == 0 || !enabledPolicies.contains(p.fleet()) || fleet == null) {
                continue;
            }
            try {
                runtime.place(p.fleet(), n, "placement " + p.revision() + " by " + p.decidedOn() + ": " + p.reason());
                here.add(p.fleet());
                unfit.remove(p.fleet());
            } catch (IllegalArgumentException e) {
                if (!String.valueOf(fleet.version()).equals(unfit.put(p.fleet(), String.valueOf(fleet.version())))) {
                    LOG.warn("node {} does not follow placement {} of {}: {}", node, p.revision(), p.fleet(), e.getMessage());
                }
            }
        }
        for (PlacedMembers p : runtime.placed()) {
            if (!here.contains(p.fleet())) {
                runtime.unplace(p.fleet());
            }
        }
    }
}
