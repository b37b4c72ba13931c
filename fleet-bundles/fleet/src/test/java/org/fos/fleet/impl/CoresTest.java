package org.fos.fleet.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class CoresTest {

    @Test
    void shouldPlaceMembersRoundRobinOnTheCoresNotKeptForClients() {
        assertThat(Cores.plan(4, 1, List.of("a#0", "a#1", "b#0", "b#1"))).containsExactly(Map.entry("a#0", 1), Map.entry("a#1", 2),
                Map.entry("b#0", 3), Map.entry("b#1", 1));
        assertThat(Cores.plan(2, 1, List.of("a#0", "a#1"))).containsExactly(Map.entry("a#0", 1), Map.entry("a#1", 1));
        assertThat(Cores.plan(2, 0, List.of("a#0", "a#1"))).containsExactly(Map.entry("a#0", 0), Map.entry("a#1", 1));
        assertThat(Cores.plan(1, 1, List.of("a#0"))).as("one core: kept for clients, and members run there too")
                .containsExactly(Map.entry("a#0", 0));
        assertThat(Cores.plan(2, 8, List.of())).isEmpty();
        assertThatThrownBy(() -> Cores.plan(0, 1, List.of("a#0"))).hasMessageContaining("at least one core");
    }

    @Test
    void shouldBindTheCallingThreadWhereTheOsAllows() throws Exception {
        assumeTrue(Files.exists(Path.of("/proc/thread-self/status")), "Linux with /proc");
        int cores = Runtime.getRuntime().availableProcessors();
        Thread t = new Thread(() -> {
            try {
                int last = cores - 1;
                Cores.Applied a = Cores.bindCurrentThread(last, cores);
                assertThat(a.note()).isNull();
                assertThat(a.threadId()).isPositive();
                assertThat(allowed()).isEqualTo(Integer.toString(last));
                Cores.Applied anywhere = Cores.bindCurrentThread(-1, cores);
                assertThat(anywhere.bound()).isTrue();
                assertThat(allowed()).isEqualTo(cores == 1 ? "0" : "0-" + last);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
        Throwable[] failure = new Throwable[1];
        t.setUncaughtExceptionHandler((th, e) -> failure[0] = e);
        t.start();
        t.join();
        assertThat(failure[0]).isNull();
    }

    /** The cores the calling thread may run on, as Linux lists them. */
    private static String allowed() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/thread-self/status"))) {
            if (line.startsWith("Cpus_allowed_list:")) {
                return line.substring("Cpus_allowed_list:".length()).strip();
            }
        }
        throw new IOException("no Cpus_allowed_list");
    }
}
