package org.fos.benchmarks.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.fos.benchmarks.CoreDistanceProfiler;

/**
 * What the core probe ({@link CoreDistanceProfiler}) measured around the measured iterations of a result: the round trip
 * of a cache line between two threads before and after each iteration, which says how far apart the host kept the
 * cores (ADR 0118). A side whose probes spread by more than {@link #MOVED_FACTOR} ran while the host moved the cores:
 * where that shows in its figures, the report shows its iterations on each side of the split.
 */
final class CoreDistance {

    /** Probes of one side spread by more than this are a move of the cores, not noise. */
    static final double MOVED_FACTOR = 3;

    private CoreDistance() {
    }

    /**
     * The probes of each measured iteration, in the order of the primary metric's iteration figures.
     *
     * @param result a result
     * @return {before, after} a row, nanoseconds (an iteration one of whose probes got no figure has the other twice;
     *         null where neither did); empty if the run did not probe (or the counts do not line up)
     */
    static double[][] probes(JmhResult result) {
        JmhResult.Metric before = result.secondary().get(CoreDistanceProfiler.BEFORE);
        JmhResult.Metric after = result.secondary().get(CoreDistanceProfiler.AFTER);
        if (before == null || after == null) {
            return new double[0][];
        }
        double[] b = before.iterationP50s();
        double[] a = after.iterationP50s();
        int n = result.primary().iterationP50s().length;
        if (b.length != n || a.length != n) {
            return new double[0][];
        }
        double[][] out = new double[n][];
        for (int i = 0; i < n; i++) {
            // a probe that got no figure (0) takes the iteration's other one; an iteration with neither has none
            double first = b[i] > 0 ? b[i] : a[i];
            double last = a[i] > 0 ? a[i] : b[i];
            out[i] = first > 0 ? new double[] {first, last} : null;
        }
        return out;
    }

    /**
     * The smallest and the largest probe of a result.
     *
     * @param result a result
     * @return {min, max}, or null if it was not probed
     */
    static double[] range(JmhResult result) {
        double[][] p = probes(result);
        if (Arrays.stream(p).allMatch(it -> it == null)) {
            return null;
        }
        double min = Double.MAX_VALUE;
        double max = 0;
        for (double[] it : p) {
            for (double v : it == null ? new double[0] : it) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        return new double[] {min, max};
    }

    /**
     * The row's line on the cores: the probes' range on each side.
     *
     * @param label the comparison
     * @param fos the fos side's result or null
     * @param baseline the baseline's result or null
     * @return the sentence, or null if neither side was probed
     */
    static String line(String label, JmhResult fos, JmhResult baseline) {
        double[] f = fos == null ? null : range(fos);
        double[] b = baseline == null ? null : range(baseline);
        if (f == null && b == null) {
            return null;
        }
        List<String> parts = new ArrayList<>();
        if (f != null) {
            parts.add("fos side " + span(f));
        }
        if (b != null) {
            parts.add("baseline " + span(b));
        }
        return label + ": " + String.join(", ", parts);
    }

    /**
     * Says where the two sides of a comparison ran with the cores at different distances: every probe of one side more
     * than {@link #MOVED_FACTOR} times every probe of the other.
     *
     * @param fos the fos side's result
     * @param baseline the baseline's result
     * @return the sentence, or null if either side was not probed or their probes are within that of each other
     */
    static String unlike(JmhResult fos, JmhResult baseline) {
        double[] f = fos == null ? null : range(fos);
        double[] b = baseline == null ? null : range(baseline);
        if (f == null || b == null) {
            return null;
        }
        if (f[0] > MOVED_FACTOR * b[1]) {
            return "the fos side ran with the cores apart (" + span(f) + ") and the baseline with them close (" + span(b) + ")";
        }
        if (b[0] > MOVED_FACTOR * f[1]) {
            return "the fos side ran with the cores close (" + span(f) + ") and the baseline with them apart (" + span(b) + ")";
        }
        return null;
    }

    /**
     * Says how a side's figures split where the host moved its cores: its iterations with both probes under the split
     * (the geometric mean of the smallest and the largest probe), those with both over it, and how many changed between.
     * Only where the move shows in the figures: every figure of one group above every figure of the other (a baseline
     * of one thread, which the cores' distance does not touch, gets no note).
     *
     * @param side "the fos side" or "the baseline"
     * @param result the side's result
     * @return the sentence, or null if the side's probes stayed within {@link #MOVED_FACTOR}, one group is empty, or
     *         the groups' figures overlap
     */
    static String moved(String side, JmhResult result) {
        double[] r = range(result);
        if (r == null || !(r[1] > MOVED_FACTOR * r[0])) {
            return null;
        }
        double split = Math.sqrt(r[0] * r[1]);
        double[][] p = probes(result);
        double[] figures = result.primary().iterationP50s();
        List<Double> near = new ArrayList<>();
        List<Double> apart = new ArrayList<>();
        int changed = 0;
        for (int i = 0; i < p.length; i++) {
            if (p[i] == null) {
                continue;
            }
            if (p[i][0] <= split && p[i][1] <= split) {
                near.add(figures[i]);
            } else if (p[i][0] > split && p[i][1] > split) {
                apart.add(figures[i]);
            } else {
                changed++;
            }
        }
        if (near.isEmpty() || apart.isEmpty() || !separate(near, apart)) {
            return null;
        }
        String unit = result.primary().unit();
        String what = "sample".equals(result.mode()) ? "p50" : "score";
        return side + "'s probes ran from " + Format.time(r[0]) + " to " + Format.time(r[1]) + ": " + group(near, "close", what, unit)
                + "; " + group(apart, "apart", what, unit) + (changed == 0 ? "" : "; " + changed + " between, the cores moved during it");
    }

    /** Whether every figure of one group is above every figure of the other: the move shows in the figures. */
    private static boolean separate(List<Double> near, List<Double> apart) {
        double nearMin = near.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        double nearMax = near.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        double apartMin = apart.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        double apartMax = apart.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        return apartMin > nearMax || apartMax < nearMin;
    }

    private static String group(List<Double> figures, String where, String what, String unit) {
        if (figures.isEmpty()) {
            return "no iteration with the cores " + where;
        }
        double[] v = figures.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(v);
        String range = v.length == 1 ? Format.value(v[0], unit)
                : Format.value(v[0], unit) + " to " + Format.value(v[v.length - 1], unit);
        return v.length + (v.length == 1 ? " iteration" : " iterations") + " with the cores " + where + " (" + what + " " + range + ")";
    }

    /**
     * The run's summary: every probe of every result.
     *
     * @param results the run's results
     * @return the sentence, or null if the run did not probe
     */
    static String summary(List<JmhResult> results) {
        List<Double> all = new ArrayList<>();
        int none = 0;
        for (JmhResult r : results) {
            for (double[] it : probes(r)) {
                if (it == null) {
                    none++;
                } else {
                    all.add(it[0]);
                    all.add(it[1]);
                }
            }
        }
        if (all.isEmpty()) {
            return null;
        }
        double[] v = all.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double min = v[0];
        long apart = Arrays.stream(v).filter(x -> x > MOVED_FACTOR * min).count();
        return "Cores: a cache line's round trip between two threads, probed before and after each measured iteration"
                + " (CoreDistanceProfiler, ADR 0118): " + v.length + " probes, " + Format.time(min) + " to " + Format.time(v[v.length - 1])
                + ", median " + Format.time(v[v.length / 2]) + "; " + apart + " over " + Format.plain(MOVED_FACTOR)
                + "x the smallest (the host had moved the cores apart)" + (none == 0 ? "" : "; " + none
                        + " iterations without a figure (other threads held both cores through both probes)") + ".";
    }

    private static String span(double[] range) {
        return Format.time(range[0]) + (range[1] > range[0] ? " to " + Format.time(range[1]) : "");
    }
}
