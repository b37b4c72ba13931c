package org.fos.benchmarks.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.openjdk.jmh.runner.options.TimeValue;

/**
 * One benchmark result of a JMH JSON file (one method, one set of parameters, all forks), reduced
 * to what the report needs. Immutable.
 *
 * @param benchmark the short name, {@code Class.method} (or {@code Class.group} for a group)
 * @param params the parameters
 * @param mode JMH's mode: {@code sample}, {@code avgt}, {@code thrpt}, ...
 * @param settings forks, warm-up and measurement, as JMH ran them
 * @param jvm the JVM, as JMH saw it
 * @param threads the benchmark threads JMH ran
 * @param primary the primary metric
 * @param secondary the secondary metrics (profilers, auxiliary counters), by name
 * @param compileShare the largest share of a fork's measured time that the JIT spent compiling during its measurement
 *        iterations but the last, which holds the trial's teardown ({@value #COMPILER_TIME}, JMH's {@code comp} profiler:
 *        the benchmark's JVM only); NaN where the run lacks that metric or its iterations have no fixed time (single-shot)
 */
record JmhResult(String benchmark, Map<String, String> params, String mode, String settings, String jvm, int threads, Metric primary,
        Map<String, Metric> secondary, double compileShare) {

    /** The secondary metric of JMH's {@code comp} profiler: milliseconds of compilation during each measurement iteration. */
    static final String COMPILER_TIME = "compiler.time.profiled";

    /**
     * A result whose compilation during the measurement was not measured.
     *
     * @param benchmark the short name
     * @param params the parameters
     * @param mode JMH's mode
     * @param settings forks, warm-up and measurement
     * @param jvm the JVM
     * @param threads the benchmark threads
     * @param primary the primary metric
     * @param secondary the secondary metrics
     */
    JmhResult(String benchmark, Map<String, String> params, String mode, String settings, String jvm, int threads, Metric primary,
            Map<String, Metric> secondary) {
        this(benchmark, params, mode, settings, jvm, threads, primary, secondary, Double.NaN);
    }

    /**
     * One metric.
     *
     * @param score JMH's score (the mean for sample mode)
     * @param error JMH's 99.9% half-interval, NaN when it has none
     * @param unit the unit, for example {@code ns/op}
     * @param p50 the median of all samples (sample mode) or of all iterations
     * @param p99 the 99th percentile of all samples (sample mode), else NaN
     * @param forkMedians the median of each fork, in fork order
     * @param iterationP50s the median of each measurement iteration (sample mode), else each iteration's score
     * @param iterationP99s the 99th percentile of each measurement iteration (sample mode), else empty
     */
    record Metric(double score, double error, String unit, double p50, double p99, double[] forkMedians, double[] iterationP50s,
            double[] iterationP99s) {

        /**
         * Tells whether the medians of the forks are more than {@code factor} apart.
         *
         * @param factor for example 5
         * @return true if the largest fork median exceeds the smallest times the factor
         */
        boolean jumps(double factor) {
            if (forkMedians.length < 2) {
                return false;
            }
            double min = Arrays.stream(forkMedians).min().orElse(0);
            double max = Arrays.stream(forkMedians).max().orElse(0);
            return min > 0 ? max / min > factor : max > 0;
        }
    }

    /** The pseudo-parameter of {@link #matches} that names JMH's mode ({@code sample}, {@code thrpt}, ...). */
    static final String MODE = "mode";
    /** The pseudo-parameter of {@link #matches} that names JMH's thread count. */
    static final String THREADS = "threads";

    /**
     * Reads one element of a JMH JSON result array.
     *
     * @param node the element
     * @return the result
     */
    static JmhResult of(JsonNode node) {
        String full = node.get("benchmark").asText();
        String[] parts = full.split("\\.");
        String name = parts[parts.length - 2] + "." + parts[parts.length - 1];
        Map<String, String> params = new LinkedHashMap<>();
        JsonNode p = node.get("params");
        if (p != null) {
            p.properties().forEach(e -> params.put(e.getKey(), e.getValue().asText()));
        }
        String settings = node.get("forks").asInt() + " forks, warm-up " + node.get("warmupIterations").asInt() + " x "
                + node.get("warmupTime").asText() + ", measurement " + node.get("measurementIterations").asInt() + " x "
                + node.get("measurementTime").asText() + ", " + node.get("threads").asInt() + " thread(s)";
        String jvm = node.get("vmName").asText() + " " + node.get("vmVersion").asText() + " (JDK " + node.get("jdkVersion").asText()
                + "), JMH " + node.get("jmhVersion").asText() + options(node.get("jvmArgs"));
        Map<String, Metric> secondary = new LinkedHashMap<>();
        JsonNode s = node.get("secondaryMetrics");
        if (s != null) {
            s.properties().forEach(e -> secondary.put(e.getKey(), metric(e.getValue())));
        }
        return new JmhResult(name, params, node.get("mode").asText(), settings, jvm, node.get("threads").asInt(),
                metric(node.get("primaryMetric")), secondary, compileShare(s, node.get("measurementTime")));
    }

    /**
     * The largest share of a fork's measured time the JIT compiled: the fork's milliseconds of {@value #COMPILER_TIME} over
     * its iterations' time, the last iteration left out where there are more (it holds the trial's teardown).
     */
    private static double compileShare(JsonNode secondary, JsonNode measurementTime) {
        JsonNode compiled = secondary == null ? null : secondary.get(COMPILER_TIME);
        JsonNode raw = compiled == null ? null : compiled.get("rawData");
        double iterationMillis = measurementTime == null ? Double.NaN : millis(measurementTime.asText());
        if (raw == null || !(iterationMillis > 0)) {
            return Double.NaN;
        }
        double largest = Double.NaN;
        for (JsonNode fork : raw) {
            // JMH runs the trial's @TearDown inside the last iteration, as the profiler sees it: what the JIT compiles
            // for the teardown (stopping nodes, closing a file system) is no part of the measurement
            int counted = fork.size() > 1 ? fork.size() - 1 : fork.size();
            double millis = 0;
            for (int i = 0; i < counted; i++) {
                millis += fork.get(i).asDouble();
            }
            if (counted > 0) {
                double share = millis / (counted * iterationMillis);
                largest = Double.isNaN(largest) ? share : Math.max(largest, share);
            }
        }
        return largest;
    }

    /**
     * JMH's time value ({@code "1 s"}, {@code "500 ms"}) in milliseconds, read by JMH's own {@link TimeValue#fromString};
     * NaN for anything else ({@code "single-shot"}).
     */
    static double millis(String timeValue) {
        try {
            TimeValue t = TimeValue.fromString(timeValue);
            return t.getTimeUnit().toNanos(t.getTime()) / 1e6;
        } catch (IllegalArgumentException e) {
            return Double.NaN;
        }
    }

    private static String options(JsonNode jvmArgs) {
        if (jvmArgs == null || jvmArgs.isEmpty()) {
            return "";
        }
        StringBuilder text = new StringBuilder(", options");
        jvmArgs.forEach(a -> text.append(' ').append(a.asText()));
        return text.toString();
    }

    private static Metric metric(JsonNode m) {
        double score = m.get("score").asDouble();
        double error = m.get("scoreError").isNumber() ? m.get("scoreError").asDouble() : Double.NaN;
        String unit = m.get("scoreUnit").asText();
        JsonNode histograms = m.get("rawDataHistogram");
        if (histograms != null) {
            List<double[]> all = new ArrayList<>();
            double[] forks = new double[histograms.size()];
            List<Double> iterationP50s = new ArrayList<>();
            List<Double> iterationP99s = new ArrayList<>();
            for (int f = 0; f < histograms.size(); f++) {
                List<double[]> fork = new ArrayList<>();
                for (JsonNode iteration : histograms.get(f)) {
                    List<double[]> bins = new ArrayList<>();
                    for (JsonNode bin : iteration) {
                        bins.add(new double[] {bin.get(0).asDouble(), bin.get(1).asDouble()});
                    }
                    iterationP50s.add(percentile(bins, 50));
                    iterationP99s.add(percentile(bins, 99));
                    fork.addAll(bins);
                }
                forks[f] = percentile(fork, 50);
                all.addAll(fork);
            }
            return new Metric(score, error, unit, percentile(all, 50), percentile(all, 99), forks, array(iterationP50s),
                    array(iterationP99s));
        }
        JsonNode raw = m.get("rawData");
        List<Double> all = new ArrayList<>();
        double[] forks = new double[raw == null ? 0 : raw.size()];
        for (int f = 0; f < forks.length; f++) {
            double[] values = new double[raw.get(f).size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = raw.get(f).get(i).asDouble();
                all.add(values[i]);
            }
            forks[f] = median(values);
        }
        return new Metric(score, error, unit, median(array(all)), Double.NaN, forks, array(all), new double[0]);
    }

    private static double[] array(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** The percentile of a histogram given as (value, count) pairs. */
    private static double percentile(List<double[]> bins, double percent) {
        if (bins.isEmpty()) {
            return Double.NaN;
        }
        List<double[]> sorted = new ArrayList<>(bins);
        sorted.sort((a, b) -> Double.compare(a[0], b[0]));
        double total = 0;
        for (double[] b : sorted) {
            total += b[1];
        }
        double rank = Math.ceil(percent / 100.0 * total);
        double seen = 0;
        for (double[] b : sorted) {
            seen += b[1];
            if (seen >= rank) {
                return b[0];
            }
        }
        return sorted.get(sorted.size() - 1)[0];
    }

    private static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    /**
     * Tells whether this is the result of a benchmark with the given parameters.
     *
     * @param name {@code Class.method}
     * @param wanted parameters that must match, others are ignored; {@value #MODE} and {@value #THREADS}
     *        match JMH's mode and thread count unless the benchmark has parameters of those names
     * @return true if it matches
     */
    boolean matches(String name, Map<String, String> wanted) {
        if (!benchmark.equals(name)) {
            return false;
        }
        for (Map.Entry<String, String> e : wanted.entrySet()) {
            String actual = params.get(e.getKey());
            if (actual == null && e.getKey().equals(MODE)) {
                actual = mode;
            } else if (actual == null && e.getKey().equals(THREADS)) {
                actual = Integer.toString(threads);
            }
            if (!e.getValue().equals(actual)) {
                return false;
            }
        }
        return true;
    }
}
