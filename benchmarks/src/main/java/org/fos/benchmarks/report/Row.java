package org.fos.benchmarks.report;

import java.util.List;

/**
 * One row of issue 6's table: what fos measures, against what, the goal, and how the report finds
 * the figures. A row without comparisons is not measured yet and says why. Immutable.
 *
 * @param number the row's number in issue 6
 * @param measure the fos measure
 * @param baseline the same-run baseline, in words
 * @param goal the goal, in words
 * @param comparisons the figures compared; empty if the row is not measured yet
 * @param notMeasured why the row is not measured yet, or null
 * @param notes what the reader needs to read the figures (how they are formed), always shown
 */
record Row(int number, String measure, String baseline, String goal, List<Comparison> comparisons, String notMeasured,
        String notes) {

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
        return new Row(number, measure, baseline, goal, List.of(comparisons), null, notes);
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
        return new Row(number, measure, baseline, goal, List.of(), reason, null);
    }
}
