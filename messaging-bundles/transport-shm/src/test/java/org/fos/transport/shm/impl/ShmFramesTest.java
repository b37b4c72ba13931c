package org.fos.transport.shm.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;


import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.fos.kernel.api.Address;
import org.fos.kernel.api.Capability;
import org.fos.kernel.api.Message;
import org.fos.transport.api.FrameDescriptor;
import org.fos.transport.api.RecentStrings;
import org.junit.jupiter.api.Test;

class ShmFramesTest {
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[4096]);

    private int write(String type) {
        Message m = new Message(new Address("node-a", 3), new Capability(new Address("node-b", 7), 1, 5, 6), null, 42L, type, null);
        return ShmFrames.data(buffer, 11, m, new byte[] {1, 2, 3});
    }

    @Test
    void shouldTouchOneByteOfEachCacheLineAfterTheFirstAndNothingOutsideTheFrame() {
        UnsafeBuffer b = new UnsafeBuffer(new byte[512]);
        for (int i = 0; i < 512; i++) {
            b.putByte(i, (byte) 1);
        }
        b.putByte(100 + 64, (byte) 10);
        b.putByte(100 + 128, (byte) 20);
        b.putByte(100 + 192, (byte) 99); // the first byte after a frame of 192 bytes
        b.putByte(100 + 63, (byte) 50); // within the first line: never read
        assertThat(ShmFrames.touchLines(b, 100, 192)).isEqualTo(30);
        assertThat(ShmFrames.touchLines(b, 100, 193)).isEqualTo(129);
        assertThat(ShmFrames.touchLines(b, 100, 64)).isZero();
        assertThat(ShmFrames.touchLines(b, 100, 0)).isZero();
    }

    @Test
    void shouldReadBackTheStringsOfADataFrameInAnyLanguage() throws Exception {
        int length = write("réponse-応答");
        ShmFrames.Envelope e = ShmFrames.readData(buffer, 0, length, "node-b");
        assertThat(e.type()).isEqualTo("réponse-応答");
        assertThat(e.from()).isEqualTo(new Address("node-a", 3));
        assertThat(e.payload()).containsExactly(1, 2, 3);
    }

    @Test
    void shouldRefuseAStringThatIsNotUtf8InsteadOfReadingItWithReplacements() {
        int length = write("ab");
        int at = FrameDescriptor.HEADER_LENGTH;
        buffer.putByte(at + 2, (byte) 0xC3); // a lead byte followed by 'b', not a continuation byte
        assertThatThrownBy(() -> ShmFrames.readData(buffer, 0, length, "node-b")).isInstanceOf(ShmFrames.FrameException.class)
                .hasMessage("message type is not UTF-8 text")
                .satisfies(e -> assertThat(((ShmFrames.FrameException) e).fault()).isEqualTo(Fault.MALFORMED));
        buffer.putByte(at + 2, (byte) 0xFF); // never in UTF-8
        assertThatThrownBy(() -> ShmFrames.readData(buffer, 0, length, "node-b")).hasMessage("message type is not UTF-8 text");
    }

    @Test
    void shouldGiveTheStringReadBeforeForTheSameBytesAndDecodeAnyOtherBytesAfresh() throws Exception {
        RecentStrings<DirectBuffer> recent = new RecentStrings<>(DirectBuffer::getByte);
        int length = write("org.fos.Reply");
        ShmFrames.Envelope first = ShmFrames.readData(buffer, 0, length, "node-b", recent);
        ShmFrames.Envelope second = ShmFrames.readData(buffer, 0, length, "node-b", recent);
        assertThat(second.type()).isEqualTo("org.fos.Reply").isSameAs(first.type());
        assertThat(second.from().node()).isSameAs(first.from().node());
        assertThat(recent.hits()).isEqualTo(2);

        // same length, middle and last byte, so the same slot: the first byte differs, and the frame says what its bytes say
        buffer.putByte(FrameDescriptor.HEADER_LENGTH + 2, (byte) 'O');
        assertThat(ShmFrames.readData(buffer, 0, length, "node-b", recent).type()).isEqualTo("Org.fos.Reply");
        assertThat(ShmFrames.readData(buffer, 0, length, "node-b", recent).type()).isEqualTo("Org.fos.Reply");

        // bytes that are not UTF-8 are refused whatever the reader decoded before
        buffer.putByte(FrameDescriptor.HEADER_LENGTH + 2, (byte) 0xFF);
        assertThatThrownBy(() -> ShmFrames.readData(buffer, 0, length, "node-b", recent))
                .hasMessage("message type is not UTF-8 text");
        int other = write("réponse-応答");
        assertThat(ShmFrames.readData(buffer, 0, other, "node-b", recent).type()).isEqualTo("réponse-応答");
        assertThat(ShmFrames.readData(buffer, 0, other, "node-b", recent).type()).isEqualTo("réponse-応答");
    }
}
