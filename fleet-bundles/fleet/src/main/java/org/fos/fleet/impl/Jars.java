package org.fos.fleet.impl;

import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;

/** Reads and checks the bundle jars given to an upgrade. */
public final class Jars {
    /** The largest bundle an upgrade takes. */
    static final long MAX_BUNDLE_BYTES = 256L << 20;

    private Jars() {
    }

    /**
     * Reads a bundle jar from a URL.
     *
     * @param location the URL, for example {@code file:/tmp/kv-2.0.0.jar}
     * @return its bytes
     * @throws IllegalArgumentException if the location is no URL, cannot be read, or is not a jar
     */
    public static byte[] read(String location) {
        if (location == null || location.isBlank()) {
            throw new IllegalArgumentException("bundle location is missing: give a URL such as file:/tmp/kv-2.0.0.jar");
        }
        URL url;
        try {
            url = new URI(location.trim()).toURL();
        } catch (URISyntaxException | MalformedURLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("bundle location '" + location + "' is not a URL (for example file:/tmp/kv-2.0.0.jar): "
                    + e.getMessage(), e);
        }
        try (InputStream in = url.openStream()) {
            return check(in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, MAX_BUNDLE_BYTES + 1)), "bundle at " + location);
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
