package org.fos.fs.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.fos.kernel.api.Address;
import org.fos.kernel.api.Capability;
import org.fos.kernel.api.Right;
import org.junit.jupiter.api.Test;

class LeaseTableTest {
    static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    long now = 1_000 * SECOND;
    final LeaseTable table = new LeaseTable(3 * SECOND, 2, 3, () -> now);

    static Capability holder(long mailbox) {
        return new Capability(new Address("n1", mailbox), Right.SEND.bit() | Right.CALL.bit(), mailbox, mailbox);
    }

    @Test
    void shouldCallBackEveryHolderOfATouchedInodeButTheWriter() {
        assertThat(table.grant(7, holder(1), List.of(10L, 11L))).isTrue();
        assertThat(table.grant(8, holder(2), List.of(11L))).isTrue();

        List<LeaseTable.Revocation> r = table.revoke(List.of(11L, 12L), 7);

        assertThat(r).containsExactly(new LeaseTable.Revocation(holder(2), List.of(11L), now + 3 * SECOND));
        assertThat(table.revoke(List.of(11L), 0)).as("the writer keeps its lease; the other's was taken")
                .containsExactly(new LeaseTable.Revocation(holder(1), List.of(11L), now + 3 * SECOND));
        assertThat(table.revoke(List.of(11L), 0)).as("revoked once").isEmpty();
    }

    @Test
    void shouldCallBackTheWritersOwnHoldersWhenSeveralShareItsClient() {
        table.grant(7, holder(1), List.of(10L));
        table.grant(7, holder(2), List.of(10L));

        assertThat(table.revoke(List.of(10L), 7)).extracting(LeaseTable.Revocation::holder).containsExactlyInAnyOrder(holder(1), holder(2));
    }

    @Test
    void shouldLetALeaseEndWithoutACallBackAndRenewItOnTheNextGrant() {
        table.grant(7, holder(1), List.of(10L));
        now += 2 * SECOND;
        table.grant(7, holder(1), List.of(10L));
        now += 2 * SECOND;
        assertThat(table.revoke(List.of(10L), 0)).as("renewed 2 s ago, ends in 1 s")
                .containsExactly(new LeaseTable.Revocation(holder(1), List.of(10L), now + SECOND));

        table.grant(7, holder(1), List.of(10L));
        now += 3 * SECOND;
        assertThat(table.revoke(List.of(10L), 0)).as("ended: nobody to wait for").isEmpty();
        assertThat(table.holders()).isZero();
    }

    @Test
    void shouldRefuseHoldersAndLeasesPastTheLimitsUntilOthersEnd() {
        assertThat(table.grant(7, holder(1), List.of(1L, 2L))).isTrue();
        assertThat(table.grant(8, holder(2), List.of(1L))).isTrue();
        assertThat(table.grant(9, holder(3), List.of(1L))).as("a third holder").isFalse();
        assertThat(table.grant(7, holder(1), List.of(3L, 4L))).as("a fourth lease of one holder, refused whole").isFalse();
        assertThat(table.grant(7, holder(1), List.of(2L, 3L))).as("renewing one and adding one").isTrue();
        assertThat(table.revoke(List.of(4L), 0)).as("nothing of a refused grant was kept").isEmpty();
        assertThat(table.counts()).containsExactly(3, 2, 0);

        now += 3 * SECOND;
        assertThat(table.grant(9, holder(3), List.of(1L))).as("the others' leases ended").isTrue();
        assertThat(table.grant(7, holder(1), List.of(4L, 5L, 6L))).isTrue();
        assertThat(table.revoke(List.of(1L, 2L, 3L), 0)).as("the ended leases were swept, not revoked")
                .containsExactly(new LeaseTable.Revocation(holder(3), List.of(1L), now + 3 * SECOND));
    }

    @Test
    void shouldGrantNothingWhenLeasesAreOff() {
        LeaseTable off = new LeaseTable(0, 2, 3, () -> now);
        assertThat(off.grant(7, holder(1), List.of(1L))).isFalse();
        assertThat(off.revoke(List.of(1L), 0)).isEmpty();
    }

    @Test
    void shouldRefuseLeaseSettingsOutOfRange() {
        assertThatThrownBy(() -> new LeaseSettings(-1, 1, 1)).hasMessage("leaseMillis must be 0 (no leases) to 60000, was -1");
        assertThatThrownBy(() -> new LeaseSettings(60_001, 1, 1)).hasMessageContaining("was 60001");
        assertThatThrownBy(() -> new LeaseSettings(1, 0, 1)).hasMessage("maxLeaseHolders must be 1 to 1000000, was 0");
        assertThatThrownBy(() -> new LeaseSettings(1, 1, 0)).hasMessage("maxLeasesPerHolder must be 1 to 1000000, was 0");
        assertThat(new LeaseSettings(0, 1, 1).leaseMillis()).isZero();
    }
}
