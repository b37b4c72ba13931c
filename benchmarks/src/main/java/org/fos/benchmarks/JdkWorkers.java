package org.fos.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntBinaryOperator;

/**
 * Row 11's baseline without fos: the same calls handed to plain JDK threads. Each worker has a
 * {@link LinkedBlockingQueue}; a client puts its call on the next worker's queue (round robin) and
 * parks until the worker has answered and unparked it. A worker polls its queue for
 * {@code spinNanos} before it blocks in {@link BlockingQueue#poll(long, TimeUnit)}, so that it
 * either parks at once (0) or catches the next call while it spins.
 */
final class JdkWorkers implements Adder, AutoCloseable {
    /** A call in flight: its arguments, its answer once {@link #done}, and the client to unpark. */
    private static final class Call {
        final int a;
        final int b;
        final Thread client = Thread.currentThread();
        int sum;
        volatile boolean done;

        Call(int a, int b) {
            this.a = a;
            this.b = b;
        }
    }

    private final List<BlockingQueue<Call>> queues = new ArrayList<>();
    private final List<EchoThread> threads = new ArrayList<>();
    private final AtomicInteger next = new AtomicInteger();

    /**
     * Starts the workers.
     *
     * @param workers how many
     * @param spinNanos how long a worker polls its empty queue before it blocks
     * @param work what a worker computes for a call
     */
    JdkWorkers(int workers, long spinNanos, IntBinaryOperator work) {
        for (int i = 0; i < workers; i++) {
            BlockingQueue<Call> queue = new LinkedBlockingQueue<>();
            queues.add(queue);
            threads.add(new EchoThread("jdk worker " + i, () -> {
                Call call = queue.poll();
                long until = System.nanoTime() + spinNanos;
                while (call == null && System.nanoTime() - until < 0) {
                    Thread.onSpinWait();
                    call = queue.poll();
                }
                if (call == null) {
                    call = queue.poll(100, TimeUnit.MILLISECONDS);
                    if (call == null) {
                        return;
                    }
                }
                call.sum = work.applyAsInt(call.a, call.b);
                call.done = true;
                LockSupport.unpark(call.client);
            }));
        }
    }

    @Override
    public int add(int a, int b) {
        Call call = new Call(a, b);
        queues.get(Math.floorMod(next.getAndIncrement(), queues.size())).add(call);
        while (!call.done) {
            LockSupport.park(this);
        }
        return call.sum;
    }

    @Override
    public void close() {
        threads.forEach(EchoThread::close);
    }
}
