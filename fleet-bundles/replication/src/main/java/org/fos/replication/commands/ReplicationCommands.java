package org.fos.replication.commands;

import java.util.List;
import java.util.Map;

import org.apache.felix.service.command.Descriptor;
import org.fos.fleet.api.GroupInfo;
import org.fos.kernel.api.Names;
import org.fos.replication.impl.Move;
import org.fos.replication.impl.ReplicationComponent;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * The shell's view of the replication: {@code fos:groups}, {@code fos:replication} and {@code fos:move}.
 */
@Component(service = ReplicationCommands.class, property = {"osgi.command.scope=fos", "osgi.command.function=groups",
        "osgi.command.function=replication", "osgi.command.function=move"})
public final class ReplicationCommands {

    /** The node's replication, or null while it does not run (it failed to start: {@link ReplicationComponent#startFailure()}). */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ReplicationComponent replication;

    /** Creates the commands; SCR calls it. */
    public ReplicationCommands() {
    }

    /** The node's replication; if it does not run, an error that says why. */
    private ReplicationComponent running() {
        ReplicationComponent r = replication;
        if (r == null) {
            String why = ReplicationComponent.startFailure();
            throw new IllegalStateException("this node's replication does not run" + (why != null ? ": " + why
                    : " (its component has not started; scr:info org.fos.replication.impl.ReplicationComponent says why)"));
        }
        return r;
    }

    /**
     * Lists the groups of every replicated fleet on this node.
     *
     * @return one entry a group: its peers, leader, term, commit, applied and snapshot index, and on the leader each follower's lag
     */
    @Descriptor("list the Raft groups of the replicated fleets on this node: peers, leader, term, commit and applied index, lag")
    public List<GroupInfo> groups() {
        return running().groups(null);
    }

    /**
     * Lists the groups of one replicated fleet on this node.
     *
     * @param fleet the fleet's name
     * @return one entry a group
     */
    @Descriptor("list the Raft groups of one replicated fleet on this node")
    public List<GroupInfo> groups(@Descriptor("the fleet's name, for example /sys/kv") String fleet) {
        Names.requireValidName(fleet);
        List<GroupInfo> out = running().groups(fleet);
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no replicated fleet named " + fleet + " runs on this node");
        }
        return out;
    }

    /**
     * Shows this node's replication: its Raft endpoint, the replicas it keeps and its counters.
     *
     * @return the figures by name
     * @throws IllegalStateException if this node's replication does not run, saying why (ADR 0107)
     */
    @Descriptor("show this node's Raft endpoint, replica count and replication counters, or why its replication does not run")
    public Map<String, Object> replication() {
        return running().status();
    }

    /**
     * Moves one group's replica of a replicated fleet from one node to another while it serves.
     *
     * @param fleet the fleet's name
     * @param group the group's number
     * @param from the node that keeps a replica now
     * @param to the node that is to keep it instead
     * @return what the move did: the group's nodes before and after, who leads it, how long it took
     */
    @Descriptor("move a group's replica of a replicated fleet to another node while it serves: the new replica catches up, takes the"
            + " lead if the old one led, then the old one goes; placement keeps the group there")
    public Move move(@Descriptor("the fleet's name, for example /sys/kv") String fleet,
            @Descriptor("the group's number, as fos:groups shows it") int group,
            @Descriptor("the node that keeps a replica now") String from,
            @Descriptor("the node that is to keep it instead") String to) {
        return running().move(fleet, group, from, to);
    }
}
