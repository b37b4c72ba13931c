package org.fos.kernel.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import org.junit.jupiter.api.Test;

class HashingTest {

    @Test
    void shouldHashAStringAsItsUtf8Bytes() {
        String[] fixed = {"", "user:42", "é", "€uro", "\uD83D\uDE00 smile", "lone \uD800 high", "lone \uDC00 low", "end \uD800",
            "\u07ff\u0800\uffff"};
        for (String s : fixed) {
            assertThat(Hashing.hash(s)).as(s).isEqualTo(Hashing.hash(s.getBytes(StandardCharsets.UTF_8)));
        }
        Random random = new Random(7);
        for (int round = 0; round < 10_000; round++) {
            char[] chars = new char[random.nextInt(12)];
            for (int i = 0; i < chars.length; i++) {
                chars[i] = (char) (random.nextBoolean() ? random.nextInt(0x80) : random.nextInt(0x10000));
            }
            String s = new String(chars);
            assertThat(Hashing.hash(s)).as("round " + round).isEqualTo(Hashing.hash(s.getBytes(StandardCharsets.UTF_8)));
        }
    }

    @Test
    void shouldKeepTheValuesEveryNodeAlreadyAgreesOn() {
        // the ring must not move between versions: nodes of both versions place keys alike
        // FNV-1a 64 then the MurmurHash3 finaliser, computed independently
        assertThat(Hashing.hash("user:42")).isEqualTo(-7383625480396504504L);
        assertThat(Hashing.hash("node-b:5#0")).isEqualTo(1760917557053106318L);
    }
}
