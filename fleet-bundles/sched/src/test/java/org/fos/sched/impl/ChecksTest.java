package org.fos.sched.impl;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.fos.sched.api.Decision;
import org.fos.sched.api.FleetLoad;
import org.fos.sched.api.NodeReport;
import org.fos.sched.api.Policy;
import org.junit.jupiter.api.Test;

/** The checks every call to the scheduling fleet goes through before anything is written. */
class ChecksTest {

    @Test
    void reportsOutOfRangeAreRefusedWithWhatIsWrong() {
        assertThatThrownBy(() -> SchedMember.check(new NodeReport("bad id!", 2, 0, 1, List.of()))).hasMessageContaining("bad id!");
        assertThatThrownBy(() -> SchedMember.check(new NodeReport("a", 0, 0, 1, List.of()))).hasMessageContaining("cores");
        assertThatThrownBy(() -> SchedMember.check(new NodeReport("a", 2, Double.NaN, 1, List.of()))).hasMessageContaining("load");
        assertThatThrownBy(() -> SchedMember.check(new NodeReport("a", 2, 0, 0, List.of()))).hasMessageContaining("atMillis");
        FleetLoad f = new FleetLoad("/app/w", 1, 0, true);
        assertThatThrownBy(() -> SchedMember.check(new NodeReport("a", 2, 0, 1, List.of(f, f)))).hasMessageContaining("twice");
        assertThatThrownBy(() -> SchedMember.check(new NodeReport("a", 2, 0, 1, List.of(new FleetLoad("w", 1, 0, true)))))
                .hasMessageContaining("invalid name");
        assertThatThrownBy(() -> SchedMember.check(new NodeReport("a", 2, 0, 1, List.of(new FleetLoad("/w", -1, 0, true)))))
                .hasMessageContaining("negative");
        List<FleetLoad> many = new java.util.ArrayList<>();
        for (int i = 0; i <= org.fos.sched.api.Scheduler.MAX_FLEETS; i++) {
            many.add(new FleetLoad("/f/" + i, 1, 0, true));
        }
        assertThatThrownBy(() -> SchedMember.check(new NodeReport("a", 2, 0, 1, many))).hasMessageContaining("more than");
        assertThat(SchedMember.check(new NodeReport("a", 2, -1, 1, List.of(f)))).isNotNull();
    }

    @Test
    void policiesOutOfRangeAreRefused() {
        assertThatThrownBy(() -> PolicyConfig.parse("/w", "sideways", 2, null, true, "t")).hasMessageContaining("'sideways' is not one of");
        assertThatThrownBy(() -> SchedMember.check(PolicyConfig.parse("/w", "spread", 0, null, true, "t"))).hasMessageContaining("members");
        assertThatThrownBy(() -> SchedMember.check(PolicyConfig.parse("/w", "spread", 1025, null, true, "t"))).hasMessageContaining("1024");
        assertThatThrownBy(() -> SchedMember.check(PolicyConfig.parse("/w", "affinity", 2, "", true, "t"))).hasMessageContaining("affinity");
        assertThatThrownBy(() -> SchedMember.check(PolicyConfig.parse("/w", "affinity", 2, "/w", true, "t"))).hasMessageContaining("itself");
        assertThatThrownBy(() -> SchedMember.check(PolicyConfig.parse("/w", "pack", 2, "/x", true, "t"))).hasMessageContaining("only");
        assertThatThrownBy(() -> SchedMember.check(PolicyConfig.parse("w", "pack", 2, null, true, "t"))).hasMessageContaining("invalid name");
        assertThatThrownBy(() -> SchedMember.check(PolicyConfig.parse("/w", "pack", 2, null, true, ""))).hasMessageContaining("source");
        assertThatThrownBy(() -> SchedMember.check(PolicyConfig.parse("/sys/kv", "spread", 3, null, true, "t")))
                .hasMessageContaining("system fleet");
        assertThatThrownBy(() -> SchedMember.check(PolicyConfig.parse("/dev/block/disk0", "spread", 3, null, true, "t")))
                .hasMessageContaining("system fleet");
        Policy p = SchedMember.check(PolicyConfig.parse(" /w ", "Anti-Affinity", 3, " ", true, "t"));
        assertThat(p.kind()).isEqualTo(Policy.Kind.ANTI_AFFINITY);
        assertThat(p.fleet()).isEqualTo("/w");
        assertThat(p.affinity()).isNull();
    }

    @Test
    void decisionsOutOfRangeAreRefused() {
        assertThatThrownBy(() -> SchedMember.check(new Decision("/w", 0, Map.of(), "r", "a"))).hasMessageContaining("0 nodes");
        assertThatThrownBy(() -> SchedMember.check(new Decision("/w", 0, Map.of("a", 0), "r", "a"))).hasMessageContaining("gets 0");
        assertThatThrownBy(() -> SchedMember.check(new Decision("/w", 0, Map.of("a", 65), "r", "a"))).hasMessageContaining("gets 65");
        assertThatThrownBy(() -> SchedMember.check(new Decision("/w", -1, Map.of("a", 1), "r", "a"))).hasMessageContaining("basedOn");
        assertThatThrownBy(() -> SchedMember.check(new Decision("/w", 0, Map.of("a", 1), "x".repeat(513), "a"))).hasMessageContaining("513");
        Map<String, Integer> withNull = new HashMap<>();
        withNull.put("a", null);
        assertThatThrownBy(() -> SchedMember.check(new Decision("/w", 0, Collections.unmodifiableMap(withNull), "r", "a")))
                .isInstanceOf(RuntimeException.class);
    }
}
