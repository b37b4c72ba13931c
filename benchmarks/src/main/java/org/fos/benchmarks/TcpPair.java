package org.fos.benchmarks;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.fos.codec.embed.PayloadCodecs;
import org.fos.kernel.embed.EmbeddedKernel;
import org.fos.kernel.spi.PayloadCodec;
import org.fos.transport.tcp.embed.EmbeddedTcp;

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

    private final EmbeddedKernel nodeA;
    private final EmbeddedKernel nodeB;
    private final PayloadCodec codecA = PayloadCodecs.create();
    private final PayloadCodec codecB = PayloadCodecs.create();
    private final EmbeddedTcp transportA;
    private final EmbeddedTcp transportB;

    /** Starts both nodes and their transports and waits, up to 30 s, until they are linked. */
    TcpPair() {
        this(false);
    }

    /**
     * Starts both nodes and their transports and waits, up to 30 s, until they are linked.
     *
     * @param parked whether the nodes' receivers park at once (spin and yield for no time) instead of
     *        waiting by the kernel's default idle strategy
     */
    TcpPair(boolean parked) {
        nodeA = parked ? EmbeddedKernel.start(A, false, 0, 0) : EmbeddedKernel.start(A);
        nodeB = parked ? EmbeddedKernel.start(B, false, 0, 0) : EmbeddedKernel.start(B);
        nodeA.codec(codecA);
        nodeB.codec(codecB);
        transportB = EmbeddedTcp.builder().start(nodeB, codecB);
        transportA = EmbeddedTcp.builder().peers(Map.of(B, InetSocketAddress.createUnresolved("127.0.0.1", transportB.port())))
                .start(nodeA, codecA);
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
    EmbeddedKernel a() {
        return nodeA;
    }

    /**
     * Returns node {@value #B}.
     *
     * @return its kernels
     */
    EmbeddedKernel b() {
        return nodeB;
    }

    /**
     * Returns the payload codec of node {@value #A}.
     *
     * @return the codec
     */
    PayloadCodec codecA() {
        return codecA;
    }

    /**
     * Returns the payload codec of node {@value #B}.
     *
     * @return the codec
     */
    PayloadCodec codecB() {
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
        return (A.equals(node) ? transportA : transportB).bytesWritten();
    }

    /** Stops the transports, then the kernels. */
    @Override
    public void close() {
        transportA.close();
        transportB.close();
        nodeA.close();
        nodeB.close();
    }
}
