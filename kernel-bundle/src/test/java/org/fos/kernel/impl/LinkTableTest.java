package org.fos.kernel.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.fos.kernel.api.Address;
import org.fos.kernel.api.Capability;
import org.fos.kernel.api.LinkInfo;
import org.fos.kernel.api.Message;
import org.fos.kernel.api.Right;
import org.fos.kernel.api.Status;
import org.fos.kernel.spi.ClientLimits;
import org.fos.kernel.spi.Transport;
import org.junit.jupiter.api.Test;

/**
 * The link table alone, between hand-driven transports and an inbox that records: which transport a
 * message takes, what the inbox is given, and what the link keeps, acknowledges and sends again.
 */
class LinkTableTest {

    /** A transport that reaches one node at a cost and records what it was given. */
    private static final class Recording implements Transport {
        final String reaches;
        int cost;
        final List<Long> sequences = new ArrayList<>();

        Recording(String reaches, int cost) {
            this.reaches = reaches;
            this.cost = cost;
        }

        @Override
        public int cost(String nodeId) {
            return reaches.equals(nodeId) ? cost : -1;
        }

        @Override
        public boolean transmit(String nodeId, long sequence, Message message) {
            sequences.add(sequence);
            return true;
        }

        @Override
        public void acknowledge(String nodeId, long sequence) {
        }
    }

    /** An inbox that takes what it is given, or answers the status the test sets. */
    private static final class RecordingInbox implements Inbox {
        final List<Object> payloads = new ArrayList<>();
        final List<ClientLimits> limits = new ArrayList<>();
        Status answer = Status.OK;

        @Override
        public Status deliver(Message message, ClientLimits l) {
            if (answer == Status.OK) {
                payloads.add(message.payload());
                limits.add(l);
            }
            return answer;
        }
    }

    private final RecordingInbox inbox = new RecordingInbox();
    private final LinkTable table = new LinkTable(inbox, 3, 60_000_000_000L);

    private static Message to(String node, Object payload) {
        return Message.of(new Capability(new Address(node, 1), Right.ALL_BITS, 1, 2), "t", payload);
    }

    @Test
    void shouldTransmitThroughTheCheapestTransportThatReachesTheNode() {
        Recording tcp = new Recording("n-b", 10);
        Recording shm = new Recording("n-b", 1);
        Recording other = new Recording("n-c", 0);
        table.addTransport(tcp);
        table.addTransport(shm);
        table.addTransport(other);

        assertThat(table.forward("n-b", to("n-b", 1))).isEqualTo(Status.OK);
        shm.cost = -1; // shared memory lost the node: the link moves to TCP, numbering goes on
        assertThat(table.forward("n-b", to("n-b", 2))).isEqualTo(Status.OK);

        assertThat(shm.sequences).containsExactly(1L);
        assertThat(tcp.sequences).containsExactly(2L);
        assertThat(other.sequences).isEmpty();
        assertThat(table.route("n-b")).isSameAs(tcp);
        assertThat(table.route("n-x")).isNull();
    }

    @Test
    void shouldRefuseWithNoRouteUntilATransportReachedTheNodeAndWithFullAtCapacity() {
        assertThat(table.forward("n-b", to("n-b", 1))).isEqualTo(Status.NO_ROUTE);
        Recording tcp = new Recording("n-b", 1);
        table.addTransport(tcp);
        for (int i = 0; i < 3; i++) {
            assertThat(table.forward("n-b", to("n-b", i))).isEqualTo(Status.OK);
        }
        assertThat(table.forward("n-b", to("n-b", 3))).isEqualTo(Status.FULL);

        // the transport went away: the link keeps its messages and takes more while it has room
        table.removeTransport(tcp);
        table.acknowledged("n-b", 2);
        assertThat(table.forward("n-b", to("n-b", 4))).isEqualTo(Status.OK);
        assertThat(table.info()).extracting(LinkInfo::unacknowledged).containsExactly(2);
    }

    @Test
    void shouldHandTheInboxEachNumberOnceAndInOrder() {
        long epoch = 7;
        assertThat(table.deliver("n-a", epoch, 1, to("n-z", "one"))).isEqualTo(1);
        assertThat(table.deliver("n-a", epoch, 1, to("n-z", "again"))).as("a repeat").isEqualTo(1);
        assertThat(table.deliver("n-a", epoch, 3, to("n-z", "three"))).as("a gap").isEqualTo(1);
        assertThat(table.deliver("n-a", epoch, 2, to("n-z", "two"))).isEqualTo(2);
        ClientLimits limits = new ClientLimits(Right.CALL.bit(), java.util.Set.of());
        assertThat(table.deliver("n-a", epoch, 3, to("n-z", "three"), limits)).isEqualTo(3);

        assertThat(inbox.payloads).containsExactly("one", "two", "three");
        assertThat(inbox.limits).containsExactly(null, null, limits);
        LinkInfo link = table.info().get(0);
        assertThat(link.duplicates()).isEqualTo(1);
        assertThat(link.outOfOrder()).isEqualTo(1);

        // the peer restarted: its numbering starts afresh
        assertThat(table.deliver("n-a", epoch + 1, 1, to("n-z", "new"))).isEqualTo(1);
        assertThat(inbox.payloads).endsWith("new");
    }

    @Test
    void shouldNotCountAMessageDeliveredWhileItsMailboxIsFullButOneItRefuses() {
        inbox.answer = Status.FULL;
        assertThat(table.deliver("n-a", 7, 1, to("n-z", "one"))).as("sent again later").isZero();
        assertThat(table.info().get(0).deferred()).isEqualTo(1);
        inbox.answer = Status.FORGED;
        assertThat(table.deliver("n-a", 7, 1, to("n-z", "one"))).as("a refusal is final").isEqualTo(1);
    }

    @Test
    void shouldSendAgainWhatWaitsWhenThePeerConnectsAndDropItWhenThePeerRestarted() {
        Recording tcp = new Recording("n-b", 1);
        table.addTransport(tcp);
        table.connected("n-b", 100);
        table.forward("n-b", to("n-b", 1));
        table.forward("n-b", to("n-b", 2));
        table.acknowledged("n-b", 1);

        table.connected("n-b", 100);
        assertThat(tcp.sequences).containsExactly(1L, 2L, 2L);
        assertThat(table.info().get(0).retransmitted()).isEqualTo(1);

        table.connected("n-b", 101);
        assertThat(table.info().get(0).unacknowledged()).isZero();
        table.forward("n-b", to("n-b", 3));
        assertThat(tcp.sequences).endsWith(1L);
    }

    @Test
    void shouldHaveAnEpochOtherThanZero() {
        assertThat(table.epoch()).isNotZero();
        assertThat(new LinkTable(inbox, 1, 1).epoch()).isNotEqualTo(table.epoch());
    }
}
