package org.fos.benchmarks.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.fos.benchmarks.LiveUpgradeResult;

/**
 * Writes {@code docs/benchmarks.md} from a run's results: the JMH JSON files of a folder, the live
 * upgrade's {@code live-upgrade.json}, the codec's stack profile {@code codec-stack.txt} and the
 * profiles of the fos side of the rows that profile it (see {@link Rows#PROFILED}): async-profiler's
 * CPU profiles under {@code profiles/row-<n>/} ({@link RowProfile}), or JMH's stack profiles
 * {@code row-<n>-stack.txt} where async-profiler could not run. Every figure comes from those files; rows without results say so.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar org.fos.benchmarks.report.BenchmarkReport target/bench-results docs/benchmarks.md</pre>
 */
public final class BenchmarkReport {

    /** The live upgrade's result file in the results folder. */
    static final String LIVE_UPGRADE_FILE = "live-upgrade.json";
    /** The codec's stack profile (JMH's human-readable output) in the results folder. */
    static final String CODEC_STACK_FILE = "codec-stack.txt";
    /** Row 13's load averages around each side ({@code KvRaftRun}) in the results folder. */
    static final String KV_RAFT_LOAD_FILE = "kv-raft-load.txt";
    /** What the prose says where it quotes a figure the run lacks. */
    static final String NOT_MEASURED = "not measured in this run";
    /** A placeholder of a row's prose, {@code {name}}. */
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{[A-Za-z]+\\}");
    /** Lines of the stack profile quoted. */
    private static final int STACK_LINES = 12;
    /** The folder of the rows' profiles in the results folder. */
    static final String PROFILES = "profiles";
    /** Threads a CPU profile names. */
    private static final int PROFILE_THREADS = 5;

    private final List<JmhResult> results;
    private final LiveUpgradeResult liveUpgrade;
    private final List<String> codecStack;
    private final Map<Integer, List<String>> rowStacks;
    private final Map<Integer, RowProfile> rowProfiles;
    private final FileTime runTime;
    private final String overload;
    private final StringBuilder out = new StringBuilder();

    private BenchmarkReport(List<JmhResult> results, LiveUpgradeResult liveUpgrade, List<String> codecStack,
            Map<Integer, List<String>> rowStacks, Map<Integer, RowProfile> rowProfiles, FileTime runTime, List<String> kvRaftLoad) {
        this.rowStacks = Map.copyOf(rowStacks);
        this.rowProfiles = Map.copyOf(rowProfiles);
        this.overload = overload(kvRaftLoad, Machine.cores());
        this.results = results;
        this.liveUpgrade = liveUpgrade;
        this.codecStack = codecStack;
        this.runTime = runTime;
    }

    /** When the run ended: the newest result file's time. */
    private static FileTime runTime(Path dir) throws IOException {
        FileTime newest = FileTime.fromMillis(0);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                FileTime t = Files.getLastModifiedTime(f);
                if (t.compareTo(newest) > 0) {
                    newest = t;
                }
            }
        }
        return newest;
    }

    /**
     * Writes the report.
     *
     * @param args the results folder and the markdown file to write
     * @throws IOException if a file cannot be read or written
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: BenchmarkReport <results folder> <report.md>");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        ObjectMapper json = new ObjectMapper();
        List<JmhResult> results = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
            for (Path f : files) {
                if (!f.getFileName().toString().equals(LIVE_UPGRADE_FILE)) {
                    for (JsonNode node : json.readTree(f.toFile())) {
                        results.add(JmhResult.of(node));
                    }
                }
            }
        }
        Path live = dir.resolve(LIVE_UPGRADE_FILE);
        LiveUpgradeResult liveUpgrade = Files.exists(live) ? json.readValue(live.toFile(), LiveUpgradeResult.class) : null;
        Path stack = dir.resolve(CODEC_STACK_FILE);
        List<String> codecStack = Files.exists(stack) ? Files.readAllLines(stack, StandardCharsets.UTF_8) : List.of();
        Path load = dir.resolve(KV_RAFT_LOAD_FILE);
        List<String> kvRaftLoad = Files.exists(load) ? Files.readAllLines(load, StandardCharsets.UTF_8) : List.of();
        Map<Integer, List<String>> rowStacks = new TreeMap<>();
        for (int row : Rows.PROFILED.keySet()) {
            Path p = dir.resolve(stackFile(row));
            if (Files.exists(p)) {
                rowStacks.put(row, Files.readAllLines(p, StandardCharsets.UTF_8));
            }
        }
        Map<Integer, RowProfile> rowProfiles = new TreeMap<>();
        for (int row : Rows.PROFILED.keySet()) {
            RowProfile p = RowProfile.read(dir.resolve(PROFILES), row, json);
            if (p != null) {
                rowProfiles.put(row, p);
            }
        }
        String markdown = render(results, liveUpgrade, codecStack, rowStacks, rowProfiles, runTime(dir), kvRaftLoad);
        Path target = Path.of(args[1]);
        if (target.getParent() != null) {
            Files.createDirectories(target.getParent());
        }
        Files.writeString(target, markdown, StandardCharsets.UTF_8);
        System.out.println("wrote " + target + " from " + results.size() + " JMH results" + (liveUpgrade == null ? "" : " and the live upgrade"));
    }

    /**
     * Writes the report of a run.
     *
     * @param results the run's JMH results
     * @param liveUpgrade the live upgrade's result, or null if the run has none
     * @param codecStack the lines of the codec's stack profile, empty if none
     * @param runTime when the run ended
     * @param kvRaftLoad the lines of row 13's load file, empty if none
     * @return the markdown
     */
    static String render(List<JmhResult> results, LiveUpgradeResult liveUpgrade, List<String> codecStack, FileTime runTime,
            List<String> kvRaftLoad) {
        return render(results, liveUpgrade, codecStack, Map.of(), runTime, kvRaftLoad);
    }

    /**
     * Writes the report of a run, with the stack profiles of the rows that profile their fos side.
     *
     * @param results the run's JMH results
     * @param liveUpgrade the live upgrade's result, or null if the run has none
     * @param codecStack the lines of the codec's stack profile, empty if none
     * @param rowStacks the lines of each profiled row's stack profile ({@link Rows#PROFILED}), by row
     * @param runTime when the run ended
     * @param kvRaftLoad the lines of row 13's load file, empty if none
     * @return the markdown
     */
    static String render(List<JmhResult> results, LiveUpgradeResult liveUpgrade, List<String> codecStack,
            Map<Integer, List<String>> rowStacks, FileTime runTime, List<String> kvRaftLoad) {
        return render(results, liveUpgrade, codecStack, rowStacks, Map.of(), runTime, kvRaftLoad);
    }

    /**
     * Writes the report of a run, with the CPU profiles of the rows that profile their fos side; a row
     * without one shows its stack profile, if it has one.
     *
     * @param results the run's JMH results
     * @param liveUpgrade the live upgrade's result, or null if the run has none
     * @param codecStack the lines of the codec's stack profile, empty if none
     * @param rowStacks the lines of each profiled row's stack profile ({@link Rows#PROFILED}), by row
     * @param rowProfiles each profiled row's CPU profile, by row
     * @param runTime when the run ended
     * @param kvRaftLoad the lines of row 13's load file, empty if none
     * @return the markdown
     */
    static String render(List<JmhResult> results, LiveUpgradeResult liveUpgrade, List<String> codecStack,
            Map<Integer, List<String>> rowStacks, Map<Integer, RowProfile> rowProfiles, FileTime runTime, List<String> kvRaftLoad) {
        return new BenchmarkReport(results, liveUpgrade, codecStack, rowStacks, rowProfiles, runTime, kvRaftLoad).write();
    }

    /**
     * The file of a row's stack profile in the results folder.
     *
     * @param row the row
     * @return its name, {@code row-<n>-stack.txt}
     */
    static String stackFile(int row) {
        return "row-" + row + "-stack.txt";
    }

    /**
     * Tells whether row 13 ran on an overloaded machine: a 1-minute load average above the cores in
     * any line of its load file ({@code ... load average 1m 5m 15m ...}).
     *
     * @param loadLines the lines of {@value #KV_RAFT_LOAD_FILE}
     * @param cores the machine's cores
     * @return the mark to show instead of met or MISSED, or null if the load was within the cores
     */
    static String overload(List<String> loadLines, int cores) {
        double worst = 0;
        for (String l : loadLines) {
            int at = l.indexOf("load average ");
            if (at >= 0) {
                worst = Math.max(worst, Double.parseDouble(l.substring(at + 13).split(" ")[0]));
            }
        }
        return worst > cores ? "not judged: 1-minute load up to " + Format.plain(worst) + " on " + cores + " cores" : null;
    }

    /**
     * A comparison's mark, or the overload's note for row 13 where the mark would judge the interval (met, missed,
     * undecided, implausible): on an overloaded machine none of them is about the code.
     */
    private String mark(Row row, Comparison.Outcome o) {
        return notJudged(row.number(), o.mark(), overload) ? overload : o.mark();
    }

    /**
     * Whether the overload's note replaces a comparison's mark.
     *
     * @param row the row's number
     * @param mark the comparison's mark
     * @param overload the overload's note, or null if row 13 ran within the cores
     * @return true for a mark of row 13 that judges the interval, on an overloaded machine
     */
    static boolean notJudged(int row, String mark, String overload) {
        boolean judged = mark.equals(Comparison.MET) || mark.equals(Comparison.MISSED) || mark.equals(Comparison.UNDECIDED)
                || mark.equals(Comparison.IMPLAUSIBLE);
        return row == Rows.KV_RAFT_ROW && overload != null && judged;
    }

    private String write() {
        line("# fos benchmarks");
        line("");
        line("Written by `benchmarks/run` (issue 6): every fos figure beside a baseline measured in the same run, and their"
                + " ratio. This machine is shared and noisy: read the ratios, not the absolute times. A figure whose fork"
                + " medians differ by more than " + Format.plain(Comparison.JUMP_FACTOR) + "x is FLAGGED and shown per fork, not"
                + " averaged. The lead regenerates this file on a quiet machine before a release.");
        line("");
        line("Every ratio comes with its interval in brackets: from the fos side's smallest iteration figure over the"
                + " baseline's largest to the other way round, over every iteration of every fork (the medians of the"
                + " iterations in sample mode; row 13's rates from JMH's error bars). A goal is " + Comparison.MET + " when the"
                + " whole interval is on its side, " + Comparison.MISSED + " when the whole interval is on the other,"
                + " and " + Comparison.UNDECIDED + " when the interval straddles it; where a goal is missed or undecided,"
                + " the row says what holds fos back, from a profile (ADR 0126). Where the baseline is the raw structure"
                + " fos is built on, a ratio that says fos is faster is marked \"" + Comparison.IMPLAUSIBLE + "\", never met;"
                + " a " + Comparison.WITHDRAWN + " verdict shows the ratio and says why it gives none (ADR 0090). A comparison"
                + " one of whose sides the JIT was still compiling for more than " + Math.round(Comparison.COMPILING_SHARE * 100)
                + "% of a fork's measured time (JMH's comp profiler, the benchmark's JVM) is marked \"" + Comparison.COMPILING
                + "\" with its ratio, never met or missed (ADR 0113). This machine is a virtual one whose host may keep its"
                + " two cores close or far apart and move them while a fork runs: a probe before and after each measured"
                + " iteration times a cache line's round trip between two threads; each row says how far apart the cores"
                + " were, and where they moved during a side and its figures moved with them, splits them by where the cores"
                + " were (\"Cores moved\"), and says where the two sides of a comparison ran with the cores at different"
                + " distances (\"Cores unlike\", ADR 0118). The verdicts count every iteration. The prose"
                + " quotes figures of this run only; a finding of an earlier profile or timing is a dated note in"
                + " brackets that says it is not from this run.");
        line("");
        machine();
        summary();
        for (Row row : Rows.ALL) {
            row(row);
        }
        return out.toString();
    }

    private void line(String text) {
        out.append(text).append('\n');
    }

    private void machine() {
        line("## Machine and settings");
        line("");
        line("- Date: " + runTime.toInstant().atZone(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"))
                + " (when the run's last result was written)");
        line("- CPU: " + Machine.cpuModel() + ", " + Machine.cores() + " cores; memory " + Machine.memory());
        line("- JVM: " + (results.isEmpty() ? System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version")
                : results.get(0).jvm()));
        Map<String, Set<String>> settings = new LinkedHashMap<>();
        for (JmhResult r : results) {
            settings.computeIfAbsent(r.settings(), s -> new LinkedHashSet<>()).add(r.benchmark().split("\\.")[0]);
        }
        settings.forEach((s, benchmarks) -> line("- " + String.join(", ", benchmarks) + ": " + s));
        String cores = CoreDistance.summary(results);
        if (cores != null) {
            line("- " + cores);
        }
        if (liveUpgrade != null) {
            line("- LiveUpgradeRun: load of " + liveUpgrade.threads() + " threads, warm-up " + Format.time(liveUpgrade.warmupNanos())
                    + ", measured " + Format.time(liveUpgrade.loadNanos()) + " around the upgrade");
        }
        line("");
    }

    /** Adds a comparison's probe ranges to the row's line on the cores, and a note where the host moved a side's cores. */
    private void cores(Comparison c, List<String> cores, List<String> notes) {
        if (c.kind() == Comparison.Kind.ALLOCATION) {
            return;
        }
        JmhResult f = c.fos().find(results);
        JmhResult b = c.baseline() == null ? null : c.baseline().find(results);
        String line = CoreDistance.line(c.label(), f, b);
        if (line != null && !cores.contains(line)) {
            cores.add(line);
        }
        List<String> moved = new ArrayList<>();
        String fosMoved = f == null ? null : CoreDistance.moved("the fos side", f);
        String baseMoved = b == null ? null : CoreDistance.moved("the baseline", b);
        if (fosMoved != null) {
            moved.add(fosMoved);
        }
        if (baseMoved != null) {
            moved.add(baseMoved);
        }
        String unlike = CoreDistance.unlike(f, b);
        if (unlike != null) {
            notes.add("**Cores unlike** (" + c.label() + "): " + unlike + ", so the ratio is of the host's placement as"
                    + " much as of the code: where threads hand work to each other, the figure follows the distance.");
        }
        if (!moved.isEmpty()) {
            notes.add("**Cores moved** (" + c.label() + "): the host moved the cores while this was measured, and the figures"
                    + " of threads that hand work to each other move with them: " + String.join("; ", moved) + ".");
        }
    }

    private void summary() {
        line("## Summary");
        line("");
        line("| Row | fos measure | comparison | ratio | goal | mark |");
        line("|---|---|---|---|---|---|");
        for (Row row : Rows.ALL) {
            if (row.number() == Rows.LIVE_UPGRADE) {
                line("| " + row.number() + " | " + row.measure() + " | " + liveUpgradeSummary() + " | - | " + row.goal() + " | "
                        + liveUpgradeMark() + " |");
            } else if (row.comparisons().isEmpty()) {
                line("| " + row.number() + " | " + row.measure() + " | - | - | " + row.goal() + " | not measured yet |");
            } else {
                String measure = row.measure();
                for (Comparison c : row.comparisons()) {
                    Comparison.Outcome o = c.evaluate(results);
                    line("| " + row.number() + " | " + measure + " | " + c.label() + " | " + o.ratio() + " | " + o.goal()
                            + " | " + mark(row, o) + " |");
                    measure = "";
                }
            }
        }
        line("");
    }

    private void row(Row row) {
        line("## Row " + row.number() + ": " + row.measure());
        line("");
        line("Baseline: " + row.baseline() + ". Goal: " + row.goal() + ".");
        line("");
        if (row.notMeasured() != null) {
            line("**Not measured yet:** " + row.notMeasured());
            line("");
            return;
        }
        if (row.number() == Rows.LIVE_UPGRADE) {
            liveUpgrade();
        } else {
            line("| comparison | fos | baseline | ratio | goal | mark |");
            line("|---|---|---|---|---|---|");
            List<String> missed = new ArrayList<>();
            List<String> withdrawn = new ArrayList<>();
            List<String> cores = new ArrayList<>();
            for (Comparison c : row.comparisons()) {
                Comparison.Outcome o = c.evaluate(results);
                cores(c, cores, withdrawn);
                line("| " + c.label() + " | " + o.fos() + " | " + o.baseline() + " | " + o.ratio() + " | " + o.goal() + " | "
                        + mark(row, o) + " |");
                if (c.withdrawn() != null) {
                    withdrawn.add("**Verdict withdrawn** (" + c.label() + "): " + prose(row, c.withdrawn()));
                }
                String compiling = c.compiling(results);
                if (compiling != null && o.mark().equals(Comparison.COMPILING)) {
                    withdrawn.add("**Still compiling** (" + c.label() + "): the JIT was still compiling " + compiling
                            + ", so no verdict: the figures are not of the compiled code, and the compiler threads took cores"
                            + " from them. The row's warm-up is too short for this machine.");
                }
                if (o.unmet() && c.whyMissed() != null && !notJudged(row.number(), o.mark(), overload)) {
                    for (String paragraph : c.whyMissed().split("\n\n")) {
                        if (!missed.contains(paragraph)) {
                            missed.add(paragraph);
                        }
                    }
                }
            }
            line("");
            line("Figures: " + describe(row) + ".");
            line("");
            if (row.number() == Rows.FILES) {
                line(nioFolder(results));
                line("");
            }
            if (!cores.isEmpty()) {
                line("Cores (a cache line's round trip between two threads, probed before and after each measured iteration): "
                        + String.join("; ", cores) + ".");
                line("");
            }
            for (String w : withdrawn) {
                line(w);
                line("");
            }
            for (String why : missed) {
                line("**What holds it back:** " + prose(row, why));
                line("");
            }
        }
        line(prose(row, row.notes()));
        line("");
        if (row.number() == Rows.CODEC) {
            codecProfile(row);
        } else if (Rows.PROFILED.containsKey(row.number())) {
            stackProfile(row.number());
        }
    }

    /**
     * A profiled row's profile of its fos side: its CPU profile (async-profiler) if the run has one, else
     * JMH's stack profile: how its threads spent the samples, and its hottest frames.
     */
    private void stackProfile(int row) {
        RowProfile cpu = rowProfiles.get(row);
        if (cpu != null) {
            line("**Profile** of the fos side (async-profiler, `" + cpu.event() + "` samples, of " + Rows.PROFILED.get(row)
                    + ", a separate single-fork run; the benchmark's JVM only; the flame graphs are in the run's results folder, "
                    + cpu.where() + "): what the sampled threads were doing, as shares of all samples, the busiest threads, and the"
                    + " hottest frames of fos's own code:");
            line("");
            line("```");
            cpu.profile().lines(cpu.measuredSeconds(), PROFILE_THREADS, STACK_LINES).forEach(this::line);
            line("```");
            line("");
            return;
        }
        List<String> output = rowStacks.getOrDefault(row, List.of());
        List<String> states = section(output, "[Thread state distributions]", STACK_LINES);
        List<String> stack = hottest(output);
        if (states.isEmpty() && stack.isEmpty()) {
            line("No stack profile of the fos side in this run (" + stackFile(row) + ").");
            line("");
            return;
        }
        line("**Profile** of the fos side (`-prof stack` of " + Rows.PROFILED.get(row) + ", a separate single-fork run; the"
                + " benchmark's JVM only): the threads' states, as shares of all samples, then the hottest top frames of"
                + " RUNNABLE threads:");
        line("");
        line("```");
        states.forEach(this::line);
        line("");
        stack.forEach(this::line);
        line("```");
        line("");
    }

    /**
     * Fills the placeholders of a row's prose with the figures of this run it quotes.
     *
     * @param row the row
     * @param text its prose
     * @return the text with each {@code {name}} replaced
     * @throws IllegalStateException if the text names a figure the row does not quote
     */
    private String prose(Row row, String text) {
        String filled = text;
        for (Map.Entry<String, Figure> q : row.quotes().entrySet()) {
            filled = filled.replace("{" + q.getKey() + "}", quote(q.getValue(), results));
        }
        Matcher left = PLACEHOLDER.matcher(filled);
        if (left.find()) {
            throw new IllegalStateException("row " + row.number() + " quotes " + left.group() + " without a figure for it");
        }
        return filled;
    }

    /**
     * Writes a figure of the run as the prose quotes it: the median of the samples in sample mode,
     * else JMH's score, in its unit.
     *
     * @param figure the figure
     * @param results the run's results
     * @return for example {@code 7.45 kB}, or {@value #NOT_MEASURED} if the run lacks it
     */
    static String quote(Figure figure, List<JmhResult> results) {
        JmhResult r = figure.find(results);
        JmhResult.Metric m = r == null ? null : figure.of(r);
        if (m == null) {
            return NOT_MEASURED;
        }
        return Format.value("sample".equals(r.mode()) && figure.metric() == null ? m.p50() : m.score(), m.unit());
    }

    /**
     * Says where the java.nio baseline of the file row kept its files: the folder the run passed
     * ({@code nioDir}) and the type of the file store it is on, as this machine says now.
     *
     * @param results the run's results
     * @return the sentence
     */
    static String nioFolder(List<JmhResult> results) {
        for (JmhResult r : results) {
            String dir = r.params().get("nioDir");
            if (r.benchmark().startsWith(Rows.FILE_BENCHMARK + ".") && "nio".equals(r.params().get("fs")) && dir != null) {
                String type;
                try {
                    type = "file store type `" + Files.getFileStore(Path.of(dir)).type() + "`";
                } catch (IOException | RuntimeException e) {
                    type = "file store type unknown: " + e.getMessage();
                }
                return "The java.nio baseline's files were in a fresh folder under `" + dir + "` (" + type + ").";
            }
        }
        return "The run has no java.nio result of " + Rows.FILE_BENCHMARK + ": its folder is unknown.";
    }

    private String describe(Row row) {
        Set<String> figures = new LinkedHashSet<>();
        for (Comparison c : row.comparisons()) {
            figures.add(c.fos().describe());
            if (c.baseline() != null) {
                figures.add(c.baseline().describe());
            }
        }
        return String.join(", ", figures);
    }

    private String liveUpgradeSummary() {
        if (liveUpgrade == null) {
            return "not measured: no " + LIVE_UPGRADE_FILE + " in this run";
        }
        return "pause " + Format.time(liveUpgrade.pauseNanos()) + " (" + liveUpgrade.keys() + " keys handed over), worst call " + Format.time(liveUpgrade.maxNanos()) + ", "
                + liveUpgrade.lost() + " lost, " + liveUpgrade.failed() + " failed";
    }

    private String liveUpgradeMark() {
        if (liveUpgrade == null) {
            return "not measured";
        }
        boolean met = liveUpgrade.lost() == 0 && liveUpgrade.failed() == 0 && "UPGRADED".equals(liveUpgrade.outcome());
        return met ? Comparison.MET : Comparison.MISSED;
    }

    private void liveUpgrade() {
        if (liveUpgrade == null) {
            line("Not measured: the run left no " + LIVE_UPGRADE_FILE + ".");
            line("");
            return;
        }
        LiveUpgradeResult r = liveUpgrade;
        line("| outcome | pause | keys handed over | worst call | p50 | p99 | calls | failed | lost | requests queued | mark |");
        line("|---|---|---|---|---|---|---|---|---|---|---|");
        line("| " + r.outcome() + " " + r.from() + " -> " + r.to() + " | " + Format.time(r.pauseNanos()) + " | " + r.keys() + " | "
                + Format.time(r.maxNanos()) + " | " + Format.time(r.p50Nanos()) + " | " + Format.time(r.p99Nanos()) + " | "
                + r.calls() + " | " + r.failed() + " | " + r.lost() + " | " + r.queued() + " | " + liveUpgradeMark() + " |");
        line("");
    }

    /** The codec row's profile: allocation per round trip of each codec, and the stack profile of the fos codec. */
    private void codecProfile(Row row) {
        line("**Profile** (same run, `-prof gc`): bytes allocated per encode+decode:");
        line("");
        Set<Figure> figures = new LinkedHashSet<>();
        for (Comparison c : row.comparisons()) {
            figures.add(c.fos());
            figures.add(c.baseline());
        }
        for (Figure f : figures) {
            JmhResult r = f.find(results);
            JmhResult.Metric norm = r == null ? null : r.secondary().get("gc.alloc.rate.norm");
            line("- " + f.describe() + ": " + (norm == null ? "not measured" : Format.bytes(norm.score()) + "/op"));
        }
        line("");
        List<String> stack = hottest(codecStack);
        if (stack.isEmpty()) {
            line("No stack profile in this run (" + CODEC_STACK_FILE + ").");
        } else {
            line("Stack profile of the fos codec (`-prof stack`, a separate single-fork run): the hottest top frames of"
                    + " RUNNABLE threads, as shares of all samples (samples without a Java frame left out):");
            line("");
            line("```");
            stack.forEach(this::line);
            line("```");
        }
        line("");
    }

    /** The first lines of the RUNNABLE section of JMH's stack profiler output. */
    static List<String> hottest(List<String> output) {
        return section(output, "[Thread state: RUNNABLE]", STACK_LINES);
    }

    /** Up to {@code max} lines of a section of JMH's stack profiler output, from its title to its end. */
    static List<String> section(List<String> output, String title, int max) {
        List<String> lines = new ArrayList<>();
        boolean inSection = false;
        for (String l : output) {
            if (l.contains(title)) {
                inSection = true;
                continue;
            }
            if (inSection) {
                if (l.isBlank() || l.startsWith("....")) {
                    break;
                }
                if (l.contains("<stack is empty")) {
                    continue;
                }
                lines.add(l.strip());
                if (lines.size() == max) {
                    break;
                }
            }
        }
        return lines;
    }
}
