package org.fos.benchmarks;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.fos.codec.impl.SmilePayloadCodec;
import org.fos.kernel.api.Kernel;
import org.fos.kernel.api.Mailbox;
import org.fos.kernel.api.Message;
import org.fos.kernel.api.Status;
import org.fos.kernel.impl.TestKernels;
import org.fos.transport.tcp.impl.TcpTransport;
import org.fos.transport.tcp.impl.TransportSettings;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A fos message round trip between two kernels over loopback TCP (kernel, TCP transport, kernel, an
 * echo member's reply back the same way) beside the baseline of the same run: a raw blocking-socket
 * TCP ping-pong (TCP_NODELAY) of messages as big as the fos DATA frames on the wire. Report the
 * ratio {@code fosRoundTrip / rawTcpRoundTrip}.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar TcpBenchmark -f 1 -wi 3 -i 5 -w 2s -r 2s</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class TcpBenchmark {

    /** The payload: a byte array of this many bytes. */
    @Param({"64", "1024"})
    public int payloadBytes;

    private TestKernels nodeA;
    private TestKernels nodeB;
    private TcpTransport transportA;
    private TcpTransport transportB;
    private Kernel kernelA;
    private Mailbox client;
    private Mailbox server;
    private Thread echo;
    private volatile boolean running;
    private byte[] payload;
    private long correlation;

    private ServerSocket rawServer;
    private Socket rawClient;
    private Thread rawEcho;
    private OutputStream rawOut;
    private DataInputStream rawIn;
    private byte[] rawBuffer;

    /** Creates the benchmark state; JMH calls it. */
    public TcpBenchmark() {
    }

    /**
     * Starts two kernels joined by TCP transports with an echo member on the second, and the raw
     * socket ping-pong.
     *
     * @throws Exception if a part does not start
     */
    @Setup
    public void setUp() throws Exception {
        running = true;
        payload = new byte[payloadBytes];
        SmilePayloadCodec codec = new SmilePayloadCodec();
        nodeA = TestKernels.start("node-a", false);
        nodeB = TestKernels.start("node-b", false);
        nodeA.codec(codec);
        nodeB.codec(codec);
        transportB = new TcpTransport(TransportSettings.loopback(Map.of()), "node-b", nodeB.links(), codec);
        nodeB.transport(transportB);
        transportA = new TcpTransport(TransportSettings.loopback(Map.of("node-b",
                InetSocketAddress.createUnresolved("127.0.0.1", transportB.port()))), "node-a", nodeA.links(), codec);
        nodeA.transport(transportA);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (transportA.cost("node-b") < 0 || transportB.cost("node-a") < 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the transports did not connect in 30 s");
            }
            Thread.onSpinWait();
        }
        kernelA = nodeA.kernel(1);
        Kernel kernelB = nodeB.kernel(1);
        client = kernelA.createMailbox("client", 16);
        server = kernelB.createMailbox("echo", 16);
        echo = new Thread(() -> serve(kernelB), "fos-echo");
        echo.setDaemon(true);
        echo.start();

        int frameBytes = 64 + (2 + "ping".length()) + (2 + "node-a".length()) + (2 + "node-a".length() + 28)
                + codec.encode(payload).length;
        rawBuffer = new byte[frameBytes];
        rawServer = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        rawEcho = new Thread(this::rawServe, "raw-echo");
        rawEcho.setDaemon(true);
        rawEcho.start();
        rawClient = new Socket(InetAddress.getLoopbackAddress(), rawServer.getLocalPort());
        rawClient.setTcpNoDelay(true);
        rawOut = rawClient.getOutputStream();
        rawIn = new DataInputStream(rawClient.getInputStream());
    }

    private void serve(Kernel kernel) {
        try {
            while (running) {
                Message m = server.receive(100, TimeUnit.MILLISECONDS);
                if (m != null) {
                    kernel.send(new Message(server.address(), m.replyTo(), null, m.correlationId(), "pong", m.payload()));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void rawServe() {
        try (Socket s = rawServer.accept()) {
            s.setTcpNoDelay(true);
            DataInputStream in = new DataInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            byte[] buf = new byte[rawBuffer.length];
            while (running) {
                in.readFully(buf);
                out.write(buf);
            }
        } catch (IOException e) {
            if (running) {
                throw new IllegalStateException("raw echo failed", e);
            }
        }
    }

    /**
     * One fos round trip: a request from node-a to the echo member on node-b and its reply.
     *
     * @return the reply
     * @throws InterruptedException if interrupted
     */
    @Benchmark
    public Message fosRoundTrip() throws InterruptedException {
        long id = ++correlation;
        Status s = kernelA.send(new Message(client.address(), server.capability(), client.capability(), id, "ping", payload));
        if (s != Status.OK) {
            throw new IllegalStateException("send answered " + s);
        }
        Message reply = client.receive(10, TimeUnit.SECONDS);
        if (reply == null || reply.correlationId() != id) {
            throw new IllegalStateException("no reply to " + id + ": " + reply);
        }
        return reply;
    }

    /**
     * The baseline: one raw TCP ping-pong of a fos frame's size over blocking sockets.
     *
     * @return the first byte read back
     * @throws IOException if the socket fails
     */
    @Benchmark
    public byte rawTcpRoundTrip() throws IOException {
        rawOut.write(rawBuffer);
        rawIn.readFully(rawBuffer);
        return rawBuffer[0];
    }

    /**
     * Stops everything.
     *
     * @throws Exception if closing fails
     */
    @TearDown
    public void tearDown() throws Exception {
        running = false;
        rawClient.close();
        rawServer.close();
        echo.join(1_000);
        transportA.close();
        transportB.close();
        nodeA.shutdown();
        nodeB.shutdown();
    }
}
