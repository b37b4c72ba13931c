package org.fos.benchmarks.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

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

    private static final Comparison ROW_1 = new Comparison("fos vs spsc", Kind.LATENCY,
            Figure.of("RoundTripBenchmark.roundTrip", "path", "fos"), Figure.of("RoundTripBenchmark.roundTrip", "path", "spsc"),
            1.5, "why");

    @Test
    void shouldCompareTheMediansOfAllSamplesWhenTheModeIsSample() throws Exception {
        List<JmhResult> results = List.of(sample("fos", "[[100,3],[1000,1]]", "[[120,3]]"), sample("spsc", "[[100,4]]", "[[100,4]]"));

        Comparison.Outcome o = ROW_1.evaluate(results);

        assertThat(o.ratio()).isEqualTo("1.20x");
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
    void shouldNotJudgeAGoalWhenTheIntervalSpansIt() throws Exception {
        List<JmhResult> results = List.of(sample("fos", "[[140,4]]", "[[160,4]]"), sample("spsc", "[[100,4]]", "[[100,4]]"));

        Comparison.Outcome o = P50.evaluate(results);

        assertThat(o.ratio()).isEqualTo("1.40x [1.40x, 1.60x]");
        assertThat(o.mark()).startsWith("not judged");
        assertThat(o.missed()).isFalse();
    }

    @Test
    void shouldMissAGoalWhenTheWholeIntervalIsAboveIt() throws Exception {
        List<JmhResult> results = List.of(sample("fos", "[[400,4]]", "[[410,4]]"), sample("spsc", "[[100,4]]", "[[110,4]]"));

        Comparison.Outcome o = P50.evaluate(results);

        assertThat(o.mark()).isEqualTo("MISSED");
        assertThat(o.missed()).isTrue();
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
    }

    @Test
    void shouldMarkMissedAndSayWhyWhenTheRatioIsAboveTheGoal() throws Exception {
        List<JmhResult> results = List.of(sample("fos", "[[400,4]]", "[[410,4]]"), sample("spsc", "[[100,4]]", "[[110,4]]"));

        Comparison.Outcome o = ROW_1.evaluate(results);

        assertThat(o.mark()).isEqualTo("MISSED");
        assertThat(o.missed()).isTrue();
    }

    @Test
    void shouldShowWhichSideOfTheGoalARatioIsWhenItRoundsOntoIt() throws Exception {
        Comparison atMostOne = new Comparison("fos vs abq", Kind.LATENCY, Figure.of("RoundTripBenchmark.roundTrip", "path", "fos"),
                Figure.of("RoundTripBenchmark.roundTrip", "path", "spsc"), 1.0, "why");
        List<JmhResult> results = List.of(sample("fos", "[[1004,4]]", "[[1004,4]]"), sample("spsc", "[[1000,4]]", "[[1000,4]]"));

        Comparison.Outcome o = atMostOne.evaluate(results);

        assertThat(o.ratio()).isEqualTo("1.004x");
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
    void shouldQuoteTheRunnableFramesOfTheStackProfile() {
        List<String> output = List.of("....[Thread state distributions]....", " 99.0%  RUNNABLE", "",
                "....[Thread state: RUNNABLE]....", " 40.0%  45.0% <stack is empty, everything is filtered?>",
                " 10.0%  11.0% com.fasterxml.jackson.Foo.bar", "  5.0%   5.5% org.fos.codec.impl.Baz.qux", "",
                "....[Thread state: WAITING]....", " 1.0% 100.0% java.lang.Object.wait");

        assertThat(BenchmarkReport.hottest(output)).containsExactly("10.0%  11.0% com.fasterxml.jackson.Foo.bar",
                "5.0%   5.5% org.fos.codec.impl.Baz.qux");
    }

    @Test
    void shouldMapEveryRowOfTheIssueToItsBenchmarks() {
        assertThat(Rows.ALL).extracting(Row::number).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13);
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
}
