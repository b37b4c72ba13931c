package org.fos.health.impl;

import java.util.List;

import org.apache.felix.hc.api.HealthCheck;
import org.apache.felix.hc.api.Result;
import org.fos.cluster.api.Membership;
import org.fos.cluster.api.NodeInfo;
import org.fos.kernel.api.Kernel;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * Whether this node has joined its cluster: it is among the nodes its membership lists (a node of
 * its own is a cluster of one). CRITICAL when the membership does not list it (its ZooKeeper
 * session is gone, or it never got one) or there is no membership at all.
 */
@Component(service = HealthCheck.class, property = {HealthCheck.NAME + "=" + NodeJoinedCheck.NAME,
        HealthCheck.TAGS + "=" + Checks.TAG, HealthCheck.TAGS + "=cluster"})
public final class NodeJoinedCheck implements HealthCheck {
    /** The check's name. */
    static final String NAME = "fos node joined";

    private final Kernel kernel;
    private volatile Membership membership;

    /**
     * Creates the check.
     *
     * @param kernel the kernel, for this node's id
     */
    @Activate
    public NodeJoinedCheck(@Reference Kernel kernel) {
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

    @Override
    public Result execute() {
        Membership m = membership;
        if (m == null) {
            return new Result(Result.Status.CRITICAL, "node " + kernel.nodeId() + " has no membership service: the cluster bundle is not running");
        }
        return judge(kernel.nodeId(), m.nodes());
    }

    static Result judge(String node, List<NodeInfo> nodes) {
        List<String> ids = nodes.stream().map(NodeInfo::id).toList();
        if (!ids.contains(node)) {
            return new Result(Result.Status.CRITICAL, "node " + node + " is not among the cluster's nodes " + ids
                    + ": it has lost (or never had) its place in the membership");
        }
        return new Result(Result.Status.OK, "node " + node + " is one of " + ids.size() + " node(s): " + ids);
    }
}
