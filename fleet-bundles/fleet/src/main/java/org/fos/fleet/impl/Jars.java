package org.fos.fleet.impl;

import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/** Reads and checks the bundle jars given to an upgrade: from a URL or from a file path. */
public final class Jars {
    /** The largest bundle an upgrade takes. */
    static final long MAX_BUNDLE_BYTES = 256L << 20;

    private Jars() {
    }

    /**
     * Reads a bundle jar from a URL or a file path.
     *
     * @param location a URL with a scheme, for example {@code file:/tmp/kv-2.0.0.jar}, or a file path,
     *        for example {@code /tmp/kv-2.0.0.jar}; a relative path is taken from the node's working
     *        folder (its {@code FOS_BASE})
     * @return its bytes
     * @throws IllegalArgumentException if the location is neither, cannot be read, or is not a jar
     */
    public static byte[] read(String location) {
        if (location == null || location.isBlank()) {
            throw new IllegalArgumentException("bundle location is missing: give a jar's path such as /tmp/kv-2.0.0.jar or a URL"
                    + " such as file:/tmp/kv-2.0.0.jar");
        }
        String trimmed = location.trim();
        URI uri = uri(trimmed);
        if (uri == null) {
            return readFile(trimmed);
        }
        URL url;
        try {
            url = uri.toURL();
        } catch (MalformedURLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("bundle location '" + location + "' is not a URL that can be read (for example"
                    + " file:/tmp/kv-2.0.0.jar): " + e.getMessage(), e);
        }
        try (InputStream in = url.openStream()) {
            return check(in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, MAX_BUNDLE_BYTES + 1)), "bundle at " + location);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read bundle at " + location + ": " + e, e);
        }
    }

    /** The location as a URI with a scheme of two or more letters, or null if it is a path. */
    private static URI uri(String location) {
        try {
            URI uri = new URI(location);
            return uri.getScheme() != null && uri.getScheme().length() > 1 ? uri : null;
        } catch (URISyntaxException e) {
            return null;
        }
    }

    private static byte[] readFile(String location) {
        Path path;
        try {
            path = Path.of(location).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("bundle location '" + location + "' is neither a URL nor a file path: "
                    + e.getMessage(), e);
        }
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException("cannot read bundle at " + location + ": no file " + path
                    + (Path.of(location).isAbsolute() ? "" : " (a relative path is taken from the node's folder)"));
        }
        try {
            long size = Files.size(path);
            if (size > MAX_BUNDLE_BYTES) {
                throw new IllegalArgumentException("bundle at " + location + " is larger than " + (MAX_BUNDLE_BYTES >> 20) + " MiB");
            }
            return check(Files.readAllBytes(path), "bundle at " + location);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read bundle at " + location + ": " + e, e);
        }
    }

    /**
     * Checks that bytes look like a jar of an acceptable size.
     *
     * @param bytes the bytes
     * @param what what they are, for the message
     * @return the bytes
     * @throws IllegalArgumentException if they are missing, too large or not a zip
     */
    public static byte[] check(byte[] bytes, String what) {
        if (bytes == null) {
            throw new IllegalArgumentException(what + " is missing");
        }
        if (bytes.length > MAX_BUNDLE_BYTES) {
            throw new IllegalArgumentException(what + " is larger than " + (MAX_BUNDLE_BYTES >> 20) + " MiB");
        }
        if (bytes.length < 4 || bytes[0] != 'P' || bytes[1] != 'K') {
            throw new IllegalArgumentException(what + " is not a jar (" + bytes.length + " bytes)");
        }
        return bytes;
    }
}
