package org.fos.fs.client;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.WatchService;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import org.fos.fs.api.DirEntry;
import org.fos.fs.api.FileSystemFleet;
import org.fos.fs.api.FileType;

/**
 * One fos file system as {@code java.nio.file} sees it: the fleet that serves it and the paths on
 * it. Paths are resolved name by name from the root, each lookup going to the member that owns the
 * directory's group. Thread-safe.
 */
final class FosFileSystem extends FileSystem {
    private final FosFileSystemProvider provider;
    private final String fleetName;
    private final FileSystemFleet fleet;
    private final long timeoutMillis;
    private volatile boolean open = true;

    FosFileSystem(FosFileSystemProvider provider, String fleetName, FileSystemFleet fleet, long timeoutMillis) {
        this.provider = provider;
        this.fleetName = fleetName;
        this.fleet = fleet;
        this.timeoutMillis = timeoutMillis;
    }

    String fleet() {
        return fleetName;
    }

    FileSystemFleet server() {
        return fleet;
    }

    <T> T await(Remote.Call<T> call, Path file) throws IOException {
        return Remote.await(call, String.valueOf(file), null, timeoutMillis);
    }

    <T> T await(Remote.Call<T> call, Path file, Path other) throws IOException {
        return Remote.await(call, String.valueOf(file), String.valueOf(other), timeoutMillis);
    }

    /** The root as an entry. */
    static DirEntry rootEntry() {
        return new DirEntry("", FileSystemFleet.ROOT, FileType.DIRECTORY);
    }

    /**
     * Finds the entry a path names.
     *
     * @throws NoSuchFileException if a name on the way is missing
     * @throws NotDirectoryException if a name on the way is a file
     */
    DirEntry resolve(FosPath path) throws IOException {
        FosPath abs = (FosPath) path.toAbsolutePath().normalize();
        DirEntry at = rootEntry();
        List<String> names = abs.names();
        for (int i = 0; i < names.size(); i++) {
            if (at.type() != FileType.DIRECTORY) {
                throw new NotDirectoryException(prefix(names, i));
            }
            long dir = at.inode();
            String name = names.get(i);
            String where = prefix(names, i + 1);
            at = Remote.await(() -> fleet.lookup(FileSystemFleet.groupOf(dir), dir, name), path.toString(), null, timeoutMillis);
            if (at == null) {
                throw new NoSuchFileException(where);
            }
        }
        return at;
    }

    private static String prefix(List<String> names, int n) {
        return "/" + String.join("/", names.subList(0, n));
    }

    /** The directory that holds a path's last name; the path must not be the root. */
    DirEntry parentOf(FosPath path) throws IOException {
        FosPath abs = (FosPath) path.toAbsolutePath().normalize();
        Path parent = abs.getParent();
        DirEntry d = parent == null ? rootEntry() : resolve((FosPath) parent);
        if (d.type() != FileType.DIRECTORY) {
            throw new NotDirectoryException(String.valueOf(parent));
        }
        return d;
    }

    @Override
    public FosFileSystemProvider provider() {
        return provider;
    }

    @Override
    public void close() {
        open = false;
        provider.closed(this);
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public boolean isReadOnly() {
        return false;
    }

    @Override
    public String getSeparator() {
        return "/";
    }

    @Override
    public Iterable<Path> getRootDirectories() {
        return List.of(FosPath.root(this));
    }

    @Override
    public Iterable<FileStore> getFileStores() {
        return List.of(new FosFileStore(this));
    }

    @Override
    public Set<String> supportedFileAttributeViews() {
        return Set.of("basic");
    }

    @Override
    public Path getPath(String first, String... more) {
        StringBuilder b = new StringBuilder(first);
        for (String m : more) {
            if (!m.isEmpty()) {
                b.append('/').append(m);
            }
        }
        return FosPath.parse(this, b.toString());
    }

    @Override
    public PathMatcher getPathMatcher(String syntaxAndPattern) {
        int colon = syntaxAndPattern.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("a path matcher is syntax:pattern, such as glob:*.txt, not '" + syntaxAndPattern + "'");
        }
        String syntax = syntaxAndPattern.substring(0, colon);
        String pattern = syntaxAndPattern.substring(colon + 1);
        Pattern regex = switch (syntax) {
            case "regex" -> Pattern.compile(pattern);
            case "glob" -> Pattern.compile(Globs.toRegex(pattern));
            default -> throw new UnsupportedOperationException("path matcher syntax '" + syntax + "': use glob or regex");
        };
        return p -> regex.matcher(p.toString()).matches();
    }

    @Override
    public UserPrincipalLookupService getUserPrincipalLookupService() {
        throw new UnsupportedOperationException("fos file systems have no users");
    }

    @Override
    public WatchService newWatchService() {
        throw new UnsupportedOperationException("fos file systems do not watch paths");
    }

    @Override
    public String toString() {
        return "fos file system " + fleetName;
    }
}
