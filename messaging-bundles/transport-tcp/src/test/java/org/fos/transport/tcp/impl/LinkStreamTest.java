package org.fos.transport.tcp.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import org.fos.codec.embed.PayloadCodecs;
import org.fos.kernel.spi.PayloadCodec;
import org.fos.kernel.api.Address;
import org.fos.kernel.api.Capability;
import org.fos.kernel.api.Message;
import org.fos.kernel.api.Right;
import org.fos.transport.api.FrameDescriptor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The write side of a connection on an embedded channel: what it writes, what it does not write twice,
 * what it writes again after a GAP, when it refuses for want of room and when it has room again, and
 * the acknowledgements it owes.
 */
class LinkStreamTest {
    private final Counters counters = new Counters("node-a", 60_000);
    private final AtomicInteger rooms = new AtomicInteger();
    private final TransportSettings settings = small(TransportSettings.loopback(Map.of()));
    private final LinkStream stream = new LinkStream("test link", new DataCodec("node-a", PayloadCodecs.create(), 1 << 20, counters),
            counters, settings, rooms::incrementAndGet);
    private final EmbeddedChannel channel = new EmbeddedChannel(new ChannelInboundHandlerAdapter() {
        @Override
        public void handlerAdded(ChannelHandlerContext context) {
            stream.attach(context);
        }
    });

    /** Water marks of a few frames, so that a test fills them. */
    private static TransportSettings small(TransportSettings l) {
        return new TransportSettings(l.host(), 0, "", "fos", Map.of(), 10, 1 << 20, 5_000, 100, 10_000, 5_000, 1_000, 5_000,
                200, 400, 1, null, l.limits(), null, null);
    }

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    private static Message message(int i) {
        return Message.of(new Capability(new Address("node-b", 1), Right.ALL_BITS, 1, 2), "t", i);
    }

    /** The frames written since the last call: DATA by sequence, ACK as minus its sequence. */
    private List<Long> written() {
        channel.runPendingTasks();
        List<Long> out = new ArrayList<>();
        for (ByteBuf f; (f = channel.readOutbound()) != null;) {
            long seq = Frames.sequence(f);
            out.add(Frames.type(f) == FrameDescriptor.TYPE_ACK ? -seq : seq);
            f.release();
        }
        return out;
    }

    @Test
    void shouldWriteEachNumberOnceAndAgainOnlyAfterAGap() {
        for (int i = 1; i <= 3; i++) {
            assertThat(stream.transmit(i, message(i))).isTrue();
        }
        assertThat(written()).containsExactly(1L, 2L, 3L);
        assertThat(stream.transmit(2, message(2))).as("the retransmit timer fired early").isTrue();
        assertThat(written()).isEmpty();
        assertThat(counters.alreadyInStream.sum()).isEqualTo(1);

        stream.rewind(1); // the peer dropped 2 and 3
        assertThat(stream.transmit(2, message(2))).isTrue();
        assertThat(stream.transmit(3, message(3))).isTrue();
        assertThat(written()).containsExactly(2L, 3L);

        // 4 to 9 went through another transport: the stream starts again at 10
        assertThat(stream.transmit(10, message(10))).isTrue();
        assertThat(written()).containsExactly(10L);
        assertThat(stream.framesOut()).isEqualTo(6);
    }

    @Test
    void shouldRefuseBeyondTheHighWaterMarkAndSayWhenThereIsRoomAgain() {
        int sequence = 0;
        while (stream.transmit(++sequence, message(sequence))) {
            assertThat(sequence).as("the queue is bounded").isLessThan(100);
        }
        assertThat(counters.backpressured.sum()).isEqualTo(1);
        assertThat(stream.transmit(sequence + 1, message(sequence + 1))).as("beyond the range while refusing").isFalse();
        assertThat(rooms).hasValue(0);

        assertThat(written()).hasSize(sequence - 1);
        assertThat(rooms).as("the queue drained below the low water mark").hasValue(1);
        assertThat(stream.queuedBytes()).isZero();
        assertThat(stream.transmit(sequence, message(sequence))).isTrue();
    }

    @Test
    void shouldAcknowledgeAGapAtOnceAndADeliveryWithinTheDelay() {
        channel.freezeTime(); // the delay passes when the test says so, not when a loaded machine is slow
        stream.delivered(1, 1);
        stream.delivered(2, 2);
        stream.readComplete(channel.pipeline().firstContext());
        assertThat(written()).as("waits for a frame to ride along with").isEmpty();
        channel.advanceTimeBy(LinkStream.ACK_DELAY_MICROS, java.util.concurrent.TimeUnit.MICROSECONDS);
        assertThat(written()).containsExactly(-2L);

        stream.delivered(4, 2); // 3 is missing: 4 was dropped
        stream.readComplete(channel.pipeline().firstContext());
        assertThat(written()).containsExactly(-2L);
        assertThat(counters.acksSent.sum()).isEqualTo(2);
    }
}
