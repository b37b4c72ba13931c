package org.fos.kernel.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The kernel's configuration as ConfigAdmin hands it over: defaults, and bad values refused by name. */
class KernelSettingsTest {

    /** A configuration with the annotation's defaults but for {@code values}. */
    private static KernelComponent.Config config(Map<String, Object> values) {
        return (KernelComponent.Config) Proxy.newProxyInstance(KernelComponent.Config.class.getClassLoader(),
                new Class<?>[] {KernelComponent.Config.class}, (proxy, method, args) -> {
                    if (method.getDeclaringClass() == Object.class) {
                        return method.getName().equals("toString") ? "config " + values : method.invoke(values, args);
                    }
                    return values.getOrDefault(method.getName(), method.getDefaultValue());
                });
    }

    @Test
    void shouldTakeTheDefaultsOfTheConfiguration() {
        KernelSettings s = KernelSettings.from(config(Map.of()), false);

        assertThat(s.idle()).isEqualTo(IdleStrategy.DEFAULT);
        assertThat(s.idle().stretchNanos()).isEqualTo(250_000);
    }

    @Test
    void shouldTakeAStretchOfZeroToTurnItOff() {
        KernelSettings s = KernelSettings.from(config(Map.of("idleStretchNanos", 0L)), false);

        assertThat(s.idle().stretchNanos()).isZero();
        assertThat(s.idle().spinNanos()).isEqualTo(IdleStrategy.DEFAULT.spinNanos());
    }

    @Test
    void shouldRefuseAStretchOutOfRangeByName() {
        assertThatThrownBy(() -> KernelSettings.from(config(Map.of("idleStretchNanos", -1L)), false))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("idleStretchNanos must be from 0 to 10000000, was -1");
        assertThatThrownBy(() -> KernelSettings.from(config(Map.of("idleStretchNanos", 20_000_000L)), false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("idleStretchNanos must be from 0 to 10000000");
    }
}
