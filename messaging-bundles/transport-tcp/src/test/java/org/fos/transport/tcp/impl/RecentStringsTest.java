package org.fos.transport.tcp.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

class RecentStringsTest {
    private final RecentStrings recent = new RecentStrings();

    private static ByteBuf bytes(String s) {
        return Unpooled.wrappedBuffer(s.getBytes(StandardCharsets.UTF_8));
    }

    /** What a reader does: the kept string, or the decoded one, kept from now on. */
    private String read(String s) {
        ByteBuf b = Unpooled.buffer().writeBytes("xx".getBytes(StandardCharsets.US_ASCII)).writeBytes(bytes(s));
        int n = b.readableBytes() - 2;
        String kept = recent.find(b, 2, n);
        if (kept != null) {
            return kept;
        }
        String decoded = b.toString(2, n, StandardCharsets.UTF_8);
        recent.keep(b, 2, n, decoded);
        return decoded;
    }

    @Test
    void shouldAnswerTheSameStringForTheSameBytes() {
        String first = read("node-a");
        assertThat(read("node-a")).isSameAs(first);
        assertThat(read("réponse")).isEqualTo("réponse");
        assertThat(read("réponse")).isSameAs(read("réponse"));
        assertThat(read("")).isEmpty();
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
    void shouldHoldAtMostItsSlotsWhateverAPeerSends() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String s = "type-" + i;
            assertThat(read(s)).isEqualTo(s);
            seen.add(s);
        }
        long kept = seen.stream().filter(s -> recent.find(bytes(s), 0, s.getBytes(StandardCharsets.UTF_8).length) != null).count();
        assertThat(kept).isPositive().isLessThanOrEqualTo(RecentStrings.SLOTS);
    }
}
