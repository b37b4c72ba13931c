package org.fos.transport.tcp.commands;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import org.fos.kernel.api.Right;
import org.fos.transport.tcp.impl.TicketClaims;
import org.junit.jupiter.api.Test;

class TicketCommandsTest {
    private static final Instant NOW = Instant.parse("2026-12-02T18:00:00Z");

    @Test
    void shouldReadExpiriesAsShortDurationsIsoDurationsOrNever() {
        assertThat(TicketCommands.expiry("30m", NOW)).isEqualTo(NOW.plus(Duration.ofMinutes(30)));
        assertThat(TicketCommands.expiry("8h", NOW)).isEqualTo(NOW.plus(Duration.ofHours(8)));
        assertThat(TicketCommands.expiry("7d", NOW)).isEqualTo(NOW.plus(Duration.ofDays(7)));
        assertThat(TicketCommands.expiry("45s", NOW)).isEqualTo(NOW.plusSeconds(45));
        assertThat(TicketCommands.expiry("PT1H", NOW)).isEqualTo(NOW.plus(Duration.ofHours(1)));
        assertThat(TicketCommands.expiry("never", NOW)).isNull();
    }

    @Test
    void shouldRefuseExpiriesThatAreNotInTheFutureOrNotDurations() {
        assertThatThrownBy(() -> TicketCommands.expiry("0m", NOW)).hasMessageContaining("not in the future");
        assertThatThrownBy(() -> TicketCommands.expiry("PT0S", NOW)).hasMessageContaining("not in the future");
        assertThatThrownBy(() -> TicketCommands.expiry("5w", NOW)).hasMessageContaining("unit must be s, m, h or d");
        assertThatThrownBy(() -> TicketCommands.expiry("soon", NOW)).hasMessageContaining("expiry 'soon'");
        assertThatThrownBy(() -> TicketCommands.expiry("m", NOW)).hasMessageContaining("expiry 'm'");
    }

    @Test
    void shouldWriteAndReadClaimsWithRightsAndNames() {
        TicketClaims c = TicketClaims.issue(NOW, Right.CALL.bit(), Set.of("/sys/kv", "/sys/names"));
        TicketClaims read = TicketClaims.parse(c.text());
        assertThat(read.rights()).isEqualTo(Right.CALL.bit());
        assertThat(read.names()).containsExactlyInAnyOrder("/sys/kv", "/sys/names");
        assertThat(read.limits().rights()).isEqualTo(Right.CALL.bit());
        TicketClaims all = TicketClaims.parse(TicketClaims.issue(null).text());
        assertThat(all.rights()).as("a ticket without rights= grants call and admin, as the node's own always did")
                .isEqualTo(Right.CALL.bit() | Right.ADMIN.bit());
        assertThat(all.names()).isEmpty();
        assertThatThrownBy(() -> TicketClaims.issue(null, Right.PEER.bit(), Set.of())).hasMessageContaining("call, admin or both");
        assertThatThrownBy(() -> TicketClaims.issue(null, Right.CALL.bit(), Set.of("sys kv"))).hasMessageContaining("invalid name");
        assertThatThrownBy(() -> TicketClaims.parse(all.text() + ";rights=CP")).hasMessageContaining("more than call and admin");
        assertThatThrownBy(() -> TicketClaims.parse(all.text() + ";names=/a,b")).hasMessageContaining("invalid name 'b'");
    }
}
