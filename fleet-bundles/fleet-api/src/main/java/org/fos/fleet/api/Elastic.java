package org.fos.fleet.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * Makes a {@link Fleet} elastic on each node that runs it: the node's fleet runtime adds a member
 * when the members' queues were deeper than {@link #depth()} calls a member for at least 80% of the
 * last {@link #periodMillis()}, up to {@link #max()}, and removes one when for {@link #idleMillis()} nothing has queued and the
 * members were busy less than half the time the remaining ones could give, down to {@link #min()}.
 * After a change it waits a full period again before the next, so it does not flap.
 *
 * <p>Adding or removing a member loses no call: a new member serves before its name is published;
 * a leaving member is first marked {@link org.fos.kernel.api.Names#DRAINING_PROPERTY draining}, so
 * resolutions stop picking it while the calls already sent to it are answered, and its name goes
 * only once its mailbox has stayed empty. Members must therefore not hold state of their own: an
 * elastic fleet shares one instance among its members, or its instances keep no state
 * (a {@link Stateful} prototype-scope fleet, or a {@link Replicated} one, is refused).
 *
 * <p>Configuration (ConfigAdmin, the component's PID) may override each property;
 * {@code fos.elastic.enabled=false} switches the scaling off for the fleet (its members stay as
 * they are), as does the fleet runtime's {@code fixedFleets}. {@code fos:sched} shows what it does.
 *
 * <pre>
 * &#64;Component(service = Resizer.class)
 * &#64;Fleet(name = "/sys/resize", members = 1)
 * &#64;Elastic(min = 1, max = 4, depth = 8)
 * public class ResizeMember implements Resizer { ... }
 * </pre>
 */
@ComponentPropertyType
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface Elastic {

    /** The prefix of the service properties. */
    String PREFIX_ = "fos.elastic.";

    /** Service property: the fewest members. */
    String MIN = "fos.elastic.min";
    /** Service property: the most members. */
    String MAX = "fos.elastic.max";
    /** Service property: the queue depth a member above which the fleet grows. */
    String DEPTH = "fos.elastic.depth";
    /** Service property: how long the depth must stay above target before a member is added, ms. */
    String PERIOD = "fos.elastic.periodMillis";
    /** Service property: how long the fleet must stay idle before a member is removed, ms. */
    String IDLE = "fos.elastic.idleMillis";
    /** Service property: {@code false} switches the scaling off. */
    String ENABLED = "fos.elastic.enabled";

    /**
     * The fewest members, from 1 to {@link #max()}.
     *
     * @return the minimum
     */
    int min() default 1;

    /**
     * The most members, from {@link #min()} to 64.
     *
     * @return the maximum
     */
    int max();

    /**
     * The target: queued calls a member (not counting the one it runs). Above it for at least 80%
     * of the last {@link #periodMillis()}, the fleet grows.
     *
     * @return calls, at least 1
     */
    int depth() default 4;

    /**
     * The period over which the queues are judged (above {@link #depth()} for at least 80% of it
     * adds a member), and the least time between two changes.
     *
     * @return milliseconds, from 100 to 3,600,000
     */
    long periodMillis() default 1000;

    /**
     * How long the fleet must stay idle before a member is removed.
     *
     * @return milliseconds, from 100 to 3,600,000
     */
    long idleMillis() default 5000;

    /**
     * Whether the runtime scales the fleet.
     *
     * @return false to keep the members as they are
     */
    boolean enabled() default true;
}
