package org.fos.kernel.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.fos.kernel.api.Mailbox;
import org.fos.kernel.api.MailboxInfo;
import org.fos.kernel.api.Message;
import org.fos.kernel.api.Status;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DirectDeliveryTest {

    private final KernelCore core = new KernelCore("n-test", KernelSettings.DEFAULT, id -> id == 7);
    private final BundleKernel kernel = new BundleKernel(core, 7);
    private final List<String> seen = new CopyOnWriteArrayList<>();
    private final List<Thread> on = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        core.shutdown();
    }

    private Mailbox takingEven() {
        return kernel.createMailbox("direct", 4, m -> {
            seen.add(m.type());
            on.add(Thread.currentThread());
            if (m.type().equals("boom")) {
                throw new IllegalStateException("a handler that fails");
            }
            return ((Integer) m.payload()) % 2 == 0;
        });
    }

    private MailboxInfo info(Mailbox box) {
        return kernel.mailboxes().stream().filter(i -> i.address().equals(box.address())).findFirst().orElseThrow();
    }

    @Test
    void shouldHandWhatItTakesToTheHandlerOnTheSendingThreadAndQueueTheRest() throws Exception {
        Mailbox box = takingEven();
        for (int i = 0; i < 6; i++) {
            assertThat(kernel.send(Message.of(box.capability(), "m" + i, i))).isEqualTo(Status.OK);
        }
        assertThat(seen).containsExactly("m0", "m1", "m2", "m3", "m4", "m5");
        assertThat(on).allMatch(t -> t == Thread.currentThread());
        assertThat(box.depth()).as("the odd ones, declined").isEqualTo(3);
        assertThat(box.receive(1, TimeUnit.SECONDS).payload()).isEqualTo(1);
        assertThat(box.receive(1, TimeUnit.SECONDS).payload()).isEqualTo(3);
        assertThat(box.receive(1, TimeUnit.SECONDS).payload()).isEqualTo(5);
        assertThat(info(box).sent()).isEqualTo(6);
        assertThat(info(box).received()).isEqualTo(6);
    }

    @Test
    void shouldQueueAMessageTheHandlerThrewOnAndGoOn() throws Exception {
        Mailbox box = takingEven();
        assertThat(kernel.send(Message.of(box.capability(), "boom", 0))).isEqualTo(Status.OK);
        assertThat(kernel.send(Message.of(box.capability(), "boom", 2))).isEqualTo(Status.OK);
        assertThat(kernel.send(Message.of(box.capability(), "ok", 4))).isEqualTo(Status.OK);
        assertThat(box.depth()).isEqualTo(2);
        assertThat(box.receive(1, TimeUnit.SECONDS).type()).isEqualTo("boom");
    }

    @Test
    void shouldHandNothingOnceClosedAndRefuseANullHandler() {
        Mailbox box = takingEven();
        box.close();
        assertThat(kernel.send(Message.of(box.capability(), "late", 0))).isNotEqualTo(Status.OK);
        assertThat(seen).isEmpty();
        assertThatThrownBy(() -> kernel.createMailbox("no handler", 4, null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("direct");
    }

    @Test
    void shouldStillBoundWhatItQueues() {
        Mailbox box = kernel.createMailbox("declines all", 2, m -> false);
        assertThat(kernel.send(Message.of(box.capability(), "a", 1))).isEqualTo(Status.OK);
        assertThat(kernel.send(Message.of(box.capability(), "b", 1))).isEqualTo(Status.OK);
        assertThat(kernel.send(Message.of(box.capability(), "c", 1))).isEqualTo(Status.FULL);
    }
}
