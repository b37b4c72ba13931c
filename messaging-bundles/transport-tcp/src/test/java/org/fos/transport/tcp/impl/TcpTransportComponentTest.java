package org.fos.transport.tcp.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.fos.codec.embed.PayloadCodecs;
import org.fos.kernel.spi.PayloadCodec;
import org.fos.kernel.api.Mailbox;
import org.fos.kernel.api.Message;
import org.fos.kernel.api.Status;
import org.fos.kernel.impl.StandaloneKernel;
import org.fos.kernel.spi.NodeDirectory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The DS component outside OSGi: its configuration is validated with messages that name the
 * attribute, and two nodes find each other through the membership alone (endpoint published,
 * peers watched), as they will through ZooKeeper.
 */
class TcpTransportComponentTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    /** A cluster's membership shared by the nodes of one JVM: what each publishes, seen by all. */
    private static final class SharedMembership {
        final Map<String, Map<String, String>> attributes = new TreeMap<>();
        final List<Consumer<List<NodeDirectory.Node>>> watchers = new CopyOnWriteArrayList<>();

        private final Map<String, String> claims = new java.util.HashMap<>();

        synchronized List<NodeDirectory.Node> nodes(String local) {
            List<NodeDirectory.Node> out = new ArrayList<>();
            attributes.forEach((id, a) -> out.add(new NodeDirectory.Node(id, a, id.equals(local))));
            return out;
        }

        NodeDirectory view(String local) {
            attributes.putIfAbsent(local, new TreeMap<>());
            return new NodeDirectory() {
                @Override
                public String localNode() {
                    return local;
                }

                @Override
                public String claim(String key, String value) {
                    synchronized (SharedMembership.this) {
                        return claims.computeIfAbsent(key, k -> value);
                    }
                }

                @Override
                public String claimed(String key) {
                    synchronized (SharedMembership.this) {
                        return claims.get(key);
                    }
                }

                @Override
                public List<NodeDirectory.Node> nodes() {
                    return SharedMembership.this.nodes(local);
                }

                @Override
                public AutoCloseable watch(Consumer<List<NodeDirectory.Node>> listener) {
                    Consumer<List<NodeDirectory.Node>> w = ignored -> listener.accept(nodes());
                    watchers.add(w);
                    w.accept(null);
                    return () -> watchers.remove(w);
                }

                @Override
                public AutoCloseable publish(String key, String value) {
                    synchronized (SharedMembership.this) {
                        attributes.get(local).put(key, value);
                    }
                    watchers.forEach(w -> w.accept(null));
                    return () -> {
                        synchronized (SharedMembership.this) {
                            attributes.get(local).remove(key);
                        }
                        watchers.forEach(w -> w.accept(null));
                    };
                }
            };
        }
    }

    /** A configuration with the defaults of its annotation, some of them overridden. */
    static TcpTransportComponent.Config config(Map<String, Object> values) {
        return (TcpTransportComponent.Config) Proxy.newProxyInstance(TcpTransportComponent.Config.class.getClassLoader(),
                new Class<?>[] {TcpTransportComponent.Config.class},
                (proxy, method, args) -> values.containsKey(method.getName()) ? values.get(method.getName()) : method.getDefaultValue());
    }

    private final List<StandaloneKernel> kernels = new ArrayList<>();
    private final List<TcpTransportComponent> components = new ArrayList<>();

    @AfterEach
    void stop() {
        components.forEach(TcpTransportComponent::deactivate);
        kernels.forEach(StandaloneKernel::shutdown);
    }

    private TcpTransportComponent component(String node, Map<String, Object> values) {
        StandaloneKernel k = StandaloneKernel.start(node, false);
        kernels.add(k);
        PayloadCodec codec = PayloadCodecs.create();
        k.codec(codec);
        TcpTransportComponent c = new TcpTransportComponent(k.kernel(1), k.links(), codec, config(values));
        components.add(c);
        k.addTransport(c);
        return c;
    }

    @Test
    void shouldFindPeersThroughTheMembershipAlone() throws Exception {
        SharedMembership cluster = new SharedMembership();
        TcpTransportComponent a = component("node-a", Map.of());
        TcpTransportComponent b = component("node-b", Map.of());
        NodeDirectory viewA = cluster.view("node-a");
        NodeDirectory viewB = cluster.view("node-b");
        a.bindMembership(viewA);
        b.bindMembership(viewB);
        assertThat(cluster.nodes("node-a")).extracting(n -> n.attributes().get("tcp"))
                .containsExactlyInAnyOrder(a.transport().endpoint(), b.transport().endpoint());
        await("connected through the membership").atMost(WAIT).until(() -> a.cost("node-b") >= 0 && b.cost("node-a") >= 0);

        Mailbox inbox = kernels.get(1).kernel(1).createMailbox("inbox", 8);
        assertThat(kernels.get(0).kernel(1).send(Message.of(inbox.capability(), "hi", "there"))).isEqualTo(Status.OK);
        assertThat(inbox.receive(WAIT.toMillis(), TimeUnit.MILLISECONDS).payload()).isEqualTo("there");
        assertThat(a.transport().connections()).hasSize(1);

        b.unbindMembership(viewB);
        assertThat(cluster.nodes("node-a")).filteredOn(n -> n.id().equals("node-b")).extracting(n -> n.attributes().get("tcp"))
                .as("the endpoint is withdrawn").containsOnlyNulls();
        a.unbindMembership(viewA);
        assertThat(a.cost("node-b")).as("an established connection stays").isNotNegative();
    }

    @Test
    void shouldNameTheBadSettingAndItsValue() {
        assertThatThrownBy(() -> TcpTransportComponent.settings(config(Map.of("maxFrameBytes", 100))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxFrameBytes = '100'");
        assertThatThrownBy(() -> TcpTransportComponent.settings(config(Map.of("heartbeatTimeoutMillis", 1000L))))
                .hasMessageContaining("heartbeatTimeoutMillis = '1000' must be above heartbeatIntervalMillis (1000)");
        assertThatThrownBy(() -> TcpTransportComponent.settings(config(Map.of("peers", "node-b=127.0.0.1"))))
                .hasMessageContaining("'127.0.0.1' is not host:port");
        assertThatThrownBy(() -> TcpTransportComponent.settings(config(Map.of("peers", "bad id=127.0.0.1:1"))))
                .hasMessageContaining("'bad id'").hasMessageContaining("not a valid node id");
        assertThatThrownBy(() -> TcpTransportComponent.settings(config(Map.of("peers", "b=h:1,b=h:2"))))
                .hasMessageContaining("node b is listed twice");
        assertThatThrownBy(() -> TcpTransportComponent.settings(config(Map.of("tls", true))))
                .hasMessageContaining("keyStore = ''").hasMessageContaining("required when tls is true");
        assertThatThrownBy(() -> TcpTransportComponent.settings(config(Map.of("clusterName", "a b"))))
                .hasMessageContaining("clusterName = 'a b'");
        assertThat(TcpTransportComponent.settings(config(Map.of("peers", " node-b=127.0.0.1:7102 , node-c=[::1]:7103 ")))
                .peers()).containsOnlyKeys("node-b", "node-c");
        assertThatThrownBy(() -> TcpTransportComponent.settings(config(Map.of("clusterSecret", "/no/such/cluster.secret"))))
                .hasMessageContaining("/no/such/cluster.secret does not exist");
        assertThatThrownBy(() -> TcpTransportComponent.settings(config(Map.of("maxConnections", 10, "maxUnauthenticatedConnections", 11))))
                .hasMessageContaining("maxUnauthenticatedConnections = '11' must be from 1 to maxConnections (10)");
        assertThatThrownBy(() -> TcpTransportComponent.settings(config(Map.of("maxConnections", 0))))
                .hasMessageContaining("maxConnections = '0'");
    }

    @Test
    void shouldLinkNodesThatHoldTheSecretOfItsFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path secret = dir.resolve("cluster.secret");
        org.fos.transport.api.ClusterSecret.generate(secret);
        SharedMembership cluster = new SharedMembership();
        TcpTransportComponent a = component("node-a", Map.of("clusterSecret", secret.toString()));
        TcpTransportComponent b = component("node-b", Map.of("clusterSecret", secret.toString()));
        a.bindMembership(cluster.view("node-a"));
        b.bindMembership(cluster.view("node-b"));
        await("linked, each proving the secret").atMost(WAIT).until(() -> a.cost("node-b") >= 0 && b.cost("node-a") >= 0);
        assertThat((String) a.info().get("authentication")).startsWith("cluster secret ");
        assertThat(a.transport().faults(Fault.AUTH_FAILED) + b.transport().faults(Fault.AUTH_FAILED)).isZero();
    }

    @Test
    void shouldSayWhenItCannotListen() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> component("node-z", Map.of("port", taken.getLocalPort())))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot listen on 127.0.0.1:" + taken.getLocalPort());
        }
    }
}
