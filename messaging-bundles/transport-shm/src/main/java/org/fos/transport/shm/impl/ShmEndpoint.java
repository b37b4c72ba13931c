package org.fos.transport.shm.impl;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a node takes shared-memory frames, as it publishes it through the membership (attribute
 * {@value #ATTRIBUTE}): the host it runs on, the Aeron stream and its media driver's directory, as
 * {@code host=<host id>;stream=<stream id>;dir=<absolute path>}.
 *
 * @param host the host id ({@link HostId}); shared memory links only nodes of one host id
 * @param stream the Aeron stream id the node subscribes to
 * @param directory the node's media driver directory
 */
public record ShmEndpoint(String host, int stream, Path directory) {

    /** The membership attribute. */
    public static final String ATTRIBUTE = "shm";

    /**
     * Checks the parts.
     *
     * @param host the host id
     * @param stream the stream id
     * @param directory the directory, absolute
     * @throws IllegalArgumentException if the host id is blank or holds ';', or the directory is relative
     */
    public ShmEndpoint {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(directory, "directory");
        if (host.isBlank() || host.indexOf(';') >= 0) {
            throw new IllegalArgumentException("a host id is not blank and has no ';': '" + host + "'");
        }
        if (!directory.isAbsolute()) {
            throw new IllegalArgumentException("a shared-memory directory is an absolute path: " + directory);
        }
    }

    /**
     * Returns the attribute's value.
     *
     * @return {@code host=...;stream=...;dir=...}
     */
    public String format() {
        return "host=" + host + ";stream=" + stream + ";dir=" + directory;
    }

    /**
     * Reads an attribute's value.
     *
     * @param value what a node published
     * @return the endpoint
     * @throws IllegalArgumentException naming what is missing or wrong
     */
    public static ShmEndpoint parse(String value) {
        Objects.requireNonNull(value, "value");
        if (!value.startsWith("host=")) {
            throw new IllegalArgumentException("a shared-memory endpoint starts with 'host=': '" + value + "'");
        }
        int stream = value.indexOf(";stream=");
        int dir = value.indexOf(";dir=");
        if (stream < 0 || dir < stream) {
            throw new IllegalArgumentException("a shared-memory endpoint is host=...;stream=...;dir=...: '" + value + "'");
        }
        int id;
        try {
            id = Integer.parseInt(value.substring(stream + 8, dir));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the stream of shared-memory endpoint '" + value + "' is not a number", e);
        }
        try {
            return new ShmEndpoint(value.substring(5, stream), id, Path.of(value.substring(dir + 5)));
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("the directory of shared-memory endpoint '" + value + "' is not a path", e);
        }
    }
}
