package org.fos.kernel.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.fos.kernel.impl.CoreBudget.Admission;
import org.junit.jupiter.api.Test;

/**
 * The detection of oversubscribed cores, with the core count and the clock injected: waiters spin
 * only while running receivers, spinning waiters and they fit in the cores, yield only while the
 * running receivers leave a core free, and park at once otherwise; the core count is read again
 * after a second; receivers that stayed away too long stop counting; and each receiver's own choice
 * to skip spinning, or to park at once while its waits time out.
 */
class CoreBudgetTest {
    /** Spin 1 us, park after 5 us, stretch to 100 us. */
    private static final IdleStrategy STRETCHING = new IdleStrategy(1_000, 5_000, 100_000);

    private final AtomicInteger cores = new AtomicInteger(2);
    private final AtomicLong clock = new AtomicLong(1_000);
    private final List<ReceiverIdle> receivers = new ArrayList<>();
    private final CoreBudget budget = new CoreBudget(cores::get, clock::get, audit -> receivers.forEach(audit));

    @Test
    void shouldAdmitSpinnersWhileTheyFitInTheCoresAndYieldersWhileACoreIsFree() {
        assertThat(budget.admit(true)).isEqualTo(Admission.SPIN);
        assertThat(budget.admit(true)).isEqualTo(Admission.SPIN);
        assertThat(budget.admit(true)).as("no core left to spin on").isEqualTo(Admission.YIELD);
        assertThat(budget.spinningCount()).isEqualTo(2);

        budget.stopSpinning();

        assertThat(budget.admit(true)).isEqualTo(Admission.SPIN);
        assertThat(budget.admit(false)).as("asks only to yield").isEqualTo(Admission.YIELD);
        assertThat(budget.spinningCount()).isEqualTo(2);
    }

    @Test
    void shouldParkAtOnceWhenRunningReceiversTakeTheCores() {
        budget.running();
        assertThat(budget.admit(true)).isEqualTo(Admission.SPIN);
        assertThat(budget.admit(true)).isEqualTo(Admission.YIELD);
        budget.stopSpinning();
        budget.running();

        assertThat(budget.admit(true)).isEqualTo(Admission.PARK);
        assertThat(budget.admit(false)).isEqualTo(Admission.PARK);
        assertThat(budget.spinningCount()).isZero();

        budget.notRunning();

        assertThat(budget.admit(true)).isEqualTo(Admission.SPIN);
    }

    @Test
    void shouldReadTheCoreCountAgainAfterASecond() {
        budget.running();
        budget.running();
        assertThat(budget.admit(true)).isEqualTo(Admission.PARK);

        cores.set(4);
        clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(999));
        assertThat(budget.admit(true)).as("read at most once a second").isEqualTo(Admission.PARK);

        clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(1));
        assertThat(budget.admit(true)).isEqualTo(Admission.SPIN);
        assertThat(budget.admit(true)).isEqualTo(Admission.SPIN);
        assertThat(budget.admit(true)).isEqualTo(Admission.YIELD);
        assertThat(budget.cores()).isEqualTo(4);
    }

    @Test
    void shouldCountAtLeastOneCoreWhateverTheRuntimeSays() {
        cores.set(0);
        clock.addAndGet(TimeUnit.SECONDS.toNanos(1));

        assertThat(budget.cores()).isEqualTo(1);
        assertThat(budget.admit(true)).isEqualTo(Admission.SPIN);
        assertThat(budget.admit(true)).isEqualTo(Admission.YIELD);
        budget.running();
        assertThat(budget.admit(true)).isEqualTo(Admission.PARK);
    }

    @Test
    void shouldStopCountingAReceiverThatStayedAwayLongerThanTheStaleTime() {
        ReceiverIdle away = ranOnceOnOneCore();

        clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(CoreBudget.STALE_MILLIS - 1));
        assertThat(budget.admit(true)).as("still counts as running").isEqualTo(Admission.PARK);

        clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(CoreBudget.STALE_MILLIS + 1));
        assertThat(budget.admit(true)).as("the next audit took it off").isEqualTo(Admission.SPIN);
        assertThat(budget.runningCount()).isZero();
        budget.stopSpinning();

        away.begin(IdleStrategy.DEFAULT);
        assertThat(budget.runningCount()).as("coming back does not take it off twice").isZero();
        assertThat(away.phase(IdleStrategy.DEFAULT.yieldNanos())).isEqualTo(2);
        away.end(true, IdleStrategy.DEFAULT.yieldNanos() + 1, clock.get(), false);
        assertThat(budget.runningCount()).isEqualTo(1);
    }

    @Test
    void shouldKeepTheSpinningPlaceOfAReceiverWhoseSpinningCaughtItsMessageWithoutTouchingTheCounts() {
        ReceiverIdle r = receiver();
        r.begin(IdleStrategy.DEFAULT);
        assertThat(r.phase(0)).isZero();
        r.end(true, 100, clock.get(), false);
        assertThat(budget.spinningCount()).as("kept while it handles the message").isEqualTo(1);
        assertThat(budget.runningCount()).isZero();

        r.begin(IdleStrategy.DEFAULT);

        assertThat(r.phase(0)).as("spins on the place it holds").isZero();
        assertThat(budget.spinningCount()).isEqualTo(1);
        assertThat(budget.admit(true)).as("the other core is still free").isEqualTo(Admission.SPIN);
        budget.stopSpinning();
        r.end(true, 100, clock.get(), false);
        assertThat(budget.spinningCount()).isEqualTo(1);
    }

    @Test
    void shouldGiveUpAHeldSpinningPlaceWhenTheCoresAreTaken() {
        ReceiverIdle r = caughtOneSpinning();
        budget.running();
        budget.running();

        r.begin(IdleStrategy.DEFAULT);

        assertThat(budget.spinningCount()).isZero();
        assertThat(r.phase(0)).as("two running receivers take both cores").isEqualTo(2);
        r.end(true, 100_000, clock.get(), false);
        assertThat(budget.runningCount()).isEqualTo(3);
        assertThat(budget.spinningCount()).isZero();
    }

    @Test
    void shouldGiveUpAHeldSpinningPlaceWhenTheWaitOutlastsTheSpinPhaseOrTheMailboxCloses() {
        ReceiverIdle r = caughtOneSpinning();
        r.begin(IdleStrategy.DEFAULT);
        assertThat(r.phase(IdleStrategy.DEFAULT.spinNanos())).isEqualTo(1);
        assertThat(budget.spinningCount()).isZero();
        r.end(true, IdleStrategy.DEFAULT.spinNanos() + 1, clock.get(), false);
        assertThat(budget.runningCount()).isEqualTo(1);

        ReceiverIdle s = caughtOneSpinning();
        assertThat(budget.spinningCount()).isEqualTo(1);
        s.uncount();
        s.uncount();
        assertThat(budget.spinningCount()).as("a close takes it off once").isZero();
        assertThat(budget.runningCount()).isEqualTo(1);
    }

    @Test
    void shouldAuditAHeldSpinningPlaceLeftLongerThanTheStaleTime() {
        caughtOneSpinningOnOneCore();

        clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(CoreBudget.STALE_MILLIS - 1));
        assertThat(budget.admit(true)).as("still held: no core to spin on").isEqualTo(Admission.YIELD);

        clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(CoreBudget.STALE_MILLIS + 1));
        assertThat(budget.admit(true)).as("the next audit took it off").isEqualTo(Admission.SPIN);
        assertThat(budget.spinningCount()).isEqualTo(1);
        assertThat(budget.runningCount()).isZero();
    }

    @Test
    void shouldNotAuditMoreOftenThanTheStaleTime() {
        ranOnceOnOneCore();
        clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(CoreBudget.STALE_MILLIS + 1));
        assertThat(budget.admit(true)).isEqualTo(Admission.SPIN);
        budget.stopSpinning();
        ReceiverIdle second = receiver();
        second.begin(IdleStrategy.DEFAULT);
        assertThat(second.phase(IdleStrategy.DEFAULT.yieldNanos())).isEqualTo(2);
        second.end(true, IdleStrategy.DEFAULT.yieldNanos() + 1,
                clock.get() - TimeUnit.MILLISECONDS.toNanos(CoreBudget.STALE_MILLIS + 1), false);

        assertThat(budget.admit(true)).as("no audit until the stale time has passed again").isEqualTo(Admission.PARK);
        assertThat(budget.runningCount()).isEqualTo(1);
    }

    @Test
    void shouldNotCountAReceiverWhoseMailboxClosedAsRunning() {
        ReceiverIdle r = receiver();
        r.begin(IdleStrategy.DEFAULT);
        r.end(false, 0, clock.get(), true);
        assertThat(budget.runningCount()).isZero();

        ReceiverIdle s = receiver();
        s.begin(IdleStrategy.DEFAULT);
        s.end(true, 0, clock.get(), false);
        s.uncount();
        s.uncount();
        assertThat(budget.runningCount()).isZero();
        assertThat(budget.spinningCount()).isZero();
    }

    @Test
    void shouldParkAtOnceAReceiverTheBudgetDoesNotAdmit() {
        budget.running();
        budget.running();
        ReceiverIdle r = receiver();

        r.begin(IdleStrategy.DEFAULT);

        assertThat(r.phase(0)).isEqualTo(2);
        r.end(true, 100, clock.get(), false);
        assertThat(budget.spinningCount()).isZero();
    }

    @Test
    void shouldSpinYieldAndParkByTheThresholdsAndStopCountingOnceItYields() {
        ReceiverIdle r = receiver();

        r.begin(new IdleStrategy(1_000, 5_000));

        assertThat(budget.spinningCount()).isEqualTo(1);
        assertThat(r.phase(0)).isZero();
        assertThat(r.phase(1_000)).isEqualTo(1);
        assertThat(budget.spinningCount()).isZero();
        assertThat(r.phase(5_000)).isEqualTo(2);
        assertThat(r.phase(1_000)).as("parked for the rest of the wait").isEqualTo(2);
        r.end(true, 6_000, clock.get(), false);
        assertThat(budget.spinningCount()).isZero();
    }

    @Test
    void shouldYieldWithoutSpinningWhenNoCoreIsLeftToSpinOn() {
        budget.running();
        ReceiverIdle spinner = receiver();
        spinner.begin(IdleStrategy.DEFAULT);
        ReceiverIdle r = receiver();

        r.begin(IdleStrategy.DEFAULT);

        assertThat(r.phase(0)).isEqualTo(1);
        assertThat(budget.spinningCount()).isEqualTo(1);
        spinner.end(true, 0, clock.get(), false);
        r.end(true, 0, clock.get(), false);
        assertThat(budget.spinningCount()).as("the spinner caught its message and keeps its place").isEqualTo(1);
        assertThat(budget.runningCount()).isEqualTo(2);
    }

    @Test
    void shouldNeverSpinOrYieldWithZeroThresholds() {
        ReceiverIdle r = receiver();

        r.begin(new IdleStrategy(0, 0));

        assertThat(budget.spinningCount()).isZero();
        assertThat(r.phase(0)).isEqualTo(2);
    }

    @Test
    void shouldSkipSpinningAfterWaitsOutlastTheSpinPhaseAndSpinAgainAfterAQuickMessage() {
        ReceiverIdle r = receiver();
        IdleStrategy thresholds = new IdleStrategy(1_000, 50_000);
        for (int i = 0; i < ReceiverIdle.MISSES_BEFORE_SKIP; i++) {
            r.begin(thresholds);
            assertThat(r.phase(0)).as("wait " + i + " still spins").isZero();
            r.end(true, 40_000, clock.get(), false);
        }
        assertThat(r.skipsSpin()).isTrue();

        r.begin(thresholds);
        assertThat(budget.spinningCount()).isZero();
        assertThat(r.phase(0)).as("yields at once").isEqualTo(1);
        r.end(true, 500, clock.get(), false);

        assertThat(r.skipsSpin()).isFalse();
        r.begin(thresholds);
        assertThat(r.phase(0)).isZero();
        r.end(true, 500, clock.get(), false);
    }

    @Test
    void shouldParkAtOnceAfterWaitsTimeOutAndSpinAgainOnceAMessageCame() {
        ReceiverIdle r = receiver();
        IdleStrategy thresholds = new IdleStrategy(1_000, 50_000);
        for (int i = 0; i < ReceiverIdle.EMPTY_WAITS_BEFORE_PARK; i++) {
            r.begin(thresholds);
            assertThat(r.phase(0)).as("wait " + i + " still spins").isZero();
            r.end(false, 60_000, clock.get(), false);
        }
        assertThat(r.parksAtOnce()).isTrue();

        r.begin(thresholds);
        assertThat(budget.spinningCount()).isZero();
        assertThat(r.phase(0)).as("idle: parks at once").isEqualTo(2);
        r.end(false, 50_000_000, clock.get(), false);
        assertThat(r.parksAtOnce()).isTrue();

        r.begin(thresholds);
        assertThat(r.phase(0)).isEqualTo(2);
        r.end(true, 3_000_000, clock.get(), false);
        assertThat(r.parksAtOnce()).as("a message came").isFalse();
        r.begin(thresholds);
        assertThat(r.phase(0)).as("spins again").isZero();
        r.end(true, 500, clock.get(), false);
    }

    @Test
    void shouldNotCountWaitsThatEndWithNothingWithinTheYieldPhase() {
        ReceiverIdle r = receiver();
        IdleStrategy thresholds = new IdleStrategy(1_000, 50_000);
        for (int i = 0; i < 2 * ReceiverIdle.EMPTY_WAITS_BEFORE_PARK; i++) {
            r.begin(thresholds);
            r.end(false, 20_000, clock.get(), false);
        }
        assertThat(r.parksAtOnce()).as("short timeouts are looks, not idleness").isFalse();
        r.begin(thresholds);
        assertThat(r.phase(0)).isZero();
        r.end(true, 500, clock.get(), false);
    }

    @Test
    void shouldSpinUpToTheStretchOnceItReadsItsOwnMessagesThatComeSoon() {
        ReceiverIdle r = receiver();
        r.begin(STRETCHING);
        assertThat(r.phase(1_000)).as("no stretch before it read a message itself").isEqualTo(1);
        r.end(true, 30_000, clock.get(), false, true);

        r.begin(STRETCHING);

        assertThat(r.phase(99_000)).as("still spinning within the stretch").isZero();
        assertThat(budget.spinningCount()).isEqualTo(1);
        assertThat(r.phase(100_000)).as("parks once the stretch is over").isEqualTo(2);
        assertThat(budget.spinningCount()).isZero();
        r.end(true, 100_000, clock.get(), false);
    }

    @Test
    void shouldNotStretchWhenATransportsReaderDeliversItsMessages() {
        ReceiverIdle r = receiver();
        r.begin(STRETCHING);
        r.end(true, 30_000, clock.get(), false, true);
        for (int i = 0; i < ReceiverIdle.STRETCH_AFTER_READ; i++) {
            r.begin(STRETCHING);
            assertThat(r.phase(50_000)).as("wait " + i + " still stretches").isZero();
            r.end(true, 4_000, clock.get(), false, false);
        }

        r.begin(STRETCHING);

        assertThat(r.phase(1_000)).as("after " + ReceiverIdle.STRETCH_AFTER_READ + " messages others read, no stretch").isEqualTo(1);
        assertThat(r.phase(5_000)).isEqualTo(2);
        r.end(true, 6_000, clock.get(), false, false);
    }

    @Test
    void shouldStopStretchingWhenItsMessagesComeLaterThanFourStretches() {
        ReceiverIdle r = receiver();
        for (int i = 0; i < 20; i++) {
            r.begin(STRETCHING);
            r.end(true, 10_000_000, clock.get(), false, true);
        }

        r.begin(STRETCHING);

        assertThat(r.phase(1_000)).as("messages 10 ms apart: spinning would not catch them").isEqualTo(1);
        r.end(true, 10_000_000, clock.get(), false, true);
    }

    @Test
    void shouldNeverStretchWhenTheThresholdsParkAtOnce() {
        ReceiverIdle r = receiver();
        IdleStrategy thresholds = new IdleStrategy(0, 0, 100_000);
        r.begin(thresholds);
        r.end(true, 1_000, clock.get(), false, true);

        r.begin(thresholds);

        assertThat(r.phase(0)).isEqualTo(2);
        assertThat(budget.spinningCount()).isZero();
    }

    @Test
    void shouldRefuseAStretchOutsideItsRange() {
        assertThatThrownBy(() -> new IdleStrategy(1_000, 5_000, -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("idleStretchNanos");
        assertThatThrownBy(() -> new IdleStrategy(1_000, 5_000, IdleStrategy.MAX_STRETCH_NANOS + 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("idleStretchNanos");
    }

    /** One core (read again), and a receiver that has waited once, was woken, and now runs. */
    private ReceiverIdle ranOnceOnOneCore() {
        cores.set(1);
        clock.addAndGet(TimeUnit.SECONDS.toNanos(1));
        ReceiverIdle r = receiver();
        r.begin(IdleStrategy.DEFAULT);
        assertThat(r.phase(0)).isZero();
        assertThat(r.phase(IdleStrategy.DEFAULT.yieldNanos())).isEqualTo(2);
        r.end(true, IdleStrategy.DEFAULT.yieldNanos() + 1, clock.get(), false);
        assertThat(budget.runningCount()).isEqualTo(1);
        assertThat(budget.spinningCount()).isZero();
        return r;
    }

    /** One core (read again), and a receiver whose spinning caught its message: it holds its spinning place. */
    private ReceiverIdle caughtOneSpinningOnOneCore() {
        cores.set(1);
        clock.addAndGet(TimeUnit.SECONDS.toNanos(1));
        ReceiverIdle r = caughtOneSpinning();
        assertThat(budget.runningCount()).isZero();
        return r;
    }

    /** A receiver that has waited once, admitted to spin, and whose spinning caught its message. */
    private ReceiverIdle caughtOneSpinning() {
        ReceiverIdle r = receiver();
        r.begin(IdleStrategy.DEFAULT);
        assertThat(r.phase(0)).isZero();
        r.end(true, 100, clock.get(), false);
        assertThat(budget.spinningCount()).as("holds its spinning place").isPositive();
        return r;
    }

    private ReceiverIdle receiver() {
        ReceiverIdle r = new ReceiverIdle(budget);
        receivers.add(r);
        return r;
    }
}
