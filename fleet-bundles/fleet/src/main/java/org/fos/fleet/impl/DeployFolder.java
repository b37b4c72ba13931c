package org.fos.fleet.impl;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.jar.Attributes;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;

import org.fos.fleet.api.FleetInfo;
import org.osgi.framework.Bundle;

/**
 * What became of each jar in a File Install folder ({@code deploy/}): whether it is a jar at all, an
 * OSGi bundle, installed, resolved (and if not, which imports no bundle here exports), and which
 * fleets it serves. File Install itself says nothing useful about a jar it cannot run (issue 12,
 * item 5); this is what {@code fos:deploy} lists and what the runtime logs when it finds one.
 */
public final class DeployFolder {
    /** What a jar in the folder is to the node. */
    public enum State {
        /** Installed and active; the detail names the fleets it serves. */
        ACTIVE,
        /** Installed and resolved, not started (stopped, or a library without an activator). */
        STOPPED,
        /** Installed but not resolved: the detail names the imports that no bundle here exports. */
        UNRESOLVED,
        /** Not yet installed by File Install, or refused by it; the detail says what the node knows. */
        NOT_INSTALLED,
        /** Not a readable jar (zip) at all. */
        NOT_A_JAR,
        /** A jar, but not an OSGi bundle: no Bundle-SymbolicName or Bundle-ManifestVersion 2 in its manifest. */
        NOT_A_BUNDLE
    }

    /**
     * One jar of the folder.
     *
     * @param file the file's name in the folder
     * @param state what it is to the node
     * @param bundle the bundle's id, or -1 if no bundle is installed from it
     * @param symbolicName the bundle's symbolic name and version as its manifest gives them, or null
     * @param detail why, and what to do when it does not run
     */
    public record Jar(String file, State state, long bundle, String symbolicName, String detail) {
        /**
         * Whether the jar does not run as it should.
         *
         * @return true for every state but ACTIVE and STOPPED
         */
        public boolean problem() {
            return state != State.ACTIVE && state != State.STOPPED;
        }
    }

    private DeployFolder() {
    }

    /**
     * Inspects every {@code .jar} in a folder.
     *
     * @param folder the folder File Install watches
     * @param bundles the framework's bundles
     * @param fleets the fleets of this node
     * @return one entry a jar, by file name
     * @throws IOException if the folder cannot be listed
     */
    public static List<Jar> inspect(Path folder, Bundle[] bundles, List<FleetInfo> fleets) throws IOException {
        List<Path> jars = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder)) {
            for (Path p : files) {
                if (Files.isRegularFile(p) && p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".jar")) {
                    jars.add(p);
                }
            }
        }
        jars.sort(null);
        List<Jar> out = new ArrayList<>();
        for (Path p : jars) {
            out.add(inspectJar(p, bundles, fleets));
        }
        return out;
    }

    /** Inspects one jar: its content first (a broken jar is broken whatever File Install made of it), then its bundle. */
    static Jar inspectJar(Path jar, Bundle[] bundles, List<FleetInfo> fleets) {
        String file = jar.getFileName().toString();
        Manifest manifest;
        try (InputStream raw = Files.newInputStream(jar); JarInputStream in = new JarInputStream(raw)) {
            manifest = in.getManifest();
            if (manifest == null && in.getNextJarEntry() == null) {
                return new Jar(file, State.NOT_A_JAR, -1, null, "not a jar: it holds no zip entry (" + Files.size(jar) + " bytes);"
                        + " remove it, File Install cannot install it");
            }
        } catch (IOException | RuntimeException e) {
            return new Jar(file, State.NOT_A_JAR, -1, null, "not a jar: " + e.getMessage() + "; remove it, File Install cannot install it");
        }
        Attributes main = manifest == null ? new Attributes() : manifest.getMainAttributes();
        String symbolicName = main.getValue("Bundle-SymbolicName");
        String manifestVersion = main.getValue("Bundle-ManifestVersion");
        Bundle installed = installedFrom(jar, bundles);
        long id = installed == null ? -1 : installed.getBundleId();
        if (symbolicName == null || manifestVersion == null || !"2".equals(manifestVersion.trim())) {
            return new Jar(file, State.NOT_A_BUNDLE, id, null, "a plain jar, not an OSGi bundle: its manifest has no Bundle-SymbolicName"
                    + " and Bundle-ManifestVersion 2, so nothing in it runs; build it with the bnd-maven-plugin (docs/fleets.md)");
        }
        String name = Headers.parse(symbolicName).get(0).name();
        String version = main.getValue("Bundle-Version") == null ? "0.0.0" : main.getValue("Bundle-Version").trim();
        String bundleName = name + " " + version;
        if (installed == null) {
            Bundle same = null;
            for (Bundle b : bundles) {
                if (name.equals(b.getSymbolicName()) && version.equals(b.getVersion().toString())) {
                    same = b;
                }
            }
            return new Jar(file, State.NOT_INSTALLED, -1, bundleName, same != null
                    ? "bundle " + bundleName + " is installed already from " + same.getLocation() + " (id " + same.getBundleId()
                            + "): the framework takes one bundle of a name and version; remove one of the two"
                    : "File Install has not installed it (it polls the folder; if this stays, its log says why)");
        }
        return switch (installed.getState()) {
            case Bundle.INSTALLED -> {
                List<String> missing = UpgradeCheck.unresolvedImports(main, bundles);
                yield new Jar(file, State.UNRESOLVED, id, bundleName, missing.isEmpty()
                        ? "installed but not resolved, though every package it imports is exported here: a requirement it"
                                + " declares (a capability or a fragment host) is missing; the log has the framework's message"
                        : "installed but not resolved: it imports " + String.join(", ", missing) + ", which no bundle here exports;"
                                + " install the bundles that export them (a fleet implementation needs its API bundle)");
            }
            case Bundle.RESOLVED -> new Jar(file, State.STOPPED, id, bundleName, "resolved, not started: 'start " + id + "' starts it");
            default -> new Jar(file, State.ACTIVE, id, bundleName, serves(name, fleets));
        };
    }

    /** The bundle File Install installed from a jar: its location is the jar's URI (or ends with its path). */
    private static Bundle installedFrom(Path jar, Bundle[] bundles) {
        String uri = jar.toAbsolutePath().normalize().toUri().toString();
        String path = jar.toAbsolutePath().normalize().toString();
        for (Bundle b : bundles) {
            String location = b.getLocation();
            if (b.getState() != Bundle.UNINSTALLED && location != null && (location.equals(uri) || location.endsWith(path)
                    || location.equals(uri.replace("file:///", "file:/")))) {
                return b;
            }
        }
        return null;
    }

    private static String serves(String symbolicName, List<FleetInfo> fleets) {
        List<String> served = new ArrayList<>();
        for (FleetInfo f : fleets) {
            if (symbolicName.equals(f.implementation())) {
                served.add(f.name() + " (" + f.status() + ")");
            }
        }
        return served.isEmpty() ? "active; serves no fleet on this node" : "serves " + String.join(", ", served);
    }
}
