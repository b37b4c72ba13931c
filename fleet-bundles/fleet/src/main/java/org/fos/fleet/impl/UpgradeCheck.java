package org.fos.fleet.impl;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.Attributes;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;

import org.osgi.framework.Bundle;
import org.osgi.framework.Version;
import org.osgi.framework.VersionRange;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleRevision;

/**
 * What an upgrade checks in the jar it is given before it touches the running fleet (issue 12): the
 * jar is an OSGi bundle, it is a version of the fleet's bundle (the same symbolic name), it declares a
 * component that provides the fleet's protocol, and every package it imports (unless optional) is
 * exported in this framework in a version its range takes, or by the jar itself. A jar that fails
 * one of these is refused with the reason, and the fleet is never paused for it.
 */
final class UpgradeCheck {
    /** The largest manifest or component description read from the jar. */
    private static final int MAX_ENTRY_BYTES = 1 << 20;

    private UpgradeCheck() {
    }

    /**
     * Checks a jar against a fleet.
     *
     * @param jar the jar's bytes (already checked by {@link Jars#check})
     * @param fleet the fleet's name, for the messages
     * @param running the fleet's bound bundle
     * @param protocol the fleet's protocol's class name
     * @param installed the framework's bundles, whose exports the jar's imports must find
     * @throws IllegalArgumentException with the reason, if the jar fails a check
     */
    static void check(byte[] jar, String fleet, Bundle running, String protocol, Bundle[] installed) {
        Manifest manifest;
        List<String> components = new ArrayList<>();
        try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(jar))) {
            manifest = in.getManifest();
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                if (e.getName().startsWith("OSGI-INF/") && e.getName().endsWith(".xml")) {
                    components.add(new String(readBounded(in, e.getName()), StandardCharsets.UTF_8));
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("the new jar for " + fleet + " cannot be read as a jar: " + e.getMessage(), e);
        }
        if (manifest == null) {
            throw new IllegalArgumentException("the new jar for " + fleet + " has no manifest: it is not an OSGi bundle");
        }
        Attributes main = manifest.getMainAttributes();
        String symbolicName = main.getValue("Bundle-SymbolicName");
        if (symbolicName == null || !"2".equals(trim(main.getValue("Bundle-ManifestVersion")))) {
            throw new IllegalArgumentException("the new jar for " + fleet + " is not an OSGi bundle (no Bundle-SymbolicName or"
                    + " Bundle-ManifestVersion 2 in its manifest)");
        }
        String name = Headers.parse(symbolicName).get(0).name();
        if (!name.equals(running.getSymbolicName())) {
            throw new IllegalArgumentException("the new jar is bundle " + name + ", but " + fleet + " runs bundle "
                    + running.getSymbolicName() + ": an upgrade takes a version of the fleet's own bundle");
        }
        String provides = trim(main.getValue("Provide-Capability"));
        boolean provided = provides != null && provides.contains("osgi.service") && provides.contains(protocol);
        for (String xml : components) {
            provided |= xml.contains("interface=\"" + protocol + "\"");
        }
        if (!provided) {
            throw new IllegalArgumentException("the new jar of " + name + " declares no component that provides " + protocol
                    + ", the protocol of " + fleet);
        }
        List<String> unresolved = unresolvedImports(main, installed);
        if (!unresolved.isEmpty()) {
            throw new IllegalArgumentException("the new jar of " + name + " imports packages this node does not export: "
                    + String.join(", ", unresolved) + "; install the bundles that export them first");
        }
    }

    /** The jar's mandatory imports that neither an installed bundle nor the jar itself exports in range. */
    static List<String> unresolvedImports(Attributes main, Bundle[] installed) {
        Map<String, Version> ownExports = new TreeMap<>();
        for (Headers.Clause c : Headers.parse(main.getValue("Export-Package"))) {
            ownExports.put(c.name(), Version.parseVersion(c.attribute("version")));
        }
        List<String> missing = new ArrayList<>();
        for (Headers.Clause c : Headers.parse(main.getValue("Import-Package"))) {
            if ("optional".equals(c.directive("resolution"))) {
                continue;
            }
            String range = c.attribute("version");
            VersionRange versions;
            try {
                versions = new VersionRange(range == null ? "0.0.0" : range);
            } catch (IllegalArgumentException e) {
                missing.add(c.name() + " (version range '" + range + "' is not valid)");
                continue;
            }
            Version own = ownExports.get(c.name());
            if ((own == null || !versions.includes(own)) && !exported(c.name(), versions, installed)) {
                missing.add(c.name() + " " + versions);
            }
        }
        return missing;
    }

    private static boolean exported(String pkg, VersionRange versions, Bundle[] installed) {
        for (Bundle b : installed) {
            BundleRevision revision = b.adapt(BundleRevision.class);
            if (revision == null || b.getState() == Bundle.UNINSTALLED) {
                continue;
            }
            for (BundleCapability cap : revision.getDeclaredCapabilities(BundleRevision.PACKAGE_NAMESPACE)) {
                Map<String, Object> attributes = cap.getAttributes();
                if (pkg.equals(attributes.get(BundleRevision.PACKAGE_NAMESPACE))) {
                    Object v = attributes.get("version");
                    if (versions.includes(v instanceof Version version ? version : Version.emptyVersion)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static byte[] readBounded(InputStream in, String entry) throws IOException {
        byte[] bytes = in.readNBytes(MAX_ENTRY_BYTES + 1);
        if (bytes.length > MAX_ENTRY_BYTES) {
            throw new IOException(entry + " is larger than " + (MAX_ENTRY_BYTES >> 20) + " MiB");
        }
        return bytes;
    }

    private static String trim(String s) {
        return s == null ? null : s.trim();
    }
}
