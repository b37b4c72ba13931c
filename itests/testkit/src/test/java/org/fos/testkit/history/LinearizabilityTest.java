package org.fos.testkit.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.fos.testkit.history.History.Call;
import org.fos.testkit.history.Linearizability.KeyResult;
import org.fos.testkit.history.Linearizability.Verdict;
import org.junit.jupiter.api.Test;

/**
 * Known histories, each written as the interleaving of invocations and completions it describes
 * (one thread records them in that order, so the event order is the one written).
 */
class LinearizabilityTest {
    private final History h = new History();

    private Verdict verdict() {
        return Linearizability.registers().check(h.operations()).verdict();
    }

    private KeyResult first() {
        return Linearizability.registers().check(h.operations()).first();
    }

    @Test
    void shouldAcceptSequentialWritesAndReads() {
        h.write(0, "x", "1").ok();
        h.read(1, "x").okRead("1");
        h.write(0, "x", "2").ok();
        h.read(1, "x").okRead("2");
        h.delete(0, "x").ok();
        h.read(1, "x").okRead(null);
        assertEquals(Verdict.LINEARIZABLE, verdict());
    }

    @Test
    void shouldRejectAStaleRead() {
        h.write(0, "x", "1").ok();
        h.write(0, "x", "2").ok();
        h.read(1, "x").okRead("1");
        KeyResult r = first();
        assertEquals(Verdict.NOT_LINEARIZABLE, r.verdict());
        assertTrue(r.explanation().startsWith("key \"x\" is not linearizable: stale read: #3 p1 READ x OK = \"1\""), r.explanation());
        assertTrue(r.explanation().contains("although #2 p0 WRITE x \"2\" OK"), r.explanation());
        assertEquals(List.of(3L, 2L), r.involved().stream().map(Operation::id).toList());
    }

    @Test
    void shouldRejectALostAcknowledgedWrite() {
        h.write(0, "x", "1").ok();
        h.read(1, "x").okRead(null);
        assertEquals(Verdict.NOT_LINEARIZABLE, verdict());
        assertEquals(1, Anomalies.of(h.operations()).lostWrites());
    }

    @Test
    void shouldRejectAReadOfAValueNeverWritten() {
        h.write(0, "x", "1").ok();
        h.read(1, "x").okRead("7");
        KeyResult r = first();
        assertEquals(Verdict.NOT_LINEARIZABLE, r.verdict());
        assertTrue(r.explanation().contains("phantom: #2 p1 READ x OK = \"7\"") && r.explanation().contains("returned a value nothing wrote"),
                r.explanation());
        assertEquals(1, Anomalies.of(h.operations()).phantoms());
    }

    @Test
    void shouldRejectAWriteThatReappearsAfterBeingOverwritten() {
        h.write(0, "x", "1").ok();
        h.write(0, "x", "2").ok();
        h.read(1, "x").okRead("2");
        h.read(1, "x").okRead("1");
        assertEquals(Verdict.NOT_LINEARIZABLE, verdict());
        Anomalies a = Anomalies.of(h.operations());
        assertEquals(1, a.duplicates(), a.examples().toString());
    }

    @Test
    void shouldAcceptOverlappingOperationsInEitherOrder() {
        // w1 and w2 overlap each other and both reads; r1 sees 2, then r2 sees 1: w2, r1, w1, r2
        Call w1 = h.write(0, "x", "1");
        Call w2 = h.write(1, "x", "2");
        Call r1 = h.read(2, "x");
        r1.okRead("2");
        Call r2 = h.read(2, "x");
        w1.ok();
        w2.ok();
        r2.okRead("1");
        assertEquals(Verdict.LINEARIZABLE, verdict());
        assertTrue(Anomalies.of(h.operations()).none());
    }

    @Test
    void shouldRejectTheSameReadsOnceTheWritesCompletedFirst() {
        Call w1 = h.write(0, "x", "1");
        Call w2 = h.write(1, "x", "2");
        w1.ok();
        w2.ok();
        h.read(2, "x").okRead("2");
        h.read(2, "x").okRead("1");
        assertEquals(Verdict.NOT_LINEARIZABLE, verdict());
    }

    @Test
    void shouldAcceptAReadOfTheOldOrNewValueDuringAWrite() {
        h.write(0, "x", "1").ok();
        Call w = h.write(0, "x", "2");
        h.read(1, "x").okRead("2");
        h.read(2, "x").okRead("2");
        w.ok();
        assertEquals(Verdict.LINEARIZABLE, verdict());
        History old = new History();
        old.write(0, "x", "1").ok();
        Call w2 = old.write(0, "x", "2");
        old.read(1, "x").okRead("1");
        w2.ok();
        assertEquals(Verdict.LINEARIZABLE, Linearizability.registers().check(old.operations()).verdict());
    }

    @Test
    void shouldLetAnUnknownWriteExplainALaterRead() {
        h.write(0, "x", "1").ok();
        h.write(1, "x", "2").unknown("timeout");
        h.read(2, "x").okRead("2");
        assertEquals(Verdict.LINEARIZABLE, verdict());
    }

    @Test
    void shouldLetAnUnknownWriteTakeEffectLongAfterItTimedOut() {
        h.write(0, "x", "1").ok();
        h.write(1, "x", "2").unknown("timeout");
        h.read(2, "x").okRead("1");
        h.read(2, "x").okRead("1");
        h.read(2, "x").okRead("2"); // it took effect only now
        assertEquals(Verdict.LINEARIZABLE, verdict());
    }

    @Test
    void shouldLetAnUnknownWriteNeverTakeEffect() {
        h.write(0, "x", "1").ok();
        h.write(1, "x", "2").unknown("timeout");
        h.read(2, "x").okRead("1");
        assertEquals(Verdict.LINEARIZABLE, verdict());
        h.read(2, "x").okRead("1");
        assertEquals(Verdict.LINEARIZABLE, verdict());
    }

    @Test
    void shouldNotLetAnUnknownWriteTakeEffectTwice() {
        h.write(0, "x", "1").ok();
        h.write(1, "x", "2").unknown("timeout");
        h.read(2, "x").okRead("2");
        h.write(0, "x", "3").ok();
        h.read(2, "x").okRead("2");
        assertEquals(Verdict.NOT_LINEARIZABLE, verdict());
    }

    @Test
    void shouldNotLetAnUnknownWriteTakeEffectBeforeItWasInvoked() {
        h.write(0, "x", "1").ok();
        h.read(2, "x").okRead("2");
        h.write(1, "x", "2").unknown("timeout");
        assertEquals(Verdict.NOT_LINEARIZABLE, verdict());
    }

    @Test
    void shouldNotLetAnUnknownWriteExplainAValueItDidNotWrite() {
        h.write(0, "x", "1").ok();
        h.write(1, "x", "2").unknown("timeout");
        h.read(2, "x").okRead("3");
        assertEquals(Verdict.NOT_LINEARIZABLE, verdict());
        assertEquals(1, Anomalies.of(h.operations()).phantoms());
    }

    @Test
    void shouldNotLetAFailedWriteExplainARead() {
        h.write(0, "x", "1").ok();
        h.write(1, "x", "2").fail("refused");
        h.read(2, "x").okRead("2");
        assertEquals(Verdict.NOT_LINEARIZABLE, verdict());
        Anomalies a = Anomalies.of(h.operations());
        assertEquals(1, a.phantoms());
        assertTrue(a.examples().get(0).contains("only writes reported as failed"), a.examples().toString());
    }

    @Test
    void shouldTreatACallThatNeverCompletedAsUnknown() {
        h.write(0, "x", "1").ok();
        h.write(1, "x", "2"); // its client is still waiting
        h.read(2, "x").okRead("2");
        List<Operation> ops = h.operations();
        assertEquals(Operation.Outcome.UNKNOWN, ops.get(1).outcome());
        assertEquals(-1, ops.get(1).complete());
        assertEquals(Verdict.LINEARIZABLE, verdict());
    }

    @Test
    void shouldIgnoreReadsWithoutAResult() {
        h.write(0, "x", "1").ok();
        h.read(1, "x").unknown("timeout");
        h.read(1, "x").fail("refused");
        assertEquals(Verdict.LINEARIZABLE, verdict());
    }

    @Test
    void shouldModelCompareAndSet() {
        h.compareAndSet(0, "x", null, "1").okApplied(true);
        h.compareAndSet(1, "x", "1", "2").okApplied(true);
        h.compareAndSet(2, "x", "1", "3").okApplied(false);
        h.read(0, "x").okRead("2");
        assertEquals(Verdict.LINEARIZABLE, verdict());
        h.compareAndSet(2, "x", "2", "4").okApplied(false); // it held 2: it had to apply
        KeyResult r = first();
        assertEquals(Verdict.NOT_LINEARIZABLE, r.verdict());
        assertTrue(r.explanation().contains("did not apply, although the register held \"2\""), r.explanation());
    }

    @Test
    void shouldLetAnUnknownCompareAndSetApplyOrNot() {
        h.write(0, "x", "1").ok();
        h.compareAndSet(1, "x", "1", "2").unknown("timeout");
        h.read(2, "x").okRead("1");
        h.read(2, "x").okRead("2");
        assertEquals(Verdict.LINEARIZABLE, verdict());
        h.compareAndSet(1, "x", "9", "3").unknown("timeout"); // cannot apply: the register never holds 9
        h.read(2, "x").okRead("3");
        assertEquals(Verdict.NOT_LINEARIZABLE, verdict());
    }

    @Test
    void shouldCheckWhatADeleteReports() {
        h.write(0, "x", "1").ok();
        h.delete(1, "x").okApplied(true);
        h.read(2, "x").okRead(null);
        h.delete(1, "x").okApplied(false);
        assertEquals(Verdict.LINEARIZABLE, verdict());
        h.delete(1, "x").okApplied(true); // it was absent
        assertEquals(Verdict.NOT_LINEARIZABLE, verdict());
    }

    @Test
    void shouldCheckKeysIndependentlyAndReportTheFirstBadOne() {
        h.write(0, "a", "1").ok();
        h.write(0, "b", "1").ok();
        h.write(0, "b", "2").ok();
        h.read(1, "b").okRead("1");
        h.write(0, "c", "1").ok();
        h.read(1, "c").okRead(null);
        h.read(1, "a").okRead("1");
        Linearizability.Result result = Linearizability.registers().check(h.operations());
        assertEquals(Verdict.NOT_LINEARIZABLE, result.verdict());
        assertEquals(3, result.keys());
        assertEquals(2, result.nonLinearizableKeys());
        assertEquals("b", result.first().key());
        assertEquals("c", result.failures().get(1).key());
    }

    @Test
    void shouldExplainWhatNoSimpleAnomalyShowsWithTheLongestOrderFound() {
        // two concurrent writes, then one reader sees 1 and then 2: no order of the writes explains both
        Call w1 = h.write(0, "x", "1");
        Call w2 = h.write(1, "x", "2");
        w1.ok();
        w2.ok();
        h.read(2, "x").okRead("1");
        h.read(2, "x").okRead("2");
        assertTrue(Anomalies.of(h.operations()).none(), "no simple anomaly: the search must find it");
        KeyResult r = first();
        assertEquals(Verdict.NOT_LINEARIZABLE, r.verdict());
        assertTrue(r.explanation().contains("The longest order found explains 3 operations"), r.explanation());
        assertTrue(r.explanation().contains("after which the register holds \"1\""), r.explanation());
        assertTrue(r.explanation().contains("Then #4 p2 READ x OK = \"2\""), r.explanation());
        assertTrue(r.explanation().contains("but it returned \"2\" while the register held \"1\""), r.explanation());
        List<Long> ids = r.involved().stream().map(Operation::id).toList();
        assertTrue(ids.containsAll(List.of(1L, 2L, 3L, 4L)), ids.toString());
    }

    @Test
    void shouldGiveUpWithinItsBudget() {
        // a chain of unknown compare-and-sets that all must have applied: 13 configurations to find the order
        h.write(0, "x", "0").ok();
        for (int i = 0; i < 12; i++) {
            h.compareAndSet(i, "x", Integer.toString(i), Integer.toString(i + 1)).unknown("timeout");
        }
        h.read(99, "x").okRead("12");
        assertEquals(Verdict.LINEARIZABLE, verdict());
        Linearizability.Result r = Linearizability.registers().maxConfigurationsPerKey(3).check(h.operations());
        assertEquals(Verdict.UNDECIDED, r.verdict());
        assertTrue(r.first().explanation().contains("undecided after searching"), r.first().explanation());
        assertFalse(HistoryCheck.of(h.operations(), Linearizability.registers().maxConfigurationsPerKey(3)).valid());
    }

    @Test
    void shouldRefuseABudgetBelowOne() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Linearizability.registers().maxConfigurationsPerKey(0));
        assertTrue(e.getMessage().contains("at least 1"), e.getMessage());
    }
}
