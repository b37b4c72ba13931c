package org.fos.transport.tcp.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Map;

import org.fos.kernel.api.Message;
import org.fos.kernel.spi.ClientLimits;
import org.fos.kernel.spi.Links;
import org.fos.transport.api.ClusterSecret;
import org.fos.transport.api.FrameDescriptor;
import org.fos.transport.api.LinkChallenge;
import org.junit.jupiter.api.Test;

/**
 * What a node says and checks in a handshake, without a connection: the HELLO checks that depend on
 * the settings alone, and which challenge a peer's HELLO chooses.
 */
class HandshakesTest {

    /** Links that only have an epoch: a handshake asks for nothing else. */
    private static final Links EPOCH_ONLY = new Links() {
        @Override
        public long epoch() {
            return 42;
        }

        @Override
        public long deliver(String fromNode, long peerEpoch, long sequence, Message message) {
            throw new AssertionError("a handshake delivers nothing");
        }

        @Override
        public long deliver(String fromNode, long peerEpoch, long sequence, Message message, ClientLimits limits) {
            throw new AssertionError("a handshake delivers nothing");
        }

        @Override
        public void acknowledged(String nodeId, long sequence) {
            throw new AssertionError("a handshake acknowledges nothing");
        }

        @Override
        public void connected(String nodeId, long peerEpoch) {
            throw new AssertionError("a handshake connects nothing");
        }
    };

    private static final ClusterSecret SECRET = secret();

    private static ClusterSecret secret() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return ClusterSecret.of(key);
    }

    private final Handshakes withSecret = new Handshakes("node-a", TransportSettings.loopback(Map.of()).withSecret(SECRET), EPOCH_ONLY);
    private final Handshakes open = new Handshakes("node-a", TransportSettings.loopback(Map.of()), EPOCH_ONLY);

    private static Frames.Hello hello(String node, String cluster, boolean client, byte[] nonce, String claims) {
        return new Frames.Hello(node, cluster, 7, FrameDescriptor.VERSION, client, nonce, claims);
    }

    private static void refused(ThrowingCheck check, Fault fault) {
        assertThatThrownBy(check::run).isInstanceOfSatisfying(FrameException.class, e -> assertThat(e.fault()).isEqualTo(fault));
    }

    /** A check that may refuse. */
    private interface ThrowingCheck {
        void run() throws FrameException;
    }

    @Test
    void shouldSayItsIdClusterAndEpochInItsHello() {
        Frames.Hello h = withSecret.hello(new byte[] {1, 2});
        assertThat(h.nodeId()).isEqualTo("node-a");
        assertThat(h.cluster()).isEqualTo("fos");
        assertThat(h.epoch()).isEqualTo(42);
        assertThat(h.client()).isFalse();
        assertThat(withSecret.challenges()).isTrue();
        assertThat(open.challenges()).isFalse();
        assertThat(open.authentication(false)).isEqualTo("none");
        assertThat(withSecret.authentication(true)).startsWith("TLS certificate and cluster secret");
    }

    @Test
    void shouldRefuseAHelloThatDoesNotFitThisNode() throws FrameException {
        open.check(hello("node-b", "fos", false, null, null), null);
        open.check(hello("node-b", "fos", false, null, null), "node-b");
        refused(() -> open.check(new Frames.Hello("node-b", "fos", 7, FrameDescriptor.VERSION + 1, false, null, null), null),
                Fault.BAD_VERSION);
        refused(() -> open.check(hello("node-b", "other", false, null, null), null), Fault.WRONG_CLUSTER);
        refused(() -> open.check(new Frames.Hello("node-b", "fos", 0, FrameDescriptor.VERSION, false, null, null), null),
                Fault.MALFORMED);
        refused(() -> open.check(hello("node-a", "fos", false, null, null), null), Fault.WRONG_NODE);
        refused(() -> open.check(hello("node-c", "fos", false, null, null), "node-b"), Fault.WRONG_NODE);
        refused(() -> open.check(hello("client-1", "fos", true, null, null), "client-1"), Fault.WRONG_NODE);
    }

    @Test
    void shouldChooseTheClustersChallengeForANodeAndNoneWithoutASecret() throws FrameException {
        byte[] nonce = LinkChallenge.newNonce();
        assertThat(withSecret.challengeFor(hello("node-b", "fos", false, nonce, null))).isNotNull();
        refused(() -> withSecret.challengeFor(hello("node-b", "fos", false, null, null)), Fault.UNAUTHENTICATED);
        assertThat(open.challengeFor(hello("node-b", "fos", false, null, null))).isNull();
        refused(() -> open.challengeFor(hello("node-b", "fos", false, nonce, null)), Fault.UNAUTHENTICATED);
    }

    @Test
    void shouldRefuseAClientsTicketThatExpiredOrWasRevoked() throws FrameException {
        byte[] nonce = LinkChallenge.newNonce();
        TicketClaims good = TicketClaims.issue(Instant.now().plusSeconds(600));
        TicketClaims expired = TicketClaims.issue(Instant.now().minusSeconds(1));
        assertThat(withSecret.challengeFor(hello("client-1", "fos", true, nonce, good.text()))).isNotNull();
        refused(() -> withSecret.challengeFor(hello("client-1", "fos", true, nonce, expired.text())), Fault.BAD_TICKET);
        refused(() -> withSecret.challengeFor(hello("client-1", "fos", true, nonce, null)), Fault.BAD_TICKET);

        withSecret.revocations(id -> id.equals(good.id()) ? "lost laptop" : null);
        refused(() -> withSecret.challengeFor(hello("client-1", "fos", true, nonce, good.text())), Fault.BAD_TICKET);
        withSecret.revocations(id -> {
            throw new IllegalStateException("the store is away");
        });
        TicketClaims other = TicketClaims.issue(Instant.now().plusSeconds(600));
        refused(() -> withSecret.challengeFor(hello("client-1", "fos", true, nonce, other.text())), Fault.BAD_TICKET);
    }
}
