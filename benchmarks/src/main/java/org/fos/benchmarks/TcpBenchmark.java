package org.fos.benchmarks;

import java.util.concurrent.TimeUnit;

import org.fos.kernel.api.Kernel;
import org.fos.kernel.api.Mailbox;
import org.fos.kernel.api.Message;
import org.fos.kernel.api.Status;
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

    private TcpPair nodes;
    private Kernel kernelA;
    private Mailbox client;
    private Mailbox server;
    private Thread echo;
    private volatile boolean running;
    private byte[] payload;
    private long correlation;

    private RawTcpPingPong raw;

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
        nodes = new TcpPair();
        kernelA = nodes.a().kernel(1);
        Kernel kernelB = nodes.b().kernel(1);
        client = kernelA.createMailbox("client", 16);
        server = kernelB.createMailbox("echo", 16);
        echo = new Thread(() -> serve(kernelB), "fos-echo");
        echo.setDaemon(true);
        echo.start();

        int frameBytes = 64 + (2 + "ping".length()) + (2 + TcpPair.A.length()) + (2 + TcpPair.A.length() + 28)
                + nodes.codecA().encode(payload).length;
        raw = new RawTcpPingPong(frameBytes, frameBytes);
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
     * @return what the server answered
     */
    @Benchmark
    public int rawTcpRoundTrip() {
        return raw.call(1, 2);
    }

    /**
     * Stops everything.
     *
     * @throws Exception if closing fails
     */
    @TearDown
    public void tearDown() throws Exception {
        running = false;
        raw.close();
        echo.join(1_000);
        nodes.close();
    }
}
