package org.fos.benchmarks.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.fos.benchmarks.report.Comparison.Kind;
import org.junit.jupiter.api.Test;

class BenchmarkReportTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A JMH sample-mode result of RoundTripBenchmark with two forks of one iteration each. */
    private static JmhResult sample(String path, String fork1, String fork2) throws Exception {
        JsonNode node = JSON.readTree(("{'jmhVersion':'1.37','benchmark':'org.fos.benchmarks.RoundTripBenchmark.roundTrip',"
                + "'mode':'sample','threads':1,'forks':2,'jvm':'java','jdkVersion':'17','vmName':'OpenJDK','vmVersion':'17',"
                + "'warmupIterations':3,'warmupTime':'1 s','measurementIterations':1,'measurementTime':'1 s',"
                + "'params':{'path':'" + path + "'},'primaryMetric':{'score':1.0,'scoreError':'NaN','scoreUnit':'ns/op',"
                + "'rawDataHistogram':[[" + fork1 + "],[" + fork2 + "]]},'secondaryMetrics':{}}").replace('\'', '"'));
        return JmhResult.of(node);
    }

    @Test
    void shouldNameTheForksJvmOptionsBesideTheJvm() throws Exception {
        JsonNode node = JSON.readTree(("{'jmhVersion':'1.37','benchmark':'org.fos.benchmarks.CodecBenchmark.roundTrip',"
                + "'mode':'avgt','threads':1,'forks':2,'jvm':'java','jdkVersion':'17','vmName':'OpenJDK','vmVersion':'17',"
                + "'jvmArgs':['-Xms1g','-Xmx1g','-XX:+AlwaysPreTouch'],"
                + "'warmupIterations':2,'warmupTime':'1 s','measurementIterations':3,'measurementTime':'1 s',"
                + "'params':{},'primaryMetric':{'score':1.0,'scoreError':'NaN','scoreUnit':'ns/op',"
                + "'rawData':[[1.0],[1.0]]},'secondaryMetrics':{}}").replace('\'', '"'));

        assertThat(JmhResult.of(node).jvm()).isEqualTo("OpenJDK 17 (JDK 17), JMH 1.37, options -Xms1g -Xmx1g -XX:+AlwaysPreTouch");
        assertThat(sample("fos", "[[100,1]]", "[[100,1]]").jvm()).isEqualTo("OpenJDK 17 (JDK 17), JMH 1.37");
    }

    /**
     * A JMH sample-mode result of RoundTripBenchmark with two forks of three 1 s iterations, each sample 100 ns, and the
     * comp profiler's milliseconds of compilation in each iteration.
     */
    private static JmhResult compiled(String path, String compileMillis) throws Exception {
        String iterations = "[[100,4]],[[100,4]],[[100,4]]";
        JsonNode node = JSON.readTree(("{'jmhVersion':'1.37','benchmark':'org.fos.benchmarks.RoundTripBenchmark.roundTrip',"
                + "'mode':'sample','threads':1,'forks':2,'jvm':'java','jdkVersion':'17','vmName':'OpenJDK','vmVersion':'17',"
                + "'warmupIterations':2,'warmupTime':'1 s','measurementIterations':3,'measurementTime':'1 s',"
                + "'params':{'path':'" + path + "'},'primaryMetric':{'score':100.0,'scoreError':'NaN','scoreUnit':'ns/op',"
                + "'rawDataHistogram':[[" + iterations + "],[" + iterations + "]]},'secondaryMetrics':{'compiler.time.profiled':"
                + "{'score':1.0,'scoreError':'NaN','scoreUnit':'ms','rawData':" + compileMillis + "}}}").replace('\'', '"'));
        return JmhResult.of(node);
    }

    @Test
    void shouldTakeTheForkThatCompiledLongestAsTheShareOfItsMeasuredTime() throws Exception {
        assertThat(compiled("fos", "[[300,100,100],[10,10,10]]").compileShare()).isCloseTo(0.2, within(1e-9));
        assertThat(compiled("fos", "[[0,0,0],[0,4,0]]").compileShare()).isCloseTo(0.002, within(1e-9));
        assertThat(compiled("fos", "[[0,0,900],[0,0,950]]").compileShare()).as("the last iteration holds the trial's teardown")
                .isZero();
        assertThat(sample("fos", "[[100,1]]", "[[100,1]]").compileShare()).as("not measured").isNaN();
        assertThat(JmhResult.millis("1 s")).isEqualTo(1000);
        assertThat(JmhResult.millis("500 ms")).isEqualTo(500);
        assertThat(JmhResult.millis("2 min")).isEqualTo(120_000);
        assertThat(JmhResult.millis("single-shot")).isNaN();
        assertThat(JmhResult.millis("1 fortnight")).isNaN();
        assertThat(JmhResult.millis("many s")).isNaN();
    }

    @Test
    void shouldFlagWithoutAVerdictAComparisonOneOfWhoseSidesWasStillCompiling() throws Exception {
        JmhResult settled = compiled("spsc", "[[5,0,0],[0,1,0]]");

        Comparison.Outcome fosCompiling = ROW_1.evaluate(List.of(compiled("fos", "[[900,700,0],[20,20,20]]"), settled));
        Comparison.Outcome baselineCompiling = ROW_1.evaluate(List.of(compiled("fos", "[[0,0,0],[0,0,0]]"),
                compiled("spsc", "[[0,0,0],[250,250,250]]")));
        Comparison.Outcome neither = ROW_1.evaluate(List.of(compiled("fos", "[[200,200,200],[0,0,0]]"), settled));

        assertThat(fosCompiling.mark()).isEqualTo(Comparison.COMPILING);
        assertThat(fosCompiling.ratio()).as("the ratio is still shown").isEqualTo("1.00x [1.00x, 1.00x]");
        assertThat(fosCompiling.unmet()).isFalse();
        assertThat(ROW_1.compiling(List.of(compiled("fos", "[[900,700,0],[20,20,20]]"), settled)))
                .isEqualTo("the fos side for 80% of a fork's measured time");
        assertThat(baselineCompiling.mark()).isEqualTo(Comparison.COMPILING);
        assertThat(ROW_1.compiling(List.of(compiled("fos", "[[0,0,0],[0,0,0]]"), compiled("spsc", "[[0,0,0],[250,250,250]]"))))
                .isEqualTo("the baseline for 25% of a fork's measured time");
        assertThat(neither.mark()).as("20% of a fork's time is within the bound").isEqualTo("met");
        assertThat(ROW_1.compiling(List.of(compiled("fos", "[[205,201,0],[0,0,0]]"), settled)))
                .as("a share that rounds onto the bound shows which side it is on")
                .isEqualTo("the fos side for 20.3% of a fork's measured time");
        assertThat(ROW_1.compiling(List.of(sample("fos", "[[100,1]]", "[[100,1]]"), sample("spsc", "[[100,1]]", "[[100,1]]"))))
                .as("a run without the comp profiler").isNull();
    }

    @Test
    void shouldSayInTheRowWhichSideWasStillCompiling() {
        List<JmhResult> run = new ArrayList<>();
        for (JmhResult r : syntheticRun(1)) {
            boolean row1Fos = r.benchmark().equals("RoundTripBenchmark.roundTrip") && "fosSpinning".equals(r.params().get("path"));
            run.add(row1Fos ? new JmhResult(r.benchmark(), r.params(), r.mode(), r.settings(), r.jvm(), r.threads(), r.primary(),
                    r.secondary(), 0.42) : r);
        }

        String report = render(run);

        assertThat(report).contains("| " + Comparison.COMPILING + " |");
        assertThat(report).contains("**Still compiling** (fos spinning vs JCTools SPSC): the JIT was still compiling"
                + " the fos side for 42% of a fork's measured time, so no verdict");
    }

    private static final Comparison ROW_1 = new Comparison("fos vs spsc", Kind.LATENCY,
            Figure.of("RoundTripBenchmark.roundTrip", "path", "fos"), Figure.of("RoundTripBenchmark.roundTrip", "path", "spsc"),
            1.5, "why");

    @Test
    void shouldCompareTheMediansOfAllSamplesWhenTheModeIsSample() throws Exception {
        List<JmhResult> results = List.of(sample("fos", "[[100,3],[1000,1]]", "[[120,3]]"), sample("spsc", "[[100,4]]", "[[100,4]]"));

        Comparison.Outcome o = ROW_1.evaluate(results);

        assertThat(o.ratio()).isEqualTo("1.20x [1.00x, 1.20x]");
        assertThat(o.mark()).isEqualTo("met");
        assertThat(o.fos()).isEqualTo("p50 120 ns, p99 1.00 us");
    }

    private static final Comparison P50 = new Comparison("fos vs spsc p50", Kind.P50,
            Figure.of("RoundTripBenchmark.roundTrip", "path", "fos"), Figure.of("RoundTripBenchmark.roundTrip", "path", "spsc"),
            1.5, "why");

    @Test
    void shouldMeetAGoalWhenTheWholeIntervalOfTheIterationsIsWithinIt() throws Exception {
        List<JmhResult> results = List.of(sample("fos", "[[120,4]]", "[[130,4]]"), sample("spsc", "[[100,4]]", "[[100,4]]"));

        Comparison.Outcome o = P50.evaluate(results);

        assertThat(o.ratio()).isEqualTo("1.20x [1.20x, 1.30x]");
        assertThat(o.mark()).isEqualTo("met");
    }

    @Test
    void shouldSayUndecidedWhenTheIntervalStraddlesTheGoal() throws Exception {
        List<JmhResult> results = List.of(sample("fos", "[[140,4]]", "[[160,4]]"), sample("spsc", "[[100,4]]", "[[100,4]]"));

        Comparison.Outcome p50 = P50.evaluate(results);
        Comparison.Outcome latency = ROW_1.evaluate(results);

        assertThat(p50.ratio()).isEqualTo("1.40x [1.40x, 1.60x]");
        assertThat(p50.mark()).isEqualTo("undecided");
        assertThat(p50.unmet()).as("not shown met: the row says what holds fos back").isTrue();
        assertThat(latency.ratio()).isEqualTo("1.40x [1.40x, 1.60x]");
        assertThat(latency.mark()).as("a ratio within the goal is not enough to meet it").isEqualTo("undecided");
    }

    @Test
    void shouldSayWhatHoldsFosBackWhereAGoalIsNotShownMet() throws Exception {
        JmhResult spsc = sample("jctoolsSpsc", "[[100,4]]", "[[100,4]]");
        String undecided = rowOne(render(List.of(sample("fosSpinning", "[[140,4]]", "[[160,4]]"), spsc)));
        String met = rowOne(render(List.of(sample("fosSpinning", "[[120,4]]", "[[130,4]]"), spsc)));

        assertThat(undecided).contains("| undecided |").contains("**What holds it back:** A fos mailbox is a multi-producer queue");
        assertThat(met).contains("| met |").doesNotContain("What holds it back");
    }

    /** The section of row 1 in a rendered report. */
    private static String rowOne(String report) {
        return report.substring(report.indexOf("## Row 1:"), report.indexOf("## Row 2:"));
    }

    @Test
    void shouldMissAGoalWhenTheWholeIntervalIsAboveIt() throws Exception {
        List<JmhResult> results = List.of(sample("fos", "[[400,4]]", "[[410,4]]"), sample("spsc", "[[100,4]]", "[[110,4]]"));

        Comparison.Outcome o = P50.evaluate(results);

        assertThat(o.mark()).isEqualTo("MISSED");
        assertThat(o.unmet()).isTrue();
    }

    @Test
    void shouldPickAResultByItsModeAndThreadsWhenTheFigureNamesThem() throws Exception {
        JmhResult r = sample("fos", "[[100,4]]", "[[100,4]]");

        assertThat(r.matches("RoundTripBenchmark.roundTrip", java.util.Map.of("path", "fos", JmhResult.MODE, "sample",
                JmhResult.THREADS, "1"))).isTrue();
        assertThat(r.matches("RoundTripBenchmark.roundTrip", java.util.Map.of("path", "fos", JmhResult.THREADS, "2"))).isFalse();
        assertThat(r.matches("RoundTripBenchmark.roundTrip", java.util.Map.of(JmhResult.MODE, "thrpt"))).isFalse();
    }

    @Test
    void shouldNotJudgeRow13WhenTheLoadExceededTheCores() {
        List<String> busy = List.of("2026-12-02T15:44:18Z ratis starting: load average 1.50 2.00 2.10 3/341 8511",
                "2026-12-02T15:46:39Z fos measuring: load average 55.12 34.73 24.44 27/1145 12032");

        assertThat(BenchmarkReport.overload(busy, 2)).isEqualTo("not judged: 1-minute load up to 55.12 on 2 cores");
        assertThat(BenchmarkReport.overload(busy.subList(0, 1), 2)).isNull();
        assertThat(BenchmarkReport.overload(List.of(), 2)).isNull();
        String note = BenchmarkReport.overload(busy, 2);
        for (String mark : List.of(Comparison.MET, Comparison.MISSED, Comparison.UNDECIDED, Comparison.IMPLAUSIBLE)) {
            assertThat(BenchmarkReport.notJudged(Rows.KV_RAFT_ROW, mark, note)).as(mark).isTrue();
            assertThat(BenchmarkReport.notJudged(Rows.KV_RAFT_ROW, mark, null)).as(mark + " within the cores").isFalse();
            assertThat(BenchmarkReport.notJudged(5, mark, note)).as(mark + " of another row").isFalse();
        }
        assertThat(BenchmarkReport.notJudged(Rows.KV_RAFT_ROW, "-", note)).as("a diagnostic line").isFalse();
    }

    @Test
    void shouldMarkMissedAndSayWhyWhenTheRatioIsAboveTheGoal() throws Exception {
        List<JmhResult> results = List.of(sample("fos", "[[400,4]]", "[[410,4]]"), sample("spsc", "[[100,4]]", "[[110,4]]"));

        Comparison.Outcome o = ROW_1.evaluate(results);

        assertThat(o.mark()).isEqualTo("MISSED");
        assertThat(o.unmet()).isTrue();
    }

    @Test
    void shouldShowWhichSideOfTheGoalARatioIsWhenItRoundsOntoIt() throws Exception {
        Comparison atMostOne = new Comparison("fos vs abq", Kind.LATENCY, Figure.of("RoundTripBenchmark.roundTrip", "path", "fos"),
                Figure.of("RoundTripBenchmark.roundTrip", "path", "spsc"), 1.0, "why");
        List<JmhResult> results = List.of(sample("fos", "[[1004,4]]", "[[1004,4]]"), sample("spsc", "[[1000,4]]", "[[1000,4]]"));

        Comparison.Outcome o = atMostOne.evaluate(results);

        assertThat(o.ratio()).isEqualTo("1.004x [1.004x, 1.004x]");
        assertThat(o.mark()).isEqualTo("MISSED");
    }

    @Test
    void shouldFlagInsteadOfAveragingWhenForkMediansJumpMoreThanFiveTimes() throws Exception {
        List<JmhResult> results = List.of(sample("fos", "[[100,4]]", "[[600,4]]"), sample("spsc", "[[100,4]]", "[[100,4]]"));

        Comparison.Outcome o = ROW_1.evaluate(results);

        assertThat(o.mark()).isEqualTo("FLAGGED");
        assertThat(o.ratio()).isEqualTo("-");
        assertThat(o.fos()).isEqualTo("fork medians 100 ns / 600 ns");
    }

    @Test
    void shouldSayNotMeasuredWhenTheRunHasNoResultForAFigure() throws Exception {
        Comparison.Outcome o = ROW_1.evaluate(List.of(sample("spsc", "[[100,4]]", "[[100,4]]")));

        assertThat(o.mark()).startsWith("not measured").contains("path=fos");
    }

    @Test
    void shouldProfileEveryProfiledRowInTheRunScript() throws Exception {
        String script = java.nio.file.Files.readString(java.nio.file.Path.of("run"));

        for (int row : Rows.PROFILED.keySet()) {
            assertThat(script).as("benchmarks/run profiles row %d", row).containsPattern("(?m)^profile " + row + " ");
        }
    }

    @Test
    void shouldQuoteTheRunnableFramesOfTheStackProfile() {
        List<String> output = List.of("....[Thread state distributions]....", " 99.0%  RUNNABLE", "",
                "....[Thread state: RUNNABLE]....", " 40.0%  45.0% <stack is empty, everything is filtered?>",
                " 10.0%  11.0% com.fasterxml.jackson.Foo.bar", "  5.0%   5.5% org.fos.codec.impl.Baz.qux", "",
                "....[Thread state: WAITING]....", " 1.0% 100.0% java.lang.Object.wait");

        assertThat(BenchmarkReport.hottest(output)).containsExactly("10.0%  11.0% com.fasterxml.jackson.Foo.bar",
                "5.0%   5.5% org.fos.codec.impl.Baz.qux");
    }

    @Test
    void shouldShowTheThreadStatesAndHottestFramesOfAProfiledRowsFosSide() throws Exception {
        List<String> output = List.of("....[Thread state distributions]....", " 78.0%         TIMED_WAITING",
                " 22.0%         RUNNABLE", "", "....[Thread state: RUNNABLE]....", " 12.0%  54.5% java.lang.Thread.yield",
                "  3.0%  13.6% org.fos.kernel.impl.MailboxImpl.await", "");

        String report = BenchmarkReport.render(syntheticRun(1), null, List.of(), Map.of(Rows.FILES, output), FileTime.fromMillis(0),
                List.of());

        String row9 = report.substring(report.indexOf("## Row 9"), report.indexOf("## Row 10"));
        assertThat(row9).contains("`-prof stack` of FileBenchmark fs=fos", "78.0%         TIMED_WAITING", "22.0%         RUNNABLE",
                "12.0%  54.5% java.lang.Thread.yield");
        String row5 = report.substring(report.indexOf("## Row 5"), report.indexOf("## Row 6"));
        assertThat(row5).contains("No stack profile of the fos side in this run (row-5-stack.txt).");
    }

    @Test
    void shouldShowAProfiledRowsCpuProfileInsteadOfItsStackProfile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path results)
            throws Exception {
        java.nio.file.Path bench = java.nio.file.Files.createDirectories(results.resolve("profiles/row-5/org.fos.benchmarks.RemoteCallBenchmark.call-SampleTime-peer-fos"));
        java.nio.file.Files.write(bench.resolve("collapsed-itimer.csv"), List.of(
                "[member 0 of /bench/adder tid=9];java/lang/Thread.run;org/fos/kernel/impl/MailboxImpl.await;JVM_Yield 300",
                "[fos-tcp-node-a-1 tid=7];io/netty/channel/nio/NioEventLoop.run;org/fos/kernel/impl/LinkTable.deliver 100",
                "[fos-tcp-node-a-1 tid=7];io/netty/channel/nio/NioEventLoop.run;sun/nio/ch/SocketDispatcher.write0 200"));
        java.nio.file.Files.writeString(results.resolve("profiles/row-5.json"),
                "[{\"benchmark\":\"org.fos.benchmarks.RemoteCallBenchmark.call\",\"measurementIterations\":3,\"measurementTime\":\"1 s\"}]");
        RowProfile profile = RowProfile.read(results.resolve("profiles"), 5, JSON);
        assertThat(RowProfile.read(results.resolve("profiles"), 9, JSON)).as("no profile of row 9").isNull();

        String report = BenchmarkReport.render(syntheticRun(1), null, List.of(), Map.of(), Map.of(5, profile), FileTime.fromMillis(0),
                List.of());

        String row5 = report.substring(report.indexOf("## Row 5"), report.indexOf("## Row 6"));
        assertThat(row5).contains("async-profiler, `itimer` samples, of RemoteCallBenchmark peer=fos",
                "profiles/row-5/org.fos.benchmarks.RemoteCallBenchmark.call-SampleTime-peer-fos",
                "600 samples of CPU time in 3.00 s of measurement",
                " 50.0%  waiting for work", " 33.3%  input and output", " 16.7%  fos's code", " 50.0%  member 0 of /bench/adder",
                " 16.7%  org.fos.kernel.impl.LinkTable.deliver");
        assertThat(RowProfile.seconds("500 ms")).isEqualTo(0.5);
        assertThat(RowProfile.seconds("soon")).isZero();
    }

    @Test
    void shouldMapEveryRowOfTheIssueToItsBenchmarks() {
        assertThat(Rows.ALL).extracting(Row::number).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
                15);
        assertThat(Rows.ALL).filteredOn(r -> r.notMeasured() != null).isEmpty();
        assertThat(Rows.ALL).filteredOn(r -> r.number() != Rows.LIVE_UPGRADE).allSatisfy(r -> assertThat(r.comparisons())
                .isNotEmpty().allSatisfy(c -> assertThat(Double.isNaN(c.goal()) || c.whyMissed() != null)
                        .as("%s of row %d says what holds it back when missed", c.label(), r.number()).isTrue()));
    }

    @Test
    void shouldNameTheFolderOfTheNioBaselineFromTheRunsParameters() throws Exception {
        JsonNode node = JSON.readTree(("{'jmhVersion':'1.37','benchmark':'org.fos.benchmarks.FileBenchmark.stat',"
                + "'mode':'sample','threads':1,'forks':1,'jvm':'java','jdkVersion':'17','vmName':'OpenJDK','vmVersion':'17',"
                + "'warmupIterations':1,'warmupTime':'1 s','measurementIterations':1,'measurementTime':'1 s',"
                + "'params':{'fs':'nio','nioDir':'" + System.getProperty("java.io.tmpdir") + "'},'primaryMetric':{'score':1.0,"
                + "'scoreError':'NaN','scoreUnit':'ns/op','rawDataHistogram':[[[[100,4]]]]},'secondaryMetrics':{}}").replace('\'', '"'));

        assertThat(BenchmarkReport.nioFolder(List.of(JmhResult.of(node)))).contains("`" + System.getProperty("java.io.tmpdir") + "`")
                .contains("file store type `");
        assertThat(BenchmarkReport.nioFolder(List.of())).contains("unknown");
    }

    /** A JMH result of another mode whose forks' iteration scores are given, with secondary metrics as JSON. */
    private static JmhResult scored(String benchmark, String mode, String params, String unit, String rawData, String secondary)
            throws Exception {
        JsonNode node = JSON.readTree(("{'jmhVersion':'1.37','benchmark':'org.fos.benchmarks." + benchmark + "','mode':'" + mode
                + "','threads':1,'forks':2,'jvm':'java','jdkVersion':'17','vmName':'OpenJDK','vmVersion':'17',"
                + "'warmupIterations':1,'warmupTime':'1 s','measurementIterations':2,'measurementTime':'1 s',"
                + "'params':{" + params + "},'primaryMetric':{'score':" + mean(rawData) + ",'scoreError':'NaN','scoreUnit':'" + unit
                + "','rawData':" + rawData + "},'secondaryMetrics':{" + secondary + "}}").replace('\'', '"'));
        return JmhResult.of(node);
    }

    private static double mean(String rawData) {
        return java.util.Arrays.stream(rawData.replaceAll("[\\[\\]]", "").split(",")).mapToDouble(Double::parseDouble).average()
                .orElseThrow();
    }

    private static String secondary(String name, String unit, String rawData) {
        return "'" + name + "':{'score':" + mean(rawData) + ",'scoreError':'NaN','scoreUnit':'" + unit + "','rawData':" + rawData + "}";
    }

    private static final Figure FOS_RATE = Figure.of("MailboxThroughputBenchmark.oneProducer", "queue", "fos");
    private static final Figure RAW_RATE = Figure.of("MailboxThroughputBenchmark.oneProducer", "queue", "jctools");

    private static List<JmhResult> rates(String fos, String raw) throws Exception {
        return List.of(scored("MailboxThroughputBenchmark.oneProducer", "thrpt", "'queue':'fos'", "ops/s", fos, ""),
                scored("MailboxThroughputBenchmark.oneProducer", "thrpt", "'queue':'jctools'", "ops/s", raw, ""));
    }

    @Test
    void shouldJudgeARateByTheIntervalOfEveryIterationOfEveryFork() throws Exception {
        Comparison atLeastHalf = new Comparison("1 producer", Kind.THROUGHPUT, FOS_RATE, RAW_RATE, 0.5, "why");

        Comparison.Outcome met = atLeastHalf.evaluate(rates("[[60,70],[65,80]]", "[[100,100],[110,100]]"));
        Comparison.Outcome undecided = atLeastHalf.evaluate(rates("[[40,70],[65,80]]", "[[100,100],[110,100]]"));
        Comparison.Outcome missed = atLeastHalf.evaluate(rates("[[20,30],[25,30]]", "[[100,100],[110,100]]"));

        assertThat(met.ratio()).isEqualTo("0.671x [0.545x, 0.800x]");
        assertThat(met.mark()).isEqualTo("met");
        assertThat(undecided.ratio()).isEqualTo("0.622x [0.364x, 0.800x]");
        assertThat(undecided.mark()).isEqualTo("undecided");
        assertThat(undecided.unmet()).isTrue();
        assertThat(met.unmet()).isFalse();
        assertThat(missed.mark()).isEqualTo("MISSED");
        assertThat(missed.unmet()).isTrue();
    }

    @Test
    void shouldFlagARatioImplausibleWhenFosBeatsTheStructureItIsBuiltOn() throws Exception {
        Comparison onItsQueue = new Comparison("1 producer", Kind.THROUGHPUT, FOS_RATE, RAW_RATE, 0.5, "why").lowerBound();
        Comparison besidePeer = new Comparison("1 producer", Kind.THROUGHPUT, FOS_RATE, RAW_RATE, 0.5, "why");
        Comparison diagnostic = new Comparison("1 producer", Kind.THROUGHPUT, FOS_RATE, RAW_RATE, Double.NaN, null).lowerBound();
        List<JmhResult> fosAhead = rates("[[120,130],[125,130]]", "[[100,100],[110,100]]");

        assertThat(onItsQueue.evaluate(fosAhead).mark()).isEqualTo("implausible: re-measure");
        assertThat(onItsQueue.evaluate(fosAhead).unmet()).isFalse();
        assertThat(onItsQueue.evaluate(fosAhead).ratio()).isEqualTo("1.23x [1.09x, 1.30x]");
        assertThat(besidePeer.evaluate(fosAhead).mark()).as("beating a peer is plausible").isEqualTo("met");
        assertThat(diagnostic.evaluate(fosAhead).mark()).isEqualTo("implausible: re-measure");
        assertThat(onItsQueue.evaluate(rates("[[60,70],[65,80]]", "[[100,100],[110,100]]")).mark()).isEqualTo("met");
    }

    @Test
    void shouldFlagALatencyImplausibleWhenFosIsFasterThanItsFloor() throws Exception {
        List<JmhResult> fosFaster = List.of(sample("fos", "[[80,4]]", "[[90,4]]"), sample("spsc", "[[100,4]]", "[[100,4]]"));

        assertThat(ROW_1.lowerBound().evaluate(fosFaster).mark()).isEqualTo("implausible: re-measure");
        assertThat(ROW_1.evaluate(fosFaster).mark()).isEqualTo("met");
    }

    @Test
    void shouldShowTheRatioButNoVerdictWhenTheVerdictIsWithdrawn() throws Exception {
        Comparison withdrawn = ROW_1.lowerBound().withdraw("not like for like");

        JmhResult spsc = sample("spsc", "[[100,4]]", "[[100,4]]");
        Comparison.Outcome fine = withdrawn.evaluate(List.of(sample("fos", "[[120,4]]", "[[130,4]]"), spsc));
        Comparison.Outcome faster = withdrawn.evaluate(List.of(sample("fos", "[[80,4]]", "[[90,4]]"), spsc));

        assertThat(fine.mark()).isEqualTo("withdrawn");
        assertThat(fine.ratio()).startsWith("1.20x [");
        assertThat(fine.unmet()).isFalse();
        assertThat(faster.mark()).isEqualTo("implausible: re-measure (verdict withdrawn)");
    }

    @Test
    void shouldGiveASpeedupTheIntervalOfTheBaselineOverFos() throws Exception {
        Comparison speedup = new Comparison("vs Java serialization", Kind.SPEEDUP,
                Figure.of("CodecBenchmark.roundTrip", "codec", "fos"), Figure.of("CodecBenchmark.roundTrip", "codec", "java"), 30, "why");
        List<JmhResult> results = List.of(
                scored("CodecBenchmark.roundTrip", "avgt", "'codec':'fos'", "ns/op", "[[100,110],[100,100]]", ""),
                scored("CodecBenchmark.roundTrip", "avgt", "'codec':'java'", "ns/op", "[[2500,3500],[3000,3000]]", ""));

        Comparison.Outcome o = speedup.evaluate(results);

        assertThat(o.ratio()).isEqualTo("29.3x faster [22.7x faster, 35.0x faster]");
        assertThat(o.mark()).isEqualTo("undecided");
    }

    @Test
    void shouldJudgeAllocationByEveryIterationsBytesPerMessage() throws Exception {
        Figure fos = FOS_RATE.metric("received");
        Figure raw = RAW_RATE.metric("received");
        Comparison allocation = new Comparison("allocation", Kind.ALLOCATION, fos, raw, 1, "why");
        String received = secondary("received", "ops/s", "[[1048576,1048576],[1048576,1048576]]");

        List<JmhResult> none = List.of(scored("MailboxThroughputBenchmark.oneProducer", "thrpt", "'queue':'fos'", "ops/s", "[[1,1],[1,1]]",
                received + "," + secondary("gc.alloc.rate", "MB/sec", "[[0.1,0.2],[0.1,0.1]]")),
                scored("MailboxThroughputBenchmark.oneProducer", "thrpt", "'queue':'jctools'", "ops/s", "[[1,1],[1,1]]",
                        received + "," + secondary("gc.alloc.rate", "MB/sec", "[[0.1,0.1],[0.1,0.1]]")));
        List<JmhResult> some = List.of(scored("MailboxThroughputBenchmark.oneProducer", "thrpt", "'queue':'fos'", "ops/s", "[[1,1],[1,1]]",
                received + "," + secondary("gc.alloc.rate", "MB/sec", "[[0.5,3],[0.5,0.5]]")), none.get(1));

        assertThat(allocation.evaluate(none).mark()).isEqualTo("met");
        assertThat(allocation.evaluate(none).fos()).isEqualTo("0.125 B/msg [0.100 B, 0.200 B]");
        assertThat(allocation.evaluate(some).mark()).isEqualTo("undecided");
    }

    private static final Figure STEP = Figure.of("ElasticStepBenchmark.stepToAddedMemberServing");

    private static List<JmhResult> steps(String rawData) throws Exception {
        return List.of(scored("ElasticStepBenchmark.stepToAddedMemberServing", "ss", "", "ms/op", rawData, ""));
    }

    @Test
    void shouldGiveATimeOfItsOwnAsTheMedianOfItsTrialsWithTheirInterval() throws Exception {
        Comparison diagnostic = Comparison.time("step", STEP, Double.NaN, null);

        Comparison.Outcome o = diagnostic.evaluate(steps("[[600,650],[620,700]]"));

        assertThat(o.fos()).isEqualTo("median 635 ms of 4 trials");
        assertThat(o.baseline()).isEqualTo("-");
        assertThat(o.ratio()).isEqualTo("635 ms [600 ms, 700 ms]");
        assertThat(o.goal()).isEqualTo("(diagnostic)");
        assertThat(o.mark()).isEqualTo("-");
    }

    @Test
    void shouldJudgeATimeOfItsOwnByTheIntervalOfItsTrials() throws Exception {
        List<JmhResult> results = steps("[[600,650],[620,700]]");

        Comparison.Outcome met = Comparison.time("step", STEP, 800e6, "why").evaluate(results);
        Comparison.Outcome undecided = Comparison.time("step", STEP, 650e6, "why").evaluate(results);
        Comparison.Outcome missed = Comparison.time("step", STEP, 500e6, "why").evaluate(results);

        assertThat(met.goal()).isEqualTo("<= 800 ms");
        assertThat(met.mark()).isEqualTo("met");
        assertThat(undecided.mark()).as("a median within the goal is not enough to meet it").isEqualTo("undecided");
        assertThat(missed.mark()).isEqualTo("MISSED");
        assertThat(missed.unmet()).isTrue();
        assertThat(Comparison.time("step", STEP, Double.NaN, null).evaluate(List.of()).mark()).startsWith("not measured")
                .contains("ElasticStepBenchmark");
        assertThat(Comparison.time("step", STEP, Double.NaN, null).evaluate(steps("[[100,110],[900,1000]]")).mark())
                .isEqualTo("FLAGGED");
    }

    /** Row 14's results: calls per second of each fleet size, pinned and not, two forks of two iterations. */
    private static List<JmhResult> scaling(double pinnedPerMember, double unpinnedPerMember) throws Exception {
        List<JmhResult> results = new ArrayList<>();
        for (int members = 1; members <= Rows.MAX_MEMBERS; members++) {
            for (boolean pinned : new boolean[] {true, false}) {
                double rate = (pinned ? pinnedPerMember : unpinnedPerMember) * members;
                String raw = "[[" + rate + "," + rate * 1.1 + "],[" + rate * 0.9 + "," + rate + "]]";
                results.add(scored("FleetScalingBenchmark.call", "thrpt", "'members':'" + members + "','pinned':'" + pinned
                        + "','clientCores':'1'", "ops/s", raw, ""));
            }
        }
        return results;
    }

    @Test
    void shouldCompareEachFleetSizeWithOneMemberAndPinnedWithUnpinnedInRow14() throws Exception {
        Row row = Rows.ALL.stream().filter(r -> r.number() == 14).findFirst().orElseThrow();

        List<JmhResult> results = scaling(1000, 500);
        List<Comparison.Outcome> outcomes = row.comparisons().stream().map(c -> c.evaluate(results)).toList();

        assertThat(row.comparisons()).extracting(Comparison::label).containsExactly("pinned: 2 members vs 1", "pinned: 3 members vs 1",
                "unpinned: 2 members vs 1", "unpinned: 3 members vs 1", "1 member: pinned vs unpinned",
                "2 members: pinned vs unpinned", "3 members: pinned vs unpinned");
        assertThat(outcomes).extracting(Comparison.Outcome::ratio).containsExactly("2.00x [1.64x, 2.44x]", "3.00x [2.45x, 3.67x]",
                "2.00x [1.64x, 2.44x]", "3.00x [2.45x, 3.67x]", "2.00x [1.64x, 2.44x]", "2.00x [1.64x, 2.44x]",
                "2.00x [1.64x, 2.44x]");
        assertThat(outcomes).extracting(Comparison.Outcome::mark).containsOnly("-");
    }

    @Test
    void shouldKeepAnEarlierFindingAsADatedNoteApartFromTheRun() {
        assertThat(Rows.earlier("2026-11-27", "`-prof stack` of X", "Thread.yield was 23%"))
                .isEqualTo("[Recorded 2026-11-27 (`-prof stack` of X), not this run: Thread.yield was 23%]");
        assertThatThrownBy(() -> Rows.earlier("last week", "x", "y")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Rows.earlier("2026-11-27", "x", "y [z]")).isInstanceOf(IllegalArgumentException.class);
    }

    /** A figure with its unit as the report writes it: {@code 138 us}, {@code 7.3 to 7.9 kB}, {@code 23%}, {@code 0.64x}. */
    private static final Pattern PROSE_FIGURE = Pattern.compile("(?<![\\w.])\\d+(?:[.,]\\d+)*(?:\\s?(?:to|and|-)\\s?\\d+(?:[.,]\\d+)*)?"
            + "\\s?(?:ns|us|ms|s|kB|KiB|MB|B|%|x)(?![A-Za-z])");
    /** A finding of an earlier profile, as {@link Rows#earlier} writes it. */
    private static final Pattern DATED_NOTE = Pattern.compile("\\[Recorded \\d{4}-\\d{2}-\\d{2} \\([^\\]]*\\]");
    /** Figures in the prose that are settings of the benchmarks, not measurements. */
    private static final Set<String> SETTINGS = Set.of("4 KiB", "10 us", "1-2 s", "200-400 ms", "5 s", "8 MB", "1 MB", "99.9%", "100 ms", "100 us", "50 us", "20%");

    /**
     * A synthetic run with a result for every figure the rows name: the n-th result's figures are
     * {@code (100 + 37 n) * scale}, so that two scales give the same ratios (and the same marks) but
     * different figures.
     */
    private static List<JmhResult> syntheticRun(double scale) {
        Map<String, Map<String, String>> byResult = new LinkedHashMap<>();
        Map<String, Set<String>> secondaries = new LinkedHashMap<>();
        for (Row row : Rows.ALL) {
            List<Figure> figures = new ArrayList<>(row.quotes().values());
            row.comparisons().forEach(c -> figures.addAll(c.baseline() == null ? List.of(c.fos()) : List.of(c.fos(), c.baseline())));
            for (Figure f : figures) {
                String key = f.benchmark() + f.params();
                byResult.putIfAbsent(key, f.params());
                Set<String> metrics = secondaries.computeIfAbsent(key, k -> new LinkedHashSet<>());
                if (f.metric() != null) {
                    metrics.add(f.metric());
                    metrics.add("gc.alloc.rate");
                }
            }
        }
        List<JmhResult> results = new ArrayList<>();
        int n = 0;
        for (Map.Entry<String, Map<String, String>> e : byResult.entrySet()) {
            double v = (100 + 37 * n++) * scale;
            Map<String, String> params = new LinkedHashMap<>(e.getValue());
            String mode = params.containsKey(JmhResult.MODE) ? params.remove(JmhResult.MODE) : "sample";
            int threads = params.containsKey(JmhResult.THREADS) ? Integer.parseInt(params.remove(JmhResult.THREADS)) : 1;
            Map<String, JmhResult.Metric> secondary = new LinkedHashMap<>();
            for (String m : secondaries.get(e.getKey())) {
                secondary.put(m, metric(m.equals(Rows.ALLOCATION_PER_OP) ? v * 10 : v, m.equals(Rows.ALLOCATION_PER_OP) ? "B/op"
                        : m.equals("gc.alloc.rate") ? "MB/sec" : "ops/s"));
            }
            String benchmark = e.getKey().substring(0, e.getKey().indexOf('{'));
            results.add(new JmhResult(benchmark, params, mode, "2 forks", "OpenJDK 17", threads, metric(v, "ns/op"), secondary));
        }
        return results;
    }

    private static JmhResult.Metric metric(double v, String unit) {
        return new JmhResult.Metric(v, v / 100, unit, v, v * 2, new double[] {v, v}, new double[] {v * 0.99, v, v * 1.01},
                new double[] {v * 1.98, v * 2, v * 2.02});
    }

    private static String render(List<JmhResult> results) {
        return BenchmarkReport.render(results, null, List.of(), FileTime.fromMillis(0), List.of());
    }

    /** The report's prose: every line but tables, headings, lists, and the lines naming goals and figures. */
    private static List<String> prose(String report) {
        return report.lines().filter(l -> !l.startsWith("|") && !l.startsWith("#") && !l.startsWith("- ") && !l.startsWith("```")
                && !l.startsWith("Baseline: ") && !l.startsWith("Figures: ") && !l.isBlank())
                .map(l -> DATED_NOTE.matcher(l).replaceAll("[dated note]")).toList();
    }

    private static List<String> figures(String line) {
        return PROSE_FIGURE.matcher(line).results().map(MatchResult::group).toList();
    }

    @Test
    void shouldQuoteInItsProseOnlyFiguresOfTheRunOrDatedNotes() {
        Set<String> goals = new HashSet<>();
        goals.add(Format.plain(Comparison.JUMP_FACTOR) + "x");
        Rows.ALL.forEach(r -> r.comparisons().stream().filter(c -> !Double.isNaN(c.goal()))
                .forEach(c -> goals.add(Format.plain(c.goal()) + "x")));
        List<String> one = prose(render(syntheticRun(1)));
        List<String> other = prose(render(syntheticRun(1.7)));

        assertThat(other).as("the same marks, so the same paragraphs").hasSameSizeAs(one);
        List<String> fixed = new ArrayList<>();
        List<String> followed = new ArrayList<>();
        for (int i = 0; i < one.size(); i++) {
            List<String> a = figures(one.get(i));
            List<String> b = figures(other.get(i));
            assertThat(b).as("figures of line %s", one.get(i)).hasSameSizeAs(a);
            for (int j = 0; j < a.size(); j++) {
                (a.get(j).equals(b.get(j)) ? fixed : followed).add(a.get(j));
            }
        }

        assertThat(fixed).as("figures in the prose that stay the same whatever the run measured: neither goals, settings nor"
                + " dated notes").allSatisfy(f -> assertThat(goals.contains(f) || SETTINGS.contains(f)).as(f).isTrue());
        assertThat(followed).as("the figures the prose quotes from the run").isNotEmpty();
    }

    @Test
    void shouldSayWhatARunDidNotMeasureWhereTheProseQuotesIt() {
        String report = render(List.of());

        for (Row row : Rows.ALL) {
            for (Figure quoted : row.quotes().values()) {
                assertThat(BenchmarkReport.quote(quoted, List.of())).isEqualTo(BenchmarkReport.NOT_MEASURED);
            }
        }
        assertThat(report).contains("[Recorded 2026-12-03 (issue 14, after runs of 2026-11-27 and 2026-12-02), not this run: the"
                + " verdict was withdrawn while fos measured 0.64x");
    }

    @Test
    void shouldFillEveryPlaceholderOfTheProseFromAFigureTheRowQuotes() {
        Pattern placeholder = Pattern.compile("\\{([A-Za-z]+)\\}");
        for (Row row : Rows.ALL) {
            List<String> texts = new ArrayList<>();
            texts.add(row.notes());
            row.comparisons().forEach(c -> {
                texts.add(c.whyMissed());
                texts.add(c.withdrawn());
            });
            Set<String> named = new HashSet<>();
            texts.stream().filter(t -> t != null).forEach(t -> placeholder.matcher(t).results().forEach(m -> named.add(m.group(1))));
            assertThat(named).as("placeholders of row %d", row.number()).isEqualTo(row.quotes().keySet());
        }
    }
}
