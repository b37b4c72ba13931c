package org.fos.benchmarks.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A profiled row's CPU profile, as {@code benchmarks/run} leaves it in the results folder: JMH's
 * {@code -prof async} output under {@code profiles/row-<n>/} (a folder a benchmark, with
 * {@code collapsed-<event>.csv} and the flame graphs) and the profiled run's JMH result,
 * {@code profiles/row-<n>.json}, which says how long the profiler sampled.
 *
 * @param profile the collapsed stacks, read
 * @param event the profiler's event ({@code cpu}, {@code itimer})
 * @param measuredSeconds how long the measurement iterations, which the profiler samples, lasted
 * @param where the folder of the flame graphs, relative to the results folder
 */
record RowProfile(CpuProfile profile, String event, double measuredSeconds, String where) {

    private static final Pattern COLLAPSED = Pattern.compile("collapsed-(\\w+)\\.csv");
    private static final Pattern TIME = Pattern.compile("([0-9.]+) (s|ms)");

    /**
     * Reads a row's profile.
     *
     * @param profiles the results folder's profiles folder
     * @param row the row
     * @param json a JSON reader
     * @return the profile, or null if the run has none for the row
     * @throws IOException if a file cannot be read
     */
    static RowProfile read(Path profiles, int row, ObjectMapper json) throws IOException {
        Path dir = profiles.resolve("row-" + row);
        if (!Files.isDirectory(dir)) {
            return null;
        }
        Path collapsed;
        try (Stream<Path> files = Files.walk(dir)) {
            collapsed = files.filter(f -> COLLAPSED.matcher(f.getFileName().toString()).matches()).findFirst().orElse(null);
        }
        if (collapsed == null) {
            return null;
        }
        Matcher event = COLLAPSED.matcher(collapsed.getFileName().toString());
        if (!event.matches()) {
            throw new IllegalStateException("not a collapsed profile: " + collapsed);
        }
        CpuProfile profile = CpuProfile.of(Files.readAllLines(collapsed, StandardCharsets.UTF_8));
        double seconds = 0;
        Path result = profiles.resolve("row-" + row + ".json");
        if (Files.exists(result)) {
            for (JsonNode run : json.readTree(result.toFile())) {
                seconds = Math.max(seconds, run.path("measurementIterations").asInt() * seconds(run.path("measurementTime").asText()));
            }
        }
        return new RowProfile(profile, event.group(1), seconds, profiles.getFileName() + "/" + profiles.relativize(collapsed.getParent()));
    }

    /** JMH's iteration time ({@code "1 s"}, {@code "500 ms"}) in seconds; 0 if it is neither. */
    static double seconds(String time) {
        Matcher m = TIME.matcher(time.strip());
        if (!m.matches()) {
            return 0;
        }
        double v = Double.parseDouble(m.group(1));
        return m.group(2).equals("s") ? v : v / 1000;
    }
}
