package org.fos.rpc.impl;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
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

/**
 * The reply mailbox for asynchronous calls of one client bundle, and the thread that completes their
 * futures. Futures complete on that thread, or, for calls made with {@link CallOptions#directReplies()},
 * on the thread that delivers the reply: dependent stages run there and must not block.
 */
final class AsyncReplies implements Runnable {
    /** A call waiting for its reply, and where it went (volatile: the sending thread sets it after the fact). */
    private static final class Pending {
        final MethodModel method;
        final CompletableFuture<Object> future;
        final ScheduledFuture<?> timeout;
        volatile ProxyHandler handler;
        volatile List<Object> args;
        volatile Wire.Request request;
        volatile Capability target;
        volatile int resends;
        /** An attempt went to a member that left: it may have run there. */
        volatile boolean mayHaveRun;
        /** Whether its reply completes the future on the thread that delivers it ({@link CallOptions#directReplies()}). */
        final boolean direct;

        Pending(MethodModel method, CompletableFuture<Object> future, ScheduledFuture<?> timeout, boolean direct) {
            this.method = method;
            this.future = future;
            this.timeout = timeout;
            this.direct = direct;
        }

        MethodModel method() {
            return method;
        }

        CompletableFuture<Object> future() {
            return future;
        }

        ScheduledFuture<?> timeout() {
            return timeout;
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
    private final ScheduledFuture<?> goneCheck;

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
        this.goneCheck = timer.scheduleWithFixedDelay(this::checkGone, 100, 100, TimeUnit.MILLISECONDS);
    }

    /** Records what a call sends, before it is sent, so that it can be sent again (its reply may come first). */
    void sending(long correlation, ProxyHandler handler, List<Object> args, Wire.Request request) {
        Pending p = pending.get(correlation);
        if (p != null) {
            p.args = args;
            p.request = request;
            p.handler = handler;
        }
    }

    /**
     * Records where a call's first attempt went, so that it can be sent again if that member goes away;
     * unless a notice that it was not delivered already sent it elsewhere.
     */
    void sentTo(long correlation, Capability target) {
        Pending p = pending.get(correlation);
        if (p != null) {
            synchronized (p) {
                if (p.target == null) {
                    p.target = target;
                }
            }
        }
    }

    /** Calls whose member left its name: sent again if retryable (the same request id), else failed with a clear error. */
    private void checkGone() {
        for (Map.Entry<Long, Pending> e : pending.entrySet()) {
            Pending p = e.getValue();
            ProxyHandler h = p.handler;
            Capability target = p.target;
            if (h == null || target == null || !libfos.gone(h, target)) {
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
                        p.timeout.cancel(false);
                        p.future.completeExceptionally(ex);
                    }
                    continue;
                }
            }
            if (pending.remove(e.getKey()) != null) {
                p.timeout.cancel(false);
                p.future.completeExceptionally(libfos.memberGone(h, p.method, target));
            }
        }
    }

    /**
     * Registers a call before its request is sent; the future fails after the timeout. With
     * {@code direct}, its reply completes the future on the thread that delivers it ({@link #takeDirect}).
     */
    long expect(MethodModel method, CompletableFuture<Object> future, Duration timeout, String target, boolean direct) {
        long correlation = nextCorrelation.getAndIncrement();
        ScheduledFuture<?> t = timer.schedule(() -> {
            if (pending.remove(correlation) != null) {
                future.completeExceptionally(new FleetException(Status.TIMEOUT, "no reply from " + target + " to " + method
                        + " within " + timeout.toMillis() + " ms" + Replies.MAY_HAVE_RUN, null));
            }
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
        pending.put(correlation, new Pending(method, future, t, direct));
        return correlation;
    }

    /** Forgets a call whose request could not be sent. */
    void cancel(long correlation) {
        Pending p = pending.remove(correlation);
        if (p != null) {
            p.timeout().cancel(false);
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
                if (h != null) {
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
                    waiting.timeout().cancel(false);
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
        Pending p = pending.get(reply.correlationId());
        if (p == null || !p.direct || !pending.remove(reply.correlationId(), p)) {
            return false;
        }
        finish(p, reply);
        return true;
    }

    private static void finish(Pending p, Message reply) {
        p.timeout().cancel(false);
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
                p.timeout().cancel(false);
                p.future().completeExceptionally(new FleetException(Status.CLOSED, "libfos stopped before the reply to "
                        + p.method() + " arrived", null));
            }
        }
    }

    void close() throws InterruptedException {
        goneCheck.cancel(false);
        running = false;
        mailbox.close();
        thread.join(5_000);
    }
}
