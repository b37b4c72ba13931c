package org.fos.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs row 13 ({@link KvRaftBenchmark}) with one cluster a side: a cluster of processes takes minutes
 * to start on a loaded 2-core machine, so this JVM starts each side's cluster once ({@link
 * KvClusters}), runs every JMH trial of that side in this JVM (no forks) against it, sample mode at one
 * thread and throughput mode at 1, 2 and 4 threads, and stops it before the other side's starts. It
 * writes the JSON of each JMH run and {@value #LOAD_FILE} (the load averages around each side) into
 * the results folder.
 *
 * <pre>java -cp benchmarks.jar org.fos.benchmarks.KvRaftRun &lt;results folder&gt;</pre>
 */
public final class KvRaftRun {

    /** The file of the load averages, in the results folder. */
    static final String LOAD_FILE = "kv-raft-load.txt";

    private KvRaftRun() {
    }

    /**
     * Runs the row.
     *
     * @param args the results folder
     * @throws IOException if a result cannot be written
     * @throws RunnerException if JMH fails
     */
    public static void main(String[] args) throws IOException, RunnerException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: KvRaftRun <results folder>");
        }
        Path results = Path.of(args[0]);
        Files.createDirectories(results);
        for (String side : new String[] {"ratis", "fos"}) {
            load(results, side + " starting");
            try (KvClusters.Store store = KvRaftBenchmark.open(side)) {
                KvRaftBenchmark.share(side, store);
                load(results, side + " measuring");
                run(results, side, Mode.SampleTime, TimeUnit.MICROSECONDS, 1, "kv-raft-" + side);
                for (int threads : new int[] {1, 2, 4}) {
                    run(results, side, Mode.Throughput, TimeUnit.SECONDS, threads, "kv-raft-" + side + "-thrpt-" + threads);
                }
                KvRaftBenchmark.share(side, null);
            }
            load(results, side + " done");
        }
        System.exit(0);
    }

    private static void run(Path results, String side, Mode mode, TimeUnit unit, int threads, String name) throws RunnerException {
        ChainedOptionsBuilder o = new OptionsBuilder().include(KvRaftBenchmark.class.getName() + "\\.").param("side", side)
                .forks(0).warmupIterations(3).warmupTime(TimeValue.seconds(2)).measurementIterations(4)
                .measurementTime(TimeValue.seconds(2)).mode(mode).timeUnit(unit).threads(threads)
                .result(results.resolve(name + ".json").toString()).resultFormat(ResultFormatType.JSON)
                .output(results.resolve(name + ".txt").toString());
        new Runner(o.build()).run();
    }

    private static void load(Path results, String when) throws IOException {
        String line = Instant.now() + " " + when + ": load average " + Files.readString(Path.of("/proc/loadavg"), StandardCharsets.UTF_8).trim()
                + "\n";
        System.out.print(line);
        Files.writeString(results.resolve(LOAD_FILE), line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
