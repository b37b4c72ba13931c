package org.fos.kv.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.fos.fleet.api.FleetState;
import org.fos.kv.api.CasResult;
import org.fos.kv.api.Entry;
import org.junit.jupiter.api.Test;

class KeyValueMemberTest {

    private final KeyValueMember kv = new KeyValueMember(Map.of(), null, null);

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldPutGetAndDeleteWithGrowingRevisions() {
        long r1 = kv.put("a", b("1")).revision();
        long r2 = kv.put("a", b("2")).revision();
        assertThat(r2).isGreaterThan(r1);
        assertThat(kv.get("a").value()).isEqualTo(b("2"));
        assertThat(kv.get("a").revision()).isEqualTo(r2);
        assertThat(kv.delete("a")).isTrue();
        assertThat(kv.delete("a")).isFalse();
        assertThat(kv.get("a")).isNull();
    }

    @Test
    void shouldCompareAndSetOnTheRevision() {
        assertThat(kv.compareAndSet("c", 0, b("first")).applied()).isTrue();
        long rev = kv.get("c").revision();
        assertThat(kv.compareAndSet("c", 0, b("again"))).isEqualTo(new CasResult(false, rev));
        CasResult r = kv.compareAndSet("c", rev, b("second"));
        assertThat(r.applied()).isTrue();
        assertThat(kv.get("c").value()).isEqualTo(b("second"));
        assertThat(kv.compareAndSet("c", rev, b("stale")).applied()).isFalse();
        assertThatThrownBy(() -> kv.compareAndSet("c", -1, b("x"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRefuseBadKeysAndValues() {
        assertThatThrownBy(() -> kv.put("", b("x"))).hasMessage("key is empty");
        assertThatThrownBy(() -> kv.put("a\u0000b", b("x"))).hasMessage("key has a control character at 1");
        assertThatThrownBy(() -> kv.put("k".repeat(1025), b("x"))).hasMessageContaining("more than 1024");
        assertThatThrownBy(() -> kv.put("k", new byte[(1 << 20) + 1])).hasMessageContaining("more than 1048576");
        assertThatThrownBy(() -> kv.put("k", null)).hasMessage("value is missing");
        assertThatThrownBy(() -> kv.scanMember("", 0)).hasMessageContaining("scan limit");
    }

    @Test
    void shouldScanItsKeysByPrefixInOrder() {
        kv.put("user:2", b("b"));
        kv.put("user:1", b("a"));
        kv.put("users", b("x"));
        kv.put("group:1", b("g"));
        List<Entry> users = kv.scanMember("user:", 10).toCompletableFuture().join();
        assertThat(users).extracting(Entry::key).containsExactly("user:1", "user:2");
        assertThat(kv.scanMember("", 2).toCompletableFuture().join()).extracting(Entry::key).containsExactly("group:1", "user:1");
    }

    @Test
    void shouldHandItsStateToTheNextInstance() {
        kv.put("a", b("1"));
        kv.put("b", b("2"));
        FleetState state = kv.exportState();
        KeyValueMember next = new KeyValueMember(Map.of(), null, null);
        next.importState(state);
        assertThat(next.get("a").value()).isEqualTo(b("1"));
        assertThat(next.get("b").revision()).isEqualTo(kv.get("b").revision());
        assertThat(next.put("c", b("3")).revision()).isGreaterThan(kv.get("b").revision());
        assertThatThrownBy(() -> next.importState(new FleetState(9, null))).hasMessageContaining("layout 1, not 9");
        assertThatThrownBy(() -> next.importState(new FleetState(1, Map.of("keys", List.of()))))
                .hasMessageContaining("needs keys, values, revisions");
    }

    @Test
    void shouldTakeOnlyNewerCopiesAndRememberRemovals() {
        kv.replicate("r", b("v5"), 5);
        assertThat(kv.get("r").value()).isEqualTo(b("v5"));
        kv.replicate("r", b("v3"), 3); // older: ignored
        assertThat(kv.get("r").revision()).isEqualTo(5);
        kv.replicate("r", null, 7); // removed at 7
        assertThat(kv.get("r")).isNull();
        kv.replicate("r", b("v6"), 6); // older than the removal: does not bring it back
        assertThat(kv.get("r")).isNull();
        assertThat(kv.put("r", b("new")).revision()).as("revisions go on after copies").isGreaterThan(7);
        assertThat(kv.stats().lastRevision()).isGreaterThan(7);
    }
}
