package org.fos.kernel.impl;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How one mailbox's receiver waits: its own idle strategy, chosen afresh at every wait from two
 * things. Its own history: if its last {@value #MISSES_BEFORE_SKIP} waits outlasted the spin phase
 * (its messages come too late for spinning to catch them, as a caller's replies from a busy member
 * do), it skips spinning and starts with yielding; the first wait that ends within the spin phase
 * turns spinning back on; and if its messages typically come soon (within the strategy's
 * {@link IdleStrategy#stretchNanos() stretch}) and it reads them from a transport itself, it spins for
 * the stretch, so that a caller catches a reply from another node, or a member the next
 * request of a steady caller, without being woken; and if its last
 * {@value #EMPTY_WAITS_BEFORE_PARK} waits outlasted the yield phase and ended with nothing (they timed
 * out: it is idle, and wakes only to look again), it parks at once, until a wait ends with a message. The node's {@link CoreBudget}: it spins only if a core is free for it,
 * yields only if a core is left over by the running receivers, and parks at once otherwise. Within
 * those limits the kernel's thresholds ({@link IdleStrategy}) hold.
 *
 * <p>A receiver whose spinning caught its message keeps its place among the spinning waiters while it
 * handles the message, instead of moving to the running receivers: both take a core, and keeping the
 * place spares the two updates of counts that every other waiter of the node reads (and, at the next
 * wait, the two back), which would otherwise move between the cores with every message of a
 * ping-pong. At its next wait it spins on the place it holds if the counts still fit in the cores, and
 * gives it up otherwise. Held so, it counts against spinning, not against yielding: a waiter may yield
 * beside it.
 *
 * <p>{@link #begin}, {@link #phase} and {@link #end} are called by the receiving thread only (a
 * mailbox has one receiver at a time); {@link #uncount} and {@link #uncountIfAwaySince} by any
 * thread. How the receiver counts between its waits (running, holding a spinning place, or not at
 * all) is one atomic value, so the receiver and an audit or a close never both take it off its count.
 */
final class ReceiverIdle {
    /** Waits in a row that outlast the spin phase before a receiver stops spinning. */
    static final int MISSES_BEFORE_SKIP = 8;
    /**
     * Waits in a row that outlast the yield phase and end without a message (they time out) before a
     * receiver parks at once: an idle receiver that wakes only to look again (a fleet member's 50 ms
     * receive, a client's reply loop) no longer spins and yields at every look.
     */
    static final int EMPTY_WAITS_BEFORE_PARK = 2;
    /** Waits after the last one whose message the receiver read itself during which it still stretches. */
    static final int STRETCH_AFTER_READ = 64;
    /** Not counted between waits (waiting, away, or closed). */
    private static final long AWAY = Long.MIN_VALUE;
    /** The low bit of {@link #runningSince}: set while the receiver holds a spinning place, clear while it counts as running. */
    private static final long HOLDS_SPIN = 1L;

    private final CoreBudget budget;
    /**
     * When the receiver last left a wait, with {@link #HOLDS_SPIN} set if it kept its spinning place,
     * while it counts between waits; {@link #AWAY} otherwise.
     */
    private final AtomicLong runningSince = new AtomicLong(AWAY);
    private IdleStrategy strategy = IdleStrategy.DEFAULT;
    private CoreBudget.Admission admission = CoreBudget.Admission.PARK;
    private boolean spinning;
    private int misses;
    /** Waits in a row that outlasted the yield phase and ended without a message (capped). */
    private int emptyWaits;
    /** The typical wait that ended with a message (a moving average; 0 before the first). */
    private long recentNanos;
    /** Waits that ended with a message since the receiver last read one from a transport's memory itself (capped). */
    private int sinceReadItself = STRETCH_AFTER_READ;
    /** This wait's spin and yield thresholds, stretched or not. */
    private long spinFor;
    private long yieldFor;

    ReceiverIdle(CoreBudget budget) {
        this.budget = Objects.requireNonNull(budget, "budget");
    }

    /**
     * Starts a wait: the receiver stops counting as running and is admitted to spin, to yield or to
     * neither.
     *
     * @param thresholds the kernel's thresholds now
     */
    void begin(IdleStrategy thresholds) {
        long was = runningSince.getAndSet(AWAY);
        strategy = thresholds;
        spinFor = Math.max(thresholds.spinNanos(), stretch(thresholds));
        yieldFor = Math.max(thresholds.yieldNanos(), spinFor);
        boolean idle = parksAtOnce();
        boolean spin = spinFor > 0 && misses < MISSES_BEFORE_SKIP && thresholds.yieldNanos() > 0 && !idle;
        if (was != AWAY && (was & HOLDS_SPIN) != 0) {
            if (spin && budget.fits()) {
                admission = CoreBudget.Admission.SPIN;
                spinning = true;
                return;
            }
            budget.stopSpinning();
        } else if (was != AWAY) {
            budget.notRunning();
        }
        admission = thresholds.yieldNanos() > 0 && !idle ? budget.admit(spin) : CoreBudget.Admission.PARK;
        spinning = admission == CoreBudget.Admission.SPIN;
    }

    /**
     * How long this wait may spin because the receiver's messages come soon and it reads them itself:
     * the strategy's stretch. 0 if its typical wait is longer than four
     * stretches (spinning would seldom catch the message), if none of its last {@value #STRETCH_AFTER_READ} messages
     * was read by its own thread from a transport that reads memory ({@link MailboxTable#assist()}; spinning
     * beside a transport's reader only takes the core that reader needs, and a turn of a spin over a
     * transport that reads sockets is a system call, ADR 0136), or if the strategy does not stretch.
     * A caller whose replies over shared memory take 100 us then catches them spinning instead of
     * being woken, and it does not fall into parking for good when a reply is slow once.
     */
    private long stretch(IdleStrategy thresholds) {
        long max = thresholds.stretchNanos();
        if (max == 0 || thresholds.yieldNanos() == 0 || sinceReadItself >= STRETCH_AFTER_READ || recentNanos == 0
                || recentNanos > 4 * max) {
            return 0;
        }
        return max;
    }

    /**
     * The phase of the wait: 0 spin, 1 yield, 2 park. Once it has answered 2 it answers 2 for the
     * rest of the wait.
     *
     * @param waitedNanos how long the wait has lasted
     * @return the phase
     */
    int phase(long waitedNanos) {
        int p = admission == CoreBudget.Admission.PARK ? 2 : waitedNanos < spinFor ? 0 : waitedNanos < yieldFor ? 1 : 2;
        if (p == 0 && !spinning) {
            p = 1;
        }
        if (p > 0 && spinning) {
            spinning = false;
            budget.stopSpinning();
        }
        if (p == 2) {
            admission = CoreBudget.Admission.PARK;
        }
        return p;
    }

    /**
     * Ends a wait: the receiver counts as running again (unless its mailbox closed) and learns whether
     * spinning would have caught its message.
     *
     * @param found whether a message came
     * @param waitedNanos how long the wait lasted
     * @param now the clock when it ended
     * @param closed whether the mailbox is closed
     */
    void end(boolean found, long waitedNanos, long now, boolean closed) {
        end(found, waitedNanos, now, closed, false);
    }

    /**
     * Whether one of the receiver's last {@value #STRETCH_AFTER_READ} messages was read by its own thread
     * from a transport's memory: the condition, besides the timing, of a stretched spin.
     *
     * @return true if it read one itself lately
     */
    boolean readItselfLately() {
        return sinceReadItself < STRETCH_AFTER_READ;
    }

    /**
     * Ends a wait, as {@link #end(boolean, long, long, boolean)}, noting whether the receiver read its
     * message from a transport's memory itself.
     *
     * @param found whether a message came
     * @param waitedNanos how long the wait lasted
     * @param now the clock when it ended
     * @param closed whether the mailbox is closed
     * @param readItself whether the receiver's own thread read the message from a transport whose reads
     *        make no system calls ({@link org.fos.kernel.spi.Transport#assistMakesSystemCalls()})
     */
    void end(boolean found, long waitedNanos, long now, boolean closed, boolean readItself) {
        if (readItself) {
            sinceReadItself = 0;
        } else if (found && sinceReadItself < STRETCH_AFTER_READ) {
            sinceReadItself++;
        }
        boolean keepsPlace = spinning && found && waitedNanos < spinFor && !closed;
        if (spinning && !keepsPlace) {
            budget.stopSpinning();
        }
        spinning = false;
        if (found && waitedNanos < spinFor) {
            misses = 0;
        } else if (misses < MISSES_BEFORE_SKIP) {
            misses++;
        }
        if (found) {
            emptyWaits = 0;
        } else if (waitedNanos >= yieldFor && emptyWaits < EMPTY_WAITS_BEFORE_PARK) {
            emptyWaits++;
        }
        if (found) {
            // a long wait counts as at most eight stretches: a burst after a quiet spell is short again after a few messages
            long w = Math.min(waitedNanos, 8 * Math.max(strategy.stretchNanos(), strategy.spinNanos()));
            recentNanos = recentNanos == 0 ? Math.max(1, w) : Math.max(1, recentNanos + ((w - recentNanos) >> 2));
        }
        long since = keepsPlace ? now | HOLDS_SPIN : now & ~HOLDS_SPIN;
        long was = runningSince.getAndSet(since == AWAY ? since + 2 : since);
        if (was != AWAY) {
            release(was);
        }
        if (!keepsPlace) {
            budget.running();
        }
        if (closed) {
            uncount();
        }
    }

    /** The receiver stops counting between waits (it waits, or its mailbox closed). */
    void uncount() {
        long was = runningSince.getAndSet(AWAY);
        if (was != AWAY) {
            release(was);
        }
    }

    /** Takes a receiver that counted between waits as {@code since} says off its count. */
    private void release(long since) {
        if ((since & HOLDS_SPIN) != 0) {
            budget.stopSpinning();
        } else {
            budget.notRunning();
        }
    }

    /**
     * The receiver stops counting (as running, or holding a spinning place) if it has been away from
     * its mailbox since before {@code before}.
     *
     * @param before a clock value
     */
    void uncountIfAwaySince(long before) {
        long since = runningSince.get();
        if (since != AWAY && since - before < 0 && runningSince.compareAndSet(since, AWAY)) {
            release(since);
        }
    }

    /** Whether the receiver now skips spinning. */
    boolean skipsSpin() {
        return misses >= MISSES_BEFORE_SKIP;
    }

    /** Whether the receiver now parks at once, its last waits having timed out. */
    boolean parksAtOnce() {
        return emptyWaits >= EMPTY_WAITS_BEFORE_PARK;
    }
}
