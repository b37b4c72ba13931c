package org.fos.kernel.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;

import org.junit.jupiter.api.Test;

class RightTest {

    @Test
    void shouldWriteAndReadEveryRightAsALetterOrAName() {
        assertThat(Right.letters(Right.ALL_BITS)).isEqualTo("SRGCPA");
        assertThat(Right.parse("SRGCPA")).isEqualTo(Right.ALL_BITS);
        assertThat(Right.parse("ca")).isEqualTo(Right.CALL.bit() | Right.ADMIN.bit());
        assertThat(Right.parse("send, call,peer")).isEqualTo(Right.mask(EnumSet.of(Right.SEND, Right.CALL, Right.PEER)));
        assertThat(Right.parse("admin")).isEqualTo(Right.ADMIN.bit());
        assertThat(Right.parse("SG")).isEqualTo(Right.SEND.bit() | Right.GRANT.bit());
        assertThat(Right.letters(0)).isEqualTo("-");
        assertThat(Right.of(Right.SERVER_BITS)).containsExactly(Right.CALL, Right.PEER, Right.ADMIN);
    }

    @Test
    void shouldNameWhatIsNoRight() {
        assertThatThrownBy(() -> Right.parse("SX")).hasMessageContaining("unknown right 'SX'");
        assertThatThrownBy(() -> Right.parse("call,root")).hasMessageContaining("unknown right 'root'");
        assertThatThrownBy(() -> Right.parse(" ")).hasMessageContaining("no rights given");
        assertThatThrownBy(() -> Right.of(64)).hasMessageContaining("invalid rights mask 64");
        assertThatThrownBy(() -> new Capability(new Address("n-1", 1), 64, 1, 2)).hasMessageContaining("invalid rights mask 64");
    }
}
