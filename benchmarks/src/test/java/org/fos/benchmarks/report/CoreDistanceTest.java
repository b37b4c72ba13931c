package org.fos.benchmarks.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.List;

import org.fos.benchmarks.CoreDistanceProfiler;
import org.junit.jupiter.api.Test;

class CoreDistanceTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * A sample-mode result of FileBenchmark.openRead: two forks of two iterations whose p50s are given, and the probes
     * before and after each iteration (null: the run did not probe).
     */
    private static JmhResult openRead(String fs, int[] p50s, String before, String after) throws Exception {
        String h = "[[[" + p50s[0] + ",5]],[[" + p50s[1] + ",5]]],[[[" + p50s[2] + ",5]],[[" + p50s[3] + ",5]]]";
        String secondary = before == null ? ""
                : "'" + CoreDistanceProfiler.BEFORE + "':{'score':1,'scoreError':'NaN','scoreUnit':'ns','rawData':" + before + "},'"
                        + CoreDistanceProfiler.AFTER + "':{'score':1,'scoreError':'NaN','scoreUnit':'ns','rawData':" + after + "}";
        JsonNode node = JSON.readTree(("{'jmhVersion':'1.37','benchmark':'org.fos.benchmarks.FileBenchmark.openRead',"
                + "'mode':'sample','threads':1,'forks':2,'jvm':'java','jdkVersion':'17','vmName':'OpenJDK','vmVersion':'17',"
                + "'warmupIterations':1,'warmupTime':'1 s','measurementIterations':2,'measurementTime':'1 s',"
                + "'params':{'fs':'" + fs + "'},'primaryMetric':{'score':1.0,'scoreError':'NaN','scoreUnit':'ns/op',"
                + "'rawDataHistogram':[" + h + "]},'secondaryMetrics':{" + secondary + "}}").replace('\'', '"'));
        return JmhResult.of(node);
    }

    @Test
    void shouldLineEachIterationsProbesUpWithItsFigure() throws Exception {
        JmhResult r = openRead("fos", new int[] {1600, 1700, 5400, 5500}, "[[98,101],[540,551]]", "[[99,100],[545,560]]");

        double[][] probes = CoreDistance.probes(r);

        assertThat(probes).hasDimensions(4, 2);
        assertThat(probes[2]).containsExactly(540, 545);
        assertThat(r.primary().iterationP50s()).containsExactly(1600, 1700, 5400, 5500);
        assertThat(CoreDistance.range(r)).containsExactly(98, 560);
        assertThat(CoreDistance.probes(openRead("fos", new int[] {1, 2, 3, 4}, null, null))).isEmpty();
        assertThat(CoreDistance.range(openRead("fos", new int[] {1, 2, 3, 4}, "[[98],[540]]", "[[99],[545]]")))
                .as("probes that do not line up with the iterations").isNull();
    }

    @Test
    void shouldSplitASidesFiguresWhereTheHostMovedTheCores() throws Exception {
        JmhResult r = openRead("fos", new int[] {1600, 1700, 5400, 5500}, "[[98,101],[102,551]]", "[[99,100],[545,560]]");

        assertThat(CoreDistance.moved("the fos side", r)).isEqualTo("the fos side's probes ran from 98.0 ns to 560 ns:"
                + " 2 iterations with the cores close (p50 1.60 us to 1.70 us); 1 iteration with the cores apart (p50 5.50 us);"
                + " 1 between, the cores moved during it");
    }

    @Test
    void shouldSayNothingOfAMoveThatTheFiguresDoNotShow() throws Exception {
        JmhResult oneThread = openRead("nio", new int[] {2650, 2710, 2660, 2690}, "[[69,70],[71,389]]", "[[70,71],[72,389]]");
        JmhResult neverClose = openRead("fos", new int[] {8850, 9000, 18800, 9100}, "[[410,400],[72,390]]", "[[405,395],[400,380]]");

        assertThat(CoreDistance.range(oneThread)).containsExactly(69, 389);
        assertThat(CoreDistance.moved("the baseline", oneThread)).as("the figures overlap").isNull();
        assertThat(CoreDistance.moved("the fos side", neverClose)).as("no iteration with the cores close").isNull();
    }

    @Test
    void shouldNotCallItAMoveWhenTheProbesStayWithinThreeTimes() throws Exception {
        JmhResult r = openRead("fos", new int[] {1600, 1700, 1650, 1620}, "[[98,101],[102,150]]", "[[99,100],[245,120]]");

        assertThat(CoreDistance.moved("the fos side", r)).isNull();
        assertThat(CoreDistance.line("open+read", r, openRead("nio", new int[] {2600, 2700, 2650, 2620}, "[[44,45],[46,47]]",
                "[[44,45],[46,47]]"))).isEqualTo("open+read: fos side 98.0 ns to 245 ns, baseline 44.0 ns to 47.0 ns");
        assertThat(CoreDistance.line("open+read", openRead("fos", new int[] {1, 2, 3, 4}, null, null), null)).isNull();
    }

    @Test
    void shouldSayWhereTheSidesRanWithTheCoresAtDifferentDistances() throws Exception {
        JmhResult apart = openRead("fos", new int[] {400, 410, 390, 395}, "[[383,390],[0,392]]", "[[398,392],[0,389]]");
        JmhResult close = openRead("nio", new int[] {90, 91, 100, 95}, "[[68,75],[77,82]]", "[[70,71],[72,83]]");
        JmhResult between = openRead("nio", new int[] {90, 91, 100, 95}, "[[68,75],[77,82]]", "[[70,71],[72,390]]");

        assertThat(CoreDistance.unlike(apart, close))
                .isEqualTo("the fos side ran with the cores apart (383 ns to 398 ns) and the baseline with them close (68.0 ns to 83.0 ns)");
        assertThat(CoreDistance.unlike(close, apart)).startsWith("the fos side ran with the cores close");
        assertThat(CoreDistance.unlike(apart, between)).as("the baseline was apart too, once").isNull();
        assertThat(CoreDistance.unlike(apart, openRead("nio", new int[] {1, 2, 3, 4}, null, null))).isNull();
    }

    @Test
    void shouldSummariseEveryProbeOfTheRun() throws Exception {
        List<JmhResult> run = List.of(openRead("fos", new int[] {1, 2, 3, 4}, "[[98,101],[102,551]]", "[[99,100],[545,560]]"),
                openRead("nio", new int[] {1, 2, 3, 4}, null, null));

        assertThat(CoreDistance.summary(run)).contains("8 probes, 98.0 ns to 560 ns, median 102 ns; 3 over 3x the smallest");
        assertThat(CoreDistance.summary(List.of(openRead("nio", new int[] {1, 2, 3, 4}, null, null)))).isNull();
    }

    @Test
    void shouldTakeAnIterationsOtherProbeWhereOneGotNoFigure() throws Exception {
        JmhResult r = openRead("fos", new int[] {1600, 1700, 5400, 5500}, "[[0,0],[540,0]]", "[[99,0],[0,560]]");

        double[][] probes = CoreDistance.probes(r);

        assertThat(probes[0]).containsExactly(99, 99);
        assertThat(probes[1]).as("neither probe got a figure").isNull();
        assertThat(probes[2]).containsExactly(540, 540);
        assertThat(CoreDistance.range(r)).containsExactly(99, 560);
        assertThat(CoreDistance.moved("the fos side", r)).contains("1 iteration with the cores close (p50 1.60 us)")
                .contains("2 iterations with the cores apart (p50 5.40 us to 5.50 us)");
        assertThat(CoreDistance.summary(List.of(r))).contains("6 probes").contains("1 iterations without a figure");
    }

    @Test
    void shouldProbeTheRoundTripBetweenTwoThreads() {
        double ns = CoreDistanceProfiler.probe(2000);

        assertThat(ns).as("a round trip through a cache line takes some nanoseconds, and far less than a millisecond")
                .isBetween(1.0, 1e6);
    }
}
