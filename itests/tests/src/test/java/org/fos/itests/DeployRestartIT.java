package org.fos.itests;

import static org.fos.testkit.FosOptions.bundleFile;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.jar.JarInputStream;

import org.awaitility.Awaitility;
import org.fos.testkit.NodeProcess;
import org.junit.Test;

/**
 * The drift of issue 12, item 4, across a real restart: a node runs the key-value fleet from
 * {@code deploy/} (a copy of the distribution without it in {@code bundle/}); it is upgraded to v2 with
 * {@code fos:upgrade}, then a broken v3 is dropped over its jar and rolled back. After a restart the node
 * runs v2, the version that served, with the state written before (it used to run the refused v3, and
 * the fleet never served).
 */
public class DeployRestartIT {
    private static final Duration START = Duration.ofMinutes(5);
    private static final Duration COMMAND = Duration.ofMinutes(2);

    @Test
    public void aRestartRunsTheVersionThatServedBefore() throws Exception {
        Path distribution = distributionWithoutKeyValue();
        String before = System.getProperty(NodeProcess.DISTRIBUTION_DIR);
        System.setProperty(NodeProcess.DISTRIBUTION_DIR, distribution.toString());
        NodeProcess.Builder builder;
        try {
            builder = NodeProcess.builder("deploy-restart").base(Paths.get("target/nodes/deploy-restart")).jvmOption("-Xmx256m")
                    .deploy(bundleFile("fos-kv"));
        } finally {
            if (before == null) {
                System.clearProperty(NodeProcess.DISTRIBUTION_DIR);
            } else {
                System.setProperty(NodeProcess.DISTRIBUTION_DIR, before);
            }
        }
        try (NodeProcess node = builder.start()) {
            node.awaitReady(START);
            node.awaitNameMembers("/sys/kv", 2, START);
            Path deployed = node.deployDir().resolve("fos-kv.jar");
            Awaitility.await("/sys/kv to take a write").atMost(START).ignoreExceptions()
                    .until(() -> node.executeOk("fos:call /sys/kv put before-restart kept", COMMAND).contains("PutResult"));

            String upgraded = node.executeOk("fos:upgrade /sys/kv " + bundleFile("fos-itest-kv-v2").getAbsolutePath(), COMMAND);
            assertTrue(upgraded, upgraded.contains("UPGRADED"));
            assertTrue("fos:upgrade wrote v2 into deploy/", "2.0.0".equals(version(deployed)));

            Path tmp = deployed.resolveSibling(".fos-kv.jar.tmp");
            Files.copy(bundleFile("fos-itest-kv-v3").toPath(), tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.setLastModifiedTime(tmp, FileTime.fromMillis(System.currentTimeMillis() + 2000));
            Files.move(tmp, deployed, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Awaitility.await("the broken v3 to be rolled back").atMost(START).pollInterval(Duration.ofMillis(500))
                    .until(() -> node.executeOk("fos:upgrades", COMMAND).contains("ROLLED_BACK"));
            Awaitility.await("deploy/ to hold v2 again").atMost(START).ignoreExceptions().until(() -> "2.0.0".equals(version(deployed)));
            Path refused = node.base().resolve("deploy.refused");
            assertTrue("v3 is kept aside", "3.0.0".equals(version(refused.resolve("fos-kv.jar"))));
            String reason = Files.readString(refused.resolve("fos-kv.jar.reason.txt"));
            assertTrue(reason, reason.contains("did not activate"));

            node.stop(COMMAND);
            node.restart().awaitReady(START);
            node.awaitNameMembers("/sys/kv", 2, START);
            String fleet = node.executeOk("fos:fleets /sys/kv", COMMAND);
            System.out.println("DeployRestartIT: after the restart " + fleet.strip());
            assertTrue(fleet, fleet.contains("version=2.0.0") && fleet.contains("SERVING"));
            Awaitility.await("the write from before the restart").atMost(START).ignoreExceptions()
                    .until(() -> node.executeOk("fos:call /sys/kv get before-restart", COMMAND).contains("kept"));
        }
    }

    /** A copy of the distribution with the key-value implementation left out of bundle/. */
    private static Path distributionWithoutKeyValue() throws IOException {
        Path source = NodeProcess.distribution();
        Path copy = Paths.get("target/dist-without-kv").toAbsolutePath();
        if (Files.exists(copy)) {
            try (var old = Files.walk(copy)) {
                for (Path p : old.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        List<Path> files;
        try (var all = Files.walk(source)) {
            files = all.toList();
        }
        for (Path p : files) {
            Path target = copy.resolve(source.relativize(p).toString());
            String name = p.getFileName().toString();
            if (Files.isDirectory(p)) {
                Files.createDirectories(target);
            } else if (!(p.getParent().equals(source.resolve("bundle")) && name.startsWith("fos-kv-") && !name.startsWith("fos-kv-api"))
                    && !source.relativize(p).startsWith("data") && !source.relativize(p).startsWith("deploy")) {
                Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
        return copy;
    }

    private static String version(Path jar) throws IOException {
        try (InputStream raw = Files.newInputStream(jar); JarInputStream in = new JarInputStream(raw)) {
            return org.osgi.framework.Version.parseVersion(in.getManifest().getMainAttributes().getValue("Bundle-Version")).toString();
        }
    }
}
