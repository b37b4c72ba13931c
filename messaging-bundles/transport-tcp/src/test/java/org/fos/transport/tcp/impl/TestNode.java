package org.fos.transport.tcp.impl;

import java.net.InetSocketAddress;
import java.util.Map;

import org.fos.codec.embed.PayloadCodecs;
import org.fos.kernel.spi.PayloadCodec;
import org.fos.kernel.api.Kernel;
import org.fos.kernel.impl.StandaloneKernel;

/**
 * A node for the tests: a real kernel outside OSGi, the real codec (with {@link Tick} allowed) and a
 * TCP transport on loopback that can be stopped and started again.
 */
final class TestNode implements AutoCloseable {
    final String id;
    final StandaloneKernel kernels;
    final Kernel kernel;
    final PayloadCodec codec = PayloadCodecs.create();
    private TcpTransport transport;
    private TransportSettings settings;

    private TestNode(String id) {
        this(id, StandaloneKernel.start(id, false));
    }

    private TestNode(String id, StandaloneKernel kernels) {
        this.id = id;
        this.kernels = kernels;
        this.kernel = kernels.kernel(1);
        kernels.codec(codec);
        codec.allow(Tick.class);
    }

    /** Starts a node whose transport dials {@code peers}. */
    static TestNode start(String id, TransportSettings settings) {
        TestNode n = new TestNode(id);
        n.startTransport(settings);
        return n;
    }

    static TestNode start(String id, Map<String, InetSocketAddress> peers) {
        return start(id, TransportSettings.loopback(peers));
    }

    /** Starts a node whose receivers park at once (idle strategy without spinning or yielding). */
    static TestNode startParked(String id, TransportSettings settings) {
        TestNode n = new TestNode(id, StandaloneKernel.start(id, false, 0, 0));
        n.startTransport(settings);
        return n;
    }

    /** Starts (again) a transport; the same port as before if one ran already. */
    synchronized TcpTransport startTransport(TransportSettings s) {
        if (transport != null) {
            throw new IllegalStateException("the transport of " + id + " runs");
        }
        settings = s;
        transport = new TcpTransport(s, id, kernels.links(), codec);
        settings = s.withPort(transport.port());
        kernels.addTransport(transport);
        return transport;
    }

    synchronized TcpTransport restartTransport() {
        stopTransport();
        return startTransport(settings);
    }

    synchronized void stopTransport() {
        if (transport != null) {
            kernels.removeTransport(transport);
            transport.close();
            transport = null;
        }
    }

    synchronized TcpTransport transport() {
        return transport;
    }

    /** Where other nodes dial this one. */
    InetSocketAddress endpoint() {
        return InetSocketAddress.createUnresolved("127.0.0.1", settings.port() != 0 ? settings.port() : transport().port());
    }

    Map<String, InetSocketAddress> asPeer() {
        return Map.of(id, endpoint());
    }

    @Override
    public void close() {
        stopTransport();
        kernels.shutdown();
    }
}
