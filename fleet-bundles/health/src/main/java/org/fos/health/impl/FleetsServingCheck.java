package org.fos.health.impl;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import org.apache.felix.hc.api.FormattingResultLog;
import org.apache.felix.hc.api.HealthCheck;
import org.apache.felix.hc.api.Result;
import org.fos.fleet.api.FleetInfo;
import org.fos.fleet.api.FleetRuntime;
import org.fos.kernel.api.Names;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Whether every fleet of this node serves: each fleet the runtime runs, and each fleet the
 * configuration names ({@code fleets}, PID {@value #PID}) whether it runs or not. A fleet being
 * upgraded or rolled back is WARN (requests queue for a moment); a paused fleet (no implementation
 * bound), a replicated one that waits for this node's replication service, or a named one that this
 * node does not run, is CRITICAL.
 */
@Component(service = HealthCheck.class, configurationPid = FleetsServingCheck.PID, property = {
        HealthCheck.NAME + "=" + FleetsServingCheck.NAME, HealthCheck.TAGS + "=" + Checks.TAG, HealthCheck.TAGS + "=fleets"})
@Designate(ocd = FleetsServingCheck.Config.class)
public final class FleetsServingCheck implements HealthCheck {
    /** The configuration PID. */
    public static final String PID = "org.fos.health.fleets";
    /** The check's name. */
    static final String NAME = "fos fleets serving";

    /** Which fleets must serve here. */
    @ObjectClassDefinition(name = "fos health: fleets serving", description = "Which fleets must serve on this node.")
    public @interface Config {
        /**
         * Fleets that must run here.
         *
         * @return fleet names
         */
        @AttributeDefinition(description = "Fleets that must run and serve on this node, besides every fleet it runs: one that does not"
                + " run here is CRITICAL (its bundle failed, or it was excluded). Names, or one string of names separated by commas.")
        String[] fleets() default {};
    }

    private final FleetRuntime runtime;
    private volatile List<String> required;

    /**
     * Creates the check.
     *
     * @param runtime this node's fleet runtime
     * @param config which fleets must serve
     */
    @Activate
    public FleetsServingCheck(@Reference FleetRuntime runtime, Config config) {
        this.runtime = runtime;
        this.required = names(config.fleets());
    }

    @Modified
    void modified(Config config) {
        this.required = names(config.fleets());
    }

    /** The names of a configuration: a list, or strings of names separated by commas; each must be a valid name. */
    static List<String> names(String[] entries) {
        TreeSet<String> out = new TreeSet<>();
        for (String e : entries) {
            for (String n : e.split(",")) {
                String name = n.strip();
                if (!name.isEmpty()) {
                    try {
                        Names.requireValidName(name);
                    } catch (IllegalArgumentException ex) {
                        throw new IllegalArgumentException("fleets: " + ex.getMessage(), ex);
                    }
                    out.add(name);
                }
            }
        }
        return List.copyOf(out);
    }

    @Override
    public Result execute() {
        return judge(runtime.fleets(), required);
    }

    static Result judge(Collection<FleetInfo> running, List<String> required) {
        FormattingResultLog log = new FormattingResultLog();
        Map<String, FleetInfo> byName = new TreeMap<>();
        for (FleetInfo f : running) {
            byName.put(f.name(), f);
        }
        List<String> missing = new ArrayList<>();
        for (String r : required) {
            if (!byName.containsKey(r)) {
                missing.add(r);
            }
        }
        if (!missing.isEmpty()) {
            log.critical("{} must serve on this node but do(es) not run here", missing);
        }
        int serving = 0;
        for (FleetInfo f : byName.values()) {
            switch (f.status()) {
                case SERVING -> serving++;
                case UPGRADING -> log.warn("{} is being upgraded: requests queue until version {} is replaced", f.name(), f.version());
                case ROLLING_BACK -> log.warn("{} is rolling back a failed upgrade: requests queue", f.name());
                case PAUSED -> log.critical("{} is paused: no implementation is bound, its requests queue", f.name());
                case WAITING -> log.critical("{} does not run here: {}", f.name(), f.detail());
                case REMOVED -> {
                    // removed on purpose (its bundle uninstalled) unless this node must serve it
                    if (required.contains(f.name())) {
                        log.critical("{} must serve on this node but was removed: {}", f.name(), f.detail());
                    } else {
                        log.warn("{} was removed: {}", f.name(), f.detail());
                    }
                }
                default -> log.critical("{} is {}", f.name(), f.status());
            }
        }
        if (byName.isEmpty()) {
            log.warn("this node runs no fleet");
        }
        log.info("{} of {} fleet(s) serve on this node: {}", serving, byName.size(), byName.keySet());
        return Checks.of(log);
    }
}
