package org.fos.itests;

import static org.fos.testkit.FosOptions.bundleFile;
import static org.fos.testkit.FosOptions.fileInstall;
import static org.fos.testkit.FosOptions.fosBundle;
import static org.fos.testkit.FosOptions.fosNode;
import static org.fos.testkit.FosOptions.replication;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Random;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;

import org.fos.fleet.api.FleetInfo;
import org.fos.fleet.api.FleetRuntime;
import org.fos.kernel.api.Status;
import org.fos.kv.api.KeyValue;
import org.fos.rpc.api.FleetException;
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
 * Bad things dropped into {@code deploy/} (issue 12, item 5): random bytes named {@code .jar}, a plain
 * jar that is not a bundle, and a fleet implementation without its API are each listed by
 * {@code fos:deploy} with the reason while the key-value fleet deployed beside them goes on serving
 * under load without a failed call; then deleting the fleet's jar from {@code deploy/} removes the fleet
 * (item 2): its calls fail at once with {@code NO_SUCH_NAME}.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class DeployReportIT extends LiveUpgradeSupport {

    private static final File DEPLOY = new File("target/deploy-" + DeployReportIT.class.getSimpleName());

    @Configuration
    public Option[] config() throws IOException {
        Files.createDirectories(DEPLOY.toPath());
        for (File f : DEPLOY.listFiles()) {
            Files.delete(f.toPath());
        }
        Files.copy(bundleFile("fos-kv").toPath(), new File(DEPLOY, "fos-kv.jar").toPath(), StandardCopyOption.REPLACE_EXISTING);
        return new Option[] {fosNode(replication(), fosBundle("fos-kv-api"), fileInstall(DEPLOY))};
    }

    @Test
    public void garbageInDeployIsReportedWithItsReasonAndTheNodeKeepsServing() throws Exception {
        fleetServing(KeyValue.NAME, 2);
        Load load = startLoad();
        load.awaitCalls(200, Duration.ofMinutes(5));

        byte[] noise = new byte[8192];
        new Random(5).nextBytes(noise);
        dropIn("noise.jar", noise);
        File plain = new File("target/plain-" + DeployReportIT.class.getSimpleName() + ".jar");
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        try (OutputStream out = Files.newOutputStream(plain.toPath()); JarOutputStream jar = new JarOutputStream(out, m)) {
            jar.putNextEntry(new ZipEntry("readme.txt"));
            jar.write("a library, not a bundle".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            jar.closeEntry();
        }
        dropIn("plain.jar", Files.readAllBytes(plain.toPath()));
        dropIn("fos-fs.jar", Files.readAllBytes(bundleFile("fos-fs").toPath()));

        waitFor("fos:deploy to report all four jars", Duration.ofMinutes(1), () -> {
            String out = deployOutput();
            return out.contains("UNRESOLVED") && out.contains("NOT_A_JAR") && out.contains("NOT_A_BUNDLE") && out.contains("ACTIVE");
        });
        String report = deployOutput();
        System.out.println("DeployReportIT: fos:deploy printed\n" + report);
        assertTrue(report, report.contains("fos-fs.jar") && report.contains("org.fos.fs.api"));
        assertTrue(report, report.contains("a fleet implementation needs its API bundle"));
        assertTrue(report, report.contains("no Bundle-SymbolicName"));
        assertTrue(report, report.contains("fos-kv.jar") && report.contains("serves " + KeyValue.NAME + " (SERVING)"));

        load.awaitCalls(400, Duration.ofMinutes(5));
        Load.Report served = load.stop();
        assertTrue("calls failed while garbage sat in deploy/: " + served.failures(), served.failures().isEmpty());
        assertEquals(0, served.failed());
        Load.Verdict verdict = served.verify((t, seq) -> {
            org.fos.kv.api.Entry e = kv.get("load:t" + t + ":" + seq);
            return e != null && java.util.Arrays.equals(value(t, seq), e.value()) ? 1 : 0;
        });
        assertEquals("acknowledged writes lost: " + verdict.examples(), 0, verdict.lost());

        // deleting the fleet's jar removes the fleet: its calls fail at once instead of queueing
        Files.delete(new File(DEPLOY, "fos-kv.jar").toPath());
        FleetRuntime runtime = service(FleetRuntime.class);
        waitFor("the fleet to be removed", Duration.ofMinutes(1), () -> {
            FleetInfo f = runtime.fleet(KeyValue.NAME);
            return f != null && f.status() == FleetInfo.Status.REMOVED;
        });
        try {
            kv.put("after-delete", new byte[] {1});
            fail("a fleet whose jar was deleted answered");
        } catch (FleetException e) {
            assertEquals(e.getMessage(), Status.NO_SUCH_NAME, e.status());
        }
        waitFor("fos:deploy to forget the deleted jar", Duration.ofMinutes(1), () -> !deployOutput().contains("fos-kv.jar"));
        assertFalse(deployOutput().contains("serves " + KeyValue.NAME));
    }

    private static void dropIn(String name, byte[] content) throws IOException {
        File staged = new File(DEPLOY.getParentFile(), name + ".staged");
        Files.write(staged.toPath(), content);
        Files.move(staged.toPath(), new File(DEPLOY, name).toPath(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private String deployOutput() {
        try {
            CommandResult r = execute("fos:deploy");
            if (r.failed()) {
                throw new AssertionError("fos:deploy failed: " + r.output());
            }
            return r.output();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
