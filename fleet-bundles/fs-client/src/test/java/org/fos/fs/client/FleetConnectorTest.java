package org.fos.fs.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.fos.rpc.api.CallOptions;
import org.junit.jupiter.api.Test;

class FleetConnectorTest {

    @Test
    void shouldMakeInNodeProxiesTakeDirectRepliesWithTheTimeoutGiven() {
        CallOptions options = FleetConnector.inNode(2_500);

        assertThat(options.directReplies()).isTrue();
        assertThat(options.timeout()).isEqualTo(Duration.ofMillis(2_500));
        assertThat(options.selection()).isEqualTo(CallOptions.DEFAULT.selection());
    }

    @Test
    void shouldRefuseATimeoutThatIsNotPositive() {
        assertThatThrownBy(() -> FleetConnector.inNode(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("timeout must be positive");
        assertThatThrownBy(() -> FleetConnector.inNode(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
