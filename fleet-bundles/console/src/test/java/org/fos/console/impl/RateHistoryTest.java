package org.fos.console.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class RateHistoryTest {

    @SuppressWarnings("unchecked")
    private static Map<String, List<Double>> series(Map<String, Object> rates) {
        return (Map<String, List<Double>>) rates.get("series");
    }

    @Test
    void shouldTurnTotalsIntoRatesPerSecondWhenSamplesArrive() {
        RateHistory h = new RateHistory(10);
        h.add(1_000, Map.of("a", 0L, "b", 10L));
        h.add(3_000, Map.of("a", 20L, "b", 10L));
        h.add(4_000, Map.of("a", 25L, "b", 13L));
        Map<String, Object> r = h.rates("");
        assertThat(r.get("times")).isEqualTo(List.of(3_000L, 4_000L));
        assertThat(series(r)).containsEntry("a", List.of(10.0, 5.0)).containsEntry("b", List.of(0.0, 3.0));
    }

    @Test
    void shouldKeepOnlyTheSeriesOfAPrefixWhenAskedForOne() {
        RateHistory h = new RateHistory(10);
        h.add(1_000, Map.of("kernel.sent", 0L, "link.sent a", 0L));
        h.add(2_000, Map.of("kernel.sent", 4L, "link.sent a", 2L));
        assertThat(series(h.rates("kernel."))).containsOnlyKeys("kernel.sent");
    }

    @Test
    void shouldDropTheOldestSampleWhenFull() {
        RateHistory h = new RateHistory(3);
        for (int i = 1; i <= 5; i++) {
            h.add(i * 1_000L, Map.of("a", i * 10L));
        }
        assertThat(h.rates("").get("times")).isEqualTo(List.of(4_000L, 5_000L));
    }

    @Test
    void shouldShowNoNegativeRateWhenACounterStartsAgain() {
        RateHistory h = new RateHistory(5);
        h.add(1_000, Map.of("fleet.served /sys/kv", 100L));
        h.add(2_000, Map.of("fleet.served /sys/kv", 3L));
        assertThat(series(h.rates(""))).containsEntry("fleet.served /sys/kv", List.of(0.0));
    }

    @Test
    void shouldFillSeriesThatBeginOrEndLaterWithZeros() {
        RateHistory h = new RateHistory(5);
        h.add(1_000, Map.of("a", 0L));
        h.add(2_000, Map.of("a", 1L));
        h.add(3_000, Map.of("a", 2L, "b", 5L));
        h.add(4_000, Map.of("b", 9L));
        Map<String, List<Double>> s = series(h.rates(""));
        assertThat(s.get("a")).containsExactly(1.0, 1.0, 0.0);
        assertThat(s.get("b")).containsExactly(0.0, 0.0, 4.0);
    }

    @Test
    void shouldRefuseASampleThatIsNotLaterThanTheLast() {
        RateHistory h = new RateHistory(5);
        h.add(2_000, Map.of());
        assertThatThrownBy(() -> h.add(2_000, Map.of())).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not later");
        assertThatThrownBy(() -> new RateHistory(1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 2");
    }
}
