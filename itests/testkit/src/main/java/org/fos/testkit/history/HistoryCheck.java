package org.fos.testkit.history;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

import org.fos.testkit.history.Operation.Outcome;

/**
 * Every check of a register history at once, for tests: linearizability key by key, and the counts
 * of stale reads, lost writes, duplicates and phantoms.
 *
 * <pre>
 * HistoryCheck check = HistoryCheck.of(history.operations());
 * System.out.println(check.summary());
 * check.assertValid(Path.of("target/histories/partition-test"));   // on failure: the files and why
 * </pre>
 */
public final class HistoryCheck {
    private final List<Operation> operations;
    private final Linearizability.Result linearizability;
    private final Anomalies anomalies;
    private final Map<Outcome, Long> outcomes;

    private HistoryCheck(List<Operation> operations, Linearizability checker) {
        this.operations = List.copyOf(operations);
        this.linearizability = checker.check(this.operations);
        this.anomalies = Anomalies.of(this.operations);
        Map<Outcome, Long> counts = new EnumMap<>(Outcome.class);
        for (Outcome o : Outcome.values()) {
            counts.put(o, 0L);
        }
        counts.putAll(this.operations.stream().collect(Collectors.groupingBy(Operation::outcome, Collectors.counting())));
        this.outcomes = Map.copyOf(counts);
    }

    /**
     * Checks a history with the default register checker.
     *
     * @param operations the history
     * @return the checks' results
     */
    public static HistoryCheck of(List<Operation> operations) {
        return of(operations, Linearizability.registers());
    }

    /**
     * Checks a history with a given checker (another search budget).
     *
     * @param operations the history
     * @param checker the checker
     * @return the checks' results
     */
    public static HistoryCheck of(List<Operation> operations, Linearizability checker) {
        return new HistoryCheck(Objects.requireNonNull(operations, "operations"), Objects.requireNonNull(checker, "checker"));
    }

    /**
     * Returns the linearizability verdict.
     *
     * @return the result
     */
    public Linearizability.Result linearizability() {
        return linearizability;
    }

    /**
     * Returns the anomaly counts.
     *
     * @return the counts
     */
    public Anomalies anomalies() {
        return anomalies;
    }

    /**
     * Returns how many operations ended each way.
     *
     * @return counts by outcome
     */
    public Map<Outcome, Long> outcomes() {
        return outcomes;
    }

    /**
     * Tells whether the history passes every check (linearizable, nothing undecided, no anomaly).
     *
     * @return true if it does
     */
    public boolean valid() {
        return linearizability.verdict() == Linearizability.Verdict.LINEARIZABLE && anomalies.none();
    }

    /**
     * A few lines: operations by outcome, the verdict and time, the anomaly counts.
     *
     * @return the summary
     */
    public String summary() {
        return operations.size() + " operations (" + outcomes.get(Outcome.OK) + " ok, " + outcomes.get(Outcome.FAIL) + " failed, "
                + outcomes.get(Outcome.UNKNOWN) + " unknown) on " + linearizability.keys() + " keys: " + linearizability.verdict()
                + (linearizability.failures().isEmpty() ? "" : " (" + linearizability.nonLinearizableKeys() + " keys not linearizable, "
                        + (linearizability.failures().size() - linearizability.nonLinearizableKeys()) + " undecided)")
                + ", checked in " + linearizability.took().toMillis() + " ms (" + linearizability.configurations() + " configurations); "
                + anomalies.summary();
    }

    /**
     * Writes the history to {@code folder/history.jsonl} and, if a key failed, that key's operations to
     * {@code folder/first-failing-key.jsonl}.
     *
     * @param folder the folder (created if missing)
     * @return the folder
     * @throws UncheckedIOException if a file cannot be written
     */
    public Path write(Path folder) {
        try {
            HistoryFile.write(folder.resolve("history.jsonl"), operations);
            Linearizability.KeyResult first = linearizability.first();
            if (first != null) {
                HistoryFile.write(folder.resolve("first-failing-key.jsonl"),
                        operations.stream().filter(op -> op.key().equals(first.key())).toList());
            }
            return folder;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the history to " + folder, e);
        }
    }

    /**
     * Fails unless the history passes every check; the failure writes the history (see {@link #write(Path)})
     * and says where, and explains the first failing key and the anomalies found.
     *
     * @param folder where the history goes if it fails
     * @return this check, if valid
     * @throws AssertionError if it is not valid
     */
    public HistoryCheck assertValid(Path folder) {
        if (valid()) {
            return this;
        }
        Path written = write(folder).toAbsolutePath();
        StringBuilder s = new StringBuilder("the history does not pass: ").append(summary()).append('\n');
        Linearizability.KeyResult first = linearizability.first();
        if (first != null) {
            s.append(first.explanation()).append('\n');
        }
        anomalies.examples().forEach(e -> s.append(e).append('\n'));
        s.append("history: ").append(written.resolve("history.jsonl"));
        if (first != null) {
            s.append(", the first failing key alone: ").append(written.resolve("first-failing-key.jsonl"));
        }
        throw new AssertionError(s.toString());
    }
}
