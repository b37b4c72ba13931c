package org.fos.fleet.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * Makes a Declarative Services component a fleet implementation: its service properties
 * {@code fos.fleet.name}, {@code fos.fleet.members} and {@code fos.fleet.capacity}. The component
 * registers its protocol interface as its service; with {@code scope = ServiceScope.PROTOTYPE} each
 * member gets its own instance (for state partitioned among members), otherwise all members share
 * one, which must then be thread-safe. Configuration (ConfigAdmin, the component's PID) may override
 * the properties, for example {@code fos.fleet.members=4}.
 *
 * <pre>
 * &#64;Component(service = KeyValue.class, scope = ServiceScope.PROTOTYPE)
 * &#64;Fleet(name = "/sys/kv", members = 2)
 * public class KeyValueMember implements KeyValue, Stateful { ... }
 * </pre>
 */
@ComponentPropertyType
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface Fleet {

    /** The prefix of the service properties. */
    String PREFIX_ = "fos.fleet.";

    /** Service property: the fleet's name. */
    String NAME = "fos.fleet.name";
    /** Service property: how many members. */
    String MEMBERS = "fos.fleet.members";
    /** Service property: the class name of the members' private protocol ({@link #peers()}). */
    String PEERS = "fos.fleet.peers";
    /** Service property: the capacity of each member's mailbox. */
    String CAPACITY = "fos.fleet.capacity";

    /**
     * The name the fleet serves under, for example {@code /sys/kv}.
     *
     * @return the name
     */
    String name();

    /**
     * How many members the fleet has, from 1 to 64. Fixed when the fleet first starts: a later
     * version of the implementation takes over the same members.
     *
     * @return the member count
     */
    int members() default 1;

    /**
     * The capacity of each member's mailbox, in messages.
     *
     * @return the capacity
     */
    int capacity() default 4096;

    /**
     * The members' own protocol: an interface in a package the bundle does not export that extends
     * the fleet's protocol with the methods only members call on each other (mark them
     * {@code @Needs(Right.PEER)}). The members dispatch it, so they answer both; other bundles and
     * clients see only the exported protocol, and a call of a peer method without PEER is refused.
     * {@code Void} (the default): none.
     *
     * @return the interface, or {@code Void.class}
     */
    Class<?> peers() default Void.class;
}
