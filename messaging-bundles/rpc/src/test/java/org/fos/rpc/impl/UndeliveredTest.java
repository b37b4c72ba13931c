package org.fos.rpc.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.fos.kernel.api.Address;
import org.fos.kernel.api.Capability;
import org.fos.kernel.api.Message;
import org.fos.kernel.api.Status;
import org.fos.rpc.api.FleetException;
import org.junit.jupiter.api.Test;

/**
 * A kernel's notice that a request was refused for good ({@link Message#UNDELIVERED}) fails the call
 * with the refusal's status at once; a notice about an earlier attempt of a call that was sent again
 * does not, and a malformed notice is an error of its own.
 */
class UndeliveredTest {
    private final MethodModel add = ProtocolModel.of(LibfosTest.Calc.class).method("add");
    private final Capability member = new Capability(new Address("n-b", 7), 1, 2, 3);
    private final Capability earlier = new Capability(new Address("n-c", 9), 1, 2, 3);

    private static Message notice(String text) {
        return new Message(null, new Capability(new Address("n-a", 1), 1, 2, 3), null, 5, Message.UNDELIVERED, text);
    }

    @Test
    void shouldFailTheCallWithTheRefusalsStatusAndSayWhetherItRan() {
        Message n = notice("FORGED n-b:7 its capability is not one this node issued (it may be from before the node restarted)");
        FleetException once = Replies.undelivered(add, n, member, false);
        assertThat(once.status()).isEqualTo(Status.FORGED);
        assertThat(once.getMessage()).contains("to n-b:7 was not delivered (FORGED): its capability is not one")
                .contains("before the node restarted").endsWith("the call did not run");
        assertThat(Replies.undelivered(add, n, member, true).getMessage()).endsWith("an earlier attempt of the call may have run");
        assertThatThrownBy(() -> Replies.valueOf(add, n)).isInstanceOf(FleetException.class)
                .satisfies(e -> assertThat(((FleetException) e).status()).isEqualTo(Status.FORGED));
    }

    @Test
    void shouldIgnoreTheNoticeOfAnEarlierAttemptSentElsewhere() {
        Message n = notice("CLOSED n-c:9 its mailbox is closed");
        assertThat(Replies.undelivered(add, n, member, true)).as("the call went to n-b:7 since").isNull();
        assertThat(Replies.undelivered(add, n, earlier, false).status()).isEqualTo(Status.CLOSED);
    }

    @Test
    void shouldCallAMalformedNoticeACodecError() {
        for (Object payload : new Object[] {null, 42, "", "NOT_A_STATUS n-b:7 x", "CLOSED not-an-address x"}) {
            Message n = new Message(null, member, null, 5, Message.UNDELIVERED, payload);
            assertThat(Replies.undelivered(add, n, member, false).status()).as(String.valueOf(payload)).isEqualTo(Status.CODEC_ERROR);
        }
    }
}
