package org.fos.sched.impl;

import org.fos.kernel.api.Kernel;
import org.fos.sched.api.Policy;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One fleet's placement policy from this node's configuration (factory PID {@value #PID}, one
 * configuration a fleet, for example {@code etc/org.fos.sched.policy-work.cfg} or {@code fos:policy}):
 * the node's agent sets it in {@code /sys/sched} at the node's start and at every change. A
 * configuration that is not valid is logged with what is wrong and set nowhere.
 */
@Component(service = PolicyConfig.class, configurationPid = PolicyConfig.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = PolicyConfig.Config.class, factory = true)
public final class PolicyConfig {
    private static final Logger LOG = LoggerFactory.getLogger(PolicyConfig.class);
    /** The factory PID. */
    public static final String PID = "org.fos.sched.policy";

    /** The settings. */
    @ObjectClassDefinition(name = "fos placement policy", description = "Where the members of one fleet run over the nodes of the"
            + " cluster, decided by the scheduling fleet /sys/sched. Every node that runs the fleet keeps one member.")
    public @interface Config {
        /**
         * The fleet.
         *
         * @return its name
         */
        @AttributeDefinition(description = "The fleet's name, such as /app/work")
        String fleet();

        /**
         * The kind.
         *
         * @return spread, pack, affinity or anti_affinity
         */
        @AttributeDefinition(description = "Where the members go", options = {
            @Option(value = "spread", label = "evenly over the nodes, extra ones on the least loaded"),
            @Option(value = "pack", label = "on as few nodes as fit, most free cores first"),
            @Option(value = "affinity", label = "beside the members of the fleet named by affinity"),
            @Option(value = "anti_affinity", label = "one member a node")})
        String kind() default "spread";

        /**
         * The members.
         *
         * @return how many over all nodes
         */
        @AttributeDefinition(description = "Members over all the nodes that run the fleet (at least one a node is kept)", min = "1",
                max = "1024")
        int members() default 2;

        /**
         * The fleet to stay beside.
         *
         * @return its name, or empty
         */
        @AttributeDefinition(description = "For the affinity kind: the fleet whose nodes are preferred", required = false)
        String affinity() default "";

        /**
         * Whether the policy applies.
         *
         * @return false to keep it without deciding
         */
        @AttributeDefinition(description = "False keeps the policy but decides nothing: the nodes give the fleet back to its own sizing")
        boolean enabled() default true;
    }

    private final Policy policy;
    private final String problem;

    /**
     * Reads and checks a configuration.
     *
     * @param config the configuration
     * @param kernel the kernel, for the node's id
     */
    @Activate
    public PolicyConfig(Config config, @Reference Kernel kernel) {
        Policy p = null;
        String why = null;
        try {
            p = SchedMember.check(parse(config.fleet(), config.kind(), config.members(), config.affinity(), config.enabled(),
                    source(kernel.nodeId())));
        } catch (IllegalArgumentException e) {
            why = e.getMessage();
            LOG.error("placement policy configuration {} is not used: {}", PID, why);
        }
        this.policy = p;
        this.problem = why;
    }

    /** The source every configured policy of a node names. */
    static String source(String node) {
        return "configuration " + PID + " on " + node;
    }

    /**
     * Builds a policy from words, as a configuration or a shell command gives them.
     *
     * @throws IllegalArgumentException if the kind is not one of the four
     */
    static Policy parse(String fleet, String kind, int members, String affinity, boolean enabled, String source) {
        Policy.Kind k;
        try {
            k = Policy.Kind.valueOf(kind == null ? "" : kind.trim().toUpperCase().replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("placement policy of " + fleet + ": kind '" + kind
                    + "' is not one of spread, pack, affinity, anti_affinity");
        }
        String a = affinity == null || affinity.isBlank() ? null : affinity.trim();
        return new Policy(fleet == null ? null : fleet.trim(), k, members, a, enabled, source, 0);
    }

    /**
     * The policy.
     *
     * @return it, or null if the configuration is not valid
     */
    Policy policy() {
        return policy;
    }

    /**
     * What is wrong with the configuration.
     *
     * @return the problem, or null
     */
    String problem() {
        return problem;
    }
}
