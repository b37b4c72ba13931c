package org.fos.kernel.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.fos.kernel.api.Address;
import org.fos.kernel.api.Capability;
import org.fos.kernel.api.Kernel;
import org.fos.kernel.api.Mailbox;
import org.fos.kernel.api.Message;
import org.fos.kernel.api.Status;
import org.fos.kernel.spi.NameStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EmbeddedKernelTest {
    private final EmbeddedKernel node = EmbeddedKernel.start("embedded-a");

    @AfterEach
    void stop() {
        node.close();
    }

    @Test
    void shouldDeliverBetweenOwnersWhenStarted() throws Exception {
        Kernel server = node.kernel(3);
        Kernel client = node.kernel(2);
        Mailbox box = server.createMailbox("inbox", 16);

        assertThat(client.send(Message.of(box.capability(), "greeting", "hello"))).isEqualTo(Status.OK);

        Message m = box.receive(10, TimeUnit.SECONDS);
        assertThat(m.payload()).isEqualTo("hello");
        assertThat(node.nodeId()).isEqualTo("embedded-a");
        assertThat(server.nodeId()).isEqualTo("embedded-a");
    }

    @Test
    void shouldReleaseAnOwnersMailboxesWhenReleased() {
        Mailbox box = node.kernel(4).createMailbox("owned", 16);

        node.release(4);

        assertThat(box.isClosed()).isTrue();
    }

    @Test
    void shouldCloseTheMailboxesWhenClosed() {
        Mailbox box = node.kernel(5).createMailbox("closing", 16);

        node.close();

        assertThat(box.isClosed()).isTrue();
    }

    @Test
    void shouldRefuseABootstrapMemberWhenTheNameIsNoBootstrapName() {
        Capability elsewhere = new Capability(new Address("other-node", 7), 0, 1, 2);

        assertThatThrownBy(() -> node.bootstrapMember("/sys/kv", elsewhere, Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no bootstrap name");
    }

    @Test
    void shouldRefuseABootstrapMemberWhenItIsOnThisNode() {
        Capability local = node.kernel(1).createMailbox("names", 16).capability();

        assertThatThrownBy(() -> node.bootstrapMember(NameStore.BOOTSTRAP, local, Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is on this node");
    }

    @Test
    void shouldRefuseWhenTheNodeIdIsMissing() {
        assertThatThrownBy(() -> EmbeddedKernel.start(null)).isInstanceOf(NullPointerException.class).hasMessage("nodeId");
    }
}
