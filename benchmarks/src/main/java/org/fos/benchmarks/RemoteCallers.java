package org.fos.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;

/**
 * The calls across loopback TCP that the cross-node benchmarks compare, by the name their
 * {@code peer} parameter uses, all with {@link Adder}'s shape (two ints in, one int out):
 * <ul>
 * <li>{@code fos}: a typed libfos proxy on one node calls a one-member fleet on another
 * ({@link RemoteFleet}: two kernels, the TCP transport, the shipped codec);</li>
 * <li>{@code fosParked}: the same with every receiver of both nodes (the member, the waiting caller)
 * parking at once, as the event loops and every thread of the baselines below but {@code rawSpin} do;</li>
 * <li>{@code raw}: a blocking-socket ping-pong that moves as many bytes each way as the fos call
 * does ({@link #fosWireBytes()});</li>
 * <li>{@code rawSpin}: the same bytes on non-blocking sockets whose two threads spin, as fos's caller
 * and member do by default ({@link RawTcpPingPong.NonBlocking});</li>
 * <li>{@code rawSelect}: the same bytes on non-blocking sockets whose two threads wait in selectors of
 * their own, as fos's parked caller and member do in their transports' selectors (ADR 0124);</li>
 * <li>{@code grpc}: gRPC-java unary over Netty on loopback, plaintext, default executors;</li>
 * <li>{@code grpcDirect}: the same with direct executors on server and channel (handlers and
 * callbacks run on Netty's event loops), gRPC's fastest set-up.</li>
 * </ul>
 */
final class RemoteCallers {

    /** Calls made to warm up before counting bytes, and calls counted. */
    private static final int CALIBRATION_CALLS = 2_000;

    private RemoteCallers() {
    }

    /** An asynchronous caller of {@code add}: many calls may be in flight. */
    interface AsyncCaller extends AutoCloseable {
        /**
         * Starts a call of {@code add}.
         *
         * @param a one number
         * @param b the other
         * @param done called once, on some other thread, with the sum or the failure
         */
        void add(int a, int b, BiConsumer<Integer, Throwable> done);

        /** Stops the server, the client and whatever threads they started. */
        @Override
        void close();
    }

    /**
     * Bytes a fos call puts on the wire each way.
     *
     * @param request bytes from the caller's node to the member's per call
     * @param reply bytes back per call
     */
    record WireBytes(int request, int reply) {
    }

    /**
     * Creates a synchronous caller and starts its server.
     *
     * @param peer {@code fos}, {@code fosParked}, {@code raw}, {@code rawSpin}, {@code rawSelect}, {@code grpc} or {@code grpcDirect}
     * @return the caller
     */
    static Callers.Caller create(String peer) {
        return switch (peer) {
            case "fos", "fosParked" -> {
                RemoteFleet fleet = new RemoteFleet(Callers.FLEET, "fosParked".equals(peer));
                fleet.addMember(Adder.class, (a, b) -> a + b);
                yield Callers.proxied(fleet.client(Adder.class, Callers.OPTIONS), fleet::close);
            }
            case "raw" -> {
                WireBytes sizes = fosWireBytes();
                yield new RawTcpPingPong(sizes.request(), sizes.reply());
            }
            case "rawSpin" -> {
                WireBytes sizes = fosWireBytes();
                yield new RawTcpPingPong.NonBlocking(sizes.request(), sizes.reply(), false);
            }
            case "rawSelect" -> {
                WireBytes sizes = fosWireBytes();
                yield new RawTcpPingPong.NonBlocking(sizes.request(), sizes.reply(), true);
            }
            case "grpc" -> new GrpcNetty(false);
            case "grpcDirect" -> new GrpcNetty(true);
            default -> throw new IllegalArgumentException("no remote caller named '" + peer + "'");
        };
    }

    /**
     * Creates an asynchronous caller and starts its server.
     *
     * @param peer {@code fos}, {@code fosDirect} (replies complete their stages on node-a's event loop,
     *        {@link org.fos.rpc.api.CallOptions#directReplies()}), {@code grpc} or {@code grpcDirect}
     * @return the caller
     */
    static AsyncCaller createAsync(String peer) {
        return switch (peer) {
            case "fos", "fosDirect" -> {
                RemoteFleet fleet = new RemoteFleet(Callers.FLEET);
                fleet.addMember(AsyncAdder.class, (a, b) -> CompletableFuture.completedFuture(a + b));
                yield new FosAsync(fleet.client(AsyncAdder.class, Callers.OPTIONS.withDirectReplies(peer.equals("fosDirect"))),
                        fleet::close);
            }
            case "grpc" -> new GrpcNetty(false);
            case "grpcDirect" -> new GrpcNetty(true);
            default -> throw new IllegalArgumentException("no asynchronous remote caller named '" + peer + "'");
        };
    }

    /**
     * Measures the bytes a synchronous fos call of {@code add} puts on the wire each way: a fresh
     * pair of nodes, {@value #CALIBRATION_CALLS} calls to warm up, then the bytes the two
     * transports write during as many calls again (DATA frames and the acknowledgements that ride
     * along with them), per call, rounded up.
     *
     * @return the bytes each way
     */
    static WireBytes fosWireBytes() {
        try (RemoteFleet fleet = new RemoteFleet(Callers.FLEET)) {
            fleet.addMember(Adder.class, (x, y) -> x + y);
            Adder proxy = fleet.client(Adder.class, Callers.OPTIONS);
            for (int i = 0; i < CALIBRATION_CALLS; i++) {
                proxy.add(i, 1);
            }
            long a = fleet.bytesWritten(TcpPair.A);
            long b = fleet.bytesWritten(TcpPair.B);
            for (int i = 0; i < CALIBRATION_CALLS; i++) {
                proxy.add(i, 1);
            }
            long request = fleet.bytesWritten(TcpPair.A) - a;
            long reply = fleet.bytesWritten(TcpPair.B) - b;
            return new WireBytes((int) ((request + CALIBRATION_CALLS - 1) / CALIBRATION_CALLS),
                    (int) ((reply + CALIBRATION_CALLS - 1) / CALIBRATION_CALLS));
        }
    }

    /**
     * A fleet on node-b with the asynchronous protocol, called through a typed proxy on node-a: the
     * member answers with a completed stage; the stages on node-a complete on libfos's reply thread.
     */
    private record FosAsync(AsyncAdder proxy, Runnable stop) implements AsyncCaller {
        @Override
        public void add(int a, int b, BiConsumer<Integer, Throwable> done) {
            proxy.add(a, b).whenComplete(done);
        }

        @Override
        public void close() {
            stop.run();
        }
    }

    /**
     * gRPC-java over Netty (grpc-netty-shaded, its default transport on this OS) on loopback,
     * plaintext, TCP_NODELAY set on both ends, {@link GrpcAdder}'s method; blocking stub calls for
     * the synchronous caller, {@link ClientCalls#asyncUnaryCall} for the asynchronous one.
     */
    private static final class GrpcNetty implements Callers.Caller, AsyncCaller {
        private final Server server;
        private final ManagedChannel channel;

        GrpcNetty(boolean direct) {
            NettyServerBuilder serverBuilder = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                    .withChildOption(ChannelOption.TCP_NODELAY, true)
                    .addService(GrpcAdder.service());
            if (direct) {
                serverBuilder.directExecutor();
            }
            try {
                server = serverBuilder.build().start();
            } catch (IOException e) {
                throw new UncheckedIOException("the gRPC server did not start", e);
            }
            NettyChannelBuilder channelBuilder = NettyChannelBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                    server.getPort())).usePlaintext().withOption(ChannelOption.TCP_NODELAY, true);
            if (direct) {
                channelBuilder.directExecutor();
            }
            channel = channelBuilder.build();
        }

        @Override
        public int add(int a, int b) {
            return GrpcAdder.add(channel, a, b);
        }

        @Override
        public void add(int a, int b, BiConsumer<Integer, Throwable> done) {
            ClientCalls.asyncUnaryCall(channel.newCall(GrpcAdder.ADD, CallOptions.DEFAULT.withDeadlineAfter(
                    Callers.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)), new int[] {a, b}, new StreamObserver<int[]>() {
                        private int sum;

                        @Override
                        public void onNext(int[] value) {
                            sum = value[0];
                        }

                        @Override
                        public void onError(Throwable t) {
                            done.accept(null, t);
                        }

                        @Override
                        public void onCompleted() {
                            done.accept(sum, null);
                        }
                    });
        }

        @Override
        public void close() {
            GrpcAdder.shutdown(channel, server);
        }
    }
}
