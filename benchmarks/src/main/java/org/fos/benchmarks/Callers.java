package org.fos.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.typesafe.config.ConfigFactory;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.fos.rpc.api.CallOptions;

/**
 * The local calls the fleet-call benchmark compares, by the name its {@code peer} parameter uses.
 * Each is a synchronous call from the benchmark thread to a server on another thread (or, for
 * {@code grpcDirect}, wherever gRPC's direct executors run it), with {@link Adder#add}'s shape:
 * two ints in, one int out.
 */
final class Callers {

    /** How long one call may take before it fails. */
    static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** The options of every fos proxy the benchmarks call through. */
    static final CallOptions OPTIONS = CallOptions.DEFAULT.withTimeout(TIMEOUT);
    /** The fleet's name. */
    static final String FLEET = "/bench/adder";

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
     * @param peer {@code fosParked}, {@code fosSpinning}, {@code grpc}, {@code grpcDirect} or {@code pekko}
     * @return the caller
     */
    static Caller create(String peer) {
        return switch (peer) {
            case "fosParked" -> {
                // the shipped kernel's receivers park at once (idleSpinNanos = idleYieldNanos = 0): the caller waits
                // for its reply, and the member for calls, parked as gRPC's and Pekko's threads wait (ADR 0090)
                LocalFleet fleet = new LocalFleet(FLEET, 0, 0);
                fleet.addMember(Adder.class, (a, b) -> a + b);
                yield proxied(fleet.client(Adder.class, OPTIONS), fleet::close);
            }
            case "fosSpinning" -> {
                // the shipped kernel's default idle strategy: the member and the waiting caller spin while a core is
                // theirs (ADR 0092), as a node runs unless told otherwise
                LocalFleet fleet = new LocalFleet(FLEET);
                fleet.addMember(Adder.class, (a, b) -> a + b);
                yield proxied(fleet.client(Adder.class, OPTIONS), fleet::close);
            }
            case "grpc" -> new Grpc(false);
            case "grpcDirect" -> new Grpc(true);
            case "pekko" -> new Pekko();
            default -> throw new IllegalArgumentException("no caller named '" + peer + "'");
        };
    }

    /**
     * A caller through a typed libfos proxy of a fleet.
     *
     * @param proxy the proxy
     * @param stop stops the fleet
     * @return the caller; closing it runs {@code stop}
     */
    static Caller proxied(Adder proxy, Runnable stop) {
        return new Proxied(proxy, stop);
    }

    /** A libfos proxy and what stops its fleet. */
    private record Proxied(Adder proxy, Runnable stop) implements Caller {
        @Override
        public int add(int a, int b) {
            return proxy.add(a, b);
        }

        @Override
        public void close() {
            stop.run();
        }
    }

    /**
     * gRPC-java in-process unary call of {@link GrpcAdder}. With {@code direct}, server and channel
     * use direct executors, gRPC's fastest set-up; without, its default executors.
     */
    private static final class Grpc implements Caller {
        private final Server server;
        private final ManagedChannel channel;

        Grpc(boolean direct) {
            String name = "adder-" + System.nanoTime();
            InProcessServerBuilder serverBuilder = InProcessServerBuilder.forName(name).addService(GrpcAdder.service());
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
            return GrpcAdder.add(channel, a, b);
        }

        @Override
        public void close() {
            GrpcAdder.shutdown(channel, server);
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
