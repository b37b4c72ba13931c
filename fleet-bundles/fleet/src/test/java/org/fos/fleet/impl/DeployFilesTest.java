package org.fos.fleet.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeployFilesTest {
    @TempDir
    Path base;

    private static byte[] bundle(String version) throws IOException {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().putValue("Bundle-SymbolicName", "org.example.counter");
        m.getMainAttributes().putValue("Bundle-Version", version);
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (OutputStream out = new JarOutputStream(bytes, m)) {
            out.flush();
        }
        return bytes.toByteArray();
    }

    @Test
    void shouldFindABundlesFileOnlyWhenItLiesDirectlyInADeployFolder() throws IOException {
        Path deploy = Files.createDirectories(base.resolve("deploy"));
        List<Path> folders = List.of(deploy.toAbsolutePath().normalize());
        assertThat(DeployFiles.fileOf(deploy.resolve("counter.jar").toUri().toString(), folders)).isEqualTo(deploy.resolve("counter.jar"));
        assertThat(DeployFiles.fileOf("file:" + deploy.resolve("counter.jar"), folders)).isEqualTo(deploy.resolve("counter.jar"));
        assertThat(DeployFiles.fileOf(deploy.resolve("sub/counter.jar").toUri().toString(), folders)).isNull();
        assertThat(DeployFiles.fileOf(base.resolve("bundle/counter.jar").toUri().toString(), folders)).isNull();
        assertThat(DeployFiles.fileOf("mvn:org.example/counter/1.0.0", folders)).isNull();
        assertThat(DeployFiles.fileOf(null, folders)).isNull();
    }

    @Test
    void shouldReplaceAJarAtomicallyAndSetARefusedOneAsideWithItsReason() throws IOException {
        Path deploy = Files.createDirectories(base.resolve("deploy"));
        Path jar = deploy.resolve("counter.jar");
        Files.write(jar, bundle("3.0.0"));
        long before = Files.getLastModifiedTime(jar).toMillis();

        Path aside = DeployFiles.setAside(jar, "version 3.0.0 did not activate");
        DeployFiles.replace(jar, bundle("2.0.0"));

        assertThat(aside).isEqualTo(base.resolve("deploy.refused/counter.jar"));
        assertThat(DeployFiles.version(aside)).isEqualTo("3.0.0");
        assertThat(Files.readString(base.resolve("deploy.refused/counter.jar.reason.txt"))).contains("version 3.0.0 did not activate")
                .contains("(version 3.0.0)");
        assertThat(DeployFiles.version(jar)).isEqualTo("2.0.0");
        assertThat(Files.getLastModifiedTime(jar).toMillis()).isGreaterThan(before);
        try (var left = Files.list(deploy)) {
            assertThat(left).containsExactly(jar);
        }
    }
}
