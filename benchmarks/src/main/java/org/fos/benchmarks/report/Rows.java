package org.fos.benchmarks.report;

import java.util.List;

import org.fos.benchmarks.report.Comparison.Kind;

/**
 * Issue 6's table, mapped to the benchmarks that measure each row. Adding a row's benchmarks means
 * adding the JMH classes, running them from {@code benchmarks/run}, and replacing the row's
 * {@link Row#notYet} here by {@link Row#measured} with its comparisons. Row 10 is measured by
 * {@code LiveUpgradeRun}, outside JMH, and written by {@link BenchmarkReport} itself.
 */
final class Rows {

    /** The row that {@code LiveUpgradeRun} measures. */
    static final int LIVE_UPGRADE = 10;
    /** The row whose note quotes the codec's profile. */
    static final int CODEC = 7;

    private static final String ROUND_TRIP = "RoundTripBenchmark.roundTrip";
    private static final String CALL = "FleetCallBenchmark.call";
    private static final String CODEC_ROUND_TRIP = "CodecBenchmark.roundTrip";
    private static final String KV_PUT = "KeyValueFleetBenchmark.put";

    private Rows() {
    }

    private static Figure roundTrip(String path) {
        return Figure.of(ROUND_TRIP, "path", path);
    }

    private static Figure throughput(String group, String queue) {
        return Figure.of("MailboxThroughputBenchmark." + group, "queue", queue).metric("received");
    }

    private static Figure call(String peer) {
        return Figure.of(CALL, "peer", peer);
    }

    private static Figure codec(String codec) {
        return Figure.of(CODEC_ROUND_TRIP, "codec", codec, "message", "REQUEST");
    }

    private static Figure kv(int members, String idle) {
        return Figure.of(KV_PUT, "members", Integer.toString(members), "idle", idle);
    }

    private static final String SEND_PATH = "Each send looks the capability up in the kernel's table (a ConcurrentHashMap keyed by"
            + " the capability record, hashed on every send) and checks rights and mailbox state before the queue's offer;"
            + " the raw queue only offers.";

    private static final String CALL_PATH = "The fos call crosses to the member thread and back (row 1 is its floor), through"
            + " the proxy (a reflective InvocationHandler, the argument list, request and reply records). The kernel's"
            + " default idle strategy spins for idleSpinNanos before a waiting thread yields: when the caller and the"
            + " member share one core (on this 2-core machine, whenever other work holds the other core), each hand-off"
            + " waits until the spinning side gives the core up, and the p50 sits near two spin periods instead of a"
            + " thread round trip.";

    /** Every row of issue 6, in order. */
    static final List<Row> ALL = List.of(
            Row.measured(1, "in-node mailbox round trip, receiver spinning", "raw JCTools SPSC queue ping-pong", "<= 1.5x",
                    "Two threads, one token in flight; p50 and p99 from JMH sample mode; ratio of the medians. The fos"
                    + " receivers wait by the kernel's idle strategy set to spin without end. The raw JCTools MPSC line (the"
                    + " queue type of a fos mailbox, no kernel) separates the cost of the queue type from the kernel's.",
                    new Comparison("fos spinning vs JCTools SPSC", Kind.LATENCY, roundTrip("fosSpinning"), roundTrip("jctoolsSpsc"),
                            1.5, "A fos mailbox is a multi-producer queue: every send is a CAS on the producer index, and a"
                            + " waiting receive spins on isEmpty(), which reads the producer's index cache line, and on"
                            + " System.nanoTime() for the idle strategy; the SPSC consumer spins on the slot alone. Compare the"
                            + " diagnostic line: what the raw MPSC ping-pong adds over SPSC is the queue type, the rest is the"
                            + " kernel. " + SEND_PATH),
                    new Comparison("fos spinning vs JCTools MPSC", Kind.LATENCY, roundTrip("fosSpinning"), roundTrip("jctoolsMpsc"),
                            Double.NaN, null)),
            Row.measured(2, "in-node throughput, 1 and 2 producers to 1 consumer", "raw JCTools MPSC queue, same capacity",
                    ">= 0.6x and >= 0.4x; 0 bytes allocated per message in steady state",
                    "Messages received per second by the consumer (batch drains of up to 256); producers send one immutable"
                    + " message again and again and yield when the queue is full. Bytes per message: the GC profiler's"
                    + " allocation rate of the whole JVM (JMH's own threads included) over the message rate.",
                    new Comparison("1 producer", Kind.THROUGHPUT, throughput("oneProducer", "fos"), throughput("oneProducer", "jctools"),
                            0.6, SEND_PATH),
                    new Comparison("2 producers", Kind.THROUGHPUT, throughput("twoProducers", "fos"),
                            throughput("twoProducers", "jctools"), 0.4, SEND_PATH + " Two producers and the consumer are three"
                            + " busy threads on two cores."),
                    new Comparison("allocation, 1 producer", Kind.ALLOCATION, throughput("oneProducer", "fos"),
                            throughput("oneProducer", "jctools"), 1, "Something on the send or drain path allocates per"
                            + " message: run the benchmark with -prof gc and an allocation profiler to find it."),
                    new Comparison("allocation, 2 producers", Kind.ALLOCATION, throughput("twoProducers", "fos"),
                            throughput("twoProducers", "jctools"), 1, "Something on the send or drain path allocates per"
                            + " message: run the benchmark with -prof gc and an allocation profiler to find it.")),
            Row.measured(3, "in-node round trip, receiver parked", "ArrayBlockingQueue ping-pong", "<= 1.0x",
                    "Both fos receivers park at once (idle strategy: no spin, no yield) and are woken by unpark after the"
                    + " sender's offer; ArrayBlockingQueue's take parks on its lock's condition. Parked hand-offs on this"
                    + " machine are bimodal from run to run (STACK.md), which the p99 shows.",
                    new Comparison("fos parked vs ArrayBlockingQueue", Kind.LATENCY, roundTrip("fosParked"),
                            roundTrip("arrayBlockingQueue"), 1.0, "Both paths are dominated by unpark and the wake-up of a"
                            + " parked thread; fos adds its send path (capability lookup, MPSC offer) and the receiver's"
                            + " check of the queue before it parks. " + SEND_PATH)),
            Row.measured(4, "local fleet call through a typed proxy", "gRPC-java in-process unary; Pekko typed ask",
                    "<= 0.1x gRPC; <= 0.5x Pekko",
                    "A synchronous call of Adder.add(int, int) through a libfos proxy to a one-member fleet (a member"
                    + " thread draining its mailbox into the libfos dispatcher), default kernel settings; gRPC with a"
                    + " hand-built method descriptor and an int marshaller, default executors and, as gRPC's fastest"
                    + " set-up, direct executors; Pekko: ask of a typed actor, default dispatcher, waiting on the"
                    + " future. Ratio of the medians.",
                    new Comparison("vs gRPC in-process (default executors)", Kind.LATENCY, call("fos"), call("grpc"), 0.1,
                            CALL_PATH),
                    new Comparison("vs gRPC in-process (direct executors)", Kind.LATENCY, call("fos"), call("grpcDirect"), 0.1,
                            "With direct executors gRPC runs the server's handler on the calling thread (the in-process"
                            + " transport hands the call over synchronously): the call never leaves the caller's thread.\n\n"
                            + CALL_PATH),
                    new Comparison("vs Pekko typed ask", Kind.LATENCY, call("fos"), call("pekko"), 0.5, CALL_PATH)),
            Row.notYet(5, "call to a fleet on another node over loopback TCP", "raw NIO TCP ping-pong; gRPC-java unary over Netty",
                    "<= 1.3x raw; <= 0.3x gRPC", "cross-node calls need the TCP transport bundle (transport-tcp, with its"
                    + " TcpBenchmark), being written on another branch. To add the row: run its JMH benchmarks from"
                    + " benchmarks/run and map them here (Rows.java)."),
            Row.notYet(6, "pipelined cross-node calls per second", "gRPC-java, same concurrency", ">= 3x",
                    "as row 5: it needs the TCP transport bundle, being written on another branch."),
            Row.measured(7, "codec encode+decode of a typical request", "hand-written ByteBuffer codec; Java object serialization",
                    "<= 3x; >= 30x faster",
                    "CodecBenchmark (ADR 0007), message REQUEST: Request(\"put\", [\"user:42\", byte[16]]); the fos codec is"
                    + " the shipped bundle's SmilePayloadCodec with the allow-list. Mean of the iterations.",
                    new Comparison("vs hand-written ByteBuffer codec", Kind.LATENCY, codec("fosCodec"), codec("handwritten"), 3,
                            "The codec is Jackson databind over Smile (ADR 0007), chosen for schema evolution by component"
                            + " name and because its jars are OSGi bundles: it writes every component's name, wraps each"
                            + " value declared Object in a [type name, value] pair, creates a parser and a generator per"
                            + " message and builds records through their canonical constructors by reflection. The"
                            + " hand-written codec writes tags and lengths only. The profile below shows where the time"
                            + " and the allocation go: spread over that generic machinery rather than one hot spot; ADR 0007 names Fory as the faster option if codec time ever shows in"
                            + " remote calls."),
                    new Comparison("vs Java object serialization", Kind.SPEEDUP, codec("fosCodec"), codec("javaSerialization"), 30,
                            "Same causes as the line above: Jackson databind is only several times faster than Java"
                            + " serialization on these small records, not thirty times.")),
            Row.measured(8, "name-cache hit", "ConcurrentHashMap.get", "<= 1.5x",
                    "Names.resolve of a followed name with two local members, by round robin and by key affinity (key"
                    + " \"user:42\"), beside ConcurrentHashMap.get of the same name in a map of as many names. Mean"
                    + " (AverageTime): one call is below what a timed sample resolves.",
                    new Comparison("resolve, ROUND_ROBIN", Kind.LATENCY, Figure.of("NameCacheBenchmark.resolveRoundRobin"),
                            Figure.of("NameCacheBenchmark.concurrentHashMapGet"), 1.5,
                            "resolve does the baseline's work (the name cache is a ConcurrentHashMap of names), then reads"
                            + " the name's current view (a volatile read) and picks a member: round robin is an atomic"
                            + " increment of a counter all callers share, a locked instruction that costs more than the"
                            + " lookup."),
                    new Comparison("resolve, KEY_AFFINITY", Kind.LATENCY, Figure.of("NameCacheBenchmark.resolveKeyAffinity"),
                            Figure.of("NameCacheBenchmark.concurrentHashMapGet"), 1.5,
                            "Besides the lookup, key affinity hashes the key on every call: toString().getBytes(UTF_8) (an"
                            + " allocation), FNV-1a over the bytes and a binary search of the consistent-hash ring (128"
                            + " points a member).")),
            Row.notYet(9, "4 KiB create+write+close, open+read, stat, unlink through fos: paths", "java.nio on tmpfs",
                    "<= 2x each", "fos: paths need the file-system fleet, being written on another branch. To add the row:"
                    + " a JMH benchmark of the four operations beside java.nio on tmpfs, run from benchmarks/run and mapped"
                    + " here (Rows.java)."),
            new Row(LIVE_UPGRADE, "live upgrade of the key-value fleet under load", "-", "worst call latency and pause reported; 0 lost",
                    List.of(), null, "LiveUpgradeRun: the distribution's bundles in Felix inside one JVM, /sys/kv with two"
                    + " members; two client threads write a key of their own and move a counter by compare-and-set per"
                    + " call through a libfos proxy, first unmeasured (JIT warm-up), then measured while"
                    + " FleetRuntime.upgrade replaces version 1 by the integration tests' version 2; then every"
                    + " acknowledged write and both counters are read back. Pause: how long the members did not"
                    + " dispatch, as the fleet runtime measured it."),
            Row.measured(11, "key-value fleet throughput, 2 members vs 1, 10 us of work per call", "1 member", ">= 1.7x",
                    "KeyValue.put through a libfos proxy from 4 client threads (synchronous calls, keys spread by key"
                    + " affinity); each put busy-spins 10 us in the member before writing. Same clients for 1 and 2"
                    + " members; with the kernel's default idle strategy (waiting threads spin, then yield, then park) and"
                    + " with receivers that park at once.",
                    new Comparison("default idle strategy", Kind.THROUGHPUT, kv(2, "default"), kv(1, "default"), 1.7,
                            "This machine has 2 cores. Two members spinning 10 us a call need both of them, and the 4"
                            + " clients (sending, and waiting by spinning and yielding) run on the same 2 cores: a second"
                            + " member gets no core of its own. The goal needs more cores than busy threads."),
                    new Comparison("receivers park at once", Kind.THROUGHPUT, kv(2, "parked"), kv(1, "parked"), 1.7,
                            "This machine has 2 cores. Two members spinning 10 us a call need both of them; the clients and"
                            + " the wake-ups of parked threads (unpark, scheduler) take CPU from the same 2 cores. The goal"
                            + " needs more cores than busy threads.")));
}
