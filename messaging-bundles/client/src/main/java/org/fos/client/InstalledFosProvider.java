package org.fos.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.spi.FileSystemProvider;
import java.util.Map;
import java.util.Set;

import org.fos.fs.api.FileSystemFleet;

/**
 * The {@code fos:} provider as the JDK installs it in a plain JVM (through {@code ServiceLoader}), so
 * that {@code Path.of(URI.create("fos:/docs/a.txt"))} works without code that knows fos. It connects,
 * on first use, a {@link FosClient} through the ticket named by the system property
 * {@value #TICKET_PROPERTY} or the environment variable {@value #TICKET_ENV}, and hands every path to
 * that client's file systems; the connection lasts as long as the JVM. Thread-safe.
 */
public final class InstalledFosProvider extends FileSystemProvider {
    /** The system property naming the node's client ticket. */
    public static final String TICKET_PROPERTY = "fos.client.ticket";
    /** The environment variable naming the node's client ticket, if the property is not set. */
    public static final String TICKET_ENV = "FOS_CLIENT_TICKET";

    private FosClient client;

    /** Creates the provider; the JDK calls it. */
    public InstalledFosProvider() {
    }

    private synchronized FosClient client() {
        if (client == null) {
            String ticket = System.getProperty(TICKET_PROPERTY, System.getenv(TICKET_ENV));
            if (ticket == null || ticket.isBlank()) {
                throw new FileSystemNotFoundException("no fos node to reach: set -D" + TICKET_PROPERTY
                        + "=<node folder>/data/client.ticket (or " + TICKET_ENV + ")");
            }
            try {
                client = FosClient.connect(Path.of(ticket));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot reach the fos node of ticket " + ticket + ": " + e.getMessage(), e);
            }
            FosClient c = client;
            Runtime.getRuntime().addShutdownHook(new Thread(c::close, "fos-client-close"));
        }
        return client;
    }

    private static String fleetOf(URI uri) {
        String q = uri.getQuery();
        if (q != null) {
            for (String part : q.split("&")) {
                if (part.startsWith("fleet=")) {
                    return part.substring("fleet=".length());
                }
            }
        }
        return FileSystemFleet.NAME;
    }

    private static FileSystemProvider of(Path p) {
        FileSystemProvider provider = p.getFileSystem().provider();
        if (!"fos".equals(provider.getScheme())) {
            throw new ProviderMismatchException("not a fos path: " + p);
        }
        return provider;
    }

    @Override
    public String getScheme() {
        return "fos";
    }

    @Override
    public FileSystem newFileSystem(URI uri, Map<String, ?> env) {
        return getFileSystem(uri);
    }

    @Override
    public FileSystem getFileSystem(URI uri) {
        return client().fileSystem(fleetOf(uri));
    }

    @Override
    public Path getPath(URI uri) {
        return client().fileSystem(fleetOf(uri)).provider().getPath(uri);
    }

    @Override
    public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs) throws IOException {
        return of(path).newByteChannel(path, options, attrs);
    }

    @Override
    public DirectoryStream<Path> newDirectoryStream(Path dir, DirectoryStream.Filter<? super Path> filter) throws IOException {
        return of(dir).newDirectoryStream(dir, filter);
    }

    @Override
    public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
        of(dir).createDirectory(dir, attrs);
    }

    @Override
    public void delete(Path path) throws IOException {
        of(path).delete(path);
    }

    @Override
    public void copy(Path source, Path target, CopyOption... options) throws IOException {
        of(source).copy(source, target, options);
    }

    @Override
    public void move(Path source, Path target, CopyOption... options) throws IOException {
        of(source).move(source, target, options);
    }

    @Override
    public boolean isSameFile(Path path, Path path2) throws IOException {
        return of(path).isSameFile(path, path2);
    }

    @Override
    public boolean isHidden(Path path) throws IOException {
        return of(path).isHidden(path);
    }

    @Override
    public FileStore getFileStore(Path path) throws IOException {
        return of(path).getFileStore(path);
    }

    @Override
    public void checkAccess(Path path, AccessMode... modes) throws IOException {
        of(path).checkAccess(path, modes);
    }

    @Override
    public <V extends FileAttributeView> V getFileAttributeView(Path path, Class<V> type, LinkOption... options) {
        return of(path).getFileAttributeView(path, type, options);
    }

    @Override
    public <A extends BasicFileAttributes> A readAttributes(Path path, Class<A> type, LinkOption... options) throws IOException {
        return of(path).readAttributes(path, type, options);
    }

    @Override
    public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options) throws IOException {
        return of(path).readAttributes(path, attributes, options);
    }

    @Override
    public void setAttribute(Path path, String attribute, Object value, LinkOption... options) throws IOException {
        of(path).setAttribute(path, attribute, value, options);
    }
}
