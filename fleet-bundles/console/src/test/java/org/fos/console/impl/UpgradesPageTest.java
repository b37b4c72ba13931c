package org.fos.console.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.Test;

class UpgradesPageTest {

    @Test
    void shouldReadTheManifestWhenTheUploadIsABundle() throws Exception {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().putValue("Bundle-SymbolicName", "org.fos.kv;singleton:=true");
        m.getMainAttributes().putValue("Bundle-Version", "2.0.0");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream out = new JarOutputStream(bytes, m)) {
            out.putNextEntry(new ZipEntry("a.txt"));
            out.write(1);
        }
        Attributes a = UpgradesPage.manifest(bytes.toByteArray(), "kv-2.jar");
        assertThat(a.getValue("Bundle-Version")).isEqualTo("2.0.0");
    }

    @Test
    void shouldNameTheFileWhenTheUploadIsNoJar() {
        byte[] text = "just text".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> UpgradesPage.manifest(text, "notes.txt")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("notes.txt is not a jar (no entries)");
    }

    @Test
    void shouldSaySoWhenAZipHasNoManifest() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(bytes)) {
            out.putNextEntry(new ZipEntry("a.txt"));
            out.write(1);
        }
        assertThatThrownBy(() -> UpgradesPage.manifest(bytes.toByteArray(), "a.zip")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a.zip is a jar without a manifest");
    }
}
