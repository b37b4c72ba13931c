package org.fos.fleet.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.apache.felix.gogo.runtime.threadio.ThreadIOImpl;
import org.fos.fleet.api.FleetRuntime;
import org.fos.fleet.api.NodeAdmin.CommandOutput;
import org.fos.kernel.embed.EmbeddedKernel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The remote shell of {@code /sys/nodes}: commands run off the member's loop, a bounded number at
 * once, with a real Gogo runtime.
 */
class NodeAdminMemberTest {
    private static final long WAIT_SECONDS = 30;

    /** A command that waits until the test lets it finish. */
    public static final class Held {
        final Semaphore entered = new Semaphore(0);
        final CountDownLatch release = new CountDownLatch(1);
        volatile Thread ranOn;

        /**
         * Waits for the release.
         *
         * @return what it says when released
         * @throws InterruptedException if interrupted
         */
        public String hold() throws InterruptedException {
            ranOn = Thread.currentThread();
            entered.release();
            release.await();
            return "released";
        }

        /** Prints a line, then fails. */
        public void noisy() {
            System.out.println("about to fail");
            throw new IllegalStateException("it failed");
        }
    }

    private final EmbeddedKernel node = EmbeddedKernel.start("admin-test");
    private final java.io.PrintStream jvmOut = System.out;
    private final java.io.PrintStream jvmErr = System.err;
    private final java.io.InputStream jvmIn = System.in;
    private final ThreadIOImpl threadIo = new ThreadIOImpl();
    private final Held held = new Held();
    private NodeAdminMember member;

    @BeforeEach
    void setUp() {
        CommandProcessorImpl shell = new CommandProcessorImpl(threadIo);
        shell.addCommand("t", held);
        FleetRuntime runtime = (FleetRuntime) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {FleetRuntime.class},
                (proxy, method, args) -> {
                    throw new UnsupportedOperationException(method.getName());
                });
        member = new NodeAdminMember(runtime, node.kernel(1));
        member.setShell(shell);
    }

    @AfterEach
    void tearDown() {
        held.release.countDown();
        member.deactivate();
        // Gogo puts its own streams into System.out, err and in whenever a session runs (ThreadIOImpl.checkIO), even from
        // a command thread that ends after this test: put the JVM's back, and never ThreadIOImpl.start(), which refuses
        // to run where another runtime's streams are still in place
        System.setOut(jvmOut);
        System.setErr(jvmErr);
        System.setIn(jvmIn);
        node.close();
    }

    @Test
    void aRemoteCommandRunsOffTheCallingThreadAndAnswersWhenItHasFinished() throws Exception {
        CompletableFuture<CommandOutput> out = member.executeAsync("t:hold").toCompletableFuture();

        assertThat(held.entered.tryAcquire(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(out).isNotDone();
        assertThat(held.ranOn).isNotSameAs(Thread.currentThread());

        held.release.countDown();
        assertThat(out.get(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo(new CommandOutput("admin-test", false, "released"));
    }

    @Test
    void aCommandBeyondTheBoundIsRefusedAndTheRunningOnesFinish() throws Exception {
        List<CompletableFuture<CommandOutput>> running = new ArrayList<>();
        for (int i = 0; i < NodeAdminMember.MAX_COMMANDS; i++) {
            running.add(member.executeAsync("t:hold").toCompletableFuture());
        }
        assertThat(held.entered.tryAcquire(NodeAdminMember.MAX_COMMANDS, WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

        CommandOutput refused = member.executeAsync("t:hold").toCompletableFuture().getNow(null);
        assertThat(refused).isNotNull();
        assertThat(refused.failed()).isTrue();
        assertThat(refused.text()).isEqualTo("node admin-test runs " + NodeAdminMember.MAX_COMMANDS
                + " remote commands already; run it again when one has finished");

        held.release.countDown();
        for (CompletableFuture<CommandOutput> f : running) {
            assertThat(f.get(WAIT_SECONDS, TimeUnit.SECONDS).text()).isEqualTo("released");
        }
    }

    @Test
    void aStoppedMemberInterruptsItsCommandsAndRefusesNewOnes() throws Exception {
        CompletableFuture<CommandOutput> out = member.executeAsync("t:hold").toCompletableFuture();
        assertThat(held.entered.tryAcquire(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

        member.deactivate();

        CommandOutput interrupted = out.get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(interrupted.failed()).isTrue();
        assertThat(interrupted.text()).startsWith("InterruptedException");
        CommandOutput refused = member.executeAsync("t:hold").toCompletableFuture().getNow(null);
        assertThat(refused).isEqualTo(new CommandOutput("admin-test", true, "node admin-test is stopping its remote shell"));
    }

    @Test
    void aFailedCommandAnswersWhatItPrintedAndThenItsError() throws Exception {
        CommandOutput out = member.executeAsync("t:noisy").toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);

        assertThat(out).isEqualTo(new CommandOutput("admin-test", true, "about to fail\nIllegalStateException: it failed"));
    }

    @Test
    void anEmptyCommandLineIsRefused() {
        assertThatThrownBy(() -> member.executeAsync(" ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the command line is empty");
    }
}
