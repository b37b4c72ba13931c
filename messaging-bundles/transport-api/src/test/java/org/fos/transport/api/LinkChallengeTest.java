package org.fos.transport.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;

import org.fos.transport.api.LinkChallenge.End;
import org.junit.jupiter.api.Test;

class LinkChallengeTest {
    private final ClusterSecret secret = ClusterSecret.of(filled(32, 7));
    private final LinkChallenge challenge = new LinkChallenge(secret, "fos");
    private final End a = new End("node-a", 11, LinkChallenge.newNonce());
    private final End b = new End("node-b", 22, LinkChallenge.newNonce());

    @Test
    void shouldAcceptAProofMadeWithTheSameSecretWhenBothEndsMatch() {
        byte[] proof = new LinkChallenge(ClusterSecret.of(filled(32, 7)), "fos").prove(a, b);
        assertThat(proof).hasSize(LinkChallenge.PROOF_BYTES);
        assertThat(challenge.verify(a, b, proof)).isTrue();
    }

    @Test
    void shouldRefuseAProofMadeWithAnotherSecretOrForAnotherCluster() {
        assertThat(challenge.verify(a, b, new LinkChallenge(ClusterSecret.of(filled(32, 8)), "fos").prove(a, b))).isFalse();
        assertThat(challenge.verify(a, b, new LinkChallenge(secret, "other").prove(a, b))).isFalse();
    }

    @Test
    void shouldRefuseAReflectedReplayedOrCutProofWhenTheChallengeDiffers() {
        byte[] proof = challenge.prove(a, b);
        assertThat(challenge.verify(b, a, proof)).as("reflected").isFalse();
        End freshB = new End("node-b", 22, LinkChallenge.newNonce());
        assertThat(challenge.verify(a, freshB, proof)).as("replayed against a new nonce").isFalse();
        End otherEpoch = new End("node-a", 12, a.nonce());
        assertThat(challenge.verify(otherEpoch, b, proof)).as("another incarnation").isFalse();
        assertThat(challenge.verify(a, b, Arrays.copyOf(proof, 31))).as("cut").isFalse();
        assertThat(challenge.verify(a, b, null)).isFalse();
    }

    @Test
    void shouldRefuseANonceOfTheWrongLength() {
        assertThatThrownBy(() -> new End("node-a", 1, new byte[3])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not 3");
        assertThat(LinkChallenge.newNonce()).isNotEqualTo(LinkChallenge.newNonce());
    }

    private static byte[] filled(int n, int value) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) value);
        return b;
    }
}
