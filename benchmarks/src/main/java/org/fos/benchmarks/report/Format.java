package org.fos.benchmarks.report;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;
import java.util.function.DoubleFunction;

/** How the report writes numbers: three significant digits, units a reader expects. */
final class Format {

    private Format() {
    }

    /**
     * Writes a time.
     *
     * @param nanos nanoseconds
     * @return for example {@code 712 ns}, {@code 4.87 us}, {@code 339 ms}
     */
    static String time(double nanos) {
        if (Double.isNaN(nanos)) {
            return "n/a";
        }
        if (nanos < 1e3) {
            return sig(nanos) + " ns";
        }
        if (nanos < 1e6) {
            return sig(nanos / 1e3) + " us";
        }
        if (nanos < 1e9) {
            return sig(nanos / 1e6) + " ms";
        }
        return sig(nanos / 1e9) + " s";
    }

    /**
     * Writes a rate.
     *
     * @param perSecond events per second
     * @return for example {@code 5.07 M/s}
     */
    static String rate(double perSecond) {
        if (Double.isNaN(perSecond)) {
            return "n/a";
        }
        if (perSecond >= 1e6) {
            return sig(perSecond / 1e6) + " M/s";
        }
        if (perSecond >= 1e3) {
            return sig(perSecond / 1e3) + " k/s";
        }
        return sig(perSecond) + " /s";
    }

    /**
     * Writes a byte count that may be fractional (an average).
     *
     * @param bytes the bytes
     * @return for example {@code 0.003 B} or {@code 1.2 kB}
     */
    static String bytes(double bytes) {
        if (Double.isNaN(bytes)) {
            return "n/a";
        }
        if (bytes < 1) {
            return String.format(Locale.ROOT, "%.3f B", bytes);
        }
        return bytes < 1024 ? sig(bytes) + " B" : sig(bytes / 1024) + " kB";
    }

    /**
     * Writes a ratio.
     *
     * @param ratio the ratio
     * @return for example {@code 0.45x}
     */
    static String ratio(double ratio) {
        return sig(ratio) + "x";
    }

    /**
     * Writes an interval.
     *
     * @param low its lower end
     * @param high its upper end, infinite if unbounded
     * @param format writes one end
     * @return for example {@code [1.10x, 1.30x]}, or {@code [no interval]} when an end is NaN
     */
    static String interval(double low, double high, DoubleFunction<String> format) {
        if (Double.isNaN(low) || Double.isNaN(high)) {
            return "[no interval]";
        }
        return "[" + format.apply(low) + ", " + (Double.isInfinite(high) ? "unbounded" : format.apply(high)) + "]";
    }

    /**
     * Writes a ratio that three significant digits would round onto its goal with as many digits as
     * it takes to tell them apart (at most nine).
     *
     * @param ratio the ratio
     * @param goal the goal it differs from
     * @return for example {@code 1.004x} for a ratio of 1.0041 and a goal of 1
     */
    static String ratioToTheGoal(double ratio, double goal) {
        for (int digits = 4; digits < 10; digits++) {
            BigDecimal shown = new BigDecimal(ratio).round(new MathContext(digits));
            if (shown.compareTo(new BigDecimal(goal)) != 0) {
                return shown.toPlainString() + "x";
            }
        }
        return ratio(ratio);
    }

    /**
     * Writes a figure of a result in its unit: p50 and p99 for sample mode, mean and error otherwise.
     *
     * @param result the result
     * @param metric its metric
     * @return the text
     */
    static String figure(JmhResult result, JmhResult.Metric metric) {
        if ("sample".equals(result.mode())) {
            return "p50 " + value(metric.p50(), metric.unit()) + ", p99 " + value(metric.p99(), metric.unit());
        }
        String error = Double.isNaN(metric.error()) ? "" : " ± " + value(metric.error(), metric.unit());
        return value(metric.score(), metric.unit()) + error;
    }

    /**
     * Writes the fork medians of a flagged figure.
     *
     * @param metric the metric
     * @return for example {@code fork medians 712 ns / 4.2 us}
     */
    static String forks(JmhResult.Metric metric) {
        StringBuilder s = new StringBuilder("fork medians ");
        for (int i = 0; i < metric.forkMedians().length; i++) {
            s.append(i == 0 ? "" : " / ").append(value(metric.forkMedians()[i], metric.unit()));
        }
        return s.toString();
    }

    /**
     * Writes a value in a JMH unit.
     *
     * @param value the value
     * @param unit {@code ns/op}, {@code ops/s}, {@code B/op}, ...
     * @return the text
     */
    static String value(double value, String unit) {
        return switch (unit) {
            case "ns/op" -> time(value);
            case "us/op" -> time(value * 1e3);
            case "ms/op" -> time(value * 1e6);
            case "s/op" -> time(value * 1e9);
            case "ops/s" -> rate(value);
            case "B/op" -> bytes(value);
            default -> sig(value) + " " + unit;
        };
    }

    /**
     * Converts a time in a JMH unit to nanoseconds.
     *
     * @param value the time
     * @param unit {@code ns/op}, {@code us/op}, {@code ms/op} or {@code s/op}
     * @return nanoseconds
     * @throws IllegalArgumentException if the unit is not a time a call
     */
    static double nanos(double value, String unit) {
        return switch (unit) {
            case "ns/op" -> value;
            case "us/op" -> value * 1e3;
            case "ms/op" -> value * 1e6;
            case "s/op" -> value * 1e9;
            default -> throw new IllegalArgumentException("not a time a call: " + unit);
        };
    }

    /**
     * Writes a round number as it was written in the source: {@code 1.5}, {@code 30}.
     *
     * @param value the number
     * @return the text, without trailing zeros
     */
    static String plain(double value) {
        return java.math.BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    /**
     * Writes a number with three significant digits (no exponent).
     *
     * @param value the number
     * @return the text
     */
    static String sig(double value) {
        if (Double.isNaN(value)) {
            return "n/a";
        }
        double abs = Math.abs(value);
        if (abs >= 100) {
            return String.format(Locale.ROOT, "%.0f", value);
        }
        if (abs >= 10) {
            return String.format(Locale.ROOT, "%.1f", value);
        }
        if (abs >= 1) {
            return String.format(Locale.ROOT, "%.2f", value);
        }
        return String.format(Locale.ROOT, "%.3f", value);
    }
}
