package org.fos.itests;

import static org.fos.testkit.FosOptions.bundleFile;
import static org.fos.testkit.FosOptions.fosNode;
import static org.fos.testkit.FosOptions.keyValueFleet;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.time.Duration;

import org.fos.fleet.api.FleetInfo;
import org.fos.fleet.api.UpgradeReport;
import org.fos.kv.api.KeyValue;
import org.fos.testkit.support.Load;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/** A v3 that throws on activation is rolled back to v2 with its state, under load, losing nothing. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class UpgradeRollbackIT extends LiveUpgradeSupport {

    @Configuration
    public Option[] config() {
        return new Option[] {fosNode(keyValueFleet())};
    }

    @Test
    public void brokenVersionIsRolledBackWithItsState() throws Exception {
        fleetServing(KeyValue.NAME, 2);
        UpgradeReport toV2 = upgradeWithCommand(KeyValue.NAME, bundleFile("fos-itest-kv-v2"));
        assertEquals(UpgradeReport.Outcome.UPGRADED, toV2.outcome());
        Load load = startLoad();
        load.awaitCalls(300, Duration.ofMinutes(5));

        UpgradeReport toV3 = upgradeWithCommand(KeyValue.NAME, bundleFile("fos-itest-kv-v3"));

        load.awaitCalls(600, Duration.ofMinutes(5));
        Load.Report report = load.stop();
        assertEquals(toV3.detail(), UpgradeReport.Outcome.ROLLED_BACK, toV3.outcome());
        assertEquals("3.0.0", toV3.to());
        assertEquals("2.0.0", toV3.from());
        assertTrue(toV3.detail(), toV3.detail().contains("did not activate"));
        verify(report, toV3);
        FleetInfo fleet = fleetServing(KeyValue.NAME, 2);
        assertEquals("2.0.0", fleet.version());
        assertTrue(kv.put("after", new byte[] {1}).servedBy().startsWith("org.fos.kv/2.0.0"));
        assertEquals("v2 took its own layout-2 state back", 202, kv.stats().stateLayout());
    }
}
