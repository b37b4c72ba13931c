package org.fos.fleet.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * Makes a {@link Fleet} replicated: its state is kept by Raft groups (Apache Ratis) instead of by
 * its members' instances. The state is partitioned into {@link #groups()} groups; each group is a
 * {@link StateMachine} replicated on {@link #replicas()} nodes that run the fleet, its log and
 * snapshots durable under each node's {@code data/raft}. Writes commit through the group's log and
 * reads are linearizable unless the fleet asks for less (see {@link Replicas}). The component must
 * also implement {@link ReplicatedFleet}. Configuration (ConfigAdmin, the component's PID) may
 * override both properties.
 *
 * <pre>
 * &#64;Component(service = KeyValue.class, scope = ServiceScope.PROTOTYPE)
 * &#64;Fleet(name = "/sys/kv", members = 2)
 * &#64;Replicated(groups = 8, replicas = 3)
 * public class KeyValueMember implements KeyValue, ReplicatedFleet { ... }
 * </pre>
 */
@ComponentPropertyType
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface Replicated {

    /** The prefix of the service properties. */
    String PREFIX_ = "fos.replicated.";

    /** Service property: how many groups the state is partitioned into. */
    String GROUPS = "fos.replicated.groups";
    /** Service property: on how many nodes each group is kept. */
    String REPLICAS = "fos.replicated.replicas";

    /**
     * How many groups the fleet's state is partitioned into, from 1 to 256. Fixed when the fleet
     * first starts in a cluster: later versions and later nodes keep the first number.
     *
     * @return the group count
     */
    int groups() default 8;

    /**
     * On how many nodes each group is kept, from 1 to 7: a group stays available while a majority
     * of them is up. Where fewer nodes run the fleet, each group is on all of them (one on a single
     * node); when more nodes join, groups grow to this number.
     *
     * @return the replication factor
     */
    int replicas() default 3;
}
