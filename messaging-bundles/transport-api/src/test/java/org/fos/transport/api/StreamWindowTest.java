package org.fos.transport.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StreamWindowTest {
    private final StreamWindow window = new StreamWindow();

    private void write(long sequence) {
        assertThat(window.admit(sequence, false)).isEqualTo(StreamWindow.WRITE);
        window.written(sequence);
    }

    @Test
    void shouldNotWriteANumberTwiceUntilThePeerSaysItDroppedIt() {
        write(1);
        write(2);
        write(3);
        assertThat(window.admit(2, false)).isEqualTo(StreamWindow.IN_STREAM);
        window.rewind(1);
        assertThat(window.admit(1, false)).isEqualTo(StreamWindow.IN_STREAM);
        write(2);
        write(3);
        window.rewind(0);
        write(1);
    }

    @Test
    void shouldWaitBeyondTheRangeWhileRefusingForRoomAndStartAgainOtherwise() {
        write(1);
        assertThat(window.admit(5, true)).isEqualTo(StreamWindow.WAIT);
        assertThat(window.admit(1, true)).isEqualTo(StreamWindow.IN_STREAM);
        write(5); // 2 to 4 went through another transport
        assertThat(window.admit(1, false)).as("the range starts at 5 now").isEqualTo(StreamWindow.WRITE);
        assertThat(window.admit(5, false)).isEqualTo(StreamWindow.IN_STREAM);
    }

    @Test
    void shouldWriteEveryNumberOnceNumbersCameOutOfOrder() {
        write(5);
        write(3); // below the range: out of order
        assertThat(window.admit(5, false)).isEqualTo(StreamWindow.WRITE);
        assertThat(window.admit(9, true)).isEqualTo(StreamWindow.WRITE);
    }
}
