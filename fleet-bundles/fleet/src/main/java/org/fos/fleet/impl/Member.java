package org.fos.fleet.impl;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import org.fos.fleet.api.MemberInfo;
import org.fos.kernel.api.KernelException;
import org.fos.kernel.api.Mailbox;
import org.fos.kernel.api.Message;
import org.fos.rpc.api.Dispatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One member of a fleet: its mailbox and the thread that runs its loop (receive, dispatch, reply),
 * for the member's whole life, whichever implementation is bound.
 *
 * <p>Pausing is exact: {@link #pause} returns once no dispatch is running and none will start, and
 * a message that the loop had already taken when the pause came is kept and dispatched first on
 * {@link #resume}. Nothing taken from the mailbox is ever dropped.
 */
final class Member implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Member.class);

    final int index;
    final Mailbox mailbox;
    private final String fleet;
    private final int batch;
    private final ReentrantLock dispatching = new ReentrantLock();
    private final Thread thread;
    private volatile Dispatcher active;
    private volatile boolean running = true;
    /** A message taken just before a pause, dispatched first after it; only the loop touches it. */
    private Message held;
    private volatile long served;
    private volatile long failed;
    /** The dispatcher last resumed with, and what the ones before it dropped for their deadline. */
    private volatile Dispatcher last;
    private volatile long expiredBefore;
    /** Nanoseconds spent dispatching, summed over batches (one clock read a batch, not a message). */
    private volatile long busyNanos;
    /** The member's name entry, and whether it is the leaving one; the controller sets both under its lock. */
    org.fos.kernel.api.Registration registration;
    boolean draining;
    /** The core the runtime wants this member on (-1: anywhere), what the loop last applied, and its outcome. */
    private volatile int wantedCore = -1;
    private int appliedCore = -1;
    private volatile Cores.Applied applied;
    private final int cores = Runtime.getRuntime().availableProcessors();

    Member(String fleet, int index, Mailbox mailbox, int batch) {
        this.fleet = fleet;
        this.index = index;
        this.mailbox = mailbox;
        this.batch = batch;
        this.thread = new Thread(this, "fos-member " + fleet + "#" + index);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    @Override
    public void run() {
        while (running) {
            int core = wantedCore;
            if (core != appliedCore) {
                applied = Cores.bindCurrentThread(core, cores);
                appliedCore = core;
            }
            if (active == null) {
                LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(50));
                continue;
            }
            Message first = held;
            try {
                if (first == null) {
                    first = mailbox.receive(50, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        continue;
                    }
                }
            } catch (InterruptedException e) {
                continue;
            } catch (KernelException closed) {
                break;
            }
            dispatching.lock();
            try {
                Dispatcher d = active;
                if (d == null) {
                    held = first;
                    continue;
                }
                held = null;
                long start = System.nanoTime();
                dispatch(d, first);
                mailbox.drain(m -> dispatch(d, m), batch);
                busyNanos += System.nanoTime() - start;
            } catch (KernelException closed) {
                break;
            } finally {
                dispatching.unlock();
            }
        }
    }

    private void dispatch(Dispatcher d, Message m) {
        try {
            d.dispatch(m);
        } catch (RuntimeException e) {
            failed++;
            LOG.error("dispatcher of {}#{} threw on {}", fleet, index, m.type(), e);
        }
        served++;
    }

    /** Stops dispatching; returns when no dispatch runs. */
    void pause() {
        active = null;
        dispatching.lock();
        dispatching.unlock();
    }

    /** Dispatches to {@code dispatcher} from the first message not yet dispatched. */
    synchronized void resume(Dispatcher dispatcher) {
        Dispatcher previous = last;
        if (previous != null && previous != dispatcher) {
            expiredBefore += previous.expired();
        }
        last = dispatcher;
        active = dispatcher;
        LockSupport.unpark(thread);
    }

    boolean isPaused() {
        return active == null;
    }

    /** Messages waiting, including one held across a pause. */
    int depth() {
        return mailbox.isClosed() ? 0 : mailbox.depth() + (held != null ? 1 : 0);
    }

    /** Places this member's thread on a core (-1: anywhere); its loop binds itself before its next receive. */
    void pin(int core) {
        if (wantedCore != core) {
            wantedCore = core;
            LockSupport.unpark(thread);
        }
    }

    /** The core the runtime placed this member on (-1: anywhere). */
    int wantedCore() {
        return wantedCore;
    }

    /** What binding the member's thread came to, or null if it was never placed. */
    Cores.Applied applied() {
        return applied;
    }

    /** Nanoseconds this member has spent dispatching. */
    long busyNanos() {
        return busyNanos;
    }

    void stop() throws InterruptedException {
        running = false;
        active = null;
        LockSupport.unpark(thread);
        thread.interrupt();
        thread.join(10_000);
        mailbox.close();
    }

    MemberInfo info() {
        Dispatcher d = last;
        return new MemberInfo(index, mailbox.address(), depth(), served, failed, expiredBefore + (d == null ? 0 : d.expired()));
    }
}
