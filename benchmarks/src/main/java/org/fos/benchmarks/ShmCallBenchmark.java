package org.fos.benchmarks;

import org.openjdk.jmh.annotations.Param;

/**
 * A call to a fleet in another process on this machine (issue 13, row 12): a synchronous
 * {@link Adder#add} through a typed libfos proxy to a member in a second JVM, over the shared-memory
 * transport, beside a raw Aeron IPC ping-pong of the same bytes and the same call over the TCP
 * transport, in the same run (see {@link ShmCallers}). Sample mode: the report has p50 and p99.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar ShmCallBenchmark -f 1 -wi 5 -i 3 -w 1s -r 1s</pre>
 */
public class ShmCallBenchmark extends SyncCallBenchmark {

    /** The caller, one of the names {@code ShmCallers.create} knows. */
    @Param({"fosShm", "rawAeron", "fosTcp"})
    public String peer;

    /** Creates the benchmark state; JMH calls it. */
    public ShmCallBenchmark() {
    }

    @Override
    protected Callers.Caller create() {
        return ShmCallers.create(peer);
    }
}
