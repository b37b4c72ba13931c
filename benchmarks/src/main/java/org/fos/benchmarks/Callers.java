package org.fos.benchmarks;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.typesafe.config.ConfigFactory;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The local calls the fleet-call benchmark compares, by the name its {@code peer} parameter uses.
 * Each is a synchronous call from the benchmark thread to a server on another thread (or, for
 * {@code grpcDirect}, wherever gRPC's direct executors run it), with {@link Adder#add}'s shape:
 * two ints in, one int out.
 */
final class Callers {

    /** How long one call may take before it fails. */
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    private Callers() {
    }

    /** A synchronous caller of {@code add}. */
    interface Caller extends AutoCloseable {
        /**
         * Calls {@code add} and waits for the sum.
         *
         * @param a one number
         * @param b the other
         * @return the sum
         */
        int add(int a, int b);

        /** Stops the server and whatever threads it started. */
        @Override
        void close();
    }

    /**
     * Creates a caller and starts its server.
     *
     * @param peer {@code fos}, {@code grpc}, {@code grpcDirect} or {@code pekko}
     * @return the caller
     */
    static Caller create(String peer) {
        return switch (peer) {
            case "fos" -> new Fos();
            case "grpc" -> new Grpc(false);
            case "grpcDirect" -> new Grpc(true);
            case "pekko" -> new Pekko();
            default -> throw new IllegalArgumentException("no caller named '" + peer + "'");
        };
    }

    /** A one-member fleet {@code /bench/adder} and a typed libfos proxy, default call options. */
    private static final class Fos implements Caller {
        private final LocalFleet fleet = new LocalFleet("/bench/adder");
        private final Adder proxy;

        Fos() {
            fleet.addMember(Adder.class, (a, b) -> a + b);
            proxy = fleet.client(Adder.class, org.fos.rpc.api.CallOptions.DEFAULT.withTimeout(TIMEOUT));
        }

        @Override
        public int add(int a, int b) {
            return proxy.add(a, b);
        }

        @Override
        public void close() {
            fleet.close();
        }
    }

    /**
     * gRPC-java in-process unary call: a hand-built method descriptor and a marshaller that writes
     * the ints as 4-byte big-endian values (no code generation). With {@code direct}, server and
     * channel use direct executors, gRPC's fastest set-up; without, its default executors.
     */
    private static final class Grpc implements Caller {
        private static final MethodDescriptor<int[], int[]> ADD = MethodDescriptor.<int[], int[]>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(MethodDescriptor.generateFullMethodName("fos.bench.Adder", "Add"))
                .setRequestMarshaller(new IntsMarshaller())
                .setResponseMarshaller(new IntsMarshaller())
                .build();

        private final Server server;
        private final ManagedChannel channel;

        Grpc(boolean direct) {
            String name = "adder-" + System.nanoTime();
            ServerServiceDefinition service = ServerServiceDefinition.builder("fos.bench.Adder")
                    .addMethod(ADD, ServerCalls.asyncUnaryCall((request, response) -> {
                        response.onNext(new int[] {request[0] + request[1]});
                        response.onCompleted();
                    }))
                    .build();
            InProcessServerBuilder serverBuilder = InProcessServerBuilder.forName(name).addService(service);
            InProcessChannelBuilder channelBuilder = InProcessChannelBuilder.forName(name);
            if (direct) {
                serverBuilder.directExecutor();
                channelBuilder.directExecutor();
            }
            try {
                server = serverBuilder.build().start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            channel = channelBuilder.build();
        }

        @Override
        public int add(int a, int b) {
            return ClientCalls.blockingUnaryCall(channel, ADD, CallOptions.DEFAULT.withDeadlineAfter(TIMEOUT.toMillis(),
                    TimeUnit.MILLISECONDS), new int[] {a, b})[0];
        }

        @Override
        public void close() {
            channel.shutdownNow();
            server.shutdownNow();
            try {
                channel.awaitTermination(10, TimeUnit.SECONDS);
                server.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** gRPC marshaller of an int array: 4 bytes a value, big-endian. */
    private static final class IntsMarshaller implements MethodDescriptor.Marshaller<int[]> {
        @Override
        public InputStream stream(int[] value) {
            ByteBuffer b = ByteBuffer.allocate(value.length * Integer.BYTES);
            for (int v : value) {
                b.putInt(v);
            }
            return new ByteArrayInputStream(b.array());
        }

        @Override
        public int[] parse(InputStream stream) {
            try {
                ByteBuffer b = ByteBuffer.wrap(stream.readAllBytes());
                int[] value = new int[b.remaining() / Integer.BYTES];
                for (int i = 0; i < value.length; i++) {
                    value[i] = b.getInt();
                }
                return value;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Apache Pekko typed: an actor that adds, called with the ask pattern, default dispatcher. */
    private static final class Pekko implements Caller {
        /** The actor's message. */
        private record Add(int a, int b, ActorRef<Integer> replyTo) {
        }

        private final ActorSystem<Add> system = ActorSystem.create(Behaviors.receiveMessage(m -> {
            m.replyTo().tell(m.a() + m.b());
            return Behaviors.same();
        }), "bench", ConfigFactory.parseString("pekko.loglevel = WARNING\npekko.stdout-loglevel = WARNING")
                .withFallback(ConfigFactory.load()));

        @Override
        public int add(int a, int b) {
            try {
                return AskPattern.<Add, Integer>ask(system, replyTo -> new Add(a, b, replyTo), TIMEOUT, system.scheduler())
                        .toCompletableFuture().get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the actor", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("the ask failed", e.getCause());
            }
        }

        @Override
        public void close() {
            system.terminate();
            try {
                system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                throw new IllegalStateException("the actor system did not stop", e);
            }
        }
    }
}
