package org.fos.benchmarks;

import org.openjdk.jmh.annotations.Param;

/**
 * A call to a fleet on another node over loopback TCP (issue 6, row 5): a synchronous call of
 * {@link Adder#add} through a typed libfos proxy on one node to a member on another, beside a raw
 * TCP ping-pong of the same bytes and gRPC-java unary over Netty, in the same run (see
 * {@link RemoteCallers} for each peer). Sample mode: the report has p50 and p99.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar RemoteCallBenchmark -f 1 -wi 2 -i 3 -w 1s -r 1s</pre>
 */
public class RemoteCallBenchmark extends SyncCallBenchmark {

    /** The caller, one of the names {@code RemoteCallers.create} knows. */
    @Param({"fos", "fosParked", "raw", "rawSpin", "rawSelect", "grpc", "grpcDirect"})
    public String peer;

    /** Creates the benchmark state; JMH calls it. */
    public RemoteCallBenchmark() {
    }

    @Override
    protected Callers.Caller create() {
        return RemoteCallers.create(peer);
    }
}
