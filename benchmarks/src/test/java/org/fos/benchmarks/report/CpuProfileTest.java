package org.fos.benchmarks.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import org.junit.jupiter.api.Test;

class CpuProfileTest {

    private static final List<String> STACKS = List.of(
            // a caller spinning in its mailbox wait, and polling the transports meanwhile
            "[jmh-worker-1 tid=11];java/lang/Thread.run;org/fos/rpc/impl/LibfosImpl.callSync;org/fos/kernel/impl/MailboxImpl.await;[vdso] 40",
            "[jmh-worker-1 tid=11];java/lang/Thread.run;org/fos/kernel/impl/MailboxImpl.await;org/fos/kernel/impl/LinkTable.assist 10",
            // the caller sending: fos's code, then the JDK under it (passed over)
            "[jmh-worker-1 tid=11];java/lang/Thread.run;org/fos/rpc/impl/LibfosImpl.send;org/fos/kernel/impl/MailboxTable.send;"
                    + "java/util/concurrent/ConcurrentHashMap.get 20",
            // a transport thread writing to its socket, and waiting in epoll
            "[fos-tcp-1 tid=12];io/netty/channel/nio/NioEventLoop.run;org/fos/transport/tcp/impl/LinkStream.drain;__GI_write 15",
            "[fos-tcp-1 tid=12];io/netty/channel/nio/NioEventLoop.run;sun/nio/ch/EPoll.wait;epoll_wait 5",
            // the JVM's own, and the harness alone
            "[C2 CompilerThre tid=3];Compile::Compile 6",
            "[jmh-worker-1 tid=11];org/fos/benchmarks/SyncCallBenchmark.call;java/lang/Integer.valueOf 4");

    @Test
    void shouldPutEverySampleInOneActivityByItsInnermostFrameThatSaysWhat() {
        CpuProfile p = CpuProfile.of(STACKS);

        assertThat(p.samples()).isEqualTo(100);
        assertThat(p.share(CpuProfile.Activity.WAITING)).isCloseTo(0.55, within(1e-9));
        assertThat(p.share(CpuProfile.Activity.FOS)).isCloseTo(0.20, within(1e-9));
        assertThat(p.share(CpuProfile.Activity.IO)).isCloseTo(0.15, within(1e-9));
        assertThat(p.share(CpuProfile.Activity.JVM)).isCloseTo(0.06, within(1e-9));
        assertThat(p.share(CpuProfile.Activity.OTHER)).isCloseTo(0.04, within(1e-9));
        assertThat(p.threads()).containsExactly(java.util.Map.entry("[jmh-worker-1]", 74L), java.util.Map.entry("[fos-tcp-1]", 20L),
                java.util.Map.entry("[C2 CompilerThre]", 6L));
        assertThat(p.fosFrames()).containsExactly(java.util.Map.entry("org.fos.kernel.impl.MailboxTable.send", 20L));
    }

    @Test
    void shouldCountTheSamplesAndNameTheBusiestThreadsAndHottestFrames() {
        List<String> lines = CpuProfile.of(STACKS).lines(0.05, 2, 5);

        assertThat(lines.get(0)).isEqualTo("100 samples of CPU time in 50.0 ms of measurement");
        assertThat(lines).contains(" 55.0%  waiting for work (spinning, yielding, parking, polling an idle transport)", " 74.0%  jmh-worker-1",
                " 20.0%  org.fos.kernel.impl.MailboxTable.send").doesNotContain(" 6.0%  C2 CompilerThre");
    }

    @Test
    void shouldRefuseALineWithoutACount() {
        assertThatThrownBy(() -> CpuProfile.of(List.of("[t tid=1];a;b"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a line of collapsed stacks");
    }
}
