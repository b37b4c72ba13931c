package org.fos.transport.shm.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.fos.transport.api.ClusterSecret;
import org.junit.jupiter.api.Test;

class AgentIdleTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final AtomicLong lastAssisted = new AtomicLong(Long.MIN_VALUE);

    private AgentIdle idle() {
        ShmSettings settings = ShmSettings.defaults(Path.of("/unused"), "c", ClusterSecret.of(new byte[32]));
        return new AgentIdle(settings, lastAssisted::get, now::get);
    }

    @Test
    void shouldStandBackOnlyWhileWaitingThreadsReadTheStreamThemselves() {
        AgentIdle idle = idle();
        assertThat(idle.standsBack()).as("no waiting thread ever read").isFalse();

        lastAssisted.set(now.get());
        assertThat(idle.standsBack()).isTrue();
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(AgentIdle.ASSISTED_WITHIN_MILLIS) - 1);
        assertThat(idle.standsBack()).isTrue();
        now.addAndGet(1);
        assertThat(idle.standsBack()).as("none has read for 10 ms: the agent reads promptly again").isFalse();
    }
}
