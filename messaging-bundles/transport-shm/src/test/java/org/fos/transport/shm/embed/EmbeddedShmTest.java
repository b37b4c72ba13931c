package org.fos.transport.shm.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.fos.codec.embed.PayloadCodecs;
import org.fos.kernel.api.Mailbox;
import org.fos.kernel.api.Message;
import org.fos.kernel.api.Status;
import org.fos.kernel.embed.EmbeddedKernel;
import org.fos.kernel.spi.PayloadCodec;
import org.fos.transport.api.ClusterSecret;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedShmTest {
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

    private static ClusterSecret secret() {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) 7);
        return ClusterSecret.of(key);
    }

    private EmbeddedShm shm(String id, PayloadCodec codec, ClusterSecret secret, List<EmbeddedKernel> nodes) {
        EmbeddedKernel node = EmbeddedKernel.start(id);
        node.codec(codec);
        started.add(node);
        nodes.add(node);
        EmbeddedShm shm = EmbeddedShm.start(node, codec, dir.resolve(id), "fos", secret);
        started.add(shm);
        return shm;
    }

    @Test
    void shouldCarryAMessageToAnotherNodeOnThisHostWhenTheyKnowEachOthersEndpoint() throws Exception {
        List<EmbeddedKernel> nodes = new ArrayList<>();
        PayloadCodec codecA = PayloadCodecs.create();
        PayloadCodec codecB = PayloadCodecs.create();
        EmbeddedShm a = shm("shm-a", codecA, secret(), nodes);
        EmbeddedShm b = shm("shm-b", codecB, secret(), nodes);
        Map<String, String> endpoints = Map.of("shm-a", a.endpoint(), "shm-b", b.endpoint());
        a.peers(endpoints);
        b.peers(endpoints);
        Mailbox inbox = nodes.get(1).kernel(1).createMailbox("inbox", 16);

        await("shared-memory link").atMost(WAIT).until(() -> a.cost("shm-b") >= 0 && b.cost("shm-a") >= 0);
        assertThat(nodes.get(0).kernel(1).send(Message.of(inbox.capability(), "greeting", "hello"))).isEqualTo(Status.OK);

        Message m = inbox.receive(30, TimeUnit.SECONDS);
        assertThat(m).isNotNull();
        assertThat(m.payload()).isEqualTo("hello");
        assertThat(a.info()).isNotEmpty();
    }

    @Test
    void shouldRefuseAMalformedEndpointAndKeepThePeers() {
        PayloadCodec codec = PayloadCodecs.create();
        EmbeddedShm a = shm("shm-a", codec, secret(), new ArrayList<>());

        assertThatThrownBy(() -> a.peers(Map.of("shm-b", "not an endpoint"))).isInstanceOf(IllegalArgumentException.class);
        assertThat(a.cost("shm-b")).isNegative();
    }
}
