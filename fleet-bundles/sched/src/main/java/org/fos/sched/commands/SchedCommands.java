package org.fos.sched.commands;

import java.util.List;

import org.apache.felix.service.command.Descriptor;
import org.fos.sched.api.Placement;
import org.fos.sched.api.Policy;
import org.fos.sched.api.SchedView;
import org.fos.sched.impl.SchedAgent;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The scheduling fleet's shell commands: {@code fos:placement} shows the cluster's placements and the
 * state they were decided from, {@code fos:policy} sets or removes a fleet's placement policy.
 */
@Component(service = SchedCommands.class, property = {"osgi.command.scope=fos", "osgi.command.function=placement",
        "osgi.command.function=policy"})
public final class SchedCommands {

    private final SchedAgent shell;

    /**
     * Creates the commands.
     *
     * @param shell what the commands do
     */
    @Activate
    public SchedCommands(@Reference SchedAgent shell) {
        this.shell = shell;
    }

    /**
     * What {@code fos:placement} shows.
     *
     * @param view the scheduler's state, read now
     * @param configured the placement policies of this node's configuration ({@code org.fos.sched.policy}), and those not used and why
     * @param problem what went wrong in this node's latest scheduling round, or null
     */
    public record Placements(SchedView view, List<String> configured, String problem) {
    }

    /**
     * Shows the scheduling fleet's state.
     *
     * @return the nodes' reports, the policies, the placements and the latest decisions
     */
    @Descriptor("show the scheduling fleet /sys/sched: each node's latest report (cores, load, fleets' members and queues; stale"
            + " nodes are not placed on), the placement policies, the placement in force for each fleet (members a node, revision,"
            + " who decided and why) and the latest decisions; and this node's configured policies")
    public Placements placement() {
        return new Placements(shell.view(), shell.configured(), shell.lastProblem());
    }

    /**
     * Shows one fleet's placement.
     *
     * @param fleet the fleet's name
     * @return its placement
     */
    @Descriptor("show the placement in force for one fleet")
    public Placement placement(@Descriptor("the fleet's name, such as /app/work") String fleet) {
        return shell.placement(fleet);
    }

    /**
     * Sets a fleet's placement policy.
     *
     * @param fleet the fleet's name
     * @param kind spread, pack or anti_affinity
     * @param members the members over all nodes
     * @return the policy as kept
     */
    @Descriptor("set a fleet's placement policy, cluster-wide: the scheduler places its members at once")
    public Policy policy(@Descriptor("the fleet's name, such as /app/work") String fleet,
            @Descriptor("spread (evenly, extras on the least loaded nodes), pack (fewest nodes, most free cores first) or anti_affinity"
                    + " (one a node)") String kind,
            @Descriptor("members over all the nodes that run the fleet (each keeps at least one): 1 to 1024") int members) {
        return shell.policy(fleet, kind, members, null);
    }

    /**
     * Sets a fleet's placement policy beside another fleet.
     *
     * @param fleet the fleet's name
     * @param kind affinity
     * @param members the members over all nodes
     * @param affinity the fleet whose nodes are preferred
     * @return the policy as kept
     */
    @Descriptor("set a fleet's placement policy beside another fleet (kind affinity)")
    public Policy policy(@Descriptor("the fleet's name") String fleet, @Descriptor("affinity") String kind,
            @Descriptor("members over all the nodes that run the fleet: 1 to 1024") int members,
            @Descriptor("the fleet whose nodes are preferred") String affinity) {
        return shell.policy(fleet, kind, members, affinity);
    }

    /**
     * Switches a fleet's policy off or on, or removes it.
     *
     * @param fleet the fleet's name
     * @param action off, on or remove
     * @return what was done
     */
    @Descriptor("switch a fleet's placement policy off (the nodes give it back its own sizing) or on, or remove it")
    public String policy(@Descriptor("the fleet's name") String fleet, @Descriptor("off, on or remove") String action) {
        return shell.policy(fleet, action);
    }
}
