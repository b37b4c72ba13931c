package org.fos.benchmarks.report;

import java.util.List;

/**
 * One line of a row's table: a fos figure beside a baseline figure of the same run, their ratio, and
 * whether the goal is met. Immutable.
 *
 * @param label what is compared, for the reader
 * @param kind how the ratio is formed and judged
 * @param fos the fos figure
 * @param baseline the baseline figure (for {@link Kind#ALLOCATION}, the raw path's figure, shown for reference)
 * @param goal the bound the ratio must meet; NaN for a diagnostic line without a goal
 * @param whyMissed what holds fos back, shown when the goal is missed; it comes from profiling. Paragraphs
 *        (separated by a blank line) that several comparisons of a row share are shown once
 */
record Comparison(String label, Kind kind, Figure fos, Figure baseline, double goal, String whyMissed) {

    /** How a comparison forms its ratio. */
    enum Kind {
        /** Times: ratio = fos / baseline (p50 for sample mode, else the mean); met if at most the goal. */
        LATENCY,
        /** Rates: ratio = fos / baseline; met if at least the goal. */
        THROUGHPUT,
        /** Times: ratio = baseline / fos, "times faster"; met if at least the goal. */
        SPEEDUP,
        /** Bytes allocated per message: GC profiler's allocation rate over the message rate; met if under one byte. */
        ALLOCATION,
        /**
         * Medians of sample mode, ratio = fos / baseline, with an interval: from the fos iterations' smallest
         * median over the baseline iterations' largest to the other way round. Met if the whole interval
         * is at most the goal, MISSED if it is all above, else not judged.
         */
        P50,
        /** As {@link #P50}, of the 99th percentiles. */
        P99,
        /**
         * Rates, ratio = fos / baseline, with the interval that JMH's 99.9% error bars of both allow;
         * judged as {@link #P50} but the other way round (met if all of it is at least the goal).
         */
        RATE
    }

    /** The most two fork medians of one figure may differ by before the figure is flagged. */
    static final double JUMP_FACTOR = 5;

    /**
     * The evaluated comparison, as the report prints it.
     *
     * @param fos the fos figure as text
     * @param baseline the baseline figure as text
     * @param ratio the ratio as text
     * @param goal the goal as text
     * @param mark {@code met}, {@code MISSED}, {@code FLAGGED}, {@code not measured} or {@code -} (diagnostic)
     * @param missed whether the note {@link Comparison#whyMissed} applies
     */
    record Outcome(String fos, String baseline, String ratio, String goal, String mark, boolean missed) {
    }

    /**
     * Evaluates the comparison against a run's results.
     *
     * @param results the run's results
     * @return the outcome
     */
    Outcome evaluate(List<JmhResult> results) {
        String goalText = goalText();
        JmhResult f = fos.find(results);
        JmhResult b = baseline.find(results);
        if (f == null || b == null) {
            return new Outcome("-", "-", "-", goalText, "not measured: no result for "
                    + (f == null ? fos : baseline).describe() + " in this run", false);
        }
        if (kind == Kind.ALLOCATION) {
            double fosBytes = bytesPerMessage(f);
            double baseBytes = bytesPerMessage(b);
            boolean met = fosBytes < 1;
            return new Outcome(Format.bytes(fosBytes) + "/msg", Format.bytes(baseBytes) + "/msg", "-", goalText,
                    met ? "met" : "MISSED", !met);
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
        if (kind == Kind.P50 || kind == Kind.P99 || kind == Kind.RATE) {
            return withInterval(f, fm, b, bm, goalText);
        }
        double fv = value(f, fm);
        double bv = value(b, bm);
        double ratio = kind == Kind.SPEEDUP ? bv / fv : fv / bv;
        boolean met = kind == Kind.LATENCY ? ratio <= goal : ratio >= goal;
        // a ratio that rounds onto its goal gets the digits that show which side it is on
        String shown = Format.ratio(ratio);
        if (!Double.isNaN(goal) && ratio != goal && shown.equals(Format.ratio(goal))) {
            shown = Format.ratioToTheGoal(ratio, goal);
        }
        String ratioText = kind == Kind.SPEEDUP ? shown + " faster" : shown;
        if (Double.isNaN(goal)) {
            return new Outcome(Format.figure(f, fm), Format.figure(b, bm), ratioText, goalText, "-", false);
        }
        return new Outcome(Format.figure(f, fm), Format.figure(b, bm), ratioText, goalText, met ? "met" : "MISSED", !met);
    }

    /** A ratio with its interval, judged by the whole interval (see {@link Kind#P50}). */
    private Outcome withInterval(JmhResult f, JmhResult.Metric fm, JmhResult b, JmhResult.Metric bm, String goalText) {
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
            ratio = p99 ? fm.p99() / bm.p99() : fm.p50() / bm.p50();
            low = min(fi) / max(bi);
            high = max(fi) / min(bi);
            String name = p99 ? "p99 " : "p50 ";
            fosText = name + Format.value(p99 ? fm.p99() : fm.p50(), fm.unit());
            baseText = name + Format.value(p99 ? bm.p99() : bm.p50(), bm.unit());
        }
        low = Math.max(0, low);
        String text = Format.ratio(ratio) + " [" + Format.ratio(low) + ", " + (Double.isInfinite(high) ? "unbounded" : Format.ratio(high)) + "]";
        if (Double.isNaN(goal)) {
            return new Outcome(fosText, baseText, text, goalText, "-", false);
        }
        boolean atMost = kind != Kind.RATE;
        boolean met = atMost ? high <= goal : low >= goal;
        boolean missed = atMost ? low > goal : high < goal;
        return new Outcome(fosText, baseText, text, goalText, met ? "met" : missed ? "MISSED" : "not judged: the interval spans the goal", missed);
    }

    private static double min(double[] values) {
        return java.util.Arrays.stream(values).min().orElse(Double.NaN);
    }

    private static double max(double[] values) {
        return java.util.Arrays.stream(values).max().orElse(Double.NaN);
    }

    /** The figure compared: the median of the samples in sample mode, else JMH's score. */
    private static double value(JmhResult result, JmhResult.Metric metric) {
        return "sample".equals(result.mode()) ? metric.p50() : metric.score();
    }

    /** Allocation rate (MB/s, 2^20 bytes) over the rate of the figure's message counter. */
    private double bytesPerMessage(JmhResult result) {
        JmhResult.Metric rate = result.secondary().get("gc.alloc.rate");
        JmhResult.Metric messages = fos.metric() == null ? result.primary() : result.secondary().get(fos.metric());
        if (rate == null || messages == null || messages.score() <= 0) {
            return Double.NaN;
        }
        return rate.score() * 1024 * 1024 / messages.score();
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
        };
    }
}
