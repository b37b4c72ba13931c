package org.fos.itests;

import static org.fos.testkit.FosOptions.bundleFile;
import static org.fos.testkit.FosOptions.fileInstall;
import static org.fos.testkit.FosOptions.fosBundle;
import static org.fos.testkit.FosOptions.fosNode;
import static org.fos.testkit.FosOptions.replication;
import static org.junit.Assert.assertEquals;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
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

/** The key-value fleet, deployed by File Install, goes from v1 to v2 when its jar is overwritten, under load. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class UpgradeByDeployIT extends LiveUpgradeSupport {

    private static final File DEPLOY = new File("target/deploy-" + UpgradeByDeployIT.class.getSimpleName());

    @Configuration
    public Option[] config() throws IOException {
        Files.createDirectories(DEPLOY.toPath());
        Files.copy(bundleFile("fos-kv").toPath(), new File(DEPLOY, "fos-kv.jar").toPath(), StandardCopyOption.REPLACE_EXISTING);
        return new Option[] {fosNode(replication(), fosBundle("fos-kv-api"), fileInstall(DEPLOY))};
    }

    @Test
    public void upgradeUnderLoadLosesNothing() throws Exception {
        fleetServing(KeyValue.NAME, 2);
        int before = service(FleetRuntime.class).upgrades().size();
        Load load = startLoad();
        load.awaitCalls(300, Duration.ofMinutes(5));

        overwriteDeployed(new File(DEPLOY, "fos-kv.jar"), bundleFile("fos-itest-kv-v2"));

        UpgradeReport upgrade = awaitUpgrade(KeyValue.NAME, before);
        awaitServedBy("/2.0.0");
        Load.Report report = load.stop();
        assertEquals(upgrade.detail(), UpgradeReport.Outcome.UPGRADED, upgrade.outcome());
        verify(report, upgrade);
        assertEquals(201, kv.stats().stateLayout());
    }
}
