package org.fos.transport.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class RecentStringsTest {
    private final RecentStrings<byte[]> recent = new RecentStrings<>((b, i) -> b[i]);

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** What a reader does: the kept string, or the decoded one, kept from now on. */
    private String read(String s) {
        byte[] tail = bytes(s);
        byte[] b = new byte[2 + tail.length];
        b[0] = 'x';
        b[1] = 'x';
        System.arraycopy(tail, 0, b, 2, tail.length);
        String kept = recent.find(b, 2, tail.length);
        if (kept != null) {
            return kept;
        }
        String decoded = new String(b, 2, tail.length, StandardCharsets.UTF_8);
        recent.keep(b, 2, tail.length, decoded);
        return decoded;
    }

    @Test
    void shouldAnswerTheSameStringForTheSameBytes() {
        String first = read("node-a");
        assertThat(read("node-a")).isSameAs(first);
        assertThat(read("réponse")).isEqualTo("réponse");
        assertThat(read("réponse")).isSameAs(read("réponse"));
        assertThat(read("")).isEmpty();
        assertThat(recent.hits()).isEqualTo(3);
    }

    @Test
    void shouldNeverAnswerAnotherStringThatSharesItsSlot() {
        // same length, same middle and last byte: the same slot; the bytes decide
        assertThat(read("aXc")).isEqualTo("aXc");
        assertThat(read("bXc")).isEqualTo("bXc");
        assertThat(read("aXc")).isEqualTo("aXc");
        assertThat(recent.find(bytes("cXc"), 0, 3)).isNull();
    }

    @Test
    void shouldKeepItsOwnCopyOfTheBytesNotTheReadersBuffer() {
        byte[] b = bytes("node-b");
        recent.keep(b, 0, b.length, "node-b");
        b[0] = 'N'; // the reader's buffer is written again (the next frame)
        assertThat(recent.find(b, 0, b.length)).isNull();
        assertThat(recent.find(bytes("node-b"), 0, 6)).isEqualTo("node-b");
    }

    @Test
    void shouldKeepAStringByTheCopyTheReaderMadeOfItsBytes() {
        byte[] frame = bytes("xxnode-c");
        byte[] copy = bytes("node-c");
        recent.keep(frame, 2, copy, "node-c");
        assertThat(recent.find(frame, 2, 6)).isEqualTo("node-c");
        assertThat(recent.find(bytes("node-d"), 0, 6)).isNull();
    }

    @Test
    void shouldHoldAtMostItsSlotsWhateverAPeerSends() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String s = "type-" + i;
            assertThat(read(s)).isEqualTo(s);
            seen.add(s);
        }
        long kept = seen.stream().filter(s -> recent.find(bytes(s), 0, bytes(s).length) != null).count();
        assertThat(kept).isPositive().isLessThanOrEqualTo(RecentStrings.SLOTS);
    }
}
