package org.fos.sched.log;

import java.util.Set;

import org.fos.sched.api.Decided;
import org.fos.sched.api.Decision;
import org.fos.sched.api.FleetLoad;
import org.fos.sched.api.NodeReport;
import org.fos.sched.api.Placement;
import org.fos.sched.api.Policy;
import org.fos.sched.api.SchedView;

/**
 * What the scheduling members write into the group's log and ask its state machine: the log's
 * format, which every version carries as it is. Each command carries the writer's clock, so that
 * every replica applies it the same way.
 */
public final class Commands {

    private Commands() {
    }

    /**
     * A node's report.
     *
     * @param report the report
     */
    public record Report(NodeReport report) {
    }

    /**
     * Sets a fleet's policy.
     *
     * @param policy the policy (its revision is ignored)
     */
    public record SetPolicy(Policy policy) {
    }

    /**
     * Removes a fleet's policy and placement.
     *
     * @param fleet the fleet's name
     */
    public record RemovePolicy(String fleet) {
    }

    /**
     * A placement, taken if the fleet's placement is still the one it was based on.
     *
     * @param decision the decision
     * @param atMillis the deciding node's clock
     */
    public record Decide(Decision decision, long atMillis) {
    }

    /** Reads the whole state. */
    public record View() {
    }

    /** Every type the log and the answers carry. */
    public static final Set<Class<?>> TYPES = Set.of(Report.class, SetPolicy.class, RemovePolicy.class, Decide.class, View.class,
            NodeReport.class, FleetLoad.class, Policy.class, Policy.Kind.class, Decision.class, Decided.class, Placement.class,
            SchedView.class);
}
