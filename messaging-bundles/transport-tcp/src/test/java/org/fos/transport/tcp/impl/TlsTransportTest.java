package org.fos.transport.tcp.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.fos.kernel.api.Mailbox;
import org.fos.kernel.api.Message;
import org.fos.kernel.api.Status;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Mutual TLS with node certificates: nodes whose certificates come from the cluster CA talk; a node
 * with a certificate from another CA, without TLS, or with a certificate for another node id is
 * refused, and the refusal is counted on the node that refused.
 */
class TlsTransportTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static Certificates certs;
    private static Path trust;

    private final List<TestNode> nodes = new ArrayList<>();

    @BeforeAll
    static void makeCertificates() throws Exception {
        certs = new Certificates(Path.of("target", "tls"));
        trust = certs.trustStore("fos-ca");
    }

    @AfterEach
    void stop() {
        nodes.forEach(TestNode::close);
    }

    private TestNode tlsNode(String id, Path keyStore, Map<String, java.net.InetSocketAddress> peers) {
        TestNode n = TestNode.start(id, TransportSettings.loopback(peers).withTls(Certificates.tls(keyStore, trust)));
        nodes.add(n);
        return n;
    }

    @Test
    void shouldExchangeMessagesBetweenNodesOfTheClusterCa() throws Exception {
        TestNode b = tlsNode("node-b", certs.node("node-b", "fos-ca"), Map.of());
        TestNode a = tlsNode("node-a", certs.node("node-a", "fos-ca"), b.asPeer());
        await().atMost(WAIT).until(() -> a.transport().cost("node-b") >= 0 && b.transport().cost("node-a") >= 0);
        Mailbox atB = b.kernel.createMailbox("inbox", 16);
        Mailbox atA = a.kernel.createMailbox("inbox", 16);

        assertThat(a.kernel.send(new Message(atA.address(), atB.capability(), atA.capability(), 1, "hi", new Tick("a", 1, new byte[100]))))
                .isEqualTo(Status.OK);
        Message m = atB.receive(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(((Tick) m.payload()).data()).hasSize(100);
        assertThat(b.kernel.send(Message.of(m.replyTo(), "hello", "back"))).isEqualTo(Status.OK);
        assertThat(atA.receive(WAIT.toMillis(), TimeUnit.MILLISECONDS).payload()).isEqualTo("back");
        assertThat(a.transport().info()).containsEntry("tls", true);
        assertThat(((Map<?, ?>) a.transport().info().get("counters")).get("writtenBySender"))
                .as("over TLS only the event loop writes: the sender's frame needs encrypting").isEqualTo(0L);

        // a thread that asks to read while it waits gets nothing: the bytes on the socket are encrypted,
        // and only the event loop's TLS handler may read them
        assertThat(b.kernel.send(Message.of(atA.capability(), "again", "x"))).isEqualTo(Status.OK);
        AtomicReference<Message> got = new AtomicReference<>();
        await("delivered by the event loop").atMost(WAIT).until(() -> {
            assertThat(a.transport().assist()).isZero();
            got.compareAndSet(null, atA.poll());
            return got.get() != null;
        });
        assertThat(got.get().payload()).isEqualTo("x");
        for (TestNode n : List.of(a, b)) {
            assertThat(((Map<?, ?>) n.transport().info().get("counters")).get("readByWaitingThreads"))
                    .as(n.id + ": over TLS only the event loop reads").isEqualTo(0L);
            assertThat(n.transport().parkedReader()).as(n.id + ": no parked reader over TLS").isNull();
        }
    }

    @Test
    void shouldRefuseANodeWithACertificateFromAnotherCa() throws Exception {
        TestNode b = tlsNode("node-b", certs.node("node-b", "fos-ca"), Map.of());
        TestNode c = tlsNode("node-c", certs.node("node-c", "other-ca"), b.asPeer());
        await("refused and counted by node-b").atMost(WAIT).until(() -> b.transport().faults(Fault.TLS_REFUSED) >= 2);
        assertThat(b.transport().cost("node-c")).isNegative();
        assertThat(c.transport().cost("node-b")).isNegative();
        assertThat(c.transport().faults(Fault.TLS_REFUSED)).as("the refused side sees it too").isPositive();
    }

    @Test
    void shouldRefuseANodeWithoutTls() throws Exception {
        TestNode b = tlsNode("node-b", certs.node("node-b", "fos-ca"), Map.of());
        TestNode plain = TestNode.start("node-p", b.asPeer());
        nodes.add(plain);
        await("refused and counted by node-b").atMost(WAIT).until(() -> b.transport().faults(Fault.TLS_REFUSED) >= 2);
        assertThat(b.transport().cost("node-p")).isNegative();
        assertThat(plain.transport().cost("node-b")).isNegative();
    }

    @Test
    void shouldRefuseANodeThatSaysAnotherIdThanItsCertificate() throws Exception {
        TestNode b = tlsNode("node-b", certs.node("node-b", "fos-ca"), Map.of());
        TestNode impostor = tlsNode("node-d", certs.node("node-a", "fos-ca"), b.asPeer());
        await("refused and counted by node-b").atMost(WAIT).until(() -> b.transport().faults(Fault.CERTIFICATE_MISMATCH) >= 1);
        assertThat(b.transport().cost("node-d")).isNegative();
        assertThat(impostor.transport().cost("node-b")).isNegative();
    }

    @Test
    void shouldSayWhichStoreCannotBeRead() {
        TransportSettings.Tls missing = Certificates.tls(Path.of("target", "tls", "no-such.p12"), trust);
        assertThatThrownBy(() -> TestNode.start("node-x", TransportSettings.loopback(Map.of()).withTls(missing)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("keyStore").hasMessageContaining("no-such.p12");
    }
}
