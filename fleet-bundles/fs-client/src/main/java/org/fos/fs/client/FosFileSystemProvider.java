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
import java.nio.file.attribute.FileOwnerAttributeView;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.spi.FileSystemProvider;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.fos.fs.api.Attributes;
import org.fos.fs.api.DirEntry;
import org.fos.fs.api.FileSystemFleet;
import org.fos.fs.api.FileType;
import org.fos.fs.api.Opened;

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

    /** How many inodes a file system's cache keeps unless told otherwise. */
    public static final int CACHE_INODES = 8_192;
    /**
     * How many of a file's first bytes an open for reading asks for with its lease: a file this
     * small is read with no call after its open while the lease lasts.
     */
    static final int HEAD_BYTES = 64 << 10;

    private final FleetConnector connector;
    private final long timeoutMillis;
    private final User user;
    private final int cacheInodes;
    private final Map<String, FosFileSystem> systems = new ConcurrentHashMap<>();

    /**
     * Creates the provider for the super-user (what bundles inside a node are).
     *
     * @param connector how to reach fleets
     * @param timeoutMillis how long one call to the fleet may take
     */
    public FosFileSystemProvider(FleetConnector connector, long timeoutMillis) {
        this(connector, timeoutMillis, User.ROOT);
    }

    /**
     * Creates the provider for a user: files it makes are the user's, and its calls are checked
     * against the files' permission bits.
     *
     * @param connector how to reach fleets
     * @param timeoutMillis how long one call to the fleet may take
     * @param user the user the calls present
     */
    public FosFileSystemProvider(FleetConnector connector, long timeoutMillis, User user) {
        this(connector, timeoutMillis, user, CACHE_INODES);
    }

    /**
     * Creates the provider for a user, with a cache of lookups and attributes of a given size: the
     * cache works under leases the members revoke, so it needs a connector that takes calls back
     * ({@link FleetConnector#callbacks}); with another, or a size of 0, every path is asked of the
     * members.
     *
     * @param connector how to reach fleets
     * @param timeoutMillis how long one call to the fleet may take
     * @param user the user the calls present
     * @param cacheInodes the most inodes one file system's cache keeps, 0 for no cache
     * @throws IllegalArgumentException if {@code cacheInodes} is negative
     */
    public FosFileSystemProvider(FleetConnector connector, long timeoutMillis, User user, int cacheInodes) {
        if (cacheInodes < 0) {
            throw new IllegalArgumentException("cacheInodes must be 0 (no cache) or more, was " + cacheInodes);
        }
        this.connector = connector;
        this.timeoutMillis = timeoutMillis;
        this.user = java.util.Objects.requireNonNull(user, "user");
        this.cacheInodes = cacheInodes;
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
        return systems.computeIfAbsent(fleet, f -> new FosFileSystem(this, f, connector.connect(f), timeoutMillis, user,
                () -> connector.reachable(f), () -> connector.notComing(f), holder -> connector.callbacks(f, holder), cacheInodes,
                connector.callerWaits()));
    }


    void closed(FosFileSystem fs) {
        systems.remove(fs.fleet(), fs);
    }

    /**
     * Closes every file system this provider opened: their file locks are no longer renewed and end
     * with their lease, their caches end with the mailboxes their leases are revoked through, and their
     * threads stop.
     */
    public void closeAll() {
        for (FosFileSystem fs : List.copyOf(systems.values())) {
            fs.close();
        }
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

    private static boolean follows(LinkOption... options) {
        for (LinkOption o : options) {
            if (o == LinkOption.NOFOLLOW_LINKS) {
                return false;
            }
        }
        return true;
    }

    private static Attributes stat(FosFileSystem fs, long inode, Path p) throws IOException {
        Attributes cached = fs.cachedAttributes(inode);
        if (cached != null) {
            return cached;
        }
        return fs.await(() -> fs.server().stat(FileSystemFleet.groupOf(inode), inode), p);
    }

    /** Checks that the user may change entries of a directory (write and search). */
    private static void checkDirectoryWrite(FosFileSystem fs, DirEntry dir, FosPath p) throws IOException {
        if (fs.user().uid() != 0) {
            fs.user().check(stat(fs, dir.inode(), p), User.WRITE | User.EXECUTE, String.valueOf(p.getParent()));
        }
    }

    // ---------------------------------------------------------------- files

    @Override
    public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs) throws IOException {
        return newFileChannel(path, options, attrs);
    }

    @Override
    public FileChannel newFileChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs) throws IOException {
        return open(fos(path), options, attrs, 0);
    }

    private FosFileChannel open(FosPath p, Set<? extends OpenOption> options, FileAttribute<?>[] attrs, int depth) throws IOException {
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
        for (OpenOption x : o) {
            if (!(x instanceof StandardOpenOption) && x != LinkOption.NOFOLLOW_LINKS) {
                throw new UnsupportedOperationException("open option " + x + " is not supported by fos file systems");
            }
        }
        int mode = FosAttributes.modeOf(attrs, 0644);
        boolean create = write && (o.contains(StandardOpenOption.CREATE_NEW) || o.contains(StandardOpenOption.CREATE));
        boolean exclusive = write && o.contains(StandardOpenOption.CREATE_NEW);
        boolean truncate = write && o.contains(StandardOpenOption.TRUNCATE_EXISTING);
        boolean follow = !o.contains(LinkOption.NOFOLLOW_LINKS) && !exclusive;
        if (p.namesRoot()) {
            // the engine says this of every other directory; the root has no entry in a parent to ask it with
            throw new FileSystemException(p.toString(), null, "is a directory");
        }
        DirEntry dir = fs.parentOf(p);
        String name = FosFileSystem.nameOf(p);
        User user = fs.user();
        if (user.uid() != 0) {
            checkAccessToOpen(fs, p, dir, name, read, write, create);
        }
        int flags = (create ? FileSystemFleet.OPEN_CREATE : 0) | (exclusive ? FileSystemFleet.OPEN_EXCLUSIVE : 0)
                | (truncate ? FileSystemFleet.OPEN_TRUNCATE : 0);
        Opened opened;
        LeaseCache.Head head = null;
        if (flags == 0 && !write) {
            FosFileSystem.OpenForRead r = fs.openForRead(FileSystemFleet.groupOf(dir.inode()), dir.inode(), name, HEAD_BYTES, p);
            opened = r.opened();
            head = r.head();
        } else {
            opened = fs.await(() -> fs.server().open(FileSystemFleet.groupOf(dir.inode()), dir.inode(), name, flags, mode, user.uid(),
                    user.gid()), p);
        }
        DirEntry e = opened.entry();
        if (e.type() == FileType.SYMLINK) {
            if (!follow) {
                throw new FileSystemException(p.toString(), null, "Too many levels of symbolic links (NOFOLLOW_LINKS names a link)");
            }
            if (depth >= Resolver.MAX_LINKS) {
                throw new FileSystemException(p.toString(), null, "Too many levels of symbolic links");
            }
            String target = fs.await(() -> fs.server().readlink(FileSystemFleet.groupOf(e.inode()), e.inode()), p);
            FosPath next = (FosPath) (target.startsWith("/") ? fs.getPath(target) : p.toAbsolutePath().getParent().resolve(target));
            return open(next, options, attrs, depth + 1);
        }
        if (e.type() == FileType.DIRECTORY) {
            throw new FileSystemException(p.toString(), null, "Is a directory");
        }
        Attributes a = opened.attributes();
        if (a == null) {
            a = fs.await(() -> fs.server().openInode(FileSystemFleet.groupOf(e.inode()), e.inode(),
                    truncate ? FileSystemFleet.OPEN_TRUNCATE : 0), p);
        }
        boolean sync = o.contains(StandardOpenOption.SYNC) || o.contains(StandardOpenOption.DSYNC);
        Runnable onClose = null;
        if (o.contains(StandardOpenOption.DELETE_ON_CLOSE)) {
            long inode = e.inode();
            onClose = () -> deleteIfSame(fs, p, dir, name, inode);
        }
        return new FosFileChannel(fs, p, e.inode(), a.generation(), read, write, append, sync, onClose, head);
    }

    /** DELETE_ON_CLOSE: removes the name if it still names the file the channel had open. */
    private static void deleteIfSame(FosFileSystem fs, FosPath p, DirEntry dir, String name, long inode) {
        try {
            DirEntry now = fs.await(() -> fs.server().lookup(FileSystemFleet.groupOf(dir.inode()), dir.inode(), name), p);
            if (now.inode() == inode) {
                fs.await(() -> fs.server().delete(FileSystemFleet.groupOf(dir.inode()), dir.inode(), name), p);
            }
        } catch (IOException gone) {
            // already removed or replaced: nothing to delete
        }
    }

    private static void checkAccessToOpen(FosFileSystem fs, FosPath p, DirEntry dir, String name, boolean read, boolean write,
            boolean create) throws IOException {
        DirEntry existing;
        try {
            existing = fs.resolve(p);
        } catch (NoSuchFileException absent) {
            if (create) {
                checkDirectoryWrite(fs, dir, p);
            }
            return;
        }
        Attributes a = stat(fs, existing.inode(), p);
        fs.user().check(a, (read ? User.READ : 0) | (write ? User.WRITE : 0), p.toString());
    }

    @Override
    public DirectoryStream<Path> newDirectoryStream(Path dir, DirectoryStream.Filter<? super Path> filter) throws IOException {
        FosPath p = fos(dir);
        FosFileSystem fs = p.getFileSystem();
        DirEntry e = fs.resolve(p);
        if (e.type() != FileType.DIRECTORY) {
            throw new NotDirectoryException(p.toString());
        }
        if (fs.user().uid() != 0) {
            fs.user().check(stat(fs, e.inode(), p), User.READ, p.toString());
        }
        return new FosDirectoryStream(fs, p, e.inode(), filter);
    }

    @Override
    public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
        FosPath p = fos(dir);
        FosFileSystem fs = p.getFileSystem();
        int mode = FosAttributes.modeOf(attrs, 0755);
        List<String> names = ((FosPath) p.toAbsolutePath()).names();
        if (names.isEmpty() || names.get(names.size() - 1).equals(".") || names.get(names.size() - 1).equals("..")) {
            fs.resolve(p);
            throw new FileAlreadyExistsException(p.toString());
        }
        DirEntry parent = fs.parentOf(p);
        String name = FosFileSystem.nameOf(p);
        checkDirectoryWrite(fs, parent, p);
        User user = fs.user();
        fs.await(() -> fs.server().mkdir(FileSystemFleet.groupOf(parent.inode()), parent.inode(), name, mode, user.uid(), user.gid()), p);
    }

    @Override
    public void createSymbolicLink(Path link, Path target, FileAttribute<?>... attrs) throws IOException {
        FosPath p = fos(link);
        FosFileSystem fs = p.getFileSystem();
        if (attrs.length > 0) {
            throw new UnsupportedOperationException("a symbolic link takes no attributes: '" + attrs[0].name() + "'");
        }
        String text = target.toString();
        if (text.isEmpty()) {
            throw new IllegalArgumentException("a symbolic link's target is empty");
        }
        Resolver.checkTarget(text, p.toString());
        DirEntry parent = fs.parentOf(p);
        String name = FosFileSystem.nameOf(p);
        checkDirectoryWrite(fs, parent, p);
        User user = fs.user();
        fs.await(() -> fs.server().symlink(FileSystemFleet.groupOf(parent.inode()), parent.inode(), name, text, user.uid(), user.gid()), p);
    }

    @Override
    public void createLink(Path link, Path existing) throws IOException {
        FosPath p = fos(link);
        FosPath e = fos(existing);
        FosFileSystem fs = p.getFileSystem();
        if (e.getFileSystem() != fs) {
            throw new FileSystemException(p.toString(), e.toString(), "Invalid cross-device link");
        }
        DirEntry target = fs.resolve(e, false).entry();
        DirEntry parent = fs.parentOf(p);
        String name = FosFileSystem.nameOf(p);
        checkDirectoryWrite(fs, parent, p);
        fs.await(() -> fs.server().link(FileSystemFleet.groupOf(parent.inode()), parent.inode(), name, target.inode()), p, e);
    }

    @Override
    public Path readSymbolicLink(Path link) throws IOException {
        FosPath p = fos(link);
        FosFileSystem fs = p.getFileSystem();
        DirEntry e = fs.resolve(p, false).entry();
        if (e.type() != FileType.SYMLINK) {
            throw new java.nio.file.NotLinkException(p.toString());
        }
        return fs.getPath(fs.await(() -> fs.server().readlink(FileSystemFleet.groupOf(e.inode()), e.inode()), p));
    }

    @Override
    public void delete(Path path) throws IOException {
        FosPath p = fos(path);
        FosFileSystem fs = p.getFileSystem();
        if (p.namesRoot()) {
            throw new FileSystemException(p.toString(), null, "the root cannot be deleted");
        }
        DirEntry parent = fs.parentOf(p);
        String name = FosFileSystem.nameOf(p);
        if (fs.user().uid() != 0) {
            checkDirectoryWrite(fs, parent, p);
            DirEntry victim = fs.resolve(p, false).entry();
            fs.user().checkSticky(stat(fs, parent.inode(), p), stat(fs, victim.inode(), p), p.toString());
        }
        fs.await(() -> fs.server().delete(FileSystemFleet.groupOf(parent.inode()), parent.inode(), name), p);
    }

    @Override
    public void copy(Path source, Path target, CopyOption... options) throws IOException {
        FosPath from = fos(source);
        FosPath to = fos(target);
        Set<CopyOption> opts = Set.of(options);
        boolean replace = opts.contains(StandardCopyOption.REPLACE_EXISTING);
        boolean follow = !opts.contains(LinkOption.NOFOLLOW_LINKS);
        for (CopyOption o : opts) {
            if (o != StandardCopyOption.REPLACE_EXISTING && o != StandardCopyOption.COPY_ATTRIBUTES && o != LinkOption.NOFOLLOW_LINKS) {
                throw new UnsupportedOperationException("copy option " + o + " is not supported");
            }
        }
        PosixFileAttributes a = readAttributes(from, PosixFileAttributes.class, follow ? new LinkOption[0]
                : new LinkOption[] {LinkOption.NOFOLLOW_LINKS});
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
        if (a.isSymbolicLink()) {
            createSymbolicLink(to, readSymbolicLink(from));
            return;
        }
        FileAttribute<?> perms = PosixFilePermissions.asFileAttribute(a.permissions());
        if (a.isDirectory()) {
            createDirectory(to, perms);
        } else {
            try (FileChannel in = newFileChannel(from, Set.of(StandardOpenOption.READ));
                    FileChannel out = newFileChannel(to, Set.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW), perms)) {
                ByteBuffer buf = ByteBuffer.allocate(FosFileChannel.RUN_BYTES);
                while (in.read(buf) >= 0) {
                    buf.flip();
                    while (buf.hasRemaining()) {
                        out.write(buf);
                    }
                    buf.clear();
                }
            }
        }
        if (opts.contains(StandardCopyOption.COPY_ATTRIBUTES)) {
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
        Set<CopyOption> opts = Set.of(options);
        boolean replace = opts.contains(StandardCopyOption.REPLACE_EXISTING);
        boolean atomic = opts.contains(StandardCopyOption.ATOMIC_MOVE);
        DirEntry fromDir = fs.parentOf(from);
        DirEntry toDir = fs.parentOf(to);
        String fromName = FosFileSystem.nameOf(from);
        String toName = FosFileSystem.nameOf(to);
        if (fs.user().uid() != 0) {
            checkDirectoryWrite(fs, fromDir, from);
            checkDirectoryWrite(fs, toDir, to);
        }
        Remote.Call<Void> rename = () -> fs.server().rename(FileSystemFleet.groupOf(fromDir.inode()), fromDir.inode(), fromName,
                toDir.inode(), toName, replace);
        try {
            fs.await(rename, from, to);
        } catch (FileSystemException e) {
            // rename(2) keeps a file from replacing a directory and the other way round; Files.move with
            // REPLACE_EXISTING (not ATOMIC_MOVE) deletes the target first, as the JDK does
            if (!replace || atomic || e instanceof NoSuchFileException || e instanceof FileAlreadyExistsException
                    || e instanceof java.nio.file.DirectoryNotEmptyException || !kindsDiffer(fs, from, to)) {
                throw e;
            }
            delete(to);
            fs.await(rename, from, to);
        }
    }

    private static boolean kindsDiffer(FosFileSystem fs, FosPath from, FosPath to) throws IOException {
        try {
            boolean a = fs.resolve(from, false).entry().type() == FileType.DIRECTORY;
            boolean b = fs.resolve(to, false).entry().type() == FileType.DIRECTORY;
            return a != b;
        } catch (NoSuchFileException gone) {
            return false;
        }
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
        FosFileSystem fs = p.getFileSystem();
        DirEntry e = fs.resolve(p);
        if (modes.length == 0 || fs.user().uid() == 0 && !Set.of(modes).contains(AccessMode.EXECUTE)) {
            return;
        }
        Attributes a = stat(fs, e.inode(), p);
        int want = 0;
        for (AccessMode m : modes) {
            want |= switch (m) {
                case READ -> User.READ;
                case WRITE -> User.WRITE;
                case EXECUTE -> User.EXECUTE;
            };
        }
        if (fs.user().uid() == 0) {
            if ((want & User.EXECUTE) != 0 && a.type() != FileType.DIRECTORY && (a.mode() & 0111) == 0) {
                throw new java.nio.file.AccessDeniedException(p.toString(), null, "no one may execute it (mode "
                        + Integer.toOctalString(a.mode()) + ")");
            }
            return;
        }
        fs.user().check(a, want, p.toString());
    }

    @Override
    @SuppressWarnings("unchecked")
    public <V extends FileAttributeView> V getFileAttributeView(Path path, Class<V> type, LinkOption... options) {
        if (type != BasicFileAttributeView.class && type != PosixFileAttributeView.class && type != FileOwnerAttributeView.class) {
            return null;
        }
        FosPath p = fos(path);
        String name = type == BasicFileAttributeView.class ? "basic" : type == PosixFileAttributeView.class ? "posix" : "owner";
        return (V) new FosAttributes.View(p.getFileSystem(), p, follows(options), name);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <A extends BasicFileAttributes> A readAttributes(Path path, Class<A> type, LinkOption... options) throws IOException {
        if (type != BasicFileAttributes.class && type != PosixFileAttributes.class) {
            throw new UnsupportedOperationException("fos files have basic and posix attributes, not " + type.getName());
        }
        FosPath p = fos(path);
        FosFileSystem fs = p.getFileSystem();
        Resolver.Found found = fs.resolveWithAttributes(p, follows(options));
        Attributes a = found.attributes();
        return (A) new FosAttributes(a != null ? a : stat(fs, found.entry().inode(), p));
    }

    @Override
    public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options) throws IOException {
        String list = attributes;
        String view = "basic";
        int colon = list.indexOf(':');
        if (colon >= 0) {
            view = list.substring(0, colon);
            list = list.substring(colon + 1);
        }
        if (!Set.of("basic", "posix", "unix", "owner").contains(view)) {
            throw new UnsupportedOperationException("fos files have the basic, posix, owner and unix attribute views, not '" + view + "'");
        }
        return ((FosAttributes) readAttributes(path, PosixFileAttributes.class, options)).select(view, list);
    }

    @Override
    public void setAttribute(Path path, String attribute, Object value, LinkOption... options) throws IOException {
        int colon = attribute.indexOf(':');
        String view = colon < 0 ? "basic" : attribute.substring(0, colon);
        String name = colon < 0 ? attribute : attribute.substring(colon + 1);
        FosPath p = fos(path);
        new FosAttributes.View(p.getFileSystem(), p, follows(options), view).set(name, value, attribute);
    }
}
