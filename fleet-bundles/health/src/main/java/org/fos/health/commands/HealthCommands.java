package org.fos.health.commands;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.felix.hc.api.Result;
import org.apache.felix.hc.api.ResultLog;
import org.apache.felix.hc.api.execution.HealthCheckExecutionResult;
import org.apache.felix.hc.api.execution.HealthCheckExecutor;
import org.apache.felix.hc.api.execution.HealthCheckSelector;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The health command, scope {@code fos}: runs the node's health checks (those tagged {@code fos})
 * and returns their outcome; {@code /system/health} serves the same checks over HTTP.
 */
@Component(service = HealthCommands.class)
@GogoCommand(scope = "fos", function = {"health"})
public final class HealthCommands {
    /** The tag of the checks the command runs. */
    static final String TAG = "fos";

    private final HealthCheckExecutor executor;

    /**
     * Creates the command.
     *
     * @param executor Felix's health check executor
     */
    @Activate
    public HealthCommands(@Reference HealthCheckExecutor executor) {
        this.executor = executor;
    }

    /**
     * Runs the node's health checks.
     *
     * @return {@code overall} (the worst status), then one entry a check: its status and what it found
     */
    @Descriptor("run this node's health checks (joined, fleets serving, links up, disk space): the worst status, then each check's")
    public Map<String, String> health() {
        return report(executor.execute(HealthCheckSelector.tags(TAG)));
    }

    /**
     * Runs the health checks that carry a tag.
     *
     * @param tag a tag, such as {@code disk}, {@code fleets}, {@code transport} or {@code cluster}
     * @return as {@link #health()}
     */
    @Descriptor("run the health checks that carry a tag")
    public Map<String, String> health(@Descriptor("a tag: fos, cluster, fleets, replication, transport or disk") String tag) {
        if (tag == null || tag.isBlank()) {
            throw new IllegalArgumentException("the tag is empty: use fos, cluster, fleets, replication, transport or disk");
        }
        List<HealthCheckExecutionResult> results = executor.execute(HealthCheckSelector.tags(tag.strip()));
        if (results.isEmpty()) {
            throw new IllegalArgumentException("no health check carries the tag '" + tag + "': use fos, cluster, fleets, replication, transport or disk");
        }
        return report(results);
    }

    static Map<String, String> report(List<HealthCheckExecutionResult> results) {
        Map<String, String> out = new LinkedHashMap<>();
        Result.Status worst = Result.Status.OK;
        for (HealthCheckExecutionResult r : results) {
            if (r.getHealthCheckResult().getStatus().ordinal() > worst.ordinal()) {
                worst = r.getHealthCheckResult().getStatus();
            }
        }
        out.put("overall", worst.name());
        for (HealthCheckExecutionResult r : results) {
            StringBuilder text = new StringBuilder(r.getHealthCheckResult().getStatus().name());
            for (ResultLog.Entry e : r.getHealthCheckResult()) {
                if (e.getStatus() != Result.Status.OK || !e.isDebug()) {
                    text.append(" | ").append(e.getStatus() == Result.Status.OK ? "" : e.getStatus() + " ").append(e.getMessage());
                }
            }
            out.put(key(r.getHealthCheckMetadata().getName()), text.toString());
        }
        return out;
    }

    /** A check's name as one word: {@code fos fleets serving} becomes {@code fleetsServing}. */
    static String key(String name) {
        String[] words = name.replaceFirst("^fos ", "").split("[^A-Za-z0-9]+");
        StringBuilder b = new StringBuilder();
        for (String w : words) {
            if (w.isEmpty()) {
                continue;
            }
            b.append(b.length() == 0 ? w.toLowerCase(java.util.Locale.ROOT) : Character.toUpperCase(w.charAt(0)) + w.substring(1));
        }
        return b.toString();
    }
}
