package org.fos.benchmarks;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.fos.codec.impl.SmilePayloadCodec;
import org.fos.kernel.impl.StandaloneKernel;
import org.fos.transport.tcp.impl.ConnectionInfo;
import org.fos.transport.tcp.impl.TcpTransport;
import org.fos.transport.tcp.impl.TransportSettings;

/**
 * Two fos nodes in this JVM, {@value #A} and {@value #B}: each a real kernel outside OSGi with the
 * shipped payload codec of its own, joined by the real TCP transport over loopback (the transport's
 * loopback settings: TCP_NODELAY, its own frames, acknowledgements and heartbeats). {@value #A}
 * dials {@value #B}; the constructor returns once both see the link.
 */
final class TcpPair implements AutoCloseable {

    /** The node that dials. */
    static final String A = "node-a";
    /** The node that is dialled. */
    static final String B = "node-b";

    private final StandaloneKernel nodeA;
    private final StandaloneKernel nodeB;
    private final SmilePayloadCodec codecA = new SmilePayloadCodec();
    private final SmilePayloadCodec codecB = new SmilePayloadCodec();
    private final TcpTransport transportA;
    private final TcpTransport transportB;

    /** Starts both nodes and their transports and waits, up to 30 s, until they are linked. */
    TcpPair() {
        nodeA = StandaloneKernel.start(A, false);
        nodeB = StandaloneKernel.start(B, false);
        nodeA.codec(codecA);
        nodeB.codec(codecB);
        transportB = new TcpTransport(TransportSettings.loopback(Map.of()), B, nodeB.links(), codecB);
        nodeB.addTransport(transportB);
        transportA = new TcpTransport(TransportSettings.loopback(Map.of(B, InetSocketAddress.createUnresolved("127.0.0.1",
                transportB.port()))), A, nodeA.links(), codecA);
        nodeA.addTransport(transportA);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (transportA.cost(B) < 0 || transportB.cost(A) < 0) {
            if (System.nanoTime() > deadline) {
                close();
                throw new IllegalStateException("the transports of " + A + " and " + B + " did not connect in 30 s");
            }
            Thread.onSpinWait();
        }
    }

    /**
     * Returns node {@value #A}, the dialling one.
     *
     * @return its kernels
     */
    StandaloneKernel a() {
        return nodeA;
    }

    /**
     * Returns node {@value #B}.
     *
     * @return its kernels
     */
    StandaloneKernel b() {
        return nodeB;
    }

    /**
     * Returns the payload codec of node {@value #A}.
     *
     * @return the codec
     */
    SmilePayloadCodec codecA() {
        return codecA;
    }

    /**
     * Returns the payload codec of node {@value #B}.
     *
     * @return the codec
     */
    SmilePayloadCodec codecB() {
        return codecB;
    }

    /**
     * Returns the bytes a node's transport has written to the other node so far: frame headers and
     * bodies of every frame (DATA, ACK, HEARTBEAT), as its connections count them.
     *
     * @param node {@value #A} or {@value #B}
     * @return the bytes
     */
    long bytesWritten(String node) {
        TcpTransport t = A.equals(node) ? transportA : transportB;
        long bytes = 0;
        for (ConnectionInfo c : t.connections()) {
            bytes += c.bytesOut();
        }
        return bytes;
    }

    /** Stops the transports, then the kernels. */
    @Override
    public void close() {
        nodeA.removeTransport(transportA);
        nodeB.removeTransport(transportB);
        transportA.close();
        transportB.close();
        nodeA.shutdown();
        nodeB.shutdown();
    }
}
