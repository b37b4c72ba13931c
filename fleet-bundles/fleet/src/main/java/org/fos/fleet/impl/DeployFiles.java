package org.fos.fleet.impl;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;

/**
 * The jars File Install installed from a deploy folder, kept equal to what runs (ADR 0036): an
 * upgrade or a rollback of such a bundle writes the jar into its file (atomically, so File Install
 * never sees half a jar or a missing file), and a refused jar is copied into the sibling folder
 * {@code <deploy>.refused/} with a {@code .reason.txt} beside it.
 */
final class DeployFiles {

    private DeployFiles() {
    }

    /**
     * The file of a bundle location in one of the folders.
     *
     * @param location a bundle's location, such as {@code file:/opt/fos/deploy/kv.jar}
     * @param folders the deploy folders (absolute, normalized)
     * @return the file, or null if the location is not a file directly in one of them
     */
    static Path fileOf(String location, List<Path> folders) {
        if (location == null || !location.startsWith("file:")) {
            return null;
        }
        Path file;
        try {
            file = Path.of(new URI(location)).toAbsolutePath().normalize();
        } catch (URISyntaxException | IllegalArgumentException e) {
            return null;
        }
        return folders.contains(file.getParent()) ? file : null;
    }

    /** Writes a jar over a deployed one in one atomic rename, with a modification time File Install sees as new. */
    static void replace(Path deployed, byte[] content) throws IOException {
        Path tmp = deployed.resolveSibling("." + deployed.getFileName() + ".fos-writing");
        Files.write(tmp, content);
        long before = Files.exists(deployed) ? Files.getLastModifiedTime(deployed).toMillis() : 0;
        Files.setLastModifiedTime(tmp, FileTime.from(Instant.ofEpochMilli(Math.max(System.currentTimeMillis(), before + 2000))));
        Files.move(tmp, deployed, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Copies a refused deployed jar into {@code <deploy>.refused/} with the reason beside it.
     *
     * @return the copy
     */
    static Path setAside(Path deployed, String reason) throws IOException {
        Path folder = deployed.getParent().resolveSibling(deployed.getParent().getFileName() + ".refused");
        Files.createDirectories(folder);
        Path copy = folder.resolve(deployed.getFileName());
        Files.copy(deployed, copy, StandardCopyOption.REPLACE_EXISTING);
        String version = version(copy);
        Files.writeString(folder.resolve(deployed.getFileName() + ".reason.txt"), "refused at " + Instant.now() + ": "
                + deployed.getFileName() + (version == null ? "" : " (version " + version + ")") + " did not serve, and the version"
                + " that served before was written back into " + deployed.getParent().getFileName() + "/:\n" + reason + "\n",
                StandardCharsets.UTF_8);
        return copy;
    }

    /** The Bundle-Version a jar's manifest names, or null. */
    static String version(Path jar) throws IOException {
        try (InputStream raw = Files.newInputStream(jar); JarInputStream in = new JarInputStream(raw)) {
            Manifest m = in.getManifest();
            String v = m == null ? null : m.getMainAttributes().getValue("Bundle-Version");
            return v == null ? null : org.osgi.framework.Version.parseVersion(v.trim()).toString();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
