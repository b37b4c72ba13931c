package org.fos.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;
import java.util.stream.Stream;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.logbuffer.FragmentHandler;

import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.fos.codec.embed.PayloadCodecs;
import org.fos.kernel.api.Address;
import org.fos.kernel.api.Capability;
import org.fos.kernel.embed.EmbeddedKernel;
import org.fos.kernel.spi.PayloadCodec;
import org.fos.rpc.api.Libfos;
import org.fos.transport.api.ClusterSecret;
import org.fos.transport.shm.embed.EmbeddedShm;
import org.fos.transport.tcp.embed.EmbeddedTcp;

/**
 * The callers of row 12 (issue 13), each calling {@code add} in another process ({@link ShmPeer}):
 * <ul>
 * <li>{@code fosShm}: a typed libfos proxy on node-a calls a one-member fleet on node-b through the
 * shared-memory transport (two real kernels, the shipped codec);</li>
 * <li>{@code fosTcp}: the same through the TCP transport over loopback;</li>
 * <li>{@code rawAeron}: a ping-pong over Aeron IPC laid out as the transport's (each side writes into
 * the other's media driver), moving per call as many bytes each way as {@code fosShm} does
 * ({@link #fosShmBytes()}), waiting as the transport's reading thread waits.</li>
 * </ul>
 */
final class ShmCallers {

    private static final int CALIBRATION_CALLS = 2_000;

    private ShmCallers() {
    }

    /**
     * Creates a caller and starts its peer process.
     *
     * @param peer {@code fosShm}, {@code fosTcp} or {@code rawAeron}
     * @return the caller
     */
    static Callers.Caller create(String peer) {
        return switch (peer) {
            case "fosShm" -> new Fos(true);
            case "fosTcp" -> new Fos(false);
            case "rawAeron" -> {
                int[] bytes = fosShmBytes();
                yield new RawAeron(bytes[0], bytes[1]);
            }
            default -> throw new IllegalArgumentException("no cross-process caller named '" + peer + "'");
        };
    }

    /**
     * Measures the bytes a fos call over shared memory writes each way: {@value #CALIBRATION_CALLS}
     * calls to warm up, then the bytes node-a's transport writes and reads during as many again (DATA
     * frames and the acknowledgements), per call, rounded up.
     *
     * @return request bytes and reply bytes
     */
    static int[] fosShmBytes() {
        try (Fos fos = new Fos(true)) {
            for (int i = 0; i < CALIBRATION_CALLS; i++) {
                fos.add(i, 1);
            }
            long out = fos.counter("bytesOut");
            long in = fos.counter("bytesIn");
            for (int i = 0; i < CALIBRATION_CALLS; i++) {
                fos.add(i, 1);
            }
            return new int[] {(int) ((fos.counter("bytesOut") - out + CALIBRATION_CALLS - 1) / CALIBRATION_CALLS),
                (int) ((fos.counter("bytesIn") - in + CALIBRATION_CALLS - 1) / CALIBRATION_CALLS)};
        }
    }

    /** node-a in this JVM, node-b in the peer process, one transport between them. */
    private static final class Fos implements Callers.Caller {
        private final Path folder = CrossProcess.folder();
        private final CrossProcess peer;
        private final EmbeddedKernel node;
        private final LocalFleet clients;
        /** The transport's cost to a node, its description, and its stop. */
        private final ToIntFunction<String> cost;
        private final Supplier<Map<String, Object>> info;
        private final Runnable stopTransport;
        private final Adder proxy;

        Fos(boolean shm) {
            try {
                Files.createDirectories(folder);
                Path secret = folder.resolve("cluster.secret");
                ClusterSecret key = ClusterSecret.generate(secret);
                peer = shm ? new CrossProcess("shm", folder.toString(), secret.toString()) : new CrossProcess("tcp", folder.toString());
                String[] ready = peer.ready();
                node = EmbeddedKernel.start(CrossProcess.A);
                PayloadCodec codec = PayloadCodecs.create();
                node.codec(codec);
                clients = new LocalFleet(Callers.FLEET, node, codec);
                Object transport;
                if (shm) {
                    EmbeddedShm t = EmbeddedShm.start(node, codec, folder.resolve(CrossProcess.A), "bench", key);
                    t.peers(Map.of(CrossProcess.B, ready[4]));
                    peer.tell("PEER " + t.endpoint());
                    transport = t;
                    cost = t::cost;
                    info = t::info;
                    stopTransport = t::close;
                } else {
                    EmbeddedTcp t = EmbeddedTcp.builder().peers(Map.of(CrossProcess.B, ShmPeer.tcpEndpoint(ready[4]))).start(node, codec);
                    transport = t;
                    cost = t::cost;
                    info = t::info;
                    stopTransport = t::close;
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(ShmPeer.READY_SECONDS);
                while (cost.applyAsInt(CrossProcess.B) < 0) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("node-a's " + transport + " did not link node-b in time");
                    }
                    Thread.onSpinWait();
                }
                Capability member = new Capability(new Address(CrossProcess.B, Long.parseLong(ready[0])), Integer.parseInt(ready[1]),
                        Long.parseLong(ready[2]), Long.parseLong(ready[3]));
                Libfos libfos = clients.clientLibfos();
                proxy = libfos.proxy(Adder.class, member, Callers.OPTIONS);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        long counter(String name) {
            Object counters = info.get().get("counters");
            return ((Map<?, ?>) counters).get(name) instanceof Long l ? l : 0L;
        }

        @Override
        public int add(int a, int b) {
            return proxy.add(a, b);
        }

        @Override
        public void close() {
            stopTransport.run();
            clients.close();
            node.close();
            peer.close();
            delete(folder);
        }
    }

    /** The raw ping-pong's calling side: its own driver, and a publication into the peer's. */
    private static final class RawAeron implements Callers.Caller {
        private final Path folder = CrossProcess.folder();
        private final CrossProcess peer;
        private final MediaDriver driver;
        private final Aeron own;
        private final Subscription replies;
        private final Aeron toB;
        private final ExclusivePublication requests;
        private final UnsafeBuffer request;
        private final int requestBytes;
        private final IdleStrategy idle = CrossProcess.idle();
        private int sum;
        private boolean answered;
        private final FragmentHandler onReply = (buffer, offset, length, header) -> {
            sum = buffer.getInt(offset);
            answered = true;
        };

        RawAeron(int requestBytes, int replyBytes) {
            this.requestBytes = requestBytes;
            this.request = new UnsafeBuffer(new byte[Math.max(8, requestBytes)]);
            peer = new CrossProcess("raw", folder.toString());
            String[] ready = peer.ready();
            driver = CrossProcess.launchDriver(folder.resolve("raw-a"));
            own = Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectoryName()));
            replies = own.addSubscription("aeron:ipc", CrossProcess.STREAM);
            peer.tell("PEER " + driver.aeronDirectoryName() + " " + replyBytes);
            toB = Aeron.connect(new Aeron.Context().aeronDirectoryName(ready[0]));
            requests = toB.addExclusivePublication("aeron:ipc", CrossProcess.STREAM);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(ShmPeer.READY_SECONDS);
            while (!requests.isConnected() || !replies.isConnected()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the raw ping-pong's two sides did not connect in time");
                }
                Thread.onSpinWait();
            }
        }

        @Override
        public int add(int a, int b) {
            request.putInt(0, a);
            request.putInt(4, b);
            while (requests.offer(request, 0, requestBytes) < 0) {
                Thread.onSpinWait();
            }
            answered = false;
            idle.reset();
            while (!answered) {
                idle.idle(replies.poll(onReply, 1));
            }
            return sum;
        }

        @Override
        public void close() {
            requests.close();
            toB.close();
            replies.close();
            own.close();
            peer.close();
            driver.close();
            delete(folder);
        }
    }

    private static void delete(Path folder) {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(folder)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
