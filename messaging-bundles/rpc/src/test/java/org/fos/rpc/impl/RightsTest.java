package org.fos.rpc.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.fos.kernel.api.Capability;
import org.fos.kernel.api.Kernel;
import org.fos.kernel.api.Mailbox;
import org.fos.kernel.api.Right;
import org.fos.kernel.api.Status;
import org.fos.kernel.impl.StandaloneKernel;
import org.fos.rpc.api.CallContext;
import org.fos.rpc.api.CallOptions;
import org.fos.rpc.api.Dispatcher;
import org.fos.rpc.api.FleetException;
import org.fos.rpc.api.Needs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Rights per operation: each method's right is checked against the capability a call came with. */
class RightsTest {

    /** A protocol with a method of each kind of right. */
    public interface Guarded {
        int rights();

        @Needs(Right.PEER)
        int peerRights();

        @Needs(Right.ADMIN)
        String execute(String commandLine);
    }

    /** A protocol that asks for a right a server does not check. */
    public interface Wrong {
        @Needs(Right.GRANT)
        void nothing();
    }

    private final StandaloneKernel node = StandaloneKernel.start("n-rights", false);
    private final Kernel kernel = node.kernel(1);
    private final LibfosCore core = new LibfosCore();
    private final LibfosImpl client = new LibfosImpl(core, node.kernel(2), 2, "client");
    private final LibfosImpl server = new LibfosImpl(core, node.kernel(3), 3, "server");
    private final List<Thread> loops = new ArrayList<>();
    private final List<String> executed = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        loops.forEach(Thread::interrupt);
        for (Thread t : loops) {
            t.join();
        }
        client.deactivate();
        server.deactivate();
        core.deactivate();
        node.shutdown();
    }

    private Mailbox serve(String name) {
        Mailbox box = kernel.createMailbox(name, 64);
        kernel.names().register(name, box.capability(), Map.of());
        Dispatcher d = server.dispatcher(Guarded.class, new Guarded() {
            @Override
            public int rights() {
                return CallContext.rights();
            }

            @Override
            public int peerRights() {
                return CallContext.rights();
            }

            @Override
            public String execute(String commandLine) {
                synchronized (executed) {
                    executed.add(commandLine);
                }
                return "ran " + commandLine;
            }
        });
        Thread t = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    box.drain(d::dispatch, 16, 50, TimeUnit.MILLISECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "member " + name);
        t.start();
        loops.add(t);
        return box;
    }

    @Test
    void shouldRefuseWithNoRightAndCountAMethodWhoseRightTheCapabilityLacks() {
        Mailbox box = serve("/test/guarded");
        Capability callOnly = kernel.narrow(box.capability(), EnumSet.of(Right.SEND, Right.CALL));
        Guarded g = client.proxy(Guarded.class, callOnly, CallOptions.DEFAULT);
        assertThat(g.rights()).as("the rights the call came with").isEqualTo(Right.SEND.bit() | Right.CALL.bit());
        long before = kernel.stats().rejected(Status.NO_RIGHT);
        assertThatThrownBy(() -> g.execute("stop 0")).isInstanceOf(FleetException.class)
                .satisfies(e -> assertThat(((FleetException) e).status()).isEqualTo(Status.NO_RIGHT))
                .hasMessageContaining("Guarded.execute needs the ADMIN right").hasMessageContaining("SC");
        assertThatThrownBy(g::peerRights).isInstanceOf(FleetException.class)
                .satisfies(e -> assertThat(((FleetException) e).status()).isEqualTo(Status.NO_RIGHT));
        assertThat(executed).as("the refused method never ran").isEmpty();
        assertThat(kernel.stats().rejected(Status.NO_RIGHT)).isEqualTo(before + 2);

        // narrowing still works: a send-only capability calls nothing, not even CALL methods
        Guarded sendOnly = client.proxy(Guarded.class, kernel.narrow(box.capability(),
                EnumSet.of(Right.SEND)), CallOptions.DEFAULT);
        assertThatThrownBy(sendOnly::rights).isInstanceOf(FleetException.class)
                .satisfies(e -> assertThat(((FleetException) e).status()).isEqualTo(Status.NO_RIGHT));
    }

    @Test
    void shouldCallPeerAndAdminMethodsThroughANameWithTheEntrysMemberCapability() {
        serve("/test/guarded");
        Guarded byName = client.proxy(Guarded.class, "/test/guarded");
        assertThat(byName.rights()).as("a node resolves names to the member capability")
                .isEqualTo(Right.mask(EnumSet.of(Right.SEND, Right.CALL, Right.PEER, Right.ADMIN)));
        assertThat(byName.peerRights()).as("peer methods with the member capability")
                .isEqualTo(Right.mask(EnumSet.of(Right.SEND, Right.CALL, Right.PEER, Right.ADMIN)));
        assertThat(byName.execute("lb")).isEqualTo("ran lb");
    }

    @Test
    void shouldRefuseAProtocolWhoseMethodNeedsARightNoServerChecks() {
        assertThatThrownBy(() -> client.proxy(Wrong.class, "/test/wrong").nothing()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("@Needs takes CALL, PEER or ADMIN");
    }
}
