package org.fos.itests;

import static org.fos.testkit.FosOptions.bundleFile;
import static org.fos.testkit.FosOptions.fosNode;
import static org.fos.testkit.FosOptions.keyValueFleet;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.time.Duration;

import org.fos.fleet.api.FleetInfo;
import org.fos.fleet.api.FleetRuntime;
import org.fos.fleet.api.UpgradeReport;
import org.fos.kv.api.KeyValue;
import org.fos.testkit.support.CommandResult;
import org.fos.testkit.support.Load;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * A v3 that throws on activation is rolled back to v2 with its state, under load, losing nothing; a
 * jar that is not a version of the fleet's bundle is refused before the fleet is touched.
 */
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

    @Test
    public void aJarThatIsNotAVersionOfTheFleetsBundleIsRefusedAndTheFleetNeverPauses() throws Exception {
        FleetInfo before = fleetServing(KeyValue.NAME, 2);
        FleetRuntime runtime = service(FleetRuntime.class);
        int reports = runtime.upgrades().size();
        byte[] other = Files.readAllBytes(bundleFile("fos-itest-kvload").toPath());
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> runtime.upgrade(KeyValue.NAME, other, Duration.ofMinutes(1)));
        assertTrue(refused.getMessage(), refused.getMessage().contains("but /sys/kv runs bundle org.fos.kv"));

        CommandResult shell = execute("fos:upgrade " + KeyValue.NAME + " " + bundleFile("fos-itest-kvload").toURI());
        assertTrue("the shell's upgrade was refused: " + shell.output(), shell.failed());
        String why = shell.output() + " " + shell.error();
        assertTrue(why, why.contains("an upgrade takes a version of the fleet's own bundle"));

        FleetInfo after = fleetServing(KeyValue.NAME, 2);
        assertEquals(before.version(), after.version());
        assertEquals("no upgrade started, so none was reported", reports, runtime.upgrades().size());
        assertTrue(client(KeyValue.class, KeyValue.NAME).put("after-refusal", new byte[] {1}).servedBy().startsWith("org.fos.kv/" + before.version()));
    }

    @Test
    public void aCallThatTimedOutWhileTheFleetWasStoppedIsDroppedUnrunWhenItStartsAgain() throws Exception {
        fleetServing(KeyValue.NAME, 2);
        FleetRuntime runtime = service(FleetRuntime.class);
        long expiredBefore = expired(runtime.fleet(KeyValue.NAME));
        org.osgi.framework.Bundle kvBundle = bundle("org.fos.kv");
        kvBundle.stop();
        try {
            CommandResult late = execute("fos:call -t 2000 " + KeyValue.NAME + " put deadline:late never");
            assertTrue("the call timed out: " + late.output(), late.failed());
            String why = late.output() + " " + late.error();
            assertTrue(why, why.contains("TIMEOUT") || why.contains("no reply"));
            assertTrue("the error says whether it may have run: " + why, why.contains("dropped unrun"));
        } finally {
            kvBundle.start();
        }
        fleetServing(KeyValue.NAME, 2);
        waitFor("the queued call to be taken and dropped", Duration.ofMinutes(1),
                () -> expired(runtime.fleet(KeyValue.NAME)) > expiredBefore);
        assertEquals("the call that timed out never ran", null, client(KeyValue.class, KeyValue.NAME).get("deadline:late"));
    }

    private static long expired(FleetInfo fleet) {
        return fleet.members().stream().mapToLong(org.fos.fleet.api.MemberInfo::expired).sum();
    }
}
