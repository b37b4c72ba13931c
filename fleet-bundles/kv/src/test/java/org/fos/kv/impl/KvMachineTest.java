package org.fos.kv.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.fos.fleet.api.FleetState;
import org.fos.kv.api.CasResult;
import org.fos.kv.api.Entry;
import org.fos.kv.log.Commands;
import org.junit.jupiter.api.Test;

class KvMachineTest {

    private final KvMachine kv = new KvMachine();

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private Entry get(String key) {
        return (Entry) kv.query(new Commands.Get(key));
    }

    @Test
    void shouldGiveEachWriteItsLogIndexAsRevision() {
        assertThat(kv.apply(new Commands.Put("a", b("1")), 3)).isEqualTo(3L);
        assertThat(kv.apply(new Commands.Put("a", b("2")), 8)).isEqualTo(8L);
        assertThat(get("a")).isEqualTo(new Entry("a", b("2"), 8));
        assertThat(kv.apply(new Commands.Delete("a"), 9)).isEqualTo(true);
        assertThat(kv.apply(new Commands.Delete("a"), 10)).isEqualTo(false);
        assertThat(get("a")).isNull();
    }

    @Test
    void shouldCompareAndSetOnTheRevision() {
        assertThat(kv.apply(new Commands.CompareAndSet("c", 0, b("first")), 4)).isEqualTo(new CasResult(true, 4));
        assertThat(kv.apply(new Commands.CompareAndSet("c", 0, b("again")), 5)).isEqualTo(new CasResult(false, 4));
        assertThat(kv.apply(new Commands.CompareAndSet("c", 4, b("second")), 6)).isEqualTo(new CasResult(true, 6));
        assertThat(get("c").value()).isEqualTo(b("second"));
    }

    @Test
    void shouldScanByPrefixInOrderAndCount() {
        kv.apply(new Commands.Put("user:2", b("b")), 1);
        kv.apply(new Commands.Put("user:1", b("a")), 2);
        kv.apply(new Commands.Put("users", b("x")), 3);
        kv.apply(new Commands.Put("group:1", b("g")), 4);
        assertThat((List<?>) kv.query(new Commands.Scan("user:", 10))).extracting(e -> ((Entry) e).key())
                .containsExactly("user:1", "user:2");
        assertThat((List<?>) kv.query(new Commands.Scan("", 2))).extracting(e -> ((Entry) e).key()).containsExactly("group:1", "user:1");
        assertThat(kv.query(new Commands.Count())).isEqualTo(new Commands.Counted(4, 4, 1));
    }

    @Test
    void shouldRestoreItsSnapshotAndRefuseOtherLayouts() {
        kv.apply(new Commands.Put("a", b("1")), 1);
        kv.apply(new Commands.Put("b", b("2")), 7);
        FleetState state = kv.snapshot();
        KvMachine next = new KvMachine();
        next.restore(state);
        assertThat(next.query(new Commands.Get("b"))).isEqualTo(new Entry("b", b("2"), 7));
        assertThat(next.snapshot().data()).isEqualTo(state.data());
        assertThatThrownBy(() -> next.restore(new FleetState(9, null))).hasMessageContaining("layout 1, not 9");
        assertThatThrownBy(() -> next.restore(new FleetState(1, Map.of("keys", List.of())))).hasMessageContaining("needs the lists");
        assertThatThrownBy(() -> next.restore(new FleetState(1, Map.of("keys", List.of("k"), "values", List.of("not bytes"),
                "revisions", List.of(1L))))).hasMessageContaining("malformed entry at 0");
    }

    @Test
    void shouldRefuseWhatIsNoCommand() {
        assertThatThrownBy(() -> kv.apply("drop everything", 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no command java.lang.String");
        assertThatThrownBy(() -> kv.query(42)).hasMessageContaining("no query java.lang.Integer");
    }

    @Test
    void shouldRefuseBadKeysAndValuesBeforeTheyReachAGroup() {
        KeyValueMember member = new KeyValueMember();
        assertThatThrownBy(() -> member.putAsync("", b("x"))).hasMessage("key is empty");
        assertThatThrownBy(() -> member.putAsync("a\u0000b", b("x"))).hasMessage("key has a control character at 1");
        assertThatThrownBy(() -> member.putAsync("k".repeat(1025), b("x"))).hasMessageContaining("more than 1024");
        assertThatThrownBy(() -> member.putAsync("k", new byte[(1 << 20) + 1])).hasMessageContaining("more than 1048576");
        assertThatThrownBy(() -> member.putAsync("k", null)).hasMessage("value is missing");
        assertThatThrownBy(() -> member.scan("", 0)).hasMessageContaining("scan limit");
        assertThatThrownBy(() -> member.compareAndSetAsync("c", -1, b("x"))).hasMessageContaining("must not be negative");
        assertThatThrownBy(() -> member.putAsync("k", b("x"))).hasMessageContaining("has no groups yet");
    }
}
