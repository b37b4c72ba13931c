package org.fos.benchmarks.report;

import java.util.List;
import java.util.Map;

/**
 * One measured figure the report quotes: a benchmark with some of its parameters, and a metric of
 * it. Immutable.
 *
 * @param benchmark {@code Class.method}, or {@code Class.group} for a JMH group
 * @param params the parameters that pick the result
 * @param metric a secondary metric's name (an auxiliary counter), or null for the primary metric
 */
record Figure(String benchmark, Map<String, String> params, String metric) {

    /**
     * A benchmark's primary metric.
     *
     * @param benchmark {@code Class.method}
     * @param params parameter name and value pairs
     * @return the figure
     */
    static Figure of(String benchmark, String... params) {
        return new Figure(benchmark, pairs(params), null);
    }

    /**
     * A benchmark's secondary metric.
     *
     * @param metric the metric's name
     * @return the figure
     */
    Figure metric(String metric) {
        return new Figure(benchmark, params, metric);
    }

    private static Map<String, String> pairs(String... params) {
        if (params.length % 2 != 0) {
            throw new IllegalArgumentException("parameters come in name, value pairs: " + List.of(params));
        }
        Map<String, String> map = new java.util.LinkedHashMap<>();
        for (int i = 0; i < params.length; i += 2) {
            map.put(params[i], params[i + 1]);
        }
        return map;
    }

    /**
     * Finds the result this figure comes from.
     *
     * @param results every result of the run
     * @return the result, or null if the run has none
     */
    JmhResult find(List<JmhResult> results) {
        for (JmhResult r : results) {
            if (r.matches(benchmark, params)) {
                return r;
            }
        }
        return null;
    }

    /**
     * Returns the metric of a result.
     *
     * @param result the result {@link #find} returned
     * @return the metric, or null if the result lacks it
     */
    JmhResult.Metric of(JmhResult result) {
        return metric == null ? result.primary() : result.secondary().get(metric);
    }

    /**
     * Names the figure for a reader: benchmark, parameters, metric.
     *
     * @return the text
     */
    String describe() {
        StringBuilder s = new StringBuilder("`").append(benchmark);
        if (!params.isEmpty()) {
            s.append(' ').append(params.toString().replace("{", "").replace("}", ""));
        }
        if (metric != null) {
            s.append(" :").append(metric);
        }
        return s.append('`').toString();
    }
}
