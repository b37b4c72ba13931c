package org.fos.fs.client;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.spi.FileSystemProvider;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.fos.fs.api.Attributes;
import org.fos.fs.api.DirEntry;
import org.fos.fs.api.FileSystemFleet;
import org.fos.fs.api.FileType;

/**
 * The {@code java.nio.file} provider of the {@code fos} scheme: one {@link FileSystem} per
 * file-system fleet, reached through a {@link FleetConnector}. It depends on nothing of OSGi, so
 * that the plain-JVM client of the cluster issue can reuse it with another connector.
 *
 * <p>A URI is {@code fos:/path} for the default fleet ({@value FileSystemFleet#NAME}) or
 * {@code fos:/path?fleet=/sys/other}. Errors are the standard exceptions, naming the caller's
 * paths. Thread-safe.
 */
public class FosFileSystemProvider extends FileSystemProvider {
    /** The URI scheme. */
    public static final String SCHEME = "fos";
    /** The {@code env} key of {@link #newFileSystem(URI, Map)} that names the fleet. */
    public static final String FLEET = "fleet";

    private final FleetConnector connector;
    private final long timeoutMillis;
    private final Map<String, FosFileSystem> systems = new ConcurrentHashMap<>();

    /**
     * Creates the provider.
     *
     * @param connector how to reach fleets
     * @param timeoutMillis how long one call to the fleet may take
     */
    public FosFileSystemProvider(FleetConnector connector, long timeoutMillis) {
        this.connector = connector;
        this.timeoutMillis = timeoutMillis;
    }

    @Override
    public String getScheme() {
        return SCHEME;
    }

    /**
     * Returns the file system of a fleet, opening it on first use.
     *
     * @param fleet the fleet's name
     * @return the file system
     */
    public FileSystem fileSystem(String fleet) {
        org.fos.kernel.api.Names.requireValidName(fleet);
        return systems.computeIfAbsent(fleet, f -> new FosFileSystem(this, f, connector.connect(f), timeoutMillis));
    }

    void closed(FosFileSystem fs) {
        systems.remove(fs.fleet(), fs);
    }

    private static String fleetOf(URI uri) {
        if (!SCHEME.equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalArgumentException("not a fos URI: " + uri);
        }
        String q = uri.getQuery();
        if (q == null || q.isEmpty()) {
            return FileSystemFleet.NAME;
        }
        for (String part : q.split("&")) {
            if (part.startsWith(FLEET + "=")) {
                return part.substring(FLEET.length() + 1);
            }
        }
        throw new IllegalArgumentException("the query of " + uri + " names no fleet (fleet=/sys/fs)");
    }

    @Override
    public FileSystem newFileSystem(URI uri, Map<String, ?> env) {
        String fleet = env != null && env.get(FLEET) != null ? env.get(FLEET).toString() : fleetOf(uri);
        if (systems.containsKey(fleet)) {
            throw new FileSystemAlreadyExistsException(fleet);
        }
        return fileSystem(fleet);
    }

    @Override
    public FileSystem getFileSystem(URI uri) {
        FileSystem fs = systems.get(fleetOf(uri));
        if (fs == null) {
            throw new FileSystemNotFoundException(fleetOf(uri));
        }
        return fs;
    }

    @Override
    public Path getPath(URI uri) {
        String path = uri.getPath();
        if (path == null || !path.startsWith("/")) {
            throw new IllegalArgumentException("a fos URI names an absolute path, such as fos:/docs/a.txt, not " + uri);
        }
        return fileSystem(fleetOf(uri)).getPath(path);
    }

    static FosPath fos(Path p) {
        if (!(p instanceof FosPath f)) {
            throw new ProviderMismatchException("not a fos path: " + (p == null ? "null" : p.getClass().getName()));
        }
        return f;
    }

    private static String nameOf(FosPath p) throws IOException {
        Path name = p.toAbsolutePath().normalize().getFileName();
        if (name == null) {
            throw new FileSystemException(p.toString(), null, "the root has no name in a directory");
        }
        return name.toString();
    }

    // ---------------------------------------------------------------- files

    @Override
    public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs) throws IOException {
        return newFileChannel(path, options, attrs);
    }

    @Override
    public FileChannel newFileChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs) throws IOException {
        FosPath p = fos(path);
        FosFileSystem fs = p.getFileSystem();
        Set<OpenOption> o = new HashSet<>(options);
        boolean append = o.contains(StandardOpenOption.APPEND);
        boolean write = o.contains(StandardOpenOption.WRITE) || append;
        boolean read = o.contains(StandardOpenOption.READ) || !write;
        if (append && o.contains(StandardOpenOption.READ)) {
            throw new IllegalArgumentException("READ and APPEND cannot be combined");
        }
        if (append && o.contains(StandardOpenOption.TRUNCATE_EXISTING)) {
            throw new IllegalArgumentException("APPEND and TRUNCATE_EXISTING cannot be combined");
        }
        if (o.contains(StandardOpenOption.DELETE_ON_CLOSE)) {
            throw new UnsupportedOperationException("DELETE_ON_CLOSE is not supported by fos file systems");
        }
        DirEntry e;
        if (write && (o.contains(StandardOpenOption.CREATE_NEW) || o.contains(StandardOpenOption.CREATE))) {
            DirEntry dir = fs.parentOf(p);
            String name = nameOf(p);
            boolean exclusive = o.contains(StandardOpenOption.CREATE_NEW);
            e = fs.await(() -> fs.server().create(FileSystemFleet.groupOf(dir.inode()), dir.inode(), name, exclusive), p);
        } else {
            e = fs.resolve(p);
        }
        if (e.type() == FileType.DIRECTORY) {
            throw new FileSystemException(p.toString(), null, "Is a directory");
        }
        long inode = e.inode();
        if (write && o.contains(StandardOpenOption.TRUNCATE_EXISTING)) {
            fs.await(() -> fs.server().truncate(FileSystemFleet.groupOf(inode), inode, 0), p);
        }
        boolean sync = o.contains(StandardOpenOption.SYNC) || o.contains(StandardOpenOption.DSYNC);
        return new FosFileChannel(fs, p, inode, read, write, append, sync);
    }

    @Override
    public DirectoryStream<Path> newDirectoryStream(Path dir, DirectoryStream.Filter<? super Path> filter) throws IOException {
        FosPath p = fos(dir);
        DirEntry e = p.getFileSystem().resolve(p);
        if (e.type() != FileType.DIRECTORY) {
            throw new NotDirectoryException(p.toString());
        }
        return new FosDirectoryStream(p.getFileSystem(), p, e.inode(), filter);
    }

    @Override
    public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
        FosPath p = fos(dir);
        FosFileSystem fs = p.getFileSystem();
        if (p.toAbsolutePath().normalize().getNameCount() == 0) {
            throw new FileAlreadyExistsException(p.toString());
        }
        DirEntry parent = fs.parentOf(p);
        String name = nameOf(p);
        fs.await(() -> fs.server().mkdir(FileSystemFleet.groupOf(parent.inode()), parent.inode(), name), p);
    }

    @Override
    public void delete(Path path) throws IOException {
        FosPath p = fos(path);
        FosFileSystem fs = p.getFileSystem();
        if (p.toAbsolutePath().normalize().getNameCount() == 0) {
            throw new FileSystemException(p.toString(), null, "the root cannot be deleted");
        }
        DirEntry parent = fs.parentOf(p);
        String name = nameOf(p);
        fs.await(() -> fs.server().delete(FileSystemFleet.groupOf(parent.inode()), parent.inode(), name), p);
    }

    @Override
    public void copy(Path source, Path target, CopyOption... options) throws IOException {
        FosPath from = fos(source);
        FosPath to = fos(target);
        boolean replace = Set.of(options).contains(StandardCopyOption.REPLACE_EXISTING);
        BasicFileAttributes a = readAttributes(from, BasicFileAttributes.class);
        if (isSameFile(from, to)) {
            return;
        }
        if (replace) {
            try {
                delete(to);
            } catch (NoSuchFileException absent) {
                // nothing to replace
            }
        }
        if (a.isDirectory()) {
            createDirectory(to);
            return;
        }
        try (FileChannel in = newFileChannel(from, Set.of(StandardOpenOption.READ));
                FileChannel out = newFileChannel(to, Set.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW))) {
            ByteBuffer buf = ByteBuffer.allocate(FosFileChannel.RUN_BYTES);
            while (in.read(buf) >= 0) {
                buf.flip();
                while (buf.hasRemaining()) {
                    out.write(buf);
                }
                buf.clear();
            }
        }
        if (Set.of(options).contains(StandardCopyOption.COPY_ATTRIBUTES)) {
            getFileAttributeView(to, BasicFileAttributeView.class).setTimes(a.lastModifiedTime(), a.lastAccessTime(), null);
        }
    }

    @Override
    public void move(Path source, Path target, CopyOption... options) throws IOException {
        FosPath from = fos(source);
        FosPath to = fos(target);
        if (from.getFileSystem() != to.getFileSystem()) {
            copy(from, to, options);
            delete(from);
            return;
        }
        FosFileSystem fs = from.getFileSystem();
        boolean replace = Set.of(options).contains(StandardCopyOption.REPLACE_EXISTING);
        DirEntry fromDir = fs.parentOf(from);
        DirEntry toDir = fs.parentOf(to);
        String fromName = nameOf(from);
        String toName = nameOf(to);
        fs.await(() -> fs.server().rename(FileSystemFleet.groupOf(fromDir.inode()), fromDir.inode(), fromName, toDir.inode(), toName,
                replace), from, to);
    }

    @Override
    public boolean isSameFile(Path path, Path path2) throws IOException {
        FosPath a = fos(path);
        FosPath b = fos(path2);
        if (a.equals(b)) {
            return true;
        }
        if (a.getFileSystem() != b.getFileSystem()) {
            return false;
        }
        try {
            return a.getFileSystem().resolve(a).inode() == b.getFileSystem().resolve(b).inode();
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    @Override
    public boolean isHidden(Path path) {
        Path name = fos(path).getFileName();
        return name != null && name.toString().startsWith(".");
    }

    @Override
    public FileStore getFileStore(Path path) throws IOException {
        FosPath p = fos(path);
        checkAccess(p);
        return new FosFileStore(p.getFileSystem());
    }

    @Override
    public void checkAccess(Path path, AccessMode... modes) throws IOException {
        FosPath p = fos(path);
        p.getFileSystem().resolve(p);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <V extends FileAttributeView> V getFileAttributeView(Path path, Class<V> type, LinkOption... options) {
        if (type != BasicFileAttributeView.class) {
            return null;
        }
        FosPath p = fos(path);
        return (V) new FosAttributes.View(p.getFileSystem(), p);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <A extends BasicFileAttributes> A readAttributes(Path path, Class<A> type, LinkOption... options) throws IOException {
        if (type != BasicFileAttributes.class) {
            throw new UnsupportedOperationException("fos files have basic attributes only, not " + type.getName());
        }
        FosPath p = fos(path);
        FosFileSystem fs = p.getFileSystem();
        long inode = fs.resolve(p).inode();
        Attributes a = fs.await(() -> fs.server().stat(FileSystemFleet.groupOf(inode), inode), p);
        return (A) new FosAttributes(a);
    }

    @Override
    public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options) throws IOException {
        String list = attributes;
        int colon = list.indexOf(':');
        if (colon >= 0) {
            String view = list.substring(0, colon);
            if (!view.equals("basic")) {
                throw new UnsupportedOperationException("fos files have the basic attribute view only, not '" + view + "'");
            }
            list = list.substring(colon + 1);
        }
        BasicFileAttributes a = readAttributes(path, BasicFileAttributes.class);
        Map<String, Object> all = new HashMap<>();
        all.put("size", a.size());
        all.put("lastModifiedTime", a.lastModifiedTime());
        all.put("lastAccessTime", a.lastAccessTime());
        all.put("creationTime", a.creationTime());
        all.put("isRegularFile", a.isRegularFile());
        all.put("isDirectory", a.isDirectory());
        all.put("isSymbolicLink", false);
        all.put("isOther", false);
        all.put("fileKey", a.fileKey());
        if (list.equals("*")) {
            return all;
        }
        Map<String, Object> out = new HashMap<>();
        for (String name : list.split(",")) {
            if (!all.containsKey(name)) {
                throw new IllegalArgumentException("'" + name + "' is not a basic attribute; they are " + all.keySet());
            }
            out.put(name, all.get(name));
        }
        return out;
    }

    @Override
    public void setAttribute(Path path, String attribute, Object value, LinkOption... options) throws IOException {
        String name = attribute.startsWith("basic:") ? attribute.substring(6) : attribute;
        BasicFileAttributeView view = getFileAttributeView(path, BasicFileAttributeView.class);
        switch (name) {
            case "lastModifiedTime" -> view.setTimes((FileTime) value, null, null);
            case "lastAccessTime" -> view.setTimes(null, (FileTime) value, null);
            case "creationTime" -> throw new UnsupportedOperationException("a fos file's creation time cannot be set");
            default -> throw new IllegalArgumentException("'" + attribute + "' cannot be set; lastModifiedTime and lastAccessTime can");
        }
    }
}
