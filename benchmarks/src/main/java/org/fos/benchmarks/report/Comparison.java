package org.fos.benchmarks.report;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One line of a row's table: a fos figure beside a baseline figure of the same run, their ratio with
 * its interval over the iterations of every fork, and the verdict on the goal (ADR 0090). Immutable.
 *
 * @param label what is compared, for the reader
 * @param kind how the ratio is formed and judged
 * @param fos the fos figure
 * @param baseline the baseline figure (for {@link Kind#ALLOCATION}, the raw path's figure, shown for reference); null
 *        for {@link Kind#TIME}, which has none
 * @param goal the bound the ratio must meet (for {@link Kind#TIME}, the time in nanoseconds); NaN for a diagnostic
 *        line without a goal
 * @param whyMissed what holds fos back, shown when the goal is not met (missed, or undecided: the interval straddles
 *        it); it comes from profiling. Paragraphs
 *        (separated by a blank line) that several comparisons of a row share are shown once
 * @param baselineLowerBound whether the baseline is a lower bound of the fos side (fos is built on it, so it
 *        cannot be faster): a ratio that says fos is faster is implausible
 * @param withdrawn why the verdict is withdrawn (the ratio is shown, never a verdict), or null
 */
record Comparison(String label, Kind kind, Figure fos, Figure baseline, double goal, String whyMissed,
        boolean baselineLowerBound, String withdrawn) {

    /** How a comparison forms its ratio. */
    enum Kind {
        /** Times: ratio = fos / baseline (p50 for sample mode, else the mean); met if at most the goal. */
        LATENCY,
        /** Rates: ratio = fos / baseline; met if at least the goal. */
        THROUGHPUT,
        /** Times: ratio = baseline / fos, "times faster"; met if at least the goal. */
        SPEEDUP,
        /**
         * Bytes allocated per message: GC profiler's allocation rate over the message rate, the interval
         * from each iteration's; met if under one byte.
         */
        ALLOCATION,
        /** Medians of sample mode, ratio = fos / baseline: as {@link #LATENCY}, the figures shown as p50s. */
        P50,
        /** The 99th percentiles of sample mode, ratio = fos / baseline, the interval from each iteration's. */
        P99,
        /**
         * Rates, ratio = fos / baseline, with the interval that JMH's 99.9% error bars of both allow
         * (not the iterations'); met if all of it is at least the goal.
         */
        RATE,
        /**
         * A time of its own, without a baseline ({@link Comparison#time}): the median of every iteration of every
         * fork (of the samples in sample mode), with the interval from the smallest to the largest iteration; met if
         * the whole interval is at most the goal (nanoseconds).
         */
        TIME
    }

    /** The most two fork medians of one figure may differ by before the figure is flagged. */
    static final double JUMP_FACTOR = 5;

    /**
     * The most of a fork's measured time the JIT may spend compiling (JMH's {@code comp} profiler) before the figure is
     * flagged: beyond it the figure is not of the compiled code, and on 2 cores the compiler takes a core from it.
     */
    static final double COMPILING_SHARE = 0.20;
    /** The mark of a comparison whose figures were measured while the JIT still compiled. */
    static final String COMPILING = "FLAGGED: still compiling";

    /** The mark of a goal the whole interval meets. */
    static final String MET = "met";
    /** The mark of a goal the whole interval misses. */
    static final String MISSED = "MISSED";
    /** The mark of a goal the interval straddles. */
    static final String UNDECIDED = "undecided";
    /** The mark of a ratio that says fos beats a baseline it is built on. */
    static final String IMPLAUSIBLE = "implausible: re-measure";
    /** The mark of a comparison whose verdict is withdrawn. */
    static final String WITHDRAWN = "withdrawn";

    /**
     * A comparison whose baseline is not a lower bound of the fos side, with a verdict.
     *
     * @param label what is compared
     * @param kind how the ratio is formed
     * @param fos the fos figure
     * @param baseline the baseline figure
     * @param goal the goal, or NaN for a diagnostic line
     * @param whyMissed what holds fos back, or null
     */
    Comparison(String label, Kind kind, Figure fos, Figure baseline, double goal, String whyMissed) {
        this(label, kind, fos, baseline, goal, whyMissed, false, null);
    }

    /**
     * A time of fos's own, with no baseline to divide it by ({@link Kind#TIME}): the time a fleet takes
     * to react, say, whose floor is one of its settings rather than another program.
     *
     * @param label what is timed
     * @param figure the figure: single-shot times (one a trial), or a sample-mode result
     * @param goalNanos the most the whole interval may take, in nanoseconds; NaN for a diagnostic line
     * @param whyMissed what holds fos back, or null
     * @return the comparison
     */
    static Comparison time(String label, Figure figure, double goalNanos, String whyMissed) {
        return new Comparison(label, Kind.TIME, figure, null, goalNanos, whyMissed);
    }

    /**
     * Marks the baseline a lower bound of the fos side: the raw structure fos is built on.
     *
     * @return the comparison
     */
    Comparison lowerBound() {
        return new Comparison(label, kind, fos, baseline, goal, whyMissed, true, withdrawn);
    }

    /**
     * Withdraws the verdict: the ratio and its interval are shown, met or missed never.
     *
     * @param why why, shown with the row
     * @return the comparison
     */
    Comparison withdraw(String why) {
        return new Comparison(label, kind, fos, baseline, goal, whyMissed, baselineLowerBound, Objects.requireNonNull(why, "why"));
    }

    /**
     * The evaluated comparison, as the report prints it.
     *
     * @param fos the fos figure as text
     * @param baseline the baseline figure as text
     * @param ratio the ratio and its interval as text
     * @param goal the goal as text
     * @param mark {@value #MET}, {@value #MISSED}, {@value #UNDECIDED}, {@value #IMPLAUSIBLE},
     *        {@value #WITHDRAWN}, {@code FLAGGED}, {@value #COMPILING}, {@code not measured...} or {@code -} (diagnostic)
     * @param unmet whether the goal is not shown met ({@value #MISSED}, or {@value #UNDECIDED} by an interval that straddles
     *        it), so that the note {@link Comparison#whyMissed} applies
     */
    record Outcome(String fos, String baseline, String ratio, String goal, String mark, boolean unmet) {
    }

    /**
     * Evaluates the comparison against a run's results.
     *
     * @param results the run's results
     * @return the outcome
     */
    Outcome evaluate(List<JmhResult> results) {
        String goalText = goalText();
        if (kind == Kind.TIME) {
            return time(fos.find(results), goalText);
        }
        JmhResult f = fos.find(results);
        JmhResult b = baseline.find(results);
        if (f == null || b == null) {
            return new Outcome("-", "-", "-", goalText, "not measured: no result for "
                    + (f == null ? fos : baseline).describe() + " in this run", false);
        }
        if (kind == Kind.ALLOCATION) {
            return allocation(f, b, goalText);
        }
        JmhResult.Metric fm = fos.of(f);
        JmhResult.Metric bm = baseline.of(b);
        if (fm == null || bm == null) {
            return new Outcome("-", "-", "-", goalText, "not measured: metric " + (fm == null ? fos : baseline).describe()
                    + " missing", false);
        }
        if (fm.jumps(JUMP_FACTOR) || bm.jumps(JUMP_FACTOR)) {
            return new Outcome(Format.forks(fm), Format.forks(bm), "-", goalText, "FLAGGED", false);
        }
        double ratio;
        double low;
        double high;
        String fosText;
        String baseText;
        if (kind == Kind.RATE) {
            ratio = fm.score() / bm.score();
            double fe = Double.isNaN(fm.error()) ? 0 : fm.error();
            double be = Double.isNaN(bm.error()) ? 0 : bm.error();
            low = (fm.score() - fe) / (bm.score() + be);
            high = bm.score() > be ? (fm.score() + fe) / (bm.score() - be) : Double.POSITIVE_INFINITY;
            fosText = Format.figure(f, fm);
            baseText = Format.figure(b, bm);
        } else {
            boolean p99 = kind == Kind.P99;
            double[] fi = p99 ? fm.iterationP99s() : fm.iterationP50s();
            double[] bi = p99 ? bm.iterationP99s() : bm.iterationP50s();
            double fv = p99 ? fm.p99() : value(f, fm);
            double bv = p99 ? bm.p99() : value(b, bm);
            if (kind == Kind.SPEEDUP) {
                ratio = bv / fv;
                low = min(bi) / max(fi);
                high = max(bi) / min(fi);
            } else {
                ratio = fv / bv;
                low = min(fi) / max(bi);
                high = max(fi) / min(bi);
            }
            if (kind == Kind.P50 || kind == Kind.P99) {
                String name = p99 ? "p99 " : "p50 ";
                fosText = name + Format.value(fv, fm.unit());
                baseText = name + Format.value(bv, bm.unit());
            } else {
                fosText = Format.figure(f, fm);
                baseText = Format.figure(b, bm);
            }
        }
        low = Math.max(0, low);
        String ratioText = ratioText(ratio) + " " + Format.interval(low, high, this::ratioText);
        boolean fosFaster = kind == Kind.LATENCY || kind == Kind.P50 || kind == Kind.P99 ? ratio < 1 : ratio > 1;
        String mark = baselineLowerBound && fosFaster ? IMPLAUSIBLE : null;
        if (withdrawn != null) {
            String shown = mark == null ? WITHDRAWN : mark + " (verdict withdrawn)";
            return new Outcome(fosText, baseText, ratioText, goalText, shown, false);
        }
        if (compiling(f, b) != null) {
            return new Outcome(fosText, baseText, ratioText, goalText, COMPILING, false);
        }
        if (mark != null) {
            return new Outcome(fosText, baseText, ratioText, goalText, mark, false);
        }
        if (Double.isNaN(goal)) {
            return new Outcome(fosText, baseText, ratioText, goalText, "-", false);
        }
        boolean atMost = kind == Kind.LATENCY || kind == Kind.P50 || kind == Kind.P99;
        return judge(fosText, baseText, ratioText, goalText, atMost, low, high);
    }

    /**
     * Met if the whole interval is on the goal's side, MISSED if all of it is on the other, else undecided; what holds
     * fos back applies to both of the latter.
     */
    private Outcome judge(String fosText, String baseText, String ratioText, String goalText, boolean atMost, double low,
            double high) {
        if (Double.isNaN(low) || Double.isNaN(high)) {
            return new Outcome(fosText, baseText, ratioText, goalText, UNDECIDED + ": the run has no iterations to form an interval",
                    false);
        }
        boolean met = atMost ? high <= goal : low >= goal;
        boolean missed = atMost ? low > goal : high < goal;
        return new Outcome(fosText, baseText, ratioText, goalText, met ? MET : missed ? MISSED : UNDECIDED, !met);
    }

    /** The median time of the iterations (or samples) with the interval from the smallest iteration to the largest. */
    private Outcome time(JmhResult f, String goalText) {
        if (f == null) {
            return new Outcome("-", "-", "-", goalText, "not measured: no result for " + fos.describe() + " in this run", false);
        }
        JmhResult.Metric m = fos.of(f);
        if (m == null) {
            return new Outcome("-", "-", "-", goalText, "not measured: metric " + fos.describe() + " missing", false);
        }
        if (m.jumps(JUMP_FACTOR)) {
            return new Outcome(Format.forks(m), "-", "-", goalText, "FLAGGED", false);
        }
        double median = Format.nanos(m.p50(), m.unit());
        double low = Format.nanos(min(m.iterationP50s()), m.unit());
        double high = Format.nanos(max(m.iterationP50s()), m.unit());
        String fosText = "median " + Format.time(median) + " of " + m.iterationP50s().length + " "
                + ("sample".equals(f.mode()) ? "iterations" : "trials");
        String timeText = Format.time(median) + " " + Format.interval(low, high, Format::time);
        if (withdrawn != null) {
            return new Outcome(fosText, "-", timeText, goalText, WITHDRAWN, false);
        }
        if (compiling(f, null) != null) {
            return new Outcome(fosText, "-", timeText, goalText, COMPILING, false);
        }
        if (Double.isNaN(goal)) {
            return new Outcome(fosText, "-", timeText, goalText, "-", false);
        }
        return judge(fosText, "-", timeText, goalText, true, low, high);
    }

    /** Bytes per message of each side, the fos side with its interval; judged against one byte. */
    private Outcome allocation(JmhResult f, JmhResult b, String goalText) {
        double[] fosBytes = bytesPerMessage(fos, f);
        double[] baseBytes = bytesPerMessage(baseline, b);
        String fosText = Format.bytes(fosBytes[0]) + "/msg " + Format.interval(fosBytes[1], fosBytes[2], Format::bytes);
        String baseText = Format.bytes(baseBytes[0]) + "/msg";
        if (withdrawn != null) {
            return new Outcome(fosText, baseText, "-", goalText, WITHDRAWN, false);
        }
        return judge(fosText, baseText, "-", goalText, true, fosBytes[1], fosBytes[2]);
    }

    /**
     * Says which side of the comparison was measured while the JIT still compiled: more than {@link #COMPILING_SHARE} of a
     * fork's measured time.
     *
     * @param results the run's results
     * @return which side and how long, for the report's note ("the fos side for 34% of a fork's measured time"); null if
     *         neither side was, or the run did not measure it
     */
    String compiling(List<JmhResult> results) {
        if (kind == Kind.ALLOCATION) {
            return null;
        }
        JmhResult f = fos.find(results);
        return f == null ? null : compiling(f, baseline == null ? null : baseline.find(results));
    }

    private static String compiling(JmhResult fos, JmhResult baseline) {
        String fosShare = compiled(fos);
        String baseShare = compiled(baseline);
        if (fosShare == null && baseShare == null) {
            return null;
        }
        return fosShare != null && baseShare != null ? "the fos side for " + fosShare + ", the baseline for " + baseShare
                : fosShare != null ? "the fos side for " + fosShare : "the baseline for " + baseShare;
    }

    /** "34% of a fork's measured time" if over the bound (with a decimal where it rounds onto it), else null. */
    private static String compiled(JmhResult result) {
        if (result == null || !(result.compileShare() > COMPILING_SHARE)) {
            return null;
        }
        double percent = result.compileShare() * 100;
        String shown = Math.round(percent) == Math.round(COMPILING_SHARE * 100) ? String.format(Locale.ROOT, "%.1f", percent)
                : Long.toString(Math.round(percent));
        return shown + "% of a fork's measured time";
    }

    private String ratioText(double ratio) {
        // a ratio that rounds onto its goal gets the digits that show which side it is on
        String shown = Format.ratio(ratio);
        if (!Double.isNaN(goal) && ratio != goal && shown.equals(Format.ratio(goal))) {
            shown = Format.ratioToTheGoal(ratio, goal);
        }
        return kind == Kind.SPEEDUP ? shown + " faster" : shown;
    }

    private static double min(double[] values) {
        return Arrays.stream(values).min().orElse(Double.NaN);
    }

    private static double max(double[] values) {
        return Arrays.stream(values).max().orElse(Double.NaN);
    }

    /** The figure compared: the median of the samples in sample mode, else JMH's score. */
    private static double value(JmhResult result, JmhResult.Metric metric) {
        return "sample".equals(result.mode()) ? metric.p50() : metric.score();
    }

    /**
     * Allocation rate (MB/s, 2^20 bytes) over the rate of the figure's message counter: of the whole
     * run, and the smallest and largest of the iterations.
     *
     * @return {all, smallest, largest}, NaN where the run lacks the metrics
     */
    private static double[] bytesPerMessage(Figure figure, JmhResult result) {
        JmhResult.Metric rate = result.secondary().get("gc.alloc.rate");
        JmhResult.Metric messages = figure.metric() == null ? result.primary() : result.secondary().get(figure.metric());
        if (rate == null || messages == null || messages.score() <= 0) {
            return new double[] {Double.NaN, Double.NaN, Double.NaN};
        }
        double all = rate.score() * 1024 * 1024 / messages.score();
        double[] r = rate.iterationP50s();
        double[] m = messages.iterationP50s();
        double low = Double.NaN;
        double high = Double.NaN;
        if (r.length == m.length && r.length > 0) {
            low = Double.POSITIVE_INFINITY;
            high = 0;
            for (int i = 0; i < r.length; i++) {
                double bytes = m[i] > 0 ? r[i] * 1024 * 1024 / m[i] : Double.POSITIVE_INFINITY;
                low = Math.min(low, bytes);
                high = Math.max(high, bytes);
            }
        }
        return new double[] {all, low, high};
    }

    private String goalText() {
        if (Double.isNaN(goal)) {
            return "(diagnostic)";
        }
        return switch (kind) {
            case LATENCY, P50, P99 -> "<= " + Format.plain(goal) + "x";
            case THROUGHPUT, RATE -> ">= " + Format.plain(goal) + "x";
            case SPEEDUP -> ">= " + Format.plain(goal) + "x faster";
            case ALLOCATION -> "0 B/msg (under 1 B/msg)";
            case TIME -> "<= " + Format.time(goal);
        };
    }
}
