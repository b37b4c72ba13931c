package org.fos.sched.api;

import java.util.concurrent.CompletionStage;

import org.fos.kernel.api.Right;
import org.fos.rpc.api.Deduplicated;
import org.fos.rpc.api.Idempotent;
import org.fos.rpc.api.Needs;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The scheduling fleet {@code /sys/sched}. Its state (the nodes' latest reports, the policies, the
 * placements) is one replicated group: every write goes through its Raft log, every read is
 * linearizable. A placement changes only by {@link #decide}, a compare-and-set on the placement's
 * revision, so that two schedulers deciding at once (or one that died half-way) can never leave a
 * fleet with two placements: one decision wins, the other is told what won.
 *
 * <p>The synchronous methods are served by their asynchronous twins; call the synchronous ones.
 */
@ProviderType
@Deduplicated
public interface Scheduler {

    /** The well-known name of the scheduling fleet. */
    String NAME = "/sys/sched";
    /** The most nodes the fleet keeps reports of. */
    int MAX_NODES = 256;
    /** The most fleets a report may list, and the most policies. */
    int MAX_FLEETS = 256;
    /** The most members a policy may ask for, over all nodes. */
    int MAX_MEMBERS = 1024;

    /**
     * Takes a node's report; nodes send one every period ({@code org.fos.sched}, {@code periodMillis}).
     *
     * @param report the report
     * @return the revision of the scheduler's state after it
     * @throws IllegalArgumentException if the report is not valid (a field out of range, too many fleets)
     */
    @Needs(Right.PEER)
    long report(NodeReport report);

    /**
     * See {@link #report}.
     *
     * @param report the report
     * @return the revision after it
     */
    @Needs(Right.PEER)
    CompletionStage<Long> reportAsync(NodeReport report);

    /**
     * Sets the placement policy of a fleet, replacing the one it had; the next decision follows it.
     *
     * @param policy the policy
     * @return the policy as kept, with its revision
     * @throws IllegalArgumentException if the policy is not valid
     */
    @Needs(Right.ADMIN)
    Policy setPolicy(Policy policy);

    /**
     * See {@link #setPolicy}.
     *
     * @param policy the policy
     * @return the policy as kept
     */
    @Needs(Right.ADMIN)
    CompletionStage<Policy> setPolicyAsync(Policy policy);

    /**
     * Removes the policy of a fleet and its placement: the nodes give the fleet back to its own sizing.
     *
     * @param fleet the fleet's name
     * @return whether it had one
     */
    @Needs(Right.ADMIN)
    boolean removePolicy(String fleet);

    /**
     * See {@link #removePolicy}.
     *
     * @param fleet the fleet's name
     * @return whether it had one
     */
    @Needs(Right.ADMIN)
    CompletionStage<Boolean> removePolicyAsync(String fleet);

    /**
     * Replaces a fleet's placement if it is still the one the decision was based on, the fleet still
     * has a policy and every node it names has reported; otherwise the decision is not taken, and the
     * outcome says which placement is in force.
     *
     * @param decision the new placement and the revision it replaces
     * @return whether it was taken, and the placement in force after it
     * @throws IllegalArgumentException if the decision is not valid (a bad name or node id, a count out of range)
     */
    @Needs(Right.PEER)
    Decided decide(Decision decision);

    /**
     * See {@link #decide}.
     *
     * @param decision the decision
     * @return the outcome
     */
    @Needs(Right.PEER)
    CompletionStage<Decided> decideAsync(Decision decision);

    /**
     * Returns the scheduler's state: reports, policies, placements and the latest decisions.
     *
     * @return the state, read linearizably
     */
    @Idempotent
    SchedView view();

    /**
     * See {@link #view}.
     *
     * @return the state
     */
    @Idempotent
    CompletionStage<SchedView> viewAsync();
}
