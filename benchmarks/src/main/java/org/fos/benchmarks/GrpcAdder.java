package org.fos.benchmarks;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;

/**
 * The gRPC-java peer of {@link Adder}, without code generation: a unary method with a hand-built
 * method descriptor and a marshaller that writes the ints as 4-byte big-endian values, and the
 * service that adds. The in-process and the Netty benchmarks share it.
 */
final class GrpcAdder {

    /** The service's name. */
    static final String SERVICE = "fos.bench.Adder";

    /** {@code Add}: two ints in, their sum out. */
    static final MethodDescriptor<int[], int[]> ADD = MethodDescriptor.<int[], int[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "Add"))
            .setRequestMarshaller(new IntsMarshaller())
            .setResponseMarshaller(new IntsMarshaller())
            .build();

    private GrpcAdder() {
    }

    /**
     * Returns the service: it answers each call on the thread that runs its handler.
     *
     * @return the service definition
     */
    static ServerServiceDefinition service() {
        return ServerServiceDefinition.builder(SERVICE)
                .addMethod(ADD, ServerCalls.asyncUnaryCall((request, response) -> {
                    response.onNext(new int[] {request[0] + request[1]});
                    response.onCompleted();
                }))
                .build();
    }

    /**
     * Calls {@code Add} and waits for the sum, with a deadline of {@link Callers#TIMEOUT}.
     *
     * @param channel the channel to the server
     * @param a one number
     * @param b the other
     * @return the sum
     */
    static int add(Channel channel, int a, int b) {
        return ClientCalls.blockingUnaryCall(channel, ADD, CallOptions.DEFAULT.withDeadlineAfter(Callers.TIMEOUT.toMillis(),
                TimeUnit.MILLISECONDS), new int[] {a, b})[0];
    }

    /**
     * Shuts a channel and its server down and waits for both.
     *
     * @param channel the channel
     * @param server the server
     */
    static void shutdown(ManagedChannel channel, Server server) {
        channel.shutdownNow();
        server.shutdownNow();
        try {
            channel.awaitTermination(10, TimeUnit.SECONDS);
            server.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
}
