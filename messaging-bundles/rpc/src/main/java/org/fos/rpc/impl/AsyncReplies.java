package org.fos.rpc.impl;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import org.fos.kernel.api.Capability;
import org.fos.kernel.api.KernelException;
import org.fos.kernel.api.Mailbox;
import org.fos.kernel.api.Message;
import org.fos.kernel.api.Status;
import org.fos.rpc.api.CallOptions;
import org.fos.rpc.api.FleetException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reply mailbox for asynchronous calls of one client bundle, and the thread that completes their
 * futures. Futures complete on that thread, or, for calls made with {@link CallOptions#directReplies()},
 * on the thread that delivers the reply: dependent stages run there and must not block.
 *
 * <p><b>Timeouts.</b> A call records its deadline; it schedules nothing. While calls wait, a sweep on
 * libfos's timer runs every {@value #SWEEP_MILLIS} ms and fails the calls whose deadline passed, so a
 * timeout fires at most that much late; every {@value #GONE_CHECK_SWEEPS}th sweep also looks for calls
 * whose member left. A sweep that finds no call waiting {@value #IDLE_SWEEPS} times in a row stops, and
 * the next call starts it again. So a call costs no lock operation on the timer's queue (one to schedule
 * its timeout and one to remove it, before), and an idle client bundle wakes no thread.
 */
final class AsyncReplies implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(AsyncReplies.class);
    /** How often the sweep looks for calls past their deadline, in milliseconds. */
    static final long SWEEP_MILLIS = 10;
    /** Every how many sweeps the sweep also looks for calls whose member left (100 ms). */
    static final int GONE_CHECK_SWEEPS = 10;
    /** After how many sweeps in a row that found no call waiting the sweep stops (1 s). */
    static final int IDLE_SWEEPS = 100;

    /** A call waiting for its reply, and where it went (volatile: the sending thread sets it after the fact). */
    static final class Pending {
        /** The call's correlation id, which its reply carries. */
        final long correlation;
        final MethodModel method;
        final CompletableFuture<Object> future;
        /** When the call times out, on {@link System#nanoTime()}'s scale. */
        final long deadline;
        /** The proxy that made the call: its options, and the target named when it fails. */
        final ProxyHandler handler;
        volatile List<Object> args;
        volatile Wire.Request request;
        volatile Capability target;
        volatile int resends;
        /** An attempt went to a member that left: it may have run there. */
        volatile boolean mayHaveRun;

        Pending(long correlation, MethodModel method, CompletableFuture<Object> future, ProxyHandler handler) {
            this.correlation = correlation;
            this.method = method;
            this.future = future;
            this.handler = handler;
            this.deadline = System.nanoTime() + handler.options.timeout().toNanos();
        }

        MethodModel method() {
            return method;
        }

        CompletableFuture<Object> future() {
            return future;
        }

        /** Whether its reply completes the future on the thread that delivers it ({@link CallOptions#directReplies()}). */
        boolean direct() {
            return handler.options.directReplies();
        }
    }

    final Mailbox mailbox;
    final Capability replyTo;
    private final ConcurrentHashMap<Long, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicLong nextCorrelation = new AtomicLong(1);
    private final ScheduledExecutorService timer;
    private final LongAdder staleReplies;
    private final Thread thread;
    private volatile boolean running = true;

    private final LibfosImpl libfos;
    /** Whether the sweep runs (or is about to); a call reads it, and starts the sweep only if not. */
    private volatile boolean sweeping;
    /** The sweep's task while it runs; guarded by this. */
    private ScheduledFuture<?> sweep;
    /** Sweeps since the sweep started, and sweeps in a row that found no call; on the timer's thread only. */
    private long sweeps;
    private int idleSweeps;
    private long sweepFailures;

    AsyncReplies(Mailbox mailbox, Capability replyTo, ScheduledExecutorService timer, LongAdder staleReplies, String owner,
            LibfosImpl libfos) {
        this.mailbox = mailbox;
        this.replyTo = replyTo;
        this.timer = timer;
        this.staleReplies = staleReplies;
        this.libfos = libfos;
        this.thread = new Thread(this, "fos-libfos-replies-" + owner);
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Records what a call sends, before it is sent, so that it can be sent again (its reply may come first);
     * until then the call is not sent again.
     */
    static void sending(Pending p, List<Object> args, Wire.Request request) {
        p.args = args;
        p.request = request; // last: whoever sees it sees the arguments
    }

    /**
     * Records where a call's first attempt went, so that it can be sent again if that member goes away;
     * unless a notice that it was not delivered already sent it elsewhere.
     */
    static void sentTo(Pending p, Capability target) {
        synchronized (p) {
            if (p.target == null) {
                p.target = target;
            }
        }
    }

    /** Calls whose member left its name: sent again if retryable (the same request id), else failed with a clear error. */
    private void checkGone() {
        for (Map.Entry<Long, Pending> e : pending.entrySet()) {
            Pending p = e.getValue();
            ProxyHandler h = p.handler;
            Capability target = p.target;
            if (p.request == null || target == null || !libfos.gone(h, target)) {
                continue;
            }
            if (p.method.retryable && p.resends < 4) {
                p.resends++;
                p.mayHaveRun = true;
                try {
                    p.target = libfos.send(h, p.method, p.args, p.request, System.nanoTime() + h.options.timeout().toNanos());
                    continue;
                } catch (RuntimeException ex) {
                    if (pending.remove(e.getKey()) != null) {
                        p.future.completeExceptionally(ex);
                    }
                    continue;
                }
            }
            if (pending.remove(e.getKey()) != null) {
                p.future.completeExceptionally(libfos.memberGone(h, p.method, target));
            }
        }
    }

    /**
     * Registers a call of a proxy before its request is sent; the future fails once the proxy's timeout
     * passed (within {@value #SWEEP_MILLIS} ms). With the proxy's direct replies, its reply completes the
     * future on the thread that delivers it ({@link #takeDirect}).
     */
    Pending expect(MethodModel method, CompletableFuture<Object> future, ProxyHandler handler) {
        long correlation = nextCorrelation.getAndIncrement();
        Pending p = new Pending(correlation, method, future, handler);
        pending.put(correlation, p);
        if (!sweeping) {
            startSweep();
        }
        return p;
    }

    /** Whether the sweep of deadlines runs: while calls wait, and for a while after. */
    boolean sweeping() {
        return sweeping;
    }

    /** Forgets a call whose request could not be sent. */
    void cancel(Pending p) {
        pending.remove(p.correlation, p);
    }

    /**
     * Starts the sweep unless it runs. A call puts itself in {@link #pending} before it reads
     * {@link #sweeping}, and a stopping sweep clears {@code sweeping} before it looks at {@code pending}
     * once more, so no call is left without a sweep.
     */
    private synchronized void startSweep() {
        if (sweep != null || !running) {
            sweeping = sweep != null;
            return;
        }
        sweeping = true;
        idleSweeps = 0;
        try {
            sweep = timer.scheduleWithFixedDelay(this::sweep, SWEEP_MILLIS, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopped) {
            sweeping = false; // libfos is stopping: failAll fails what waits
        }
    }

    /**
     * On the timer: fails the calls past their deadline, looks for members gone now and then, stops when
     * idle. Never throws: the timer would not run it again, and no call of this bundle would time out.
     */
    private void sweep() {
        try {
            sweepOnce();
        } catch (RuntimeException | Error e) {
            long n = ++sweepFailures;
            if (Long.bitCount(n) == 1) { // the 1st, 2nd, 4th, 8th, ... failure: a failure that lasts floods no log
                LOG.error("libfos: the sweep of the asynchronous calls' deadlines failed (failure {}); it runs again", n, e);
            }
        }
    }

    private void sweepOnce() {
        long now = System.nanoTime();
        for (Map.Entry<Long, Pending> e : pending.entrySet()) {
            Pending p = e.getValue();
            if (now - p.deadline >= 0 && pending.remove(e.getKey(), p)) {
                ProxyHandler h = p.handler;
                p.future.completeExceptionally(new FleetException(Status.TIMEOUT, "no reply from " + h.target() + " to "
                        + p.method + " within " + h.options.timeout().toMillis() + " ms" + Replies.MAY_HAVE_RUN, null));
            }
        }
        if (++sweeps % GONE_CHECK_SWEEPS == 0) {
            checkGone();
        }
        if (!pending.isEmpty()) {
            idleSweeps = 0;
            return;
        }
        if (++idleSweeps < IDLE_SWEEPS) {
            return;
        }
        synchronized (this) {
            sweeping = false;
            if (pending.isEmpty()) {
                sweep.cancel(false);
                sweep = null;
            } else {
                sweeping = true; // a call came in between: sweep on
                idleSweeps = 0;
            }
        }
    }

    @Override
    public void run() {
        try {
            while (running) {
                mailbox.drain(this::complete, 256, 100, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (KernelException closed) {
            // the mailbox was closed: the client bundle is stopping
        } finally {
            failAll();
        }
    }

    private void complete(Message reply) {
        if (Message.UNDELIVERED.equals(reply.type())) {
            Pending waiting = pending.get(reply.correlationId());
            if (waiting != null) {
                FleetException notDelivered = Replies.undelivered(waiting.method(), reply, waiting.target, waiting.mayHaveRun);
                if (notDelivered == null) {
                    return; // the notice of an earlier attempt: the call waits on for the reply to its latest
                }
                Throwable failure = notDelivered;
                ProxyHandler h = waiting.handler;
                if (waiting.request != null) { // sent, with what to send again
                    try {
                        Capability other = libfos.resendUndelivered(h, waiting.method, waiting.args, waiting.request,
                                System.nanoTime() + h.options.timeout().toNanos(), waiting.target, waiting.mayHaveRun, waiting.resends);
                        if (other != null) {
                            waiting.resends++;
                            synchronized (waiting) {
                                waiting.target = other;
                            }
                            return;
                        }
                    } catch (RuntimeException notSent) {
                        failure = notSent;
                    }
                }
                if (pending.remove(reply.correlationId(), waiting)) {
                    waiting.future().completeExceptionally(failure);
                }
                return;
            }
        }
        Pending p = pending.remove(reply.correlationId());
        if (p == null) {
            staleReplies.increment();
            return;
        }
        finish(p, reply);
    }

    /**
     * Takes a reply on the thread that delivers it (the mailbox's {@link org.fos.kernel.api.DirectDelivery}):
     * the reply of a call made with {@link CallOptions#directReplies()} completes its future here and now.
     * Everything else goes to the reply thread: replies of other calls, notices that a request was not
     * delivered (which may send it again), and replies no call waits for any more.
     *
     * @param reply the message delivered
     * @return whether it was taken
     */
    boolean takeDirect(Message reply) {
        if (Message.UNDELIVERED.equals(reply.type())) {
            return false;
        }
        Long correlation = reply.correlationId();
        Pending p = pending.get(correlation);
        if (p == null || !p.direct() || !pending.remove(correlation, p)) {
            return false;
        }
        finish(p, reply);
        return true;
    }

    private static void finish(Pending p, Message reply) {
        try {
            p.future().complete(Replies.valueOf(p.method(), reply));
        } catch (Throwable t) {
            p.future().completeExceptionally(t);
        }
    }

    private void failAll() {
        for (Long c : pending.keySet()) {
            Pending p = pending.remove(c);
            if (p != null) {
                p.future().completeExceptionally(new FleetException(Status.CLOSED, "libfos stopped before the reply to "
                        + p.method() + " arrived", null));
            }
        }
    }

    void close() throws InterruptedException {
        running = false;
        synchronized (this) {
            if (sweep != null) {
                sweep.cancel(false);
                sweep = null;
            }
        }
        mailbox.close();
        thread.join(5_000);
    }
}
