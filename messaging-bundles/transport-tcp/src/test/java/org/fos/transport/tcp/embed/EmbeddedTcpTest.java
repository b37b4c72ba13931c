package org.fos.transport.tcp.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.fos.codec.embed.PayloadCodecs;
import org.fos.kernel.api.Mailbox;
import org.fos.kernel.api.Message;
import org.fos.kernel.api.Right;
import org.fos.kernel.api.Status;
import org.fos.kernel.embed.EmbeddedKernel;
import org.fos.kernel.spi.PayloadCodec;
import org.fos.transport.tcp.impl.ClientTicket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedTcpTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private final List<AutoCloseable> started = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (int i = started.size() - 1; i >= 0; i--) {
            started.get(i).close();
        }
    }

    private EmbeddedKernel node(String id, PayloadCodec codec) {
        EmbeddedKernel node = EmbeddedKernel.start(id);
        node.codec(codec);
        started.add(node);
        return node;
    }

    private EmbeddedTcp started(EmbeddedTcp tcp) {
        started.add(tcp);
        return tcp;
    }

    private static InetSocketAddress at(EmbeddedTcp tcp) {
        return InetSocketAddress.createUnresolved("127.0.0.1", tcp.port());
    }

    @Test
    void shouldCarryAMessageToAnotherNodeWhenItDialsIt() throws Exception {
        PayloadCodec codecA = PayloadCodecs.create();
        PayloadCodec codecB = PayloadCodecs.create();
        EmbeddedKernel a = node("embedded-a", codecA);
        EmbeddedKernel b = node("embedded-b", codecB);
        EmbeddedTcp tcpB = started(EmbeddedTcp.builder().start(b, codecB));
        EmbeddedTcp tcpA = started(EmbeddedTcp.builder().peers(Map.of("embedded-b", at(tcpB))).start(a, codecA));
        Mailbox inbox = b.kernel(1).createMailbox("inbox", 16);

        await("link a -> b").atMost(WAIT).until(() -> tcpA.cost("embedded-b") >= 0 && tcpB.cost("embedded-a") >= 0);
        assertThat(a.kernel(1).send(Message.of(inbox.capability(), "greeting", "hello"))).isEqualTo(Status.OK);

        Message m = inbox.receive(30, TimeUnit.SECONDS);
        assertThat(m).isNotNull();
        assertThat(m.payload()).isEqualTo("hello");
        assertThat(tcpA.bytesWritten()).isPositive();
        assertThat(tcpB.endpoint()).endsWith(":" + tcpB.port());
        assertThat(tcpA.info()).containsKey("counters");
    }

    @Test
    void shouldSayWhyWhenTheOtherNodeRefusesTheClusterName() {
        PayloadCodec codec = PayloadCodecs.create();
        EmbeddedTcp tcpB = started(EmbeddedTcp.builder().cluster("blue").start(node("embedded-b", codec), codec));
        EmbeddedTcp tcpA = started(EmbeddedTcp.builder().cluster("green").peers(Map.of("embedded-b", at(tcpB)))
                .start(node("embedded-a", codec), codec));

        await("refusal").atMost(WAIT).until(() -> tcpA.refusal("embedded-b") != null);
        assertThat(tcpA.refusal("embedded-b")).contains("cluster");
        assertThat(tcpA.cost("embedded-b")).isNegative();
    }

    @Test
    void shouldDialTheTicketsNodeInItsClusterWhenGivenATicket() throws IOException {
        PayloadCodec codecB = PayloadCodecs.create();
        EmbeddedKernel b = node("embedded-b", codecB);
        EmbeddedTcp tcpB = started(EmbeddedTcp.builder().cluster("dev").start(b, codecB));
        Mailbox names = b.kernel(1).createMailbox("names", 16);
        Path file = dir.resolve("client.ticket");
        new ClientTicket("embedded-b", tcpB.endpoint(), "dev", false,
                b.kernel(1).narrow(names.capability(), java.util.EnumSet.of(Right.SEND, Right.CALL))).write(file);

        TcpTicket ticket = TcpTicket.read(file);
        PayloadCodec codecA = PayloadCodecs.create();
        EmbeddedTcp tcpA = started(EmbeddedTcp.builder().ticket(ticket).start(node("client-1", codecA), codecA));

        assertThat(ticket.node()).isEqualTo("embedded-b");
        assertThat(ticket.cluster()).isEqualTo("dev");
        assertThat(ticket.tls()).isFalse();
        assertThat(ticket.names().address()).isEqualTo(names.address());
        await("client link").atMost(WAIT).until(() -> tcpA.cost("embedded-b") >= 0);
    }

    @Test
    void shouldNameTheProblemWhenATicketIsMissingOrMalformed() throws IOException {
        assertThatThrownBy(() -> TcpTicket.read(dir.resolve("none.ticket"))).isInstanceOf(NoSuchFileException.class);
        Path bad = dir.resolve("bad.ticket");
        Files.writeString(bad, "node=n-1\n");
        assertThatThrownBy(() -> TcpTicket.read(bad)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tls");
    }

    @Test
    void shouldNameTheBadSettingAndStartNothingWhenASettingIsInvalid() {
        PayloadCodec codec = PayloadCodecs.create();
        EmbeddedKernel a = node("embedded-a", codec);

        assertThatThrownBy(() -> EmbeddedTcp.builder().connectTimeout(Duration.ZERO).start(a, codec))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("connectTimeoutMillis");
        assertThatThrownBy(() -> EmbeddedTcp.builder().listen("127.0.0.1", 70_000).start(a, codec))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("port");
        assertThatThrownBy(() -> EmbeddedTcp.builder().cluster("no spaces").start(a, codec))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("clusterName");
    }

    @Test
    void shouldRefuseAnEndpointWithoutAPort() {
        assertThat(EmbeddedTcp.parseEndpoint("127.0.0.1:7101").getPort()).isEqualTo(7101);
        assertThatThrownBy(() -> EmbeddedTcp.parseEndpoint("127.0.0.1")).isInstanceOf(IllegalArgumentException.class);
    }
}
