package org.fos.benchmarks.report;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One row of issue 6's table: what fos measures, against what, the goal, and how the report finds
 * the figures. A row without comparisons is not measured yet and says why. The prose (notes and
 * what holds fos back) quotes no figure of its own (ADR 0090): a figure it quotes is a placeholder
 * {@code {name}} that the report fills from the run's results, and a finding of an earlier profile
 * is a dated note ({@link Rows#earlier}). Immutable.
 *
 * @param number the row's number in issue 6
 * @param measure the fos measure
 * @param baseline the same-run baseline, in words
 * @param goal the goal, in words
 * @param comparisons the figures compared; empty if the row is not measured yet
 * @param notMeasured why the row is not measured yet, or null
 * @param notes what the reader needs to read the figures (how they are formed), always shown
 * @param quotes the figures the prose quotes, by the name of their placeholder
 */
record Row(int number, String measure, String baseline, String goal, List<Comparison> comparisons, String notMeasured,
        String notes, Map<String, Figure> quotes) {

    /**
     * A measured row.
     *
     * @param number the row's number
     * @param measure the fos measure
     * @param baseline the baseline, in words
     * @param goal the goal, in words
     * @param notes how to read the figures
     * @param comparisons the figures compared
     * @return the row
     */
    static Row measured(int number, String measure, String baseline, String goal, String notes, Comparison... comparisons) {
        return new Row(number, measure, baseline, goal, List.of(comparisons), null, notes, Map.of());
    }

    /**
     * A row that cannot be measured yet.
     *
     * @param number the row's number
     * @param measure the fos measure
     * @param baseline the baseline, in words
     * @param goal the goal, in words
     * @param reason why not, and what adding it takes
     * @return the row
     */
    static Row notYet(int number, String measure, String baseline, String goal, String reason) {
        return new Row(number, measure, baseline, goal, List.of(), reason, null, Map.of());
    }

    /**
     * Lets the prose quote a figure of the run: the report writes it where the text says
     * {@code {name}}, or that the run did not measure it.
     *
     * @param name the placeholder's name
     * @param figure the figure, for example a {@code -prof gc} metric ({@code gc.alloc.rate.norm})
     * @return the row
     */
    Row quoting(String name, Figure figure) {
        Map<String, Figure> more = new LinkedHashMap<>(quotes);
        if (more.put(name, figure) != null) {
            throw new IllegalArgumentException("row " + number + " quotes {" + name + "} twice");
        }
        return new Row(number, measure, baseline, goal, comparisons, notMeasured, notes, Map.copyOf(more));
    }
}
