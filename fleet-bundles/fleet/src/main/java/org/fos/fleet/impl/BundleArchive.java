package org.fos.fleet.impl;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.Enumeration;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;

import org.osgi.framework.Bundle;

/**
 * Copies an installed bundle's content into a jar, so that a failed upgrade can put the previous
 * version back however it was installed (shell {@code update}, a jar overwritten in
 * {@code deploy/}, {@code fos:upgrade}): after an update the framework keeps no copy of the old jar.
 */
final class BundleArchive {
    private static final String MANIFEST = "META-INF/MANIFEST.MF";

    private BundleArchive() {
    }

    static byte[] of(Bundle bundle) throws IOException {
        URL manifestUrl = bundle.getEntry(MANIFEST);
        if (manifestUrl == null) {
            throw new IOException("bundle " + bundle.getSymbolicName() + " has no manifest entry");
        }
        Manifest manifest;
        try (InputStream in = manifestUrl.openStream()) {
            manifest = new Manifest(in);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(bytes, manifest)) {
            copy(bundle, bundle.getEntryPaths("/"), jar);
        }
        return bytes.toByteArray();
    }

    private static void copy(Bundle bundle, Enumeration<String> paths, JarOutputStream jar) throws IOException {
        if (paths == null) {
            return;
        }
        while (paths.hasMoreElements()) {
            String path = paths.nextElement();
            if (path.equals(MANIFEST)) {
                continue;
            }
            if (path.endsWith("/")) {
                if (!path.equals("META-INF/")) {
                    jar.putNextEntry(new ZipEntry(path));
                    jar.closeEntry();
                }
                copy(bundle, bundle.getEntryPaths(path), jar);
                continue;
            }
            URL url = bundle.getEntry(path);
            if (url == null) {
                continue;
            }
            jar.putNextEntry(new ZipEntry(path));
            try (InputStream in = url.openStream()) {
                in.transferTo(jar);
            }
            jar.closeEntry();
        }
    }
}
