package org.fos.rpc.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import org.fos.kernel.api.Kernel;
import org.fos.kernel.api.Mailbox;
import org.fos.kernel.embed.EmbeddedKernel;
import org.fos.rpc.api.CallOptions;
import org.fos.rpc.api.Dispatcher;
import org.fos.rpc.api.FleetException;
import org.fos.rpc.api.Libfos;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EmbeddedLibfosTest {

    /** A protocol for the tests. */
    public interface Adder {
        int add(int a, int b);

        CompletionStage<Integer> never();
    }

    private final EmbeddedKernel node = EmbeddedKernel.start("embedded-rpc");
    private final EmbeddedLibfos libfos = EmbeddedLibfos.start(node, null);
    private Thread member;

    @AfterEach
    void stop() throws InterruptedException {
        if (member != null) {
            member.interrupt();
            member.join();
        }
        libfos.close();
        node.close();
    }

    /** Serves /test/adder as the fleet runtime would: a mailbox under the name and a thread that dispatches. */
    private void serve(Adder impl) {
        Kernel kernel = node.kernel(3);
        Mailbox box = kernel.createMailbox("adder", 64);
        kernel.names().register("/test/adder", box.capability(), Map.of());
        Dispatcher d = libfos.libfos(3, "server").dispatcher(Adder.class, impl);
        member = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    box.drain(d::dispatch, 16, 50, TimeUnit.MILLISECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "adder member");
        member.start();
    }

    private static Adder adder() {
        return new Adder() {
            @Override
            public int add(int a, int b) {
                return a + b;
            }

            @Override
            public CompletionStage<Integer> never() {
                return new CompletableFuture<>();
            }
        };
    }

    @Test
    void shouldCallAFleetMemberOfAnotherOwnerWhenServed() {
        serve(adder());
        Libfos client = libfos.libfos(2, "client");

        Adder proxy = client.proxy(Adder.class, "/test/adder", CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(30)));

        assertThat(proxy.add(2, 40)).isEqualTo(42);
        assertThat(node.kernel(2).mailboxes()).as("the reply mailbox belongs to the client's owner")
                .anySatisfy(box -> assertThat(box.ownerBundleId()).isEqualTo(2));
    }

    @Test
    void shouldFailAWaitingCallWhenClosed() {
        serve(adder());
        Adder proxy = libfos.libfos(2, "client").proxy(Adder.class, "/test/adder", CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(60)));
        CompletableFuture<Integer> waiting = proxy.never().toCompletableFuture();

        libfos.close();

        assertThatThrownBy(() -> waiting.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(FleetException.class);
    }

    @Test
    void shouldRefuseWhenTheKernelIsMissing() {
        assertThatThrownBy(() -> EmbeddedLibfos.start(null, null)).isInstanceOf(NullPointerException.class).hasMessage("node");
    }
}
