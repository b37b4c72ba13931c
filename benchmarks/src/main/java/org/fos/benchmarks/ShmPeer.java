package org.fos.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;

import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.fos.codec.embed.PayloadCodecs;
import org.fos.kernel.api.Capability;
import org.fos.kernel.embed.EmbeddedKernel;
import org.fos.kernel.spi.PayloadCodec;
import org.fos.transport.api.ClusterSecret;
import org.fos.transport.shm.embed.EmbeddedShm;
import org.fos.transport.tcp.embed.EmbeddedTcp;

/**
 * The other process of the cross-process benchmark (row 12, {@link ShmCallBenchmark}): node
 * {@value CrossProcess#B} with a one-member {@link Adder} fleet behind the shared-memory or the TCP
 * transport, or the echo side of a raw Aeron IPC ping-pong. It says {@code READY ...} on its standard
 * output, takes {@code PEER ...} from its standard input, and exits when its standard input ends (the
 * benchmark's JVM stopped or closed it).
 *
 * <pre>
 * java -cp benchmarks.jar org.fos.benchmarks.ShmPeer shm|tcp &lt;folder&gt; &lt;secret file&gt;
 * java -cp benchmarks.jar org.fos.benchmarks.ShmPeer raw &lt;folder&gt;
 * </pre>
 */
public final class ShmPeer {

    private ShmPeer() {
    }

    /**
     * Runs the peer.
     *
     * @param args the mode ({@code shm}, {@code tcp} or {@code raw}), the folder for media driver files,
     *        and for {@code shm} the cluster secret's file
     * @throws Exception if the peer cannot run
     */
    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        Path folder = Path.of(args[1]);
        if (args[0].equals("raw")) {
            echo(folder, in);
        } else {
            node(args[0], folder, args.length > 2 ? Path.of(args[2]) : null, in);
        }
        System.exit(0);
    }

    private static void node(String transport, Path folder, Path secret, BufferedReader in) throws IOException {
        EmbeddedKernel node = EmbeddedKernel.start(CrossProcess.B);
        PayloadCodec codec = PayloadCodecs.create();
        node.codec(codec);
        LocalFleet fleet = new LocalFleet(Callers.FLEET, node, codec);
        Capability member = fleet.addMember(Adder.class, (a, b) -> a + b);
        String endpoint;
        EmbeddedShm shm = null;
        EmbeddedTcp tcp = null;
        if (transport.equals("shm")) {
            shm = EmbeddedShm.start(node, codec, folder.resolve(CrossProcess.B), "bench", ClusterSecret.read(secret));
            endpoint = shm.endpoint();
        } else {
            tcp = EmbeddedTcp.builder().start(node, codec);
            endpoint = Integer.toString(tcp.port());
        }
        System.out.println("READY " + member.address().mailbox() + " " + member.rights() + " " + member.tokenHigh() + " "
                + member.tokenLow() + " " + endpoint);
        System.out.flush();
        for (String line; (line = in.readLine()) != null;) {
            if (line.startsWith("PEER ") && shm != null) {
                shm.peers(Map.of(CrossProcess.A, line.substring(5)));
            }
        }
        if (shm != null) {
            shm.close();
        }
        if (tcp != null) {
            tcp.close();
        }
        fleet.close();
        node.close();
    }

    /** The echo side of the raw ping-pong: answers every message with a reply of the asked length. */
    private static void echo(Path folder, BufferedReader in) throws IOException {
        try (MediaDriver driver = CrossProcess.launchDriver(folder.resolve("raw-b"));
                Aeron own = Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectoryName()));
                Subscription requests = own.addSubscription("aeron:ipc", CrossProcess.STREAM)) {
            System.out.println("READY " + driver.aeronDirectoryName());
            System.out.flush();
            String[] peer = in.readLine().split(" ");
            int replyBytes = Integer.parseInt(peer[2]);
            try (Aeron toA = Aeron.connect(new Aeron.Context().aeronDirectoryName(peer[1]));
                    ExclusivePublication replies = toA.addExclusivePublication("aeron:ipc", CrossProcess.STREAM)) {
                UnsafeBuffer reply = new UnsafeBuffer(new byte[replyBytes]);
                Thread watcher = new Thread(() -> {
                    try {
                        while (in.readLine() != null) {
                            // the benchmark's JVM says nothing more; its end is the signal
                        }
                    } catch (IOException e) {
                        // the same
                    }
                    System.exit(0);
                }, "stdin-watcher");
                watcher.setDaemon(true);
                watcher.start();
                IdleStrategy idle = CrossProcess.idle();
                while (true) {
                    int n = requests.poll((buffer, offset, length, header) -> {
                        reply.putInt(0, buffer.getInt(offset) + buffer.getInt(offset + 4));
                        while (replies.offer(reply, 0, replyBytes) < 0) {
                            Thread.onSpinWait();
                        }
                    }, 16);
                    idle.idle(n);
                }
            }
        }
    }

    /** The shape of the TCP endpoint line, for the caller. */
    static InetSocketAddress tcpEndpoint(String port) {
        return InetSocketAddress.createUnresolved("127.0.0.1", Integer.parseInt(port));
    }

    /** How long a peer may take to say READY. */
    static final long READY_SECONDS = TimeUnit.MINUTES.toSeconds(1);
}
