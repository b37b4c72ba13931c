package org.fos.fleet.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ExcludedFleetsTest {

    @Test
    void shouldTakeAListOrOneStringOfNamesSeparatedByCommas() {
        assertThat(FleetRuntimeImpl.excluded(new String[] {"/sys/kv", "/sys/fs"})).containsExactlyInAnyOrder("/sys/kv", "/sys/fs");
        assertThat(FleetRuntimeImpl.excluded(new String[] {"/sys/kv, /sys/fs ,/sys/names"}))
                .containsExactlyInAnyOrder("/sys/kv", "/sys/fs", "/sys/names");
        assertThat(FleetRuntimeImpl.excluded(new String[] {"", " , "})).isEmpty();
    }

    @Test
    void shouldRefuseANameThatIsNotOneWithTheSettingsName() {
        assertThatThrownBy(() -> FleetRuntimeImpl.excluded(new String[] {"/sys/kv,sys fs"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("excludedFleets: ");
    }
}
