package org.fos.testkit.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.fos.testkit.history.History.Call;
import org.junit.jupiter.api.Test;

class AnomaliesTest {
    private final History h = new History();

    @Test
    void shouldCountNothingInACleanHistory() {
        for (int k = 0; k < 5; k++) {
            h.write(0, "k" + k, "v" + k).ok();
            h.read(1, "k" + k).okRead("v" + k);
        }
        Anomalies a = Anomalies.of(h.operations());
        assertTrue(a.none(), a.summary());
        assertEquals(5, a.keys());
        assertEquals(5, a.reads());
        assertEquals(5, a.acknowledgedChanges());
    }

    @Test
    void shouldCountAStaleReadThatLaterHeals() {
        h.write(0, "k", "1").ok();
        h.write(0, "k", "2").ok();
        h.read(1, "k").okRead("1"); // stale
        h.read(1, "k").okRead("2"); // healed: the write is not lost
        Anomalies a = Anomalies.of(h.operations());
        assertEquals(1, a.staleReads(), a.summary());
        assertEquals(0, a.lostWrites(), a.summary());
        assertEquals(0, a.duplicates(), a.summary());
        assertTrue(a.examples().get(0).startsWith("stale read: #3"), a.examples().toString());
    }

    @Test
    void shouldCountEveryAcknowledgedWriteTheLastReadMisses() {
        h.write(0, "k", "1").ok();
        h.write(0, "k", "2").ok();
        h.write(0, "k", "3").ok();
        h.read(1, "k").okRead("1");
        h.write(0, "other", "1").ok();
        h.read(1, "other").okRead(null);
        Anomalies a = Anomalies.of(h.operations());
        assertEquals(3, a.lostWrites(), a.summary());
        assertEquals(2, a.keysWithLostWrites(), a.summary());
        assertEquals(2, a.staleReads(), a.summary());
    }

    @Test
    void shouldNotCallAWriteLostWhenTheLastReadOverlapsIt() {
        h.write(0, "k", "1").ok();
        Call w = h.write(0, "k", "2");
        h.read(1, "k").okRead("1");
        w.ok();
        Anomalies a = Anomalies.of(h.operations());
        assertTrue(a.none(), a.summary());
    }

    @Test
    void shouldCountAValueThatComesBack() {
        h.write(0, "k", "1").ok();
        h.read(1, "k").okRead("1");
        h.write(0, "k", "2").ok();
        h.read(1, "k").okRead("2");
        h.read(2, "k").okRead("1");
        Anomalies a = Anomalies.of(h.operations());
        assertEquals(1, a.duplicates(), a.summary());
        assertEquals(1, a.staleReads(), a.summary());
        assertEquals(1, a.lostWrites(), a.summary());
    }

    @Test
    void shouldNotCallAValueWrittenTwiceADuplicate() {
        h.write(0, "k", "1").ok();
        h.write(0, "k", "2").ok();
        h.read(1, "k").okRead("2");
        h.write(0, "k", "1").ok();
        h.read(1, "k").okRead("1");
        assertTrue(Anomalies.of(h.operations()).none());
    }

    @Test
    void shouldCountPhantomsAndLetUnknownWritesExplainValues() {
        h.write(0, "k", "1").unknown("timeout");
        h.read(1, "k").okRead("1");
        h.read(1, "k").okRead("9");
        Anomalies a = Anomalies.of(h.operations());
        assertEquals(1, a.phantoms(), a.summary());
        assertEquals(0, a.staleReads(), a.summary());
        assertTrue(a.examples().get(0).contains("returned a value nothing wrote"), a.examples().toString());
    }

    @Test
    void shouldCountAMissedCompareAndSetAndDelete() {
        h.compareAndSet(0, "k", null, "1").okApplied(true);
        h.compareAndSet(0, "k", "1", "2").okApplied(false);
        h.read(1, "k").okRead("1"); // the failed compare-and-set changed nothing: fine
        h.delete(0, "k").okApplied(true);
        h.read(1, "k").okRead("1"); // the delete was acknowledged
        Anomalies a = Anomalies.of(h.operations());
        assertEquals(1, a.staleReads(), a.summary());
        assertEquals(1, a.lostWrites(), a.summary());
    }
}
