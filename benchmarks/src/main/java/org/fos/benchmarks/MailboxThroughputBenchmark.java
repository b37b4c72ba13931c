package org.fos.benchmarks;

import java.util.concurrent.TimeUnit;

import org.fos.kernel.api.Kernel;
import org.fos.kernel.api.Mailbox;
import org.fos.kernel.api.Message;
import org.fos.kernel.api.MessageHandler;
import org.fos.kernel.api.Status;
import org.fos.kernel.embed.EmbeddedKernel;
import org.jctools.queues.MessagePassingQueue;
import org.jctools.queues.MpscArrayQueue;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * In-node throughput, one and two producers to one consumer (issue 6, row 2): a fos mailbox fed by
 * {@link Kernel#send} and emptied by {@link Mailbox#drain} beside a raw JCTools
 * {@link MpscArrayQueue} of the same capacity fed by {@code offer} and emptied by {@code drain}.
 * Producers send the same immutable message again and again and yield when the queue is full; the
 * figure is the consumer's count of messages received per second (the {@code received} counter).
 * Run with {@code -prof gc}: allocation rate over message rate is the bytes allocated per message.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar MailboxThroughputBenchmark -f 1 -wi 3 -i 5 -w 1s -r 1s -prof gc</pre>
 */
@State(Scope.Group)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class MailboxThroughputBenchmark {

    /** Capacity of the mailbox and of the raw queue. */
    static final int CAPACITY = 1 << 14;
    /** The most messages one drain takes. */
    static final int BATCH = 256;

    /** The queue: {@code fos} (a kernel mailbox) or {@code jctools} (a raw MPSC queue). */
    @Param({"fos", "jctools"})
    public String queue;

    private EmbeddedKernel node;
    private Kernel kernel;
    private Mailbox mailbox;
    private Message message;
    private MpscArrayQueue<Message> raw;
    private MessageHandler handler;
    private MessagePassingQueue.Consumer<Message> rawHandler;
    /** The last message taken: the consumers' handlers write it so that the take is not dead code. */
    private Message last;

    /** Creates the benchmark state; JMH calls it. */
    public MailboxThroughputBenchmark() {
    }

    /** Messages the consumer received, per second. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Received {
        /** Messages taken by the consumer. */
        public long received;

        /** Creates the counter; JMH calls it. */
        public Received() {
        }

        /** Starts each iteration from zero. */
        @Setup(Level.Iteration)
        public void reset() {
            received = 0;
        }
    }

    /** Sends the producers' tries refused because the queue was full, per second. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Refused {
        /** Sends refused as full. */
        public long full;

        /** Creates the counter; JMH calls it. */
        public Refused() {
        }

        /** Starts each iteration from zero. */
        @Setup(Level.Iteration)
        public void reset() {
            full = 0;
        }
    }

    /** Builds the queue and the one message the producers send. */
    @Setup
    public void setUp() {
        switch (queue) {
            case "fos" -> {
                node = EmbeddedKernel.start("bench", false);
                kernel = node.kernel(1);
                mailbox = kernel.createMailbox("throughput", CAPACITY);
                message = Message.of(mailbox.capability(), "tick", "tick");
                handler = m -> last = m;
            }
            case "jctools" -> {
                raw = new MpscArrayQueue<>(CAPACITY);
                node = EmbeddedKernel.start("bench", false);
                Mailbox target = node.kernel(1).createMailbox("throughput", 2);
                message = Message.of(target.capability(), "tick", "tick");
                rawHandler = m -> last = m;
            }
            default -> throw new IllegalArgumentException("no queue named '" + queue + "'");
        }
    }

    /** Stops the kernel. */
    @TearDown
    public void tearDown() {
        node.close();
    }

    private void produce(Refused refused) {
        boolean sent = raw == null ? kernel.send(message) == Status.OK : raw.offer(message);
        if (!sent) {
            refused.full++;
            Thread.yield();
        }
    }

    private int consume(Received received) {
        int n = raw == null ? mailbox.drain(handler, BATCH) : raw.drain(rawHandler, BATCH);
        received.received += n;
        return n;
    }

    /**
     * The producer of the one-producer group.
     *
     * @param refused counts refused sends
     */
    @Benchmark
    @Group("oneProducer")
    @GroupThreads(1)
    public void oneProducerSend(Refused refused) {
        produce(refused);
    }

    /**
     * The consumer of the one-producer group.
     *
     * @param received counts messages
     * @return how many messages this drain took
     */
    @Benchmark
    @Group("oneProducer")
    @GroupThreads(1)
    public int oneProducerReceive(Received received) {
        return consume(received);
    }

    /**
     * A producer of the two-producer group.
     *
     * @param refused counts refused sends
     */
    @Benchmark
    @Group("twoProducers")
    @GroupThreads(2)
    public void twoProducersSend(Refused refused) {
        produce(refused);
    }

    /**
     * The consumer of the two-producer group.
     *
     * @param received counts messages
     * @return how many messages this drain took
     */
    @Benchmark
    @Group("twoProducers")
    @GroupThreads(1)
    public int twoProducersReceive(Received received) {
        return consume(received);
    }

    /**
     * Returns the last message taken, so that no JIT can prove the handlers' writes useless.
     *
     * @return the message, or null before the first
     */
    Message last() {
        return last;
    }
}
