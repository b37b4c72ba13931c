package org.fos.itests;

import static org.fos.testkit.FosOptions.bundleFile;
import static org.fos.testkit.FosOptions.fileInstall;
import static org.fos.testkit.FosOptions.fosBundle;
import static org.fos.testkit.FosOptions.fosNode;
import static org.fos.testkit.FosOptions.replication;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;

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

/**
 * {@code deploy/} holds the jar that serves (issue 12, item 4): {@code fos:upgrade} of a fleet deployed
 * there writes the new jar into its file (File Install applies it), and a broken version dropped over it
 * is rolled back under load with nothing lost, its jar copied into {@code deploy.refused/} with the
 * reason beside it and the jar that serves again written back, so a restart runs what served.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class DeployTruthIT extends LiveUpgradeSupport {

    private static final File DEPLOY = new File("target/deploy-" + DeployTruthIT.class.getSimpleName());
    private static final File REFUSED = new File(DEPLOY.getPath() + ".refused");

    @Configuration
    public Option[] config() throws IOException {
        Files.createDirectories(DEPLOY.toPath());
        for (File dir : new File[] {DEPLOY, REFUSED}) {
            File[] files = dir.listFiles();
            for (File f : files == null ? new File[0] : files) {
                Files.delete(f.toPath());
            }
        }
        Files.copy(bundleFile("fos-kv").toPath(), new File(DEPLOY, "fos-kv.jar").toPath(), StandardCopyOption.REPLACE_EXISTING);
        return new Option[] {fosNode(replication(), fosBundle("fos-kv-api"), fileInstall(DEPLOY))};
    }

    @Test
    public void upgradesAndRollbacksLeaveTheJarThatServesInDeploy() throws Exception {
        fleetServing(KeyValue.NAME, 2);
        File deployed = new File(DEPLOY, "fos-kv.jar");
        UpgradeReport toV2 = upgradeWithCommand(KeyValue.NAME, bundleFile("fos-itest-kv-v2"));
        assertEquals(toV2.detail(), UpgradeReport.Outcome.UPGRADED, toV2.outcome());
        assertEquals("fos:upgrade wrote the new jar into deploy/", "2.0.0", version(deployed));

        int before = service(FleetRuntime.class).upgrades().size();
        Load load = startLoad();
        load.awaitCalls(300, Duration.ofMinutes(5));
        overwriteDeployed(deployed, bundleFile("fos-itest-kv-v3"));
        UpgradeReport toV3 = awaitUpgrade(KeyValue.NAME, before);
        load.awaitCalls(600, Duration.ofMinutes(5));
        Load.Report report = load.stop();
        assertEquals(toV3.detail(), UpgradeReport.Outcome.ROLLED_BACK, toV3.outcome());
        verify(report, toV3);

        waitFor("deploy/ to hold version 2.0.0 again", Duration.ofMinutes(1), () -> "2.0.0".equals(versionQuietly(deployed)));
        File refused = new File(REFUSED, "fos-kv.jar");
        assertEquals("the refused jar is kept aside", "3.0.0", version(refused));
        String reason = Files.readString(new File(REFUSED, "fos-kv.jar.reason.txt").toPath(), StandardCharsets.UTF_8);
        assertTrue(reason, reason.contains("did not activate") && reason.contains("3.0.0"));
        assertEquals("2.0.0", fleetServing(KeyValue.NAME, 2).version());
        assertTrue(kv.put("after", new byte[] {1}).servedBy().startsWith("org.fos.kv/2.0.0"));
    }

    private static String version(File jar) throws IOException {
        try (InputStream raw = Files.newInputStream(jar.toPath()); JarInputStream in = new JarInputStream(raw)) {
            Manifest m = in.getManifest();
            return org.osgi.framework.Version.parseVersion(m.getMainAttributes().getValue("Bundle-Version")).toString();
        }
    }

    private static String versionQuietly(File jar) {
        try {
            return version(jar);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
