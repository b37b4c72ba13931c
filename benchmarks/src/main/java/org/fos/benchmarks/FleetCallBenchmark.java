package org.fos.benchmarks;

import org.openjdk.jmh.annotations.Param;

/**
 * A local fleet call through a typed libfos proxy (issue 6, row 4) beside its peers in the same
 * run: gRPC-java in-process unary (default executors, and direct executors) and an Apache Pekko
 * typed ask (see {@link Callers}). Every side waits by parking, the fos kernel's receivers too
 * ({@code fosParked}; ADR 0090); {@code fosSpinning}, the kernel's default idle strategy, is a
 * diagnostic of the report: what a local call costs as a node runs by default. Sample mode: the
 * report has p50 and p99.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar FleetCallBenchmark -f 1 -wi 3 -i 5 -w 1s -r 1s</pre>
 */
public class FleetCallBenchmark extends SyncCallBenchmark {

    /** The caller, one of the names {@code Callers.create} knows. */
    @Param({"fosParked", "fosSpinning", "grpc", "grpcDirect", "pekko"})
    public String peer;

    /** Creates the benchmark state; JMH calls it. */
    public FleetCallBenchmark() {
    }

    @Override
    protected Callers.Caller create() {
        return Callers.create(peer);
    }
}
