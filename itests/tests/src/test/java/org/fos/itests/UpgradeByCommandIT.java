package org.fos.itests;

import static org.fos.testkit.FosOptions.bundleFile;
import static org.fos.testkit.FosOptions.fosNode;
import static org.fos.testkit.FosOptions.keyValueFleet;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.time.Duration;

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

/** The key-value fleet goes from v1 to v2 through fos:upgrade, under load; bad upgrade commands change nothing. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class UpgradeByCommandIT extends LiveUpgradeSupport {

    @Configuration
    public Option[] config() {
        return new Option[] {fosNode(keyValueFleet())};
    }

    @Test
    public void upgradeUnderLoadLosesNothing() throws Exception {
        fleetServing(KeyValue.NAME, 2);
        Load load = startLoad();
        load.awaitCalls(300, Duration.ofMinutes(5));

        UpgradeReport upgrade = upgradeWithCommand(KeyValue.NAME, bundleFile("fos-itest-kv-v2"));

        awaitServedBy("/2.0.0");
        Load.Report report = load.stop();
        assertEquals(upgrade.detail(), UpgradeReport.Outcome.UPGRADED, upgrade.outcome());
        assertTrue(upgrade.from().startsWith("1.0.0"));
        assertEquals("2.0.0", upgrade.to());
        verify(report, upgrade);
        assertEquals(201, kv.stats().stateLayout());
    }

    @Test
    public void badUpgradeCommandsAreRefusedAndChangeNothing() throws Exception {
        fleetServing(KeyValue.NAME, 2);
        String version = bundle("org.fos.kv").getVersion().toString();
        assertFails("fos:upgrade /sys/nothing file:/tmp/x.jar", "no node runs a fleet named /sys/nothing");
        assertFails("fos:upgrade /sys/kv file:/no/such/file.jar", "cannot read bundle at file:/no/such/file.jar");
        assertFails("fos:upgrade /sys/kv not a url", "");
        assertFails("fos:upgrade /sys/kv no/such/kv-2.jar", "(a relative path is taken from the node's folder)");
        assertFails("fos:upgrade /sys/kv nosuchscheme://host/kv-2.jar", "is not a URL that can be read");
        assertFails("fos:upgrade /sys/kv " + bundleFile("fos-itest-kv-v2").toURI().toString().replace(".jar", ".txt"), "cannot read");
        assertFails("fos:upgrade -t 0 /sys/kv file:/tmp/x.jar", "timeout must be positive");
        assertEquals(version, bundle("org.fos.kv").getVersion().toString());
        kv = client(KeyValue.class, KeyValue.NAME);
        assertTrue(kv.put("still", new byte[] {1}).revision() > 0);
    }

    private void assertFails(String commandLine, String expected) throws InterruptedException {
        CommandResult r = execute(commandLine);
        assertTrue("'" + commandLine + "' should fail", r.failed());
        assertTrue("'" + commandLine + "' said: " + r.output(), r.output().contains(expected));
    }
}
