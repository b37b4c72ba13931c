package org.fos.benchmarks;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Encode plus decode of one payload, per codec and message kind (ADR 0007). {@code handwritten}
 * (a ByteBuffer codec of exactly these records) is the floor and {@code javaSerialization} the slow
 * reference; report every other codec as a ratio to them, from the same run.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar CodecBenchmark -f 1 -wi 3 -i 5 -w 1s -r 1s</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CodecBenchmark {

    /** The codec, one of {@code Candidates.NAMES}. */
    @Param({"handwritten", "javaSerialization", "jacksonSmile", "jacksonCbor", "kryo", "fory", "foryInterpreted", "fosCodec"})
    public String codec;

    /** The message kind. */
    @Param({"REQUEST", "REPLY", "ENTRY", "CAPABILITY"})
    public Messages.Kind message;

    private Candidate candidate;
    private Object payload;

    /** Creates the benchmark state; JMH calls it. */
    public CodecBenchmark() {
    }

    /** Builds the codec and the payload. */
    @Setup
    public void setUp() {
        candidate = Candidates.create(codec);
        payload = message.sample();
    }

    /**
     * Encodes the payload and decodes the bytes.
     *
     * @return the decoded payload
     */
    @Benchmark
    public Object roundTrip() {
        return candidate.decode(candidate.encode(payload));
    }
}
