package org.fos.itests;

import static org.fos.testkit.FosOptions.bundleFile;
import static org.fos.testkit.FosOptions.fosNode;
import static org.fos.testkit.FosOptions.keyValueFleet;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.time.Duration;

import org.fos.fleet.api.FleetRuntime;
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

/** The key-value fleet goes from v1 to v2 through the Felix shell's update command, under load. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class UpgradeByShellUpdateIT extends LiveUpgradeSupport {

    @Configuration
    public Option[] config() {
        return new Option[] {fosNode(keyValueFleet())};
    }

    @Test
    public void upgradeUnderLoadLosesNothing() throws Exception {
        fleetServing(KeyValue.NAME, 2);
        int before = service(FleetRuntime.class).upgrades().size();
        Load load = startLoad();
        load.awaitCalls(300, Duration.ofMinutes(5));

        updateWithShell(bundle("org.fos.kv"), bundleFile("fos-itest-kv-v2"));

        UpgradeReport upgrade = awaitUpgrade(KeyValue.NAME, before);
        awaitServedBy("/2.0.0");
        Load.Report report = load.stop();
        assertEquals(upgrade.detail(), UpgradeReport.Outcome.UPGRADED, upgrade.outcome());
        verify(report, upgrade);
        assertTrue(kv.put("after", new byte[] {1}).servedBy().startsWith("org.fos.kv/2.0.0"));
        assertEquals("v2 migrated the v1 state (layout 1)", 201, kv.stats().stateLayout());
    }
}
