package org.fos.console.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import org.fos.fleet.api.FleetRuntime;
import org.fos.fleet.api.RollingUpgrade;
import org.fos.fleet.api.UpgradeReport;
import org.junit.jupiter.api.Test;

class UpgradeJobTest {

    private static final RollingUpgrade ROLLED_BACK = new RollingUpgrade("/sys/kv", UpgradeReport.Outcome.ROLLED_BACK, List.of(),
            "version 3.0.0 did not activate");

    /** A fleet runtime whose rolling upgrade answers what {@code upgrade} gives; every other method is refused. */
    private static FleetRuntime runtime(Supplier<RollingUpgrade> upgrade) {
        return (FleetRuntime) Proxy.newProxyInstance(FleetRuntime.class.getClassLoader(), new Class<?>[] {FleetRuntime.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("rollingUpgrade")) {
                        return upgrade.get();
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    private static UpgradeJob job() {
        return new UpgradeJob("/sys/kv", "org.fos.kv", "3.0.0", List.of());
    }

    @Test
    void shouldTellTheOutcomeOnceTheUpgradeEnded() {
        UpgradeJob job = job();
        assertThat(job.progress(List.of())).containsEntry("state", "RUNNING").containsEntry("detail", "");

        job.run(runtime(() -> ROLLED_BACK), new byte[0], Duration.ofSeconds(1));

        assertThat(job.running()).isFalse();
        assertThat(job.result()).isEqualTo(ROLLED_BACK);
        assertThat(job.progress(List.of())).containsEntry("state", "ROLLED_BACK").containsEntry("detail", "version 3.0.0 did not activate");
    }

    @Test
    void shouldTellTheErrorWhenTheUpgradeThrew() {
        UpgradeJob job = job();

        job.run(runtime(() -> {
            throw new IllegalStateException("fleet /sys/kv is not running");
        }), new byte[0], Duration.ofSeconds(1));

        assertThat(job.running()).isFalse();
        assertThat(job.error()).isEqualTo("fleet /sys/kv is not running");
        assertThat(job.progress(List.of())).containsEntry("state", "ERROR").containsEntry("detail", "fleet /sys/kv is not running");
    }

    /**
     * The console's page asks for the progress while the job's thread ends the upgrade: every answer is either still
     * running or the outcome (ConsoleIT once got a NullPointerException from a page that read the job between its end's
     * two fields, and the page never showed the end).
     */
    @Test
    void shouldAnswerEveryProgressReadWhileTheUpgradeEnds() throws Exception {
        for (int round = 0; round < 200; round++) {
            UpgradeJob job = job();
            CountDownLatch reading = new CountDownLatch(1);
            Thread worker = new Thread(() -> {
                try {
                    reading.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                job.run(runtime(() -> ROLLED_BACK), new byte[0], Duration.ofSeconds(1));
            });
            worker.start();
            AtomicReference<Object> last = new AtomicReference<>();
            reading.countDown();
            while (!"ROLLED_BACK".equals(last.get())) {
                Map<String, Object> p = job.progress(List.of());
                assertThat(p.get("state")).isIn("RUNNING", "ROLLED_BACK");
                last.set(p.get("state"));
            }
            worker.join();
        }
    }
}
