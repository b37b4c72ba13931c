package org.fos.benchmarks;

import java.io.PrintStream;

/**
 * Prints how many bytes each codec candidate writes for each message of the benchmark (ADR 0007):
 * {@code java -cp benchmarks/target/benchmarks.jar org.fos.benchmarks.CodecSizes}.
 */
public final class CodecSizes {

    private CodecSizes() {
    }

    /**
     * Prints the table.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        PrintStream out = System.out;
        out.printf("%-18s", "codec");
        for (Messages.Kind kind : Messages.Kind.values()) {
            out.printf("%12s", kind);
        }
        out.println();
        for (String name : Candidates.NAMES) {
            Candidate candidate = Candidates.create(name);
            out.printf("%-18s", name);
            for (Messages.Kind kind : Messages.Kind.values()) {
                out.printf("%12d", candidate.encode(kind.sample()).length);
            }
            out.println();
        }
    }
}
