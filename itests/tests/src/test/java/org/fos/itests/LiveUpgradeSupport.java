package org.fos.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

import org.fos.fleet.api.UpgradeReport;
import org.fos.kv.api.CasResult;
import org.fos.kv.api.Entry;
import org.fos.kv.api.KeyValue;
import org.fos.testkit.support.FosTestSupport;
import org.fos.testkit.support.Load;

/**
 * What the live-upgrade tests share: a load of two client threads on the key-value fleet that makes
 * lost and duplicated calls visible, and the checks after it. Each call writes a key of its own and
 * then moves its thread's counter from the revision it saw last with compare-and-set: a lost write
 * leaves a key missing, a call executed twice moves the counter past the next compare-and-set.
 */
public abstract class LiveUpgradeSupport extends FosTestSupport {
    protected static final int THREADS = 2;

    protected KeyValue kv;
    private final long[] counterRevision = new long[THREADS];
    protected final String[] lastServedBy = new String[THREADS];

    protected static byte[] value(int thread, long seq) {
        return ("value of t" + thread + " #" + seq).getBytes(StandardCharsets.UTF_8);
    }

    protected Load startLoad() throws InterruptedException {
        kv = client(KeyValue.class, KeyValue.NAME);
        return Load.start(THREADS, (t, seq) -> {
            lastServedBy[t] = kv.put("load:t" + t + ":" + seq, value(t, seq)).servedBy();
            CasResult c = kv.compareAndSet("counter:t" + t, counterRevision[t], Long.toString(seq + 1).getBytes(StandardCharsets.UTF_8));
            if (!c.applied()) {
                throw new AssertionError("counter of thread " + t + " is at revision " + c.revision() + ", expected "
                        + counterRevision[t] + ": an increment was lost or applied twice");
            }
            counterRevision[t] = c.revision();
        });
    }

    /** Waits until every thread has been served by a version whose servedBy text contains {@code version}. */
    protected void awaitServedBy(String version) {
        waitFor("every load thread to be served by " + version, Duration.ofMinutes(1), () -> {
            for (String s : lastServedBy) {
                if (s == null || !s.contains(version)) {
                    return false;
                }
            }
            return true;
        });
    }

    /** Checks that the load lost nothing, duplicated nothing and never failed, and prints what it measured. */
    protected void verify(Load.Report report, UpgradeReport upgrade) throws Exception {
        System.out.println(getClass().getSimpleName() + ": " + upgrade.outcome() + " " + upgrade.from() + " -> " + upgrade.to()
                + ", dispatch paused " + upgrade.pause().toNanos() / 1e6 + " ms with " + upgrade.queued() + " requests queued ("
                + upgrade.detail() + ")");
        System.out.println(getClass().getSimpleName() + ": load " + report.summary() + "; longest call during the swap "
                + report.max().toNanos() / 1e6 + " ms");
        if (!report.failures().isEmpty()) {
            AssertionError e = new AssertionError(report.failed() + " calls failed, the first: " + report.failures().get(0));
            e.initCause(report.failures().get(0));
            throw e;
        }
        assertEquals("failed calls", 0, report.failed());
        Load.Verdict verdict = report.verify((t, seq) -> {
            Entry e = kv.get("load:t" + t + ":" + seq);
            return e != null && Arrays.equals(value(t, seq), e.value()) ? 1 : 0;
        });
        assertEquals("acknowledged writes lost: " + verdict.examples(), 0, verdict.lost());
        for (int t = 0; t < THREADS; t++) {
            Entry counter = kv.get("counter:t" + t);
            assertNotNull(counter);
            assertEquals("increments of thread " + t + " (lost or duplicated otherwise)", report.succeeded(t).length,
                    Long.parseLong(new String(counter.value(), StandardCharsets.UTF_8)));
        }
        assertTrue(report.calls() > 0);
    }
}
