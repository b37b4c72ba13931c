package org.fos.fleet.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;

import org.fos.fleet.impl.ElasticPolicy.Settings;
import org.fos.fleet.impl.ElasticPolicy.Step;
import org.junit.jupiter.api.Test;

class ElasticPolicyTest {

    private static final long TICK = TimeUnit.MILLISECONDS.toNanos(100);
    private static final Settings SETTINGS = new Settings(1, 3, 4, 1000, 2000, true);

    /** A fleet sampled every 100 ms, with a clock the test moves. */
    private static final class Fleet {
        final ElasticPolicy policy;
        long now = 1_000_000_000L;
        int members;

        Fleet(Settings s, int members) {
            this.policy = new ElasticPolicy(s, now);
            this.members = members;
        }

        /** Samples for {@code millis} with this load; applies each step; returns the steps taken. */
        String run(long millis, int queued, double busyMembers) {
            StringBuilder steps = new StringBuilder();
            for (long t = 0; t < millis; t += 100) {
                now += TICK;
                Step s = policy.sample(now, members, queued, (long) (busyMembers * TICK), TICK);
                if (s == Step.GROW) {
                    members++;
                    steps.append('+');
                } else if (s == Step.SHRINK) {
                    members--;
                    steps.append('-');
                }
            }
            return steps.toString();
        }
    }

    @Test
    void shouldGrowOnlyAfterThePeriodAboveTargetAndOneStepAPeriod() {
        Fleet f = new Fleet(SETTINGS, 1);
        assertThat(f.run(900, 50, 1.0)).as("above target for less than the period").isEmpty();
        assertThat(f.run(100, 50, 1.0)).isEqualTo("+");
        assertThat(f.policy.reason()).contains("50 calls queued at 1 members");
        assertThat(f.run(900, 50, 2.0)).as("no second change within the period").isEmpty();
        assertThat(f.run(100, 50, 2.0)).isEqualTo("+");
        assertThat(f.run(5000, 50, 3.0)).as("never above max").isEmpty();
        assertThat(f.members).isEqualTo(3);
    }

    @Test
    void shouldNotGrowOnShortSpikes() {
        Fleet f = new Fleet(SETTINGS, 1);
        for (int i = 0; i < 20; i++) {
            assertThat(f.run(700, 50, 1.0) + f.run(300, 0, 1.0)).as("above target 70% of every period").isEmpty();
        }
    }

    @Test
    void shouldGrowWithinAPeriodOfALoadWhoseQueuesDipUnderTheTargetNowAndThen() {
        Fleet f = new Fleet(SETTINGS, 1);
        // 80% of every period above target: a dip does not start the period again
        String steps = "";
        for (int i = 0; i < 5 && steps.isEmpty(); i++) {
            steps = f.run(400, 50, 1.0) + f.run(100, 0, 1.0);
        }
        assertThat(steps).isEqualTo("+");
        assertThat(f.now - 1_000_000_000L).as("grown within the first period and a half").isLessThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(1500));
        assertThat(f.policy.reason()).contains("above the target of 4 a member for 800 ms of the last 1000 ms");
    }

    @Test
    void shouldShrinkWhenIdleForTheIdleTimeButNeverBelowMin() {
        Fleet f = new Fleet(SETTINGS, 3);
        assertThat(f.run(1900, 0, 0.1)).isEmpty();
        assertThat(f.run(100, 0, 0.1)).isEqualTo("-");
        assertThat(f.run(2000, 0, 0.1)).isEqualTo("-");
        assertThat(f.run(10_000, 0, 0.0)).as("min is 1").isEmpty();
        assertThat(f.members).isEqualTo(1);
    }

    @Test
    void shouldKeepMembersALoadNeedsWithoutFlapping() {
        // two members busy 1.6 member-equivalents, queues short: one fewer could give only 1
        Fleet f = new Fleet(SETTINGS, 2);
        assertThat(f.run(30_000, 0, 1.6)).isEmpty();
        assertThat(f.run(30_000, 3, 2.0)).as("queued but within the target").isEmpty();
        // calls queued at every other sample keep the idle clock from running out
        Fleet g = new Fleet(SETTINGS, 3);
        for (int i = 0; i < 100; i++) {
            assertThat(g.run(100, 0, 0.2) + g.run(100, 1, 0.2)).isEmpty();
        }
    }

    @Test
    void shouldComeBackWithinBoundsAfterTheBoundsChange() {
        Fleet f = new Fleet(SETTINGS, 3);
        f.policy.settings(new Settings(1, 2, 4, 1000, 2000, true));
        assertThat(f.run(100, 50, 3.0)).isEqualTo("-");
        assertThat(f.policy.reason()).contains("more than the maximum 2");
        f.policy.settings(new Settings(3, 4, 4, 1000, 2000, true));
        assertThat(f.run(100, 0, 0)).isEqualTo("+");
    }

    @Test
    void shouldRefuseSettingsOutOfRange() {
        assertThatThrownBy(() -> new Settings(0, 2, 4, 1000, 1000, true)).hasMessageContaining("fos.elastic.min must be from 1 to 64, was 0");
        assertThatThrownBy(() -> new Settings(3, 2, 4, 1000, 1000, true)).hasMessageContaining("fos.elastic.max must be from");
        assertThatThrownBy(() -> new Settings(1, 65, 4, 1000, 1000, true)).hasMessageContaining("was 65");
        assertThatThrownBy(() -> new Settings(1, 2, 0, 1000, 1000, true)).hasMessageContaining("fos.elastic.depth must be at least 1");
        assertThatThrownBy(() -> new Settings(1, 2, 4, 99, 1000, true)).hasMessageContaining("fos.elastic.periodMillis must be from 100");
        assertThatThrownBy(() -> new Settings(1, 2, 4, 1000, 3_600_001, true)).hasMessageContaining("fos.elastic.idleMillis");
        assertThat(new Settings(2, 4, 4, 1000, 1000, true).initial(1)).isEqualTo(2);
        assertThat(new Settings(2, 4, 4, 1000, 1000, true).initial(9)).isEqualTo(4);
    }
}
