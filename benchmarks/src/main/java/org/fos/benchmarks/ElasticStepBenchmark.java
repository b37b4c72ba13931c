package org.fos.benchmarks;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.fos.benchmarks.burn.Burn;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The time from a load step to the member it adds serving (row 15, issue 15), in the shipped runtime:
 * a node of the distribution in this JVM ({@link BurnNode}) runs the elastic workload fleet
 * {@value Burn#ELASTIC} (1 to 3 members, growing when more than 2 calls a member have waited for
 * {@code periodMillis=500}). Each trial (one single-shot invocation) starts from one member at idle
 * (the setup waits until the fleet has shrunk back and no member is leaving); the step is
 * {@value #CLIENTS} client threads, waiting at a gate, starting to call {@link Burn#burnBy}
 * synchronously ({@value FleetScalingBenchmark#ROUNDS} rounds of CPU work a call, which one member
 * cannot keep up with); the time ends when a client gets the first reply from a member that did not
 * serve before the step. The load stops after each trial, outside the measured time; the tear-down then
 * prints the trial's time beside the runtime's changes of the fleet since the step (its {@code Elasticity}
 * events), which tell the wait for the rule apart from the new member's start.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar ElasticStepBenchmark -f 1 -wi 1 -i 5</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 8)
@Fork(2)
public class ElasticStepBenchmark {

    /** Client threads of the step. */
    static final int CLIENTS = 6;
    /** How long a trial may take before it fails, in seconds. */
    private static final long TRIAL_SECONDS = 60;

    private BurnNode node;
    private Object proxy;
    private Method burnBy;
    private Step step;

    /** Creates the benchmark state; JMH calls it. */
    public ElasticStepBenchmark() {
    }

    /**
     * Starts the node (no fleet pinned) and waits until the elastic fleet serves.
     *
     * @throws Exception if the node does not start or the fleet does not serve
     */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
        node = new BurnNode(Map.of("pinnedFleets", new String[0]), Map.of());
        node.awaitServing(Burn.ELASTIC, 1);
        proxy = node.proxy(Burn.ELASTIC);
        burnBy = node.method("burnBy");
    }

    /** Waits until the fleet is back at one member with none leaving, and readies the step's clients at their gate. */
    @Setup(Level.Invocation)
    public void idle() {
        step = new Step(node.awaitOneMember(Burn.ELASTIC));
    }

    /**
     * One step: opens the gate and waits for the first call served by an added member.
     *
     * @return the added member's index
     * @throws InterruptedException if interrupted while waiting
     */
    @Benchmark
    public int stepToAddedMemberServing() throws InterruptedException {
        return step.run();
    }

    /**
     * Stops the step's clients.
     *
     * @throws InterruptedException if interrupted while they stop
     */
    @TearDown(Level.Invocation)
    public void stopLoad() throws InterruptedException {
        step.stop();
    }

    /** Stops the node. */
    @TearDown(Level.Trial)
    public void tearDown() {
        node.close();
    }

    /** The clients of one step, waiting at their gate until {@link #run}. */
    private final class Step {
        private final int before;
        private final CountDownLatch gate = new CountDownLatch(1);
        private final CountDownLatch added = new CountDownLatch(1);
        private final AtomicReference<Integer> addedIndex = new AtomicReference<>();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final List<Thread> clients = new ArrayList<>();
        private volatile boolean stopped;
        private long stepMillis;
        private long stepNanos;
        private long servedNanos;

        /**
         * Starts the clients, each waiting at the gate.
         *
         * @param before the index of the member that serves before the step
         */
        Step(int before) {
            this.before = before;
            for (int i = 0; i < CLIENTS; i++) {
                long seed = i * 1_000_003L + 1;
                Thread t = new Thread(() -> load(seed), "step client " + i);
                t.setDaemon(true);
                t.start();
                clients.add(t);
            }
        }

        private void load(long first) {
            try {
                gate.await();
                for (long seed = first; !stopped; seed++) {
                    String by = (String) burnBy.invoke(proxy, seed, FleetScalingBenchmark.ROUNDS);
                    int index = Integer.parseInt(by.substring(by.lastIndexOf('#') + 1));
                    if (index != before && addedIndex.compareAndSet(null, index)) {
                        added.countDown();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (InvocationTargetException e) {
                fail(e.getCause());
            } catch (ReflectiveOperationException | RuntimeException e) {
                fail(e);
            }
        }

        private void fail(Throwable e) {
            failure.compareAndSet(null, e);
            added.countDown();
        }

        /**
         * Opens the gate and waits until a client got a reply from a member added since.
         *
         * @return the added member's index
         * @throws InterruptedException if interrupted while waiting
         * @throws IllegalStateException if no added member served in time or a call failed
         */
        int run() throws InterruptedException {
            stepMillis = System.currentTimeMillis();
            stepNanos = System.nanoTime();
            gate.countDown();
            if (!added.await(TRIAL_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException("no member was added and served within " + TRIAL_SECONDS + " s of the step: "
                        + node.elastic(Burn.ELASTIC));
            }
            servedNanos = System.nanoTime();
            if (failure.get() != null) {
                throw new IllegalStateException("a call of the step failed", failure.get());
            }
            return addedIndex.get();
        }

        /**
         * Stops the clients after their calls in flight.
         *
         * @throws InterruptedException if interrupted while waiting for them
         * @throws IllegalStateException if a client does not stop in time
         */
        void stop() throws InterruptedException {
            stopped = true;
            gate.countDown();
            for (Thread t : clients) {
                t.join(TimeUnit.SECONDS.toMillis(TRIAL_SECONDS));
                if (t.isAlive()) {
                    throw new IllegalStateException(t.getName() + " did not stop: a call hangs");
                }
            }
            if (addedIndex.get() != null) {
                System.out.println("step: member #" + addedIndex.get() + " served its first call "
                        + TimeUnit.NANOSECONDS.toMillis(servedNanos - stepNanos) + " ms after the step; the runtime's changes since: "
                        + node.changesSince(Burn.ELASTIC, stepMillis));
            }
        }
    }
}
