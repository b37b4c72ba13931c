package org.fos.fs.api;

import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.nio.file.spi.FileSystemProvider;

import org.osgi.annotation.versioning.ProviderType;

/**
 * How bundles reach fos file systems through {@code java.nio.file}: the JDK finds installed
 * providers through the system class loader, which does not see bundles, so {@code Path.of(URI)}
 * cannot find the {@code fos:} provider inside OSGi. Get this service instead and start from its
 * paths; from then on plain {@code Files}, channels, streams and directory streams work.
 *
 * <pre>
 * &#64;Reference FosFiles fos;
 * Path doc = fos.path("/docs/a.txt");          // fos:/docs/a.txt on /sys/fs
 * Files.createDirectories(doc.getParent());
 * Files.writeString(doc, "hello");
 * </pre>
 *
 * <p>A {@code fos:} URI names a path on the default file system ({@value FileSystemFleet#NAME}):
 * {@code fos:/docs/a.txt}; another fleet is named by a query, {@code fos:/a.txt?fleet=/sys/fs2}.
 * The provider is also registered as a {@link FileSystemProvider} service (property
 * {@code fos.scheme=fos}). Thread-safe.
 */
@ProviderType
public interface FosFiles {

    /**
     * Returns the file system served by a fleet, opening it on first use.
     *
     * @param fleet the fleet's name, for example {@value FileSystemFleet#NAME}
     * @return the file system; it stays open while this service is registered
     * @throws IllegalArgumentException if the name is not a valid fos name
     */
    FileSystem fileSystem(String fleet);

    /**
     * Returns the default file system, {@value FileSystemFleet#NAME}.
     *
     * @return the file system
     */
    FileSystem fileSystem();

    /**
     * Returns a path on the default file system.
     *
     * @param first an absolute or relative path, such as {@code /docs/a.txt}
     * @param more more segments to join
     * @return the path
     * @throws java.nio.file.InvalidPathException if the text is not a valid fos path
     */
    Path path(String first, String... more);

    /**
     * Returns the path a {@code fos:} URI names.
     *
     * @param uri for example {@code fos:/docs/a.txt} or {@code fos:/a.txt?fleet=/sys/fs2}
     * @return the path
     * @throws IllegalArgumentException if the URI is not a {@code fos:} URI with an absolute path
     */
    Path path(java.net.URI uri);

    /**
     * Returns the provider behind these file systems.
     *
     * @return the provider for the {@code fos} scheme
     */
    FileSystemProvider provider();
}
