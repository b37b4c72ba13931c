package org.fos.fleet.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;

class DeployFolderTest {
    @TempDir
    Path folder;

    private Path jar(String name, Map<String, String> headers) throws IOException {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        headers.forEach((k, v) -> m.getMainAttributes().putValue(k, v));
        Path p = folder.resolve(name);
        try (OutputStream file = Files.newOutputStream(p); JarOutputStream out = new JarOutputStream(file, m)) {
            out.putNextEntry(new ZipEntry("org/example/Thing.class"));
            out.write(new byte[] {(byte) 0xCA, (byte) 0xFE});
            out.closeEntry();
        }
        return p;
    }

    @Test
    void shouldReportRandomBytesPlainJarsAndUninstalledBundlesWithTheirReasonWhenInspectingAFolder() throws IOException {
        byte[] noise = new byte[4096];
        new Random(12).nextBytes(noise);
        Files.write(folder.resolve("noise.jar"), noise);
        Files.write(folder.resolve("empty.jar"), new byte[0]);
        jar("plain.jar", Map.of("Created-By", "hand"));
        jar("counter.jar", Map.of("Bundle-ManifestVersion", "2", "Bundle-SymbolicName", "org.example.counter;singleton:=true",
                "Bundle-Version", "1.2.0", "Import-Package", "org.example.counter.api;version=\"[1.0,2)\""));
        Files.writeString(folder.resolve("notes.txt"), "not a jar name: left alone");

        List<DeployFolder.Jar> jars = DeployFolder.inspect(folder, new Bundle[0], List.of());

        assertThat(jars).extracting(DeployFolder.Jar::file).containsExactly("counter.jar", "empty.jar", "noise.jar", "plain.jar");
        assertThat(jars).allMatch(DeployFolder.Jar::problem);
        DeployFolder.Jar counter = jars.get(0);
        assertThat(counter.state()).isEqualTo(DeployFolder.State.NOT_INSTALLED);
        assertThat(counter.symbolicName()).isEqualTo("org.example.counter 1.2.0");
        assertThat(jars.get(1).state()).isEqualTo(DeployFolder.State.NOT_A_JAR);
        assertThat(jars.get(2).state()).isEqualTo(DeployFolder.State.NOT_A_JAR);
        assertThat(jars.get(2).detail()).startsWith("not a jar");
        assertThat(jars.get(3).state()).isEqualTo(DeployFolder.State.NOT_A_BUNDLE);
        assertThat(jars.get(3).detail()).contains("no Bundle-SymbolicName");
    }

    @Test
    void shouldWatchTheNodesDeployFolderAndAFileInstallFolderOnlyWhenItsFilterTakesJars() {
        assertThat(DeployWatcher.folders("/opt/fos", "/opt/fos/etc", ".*\\.(cfg|config)")).containsExactly(Path.of("/opt/fos/deploy"));
        assertThat(DeployWatcher.folders(null, "/tmp/drop", null)).containsExactly(Path.of("/tmp/drop"));
        assertThat(DeployWatcher.folders(null, "/tmp/drop", ".*\\.jar")).containsExactly(Path.of("/tmp/drop"));
        assertThat(DeployWatcher.folders(null, null, null)).isEmpty();
    }
}
