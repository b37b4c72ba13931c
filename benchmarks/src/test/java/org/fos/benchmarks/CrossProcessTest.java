package org.fos.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

class CrossProcessTest {

    @Test
    void shouldPassThePeerTheForksHeapSettingsAndNothingElse() {
        List<String> options = List.of("-Dfoo=bar", "-Xms1g", "-XX:+UseG1GC", "-Xmx1g", "-XX:+AlwaysPreTouch",
                "-agentpath:/tmp/libasyncProfiler.so=start", "-XX:-AlwaysPreTouch", "-Xss512k");

        assertEquals(List.of("-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"), CrossProcess.heapOptions(options));
    }

    @Test
    void shouldPassNoHeapSettingsWhereTheForkHasNone() {
        assertEquals(List.of(), CrossProcess.heapOptions(List.of("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn")));
    }
}
