package org.fos.fs.client;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystem;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.WatchService;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

import org.fos.fs.api.Attributes;
import org.fos.fs.api.DirEntry;
import org.fos.fs.api.FileSystemFleet;
import org.fos.fs.api.FileType;
import org.fos.fs.api.LeaseHolder;
import org.fos.fs.api.LeasedOpen;
import org.fos.fs.api.Opened;
import org.fos.fs.api.WalkLease;
import org.fos.fs.api.Walked;

/**
 * One fos file system as {@code java.nio.file} sees it: the fleet that serves it and the paths on
 * it. Paths are resolved by {@link Resolver}: a walk call resolves as many names as one member can;
 * with a connector that takes calls back, lookups and attributes are cached under leases
 * ({@link LeaseCache}).
 * Thread-safe.
 */
final class FosFileSystem extends FileSystem {
    private final FosFileSystemProvider provider;
    private final String fleetName;
    private final FileSystemFleet fleet;
    private final long timeoutMillis;
    private final Resolver resolver;
    private final User user;
    private final Locks locks;
    private final java.util.function.BooleanSupplier reachable;
    private final java.util.function.Supplier<String> notComing;
    private final boolean callerWaits;
    private final LeaseCache cache;
    /** Opens the mailbox of the members' calls back: at the start, and again when the one before stopped. */
    private final java.util.function.Function<LeaseHolder, LeaseCallbacks> opener;
    /** Serves the members' revocations to the cache. */
    private final LeaseHolder holder;
    /** The mailbox the cache's leases name now; replaced when it stops while the file system is open. */
    private volatile LeaseCallbacks callbacks;
    private volatile boolean open = true;
    /** Whether the members answer {@link FileSystemFleet#openLeased}; false once one said it has no such method. */
    private volatile boolean leasedOpens = true;

    FosFileSystem(FosFileSystemProvider provider, String fleetName, FileSystemFleet fleet, long timeoutMillis, User user) {
        this(provider, fleetName, fleet, timeoutMillis, user, () -> true);
    }

    FosFileSystem(FosFileSystemProvider provider, String fleetName, FileSystemFleet fleet, long timeoutMillis, User user,
            java.util.function.BooleanSupplier reachable) {
        this(provider, fleetName, fleet, timeoutMillis, user, reachable, () -> null, holder -> null, 0, true);
    }

    /**
     * Opens a file system that caches lookups and attributes under leases, if it can take the members'
     * calls back.
     *
     * @param notComing why the fleet, when it has no member, is not coming, or null if it may be starting
     *        ({@link FleetConnector#notComing(String)})
     * @param callbacks opens the mailbox where the cache takes revocations; answers null if the
     *        client cannot take calls back (the file system then caches nothing)
     * @param cacheInodes the most inodes the cache keeps, 0 for no cache
     * @param callerWaits whether calls take their replies on the calling thread ({@link FleetConnector#callerWaits()})
     */
    FosFileSystem(FosFileSystemProvider provider, String fleetName, FileSystemFleet fleet, long timeoutMillis, User user,
            java.util.function.BooleanSupplier reachable, java.util.function.Supplier<String> notComing,
            java.util.function.Function<LeaseHolder, LeaseCallbacks> callbacks, int cacheInodes, boolean callerWaits) {
        this.callerWaits = callerWaits;
        this.reachable = reachable;
        this.notComing = notComing;
        this.locks = new Locks(this);
        this.provider = provider;
        this.fleetName = fleetName;
        this.timeoutMillis = timeoutMillis;
        this.user = user;
        LeaseCache c = cacheInodes > 0 ? new LeaseCache(cacheInodes, System::nanoTime) : null;
        this.holder = (name, inodes) -> {
            c.revoke(inodes);
            return CompletableFuture.completedFuture(null);
        };
        LeaseCallbacks served = c == null ? null : callbacks.apply(holder);
        this.cache = served == null ? null : c;
        this.callbacks = served;
        this.opener = callbacks;
        this.fleet = served == null ? fleet : OwnChanges.wrap(fleet, this::cache);
        this.resolver = new Resolver(new Resolver.Calls() {
            @Override
            public Walked walk(int group, long dir, List<String> names, String path) throws IOException {
                return await(() -> fleet.walk(group, dir, names), path, null);
            }

            @Override
            public String readlink(int group, long inode, String path) throws IOException {
                return await(() -> fleet.readlink(group, inode), path, null);
            }

            @Override
            public WalkLease leasedWalk(int group, long dir, List<String> names, String path) throws IOException {
                return await(() -> fleet.leasedWalk(group, dir, names, FosFileSystem.this.callbacks.capability()), path, null);
            }
        }, this::cache, System::nanoTime);
    }

    /**
     * The cache of lookups and attributes, while the members' calls back can reach it; null without.
     * Once the mailbox they reach stops (a plain-JVM client connected again after its node restarted),
     * the cache is forgotten, and it caches again under the leases of a mailbox opened anew.
     */
    LeaseCache cache() {
        LeaseCache c = cache;
        if (c == null) {
            return null;
        }
        if (!open) {
            c.clear();
            return null;
        }
        LeaseCallbacks now = callbacks;
        return now.serving() ? c : reopen(c, now);
    }

    /**
     * Forgets the cache and opens the members' calls back anew. The new mailbox is in place before the
     * cache's epoch moves, so that an answer is taken in only if its call named the new mailbox: a call
     * that read the epoch before the move is dropped, whichever mailbox it named.
     *
     * @return the cache, or null if no mailbox could be opened now (the next call tries again)
     */
    private synchronized LeaseCache reopen(LeaseCache c, LeaseCallbacks stopped) {
        if (!open) {
            c.clear();
            return null; // closed: close() took the callbacks under this lock, or finds the ones opened here
        }
        if (callbacks == stopped) {
            c.clear();
            LeaseCallbacks fresh;
            try {
                fresh = opener.apply(holder);
            } catch (RuntimeException e) {
                fresh = null; // the connector's kernel is closing
            }
            if (fresh == null) {
                return null;
            }
            callbacks = fresh;
            c.clear();
        }
        return callbacks.serving() ? c : null;
    }

    /**
     * Opens a file to read it, with a lease on its inode and its first {@code headBytes} bytes where
     * the cache can take them ({@link FileSystemFleet#openLeased}); a plain {@link FileSystemFleet#open}
     * without a cache, or at a member older than the call (which answers that it has no such method).
     *
     * @param group the directory's group
     * @param dir the directory
     * @param name the name
     * @param headBytes how many bytes of content to ask for
     * @param path the path, for errors
     * @return the open, and the file's first bytes under the lease (null if none)
     * @throws IOException as {@link FileSystemFleet#open} fails
     */
    OpenForRead openForRead(int group, long dir, String name, int headBytes, Path path) throws IOException {
        LeaseCache c = cache();
        if (c != null && leasedOpens) {
            long epoch = c.epoch();
            long sent = System.nanoTime();
            try {
                LeasedOpen o = await(() -> fleet.openLeased(group, dir, name, 0, 0, user.uid(), user.gid(), callbacks.capability(),
                        headBytes), path);
                return new OpenForRead(o.opened(), c.put(epoch, sent, o));
            } catch (IllegalArgumentException e) {
                if (e.getMessage() == null || !e.getMessage().contains("has no method 'openLeased'")) {
                    throw e;
                }
                leasedOpens = false; // a member of fs-api 3.1 or older: open as it does
            }
        }
        return new OpenForRead(await(() -> fleet.open(group, dir, name, 0, 0, user.uid(), user.gid()), path), null);
    }

    /** What {@link #openForRead} answers: the open, and the file's first bytes under a lease, or null. */
    record OpenForRead(Opened opened, LeaseCache.Head head) {
    }

    /**
     * Whether a file's first bytes from a leased open may still be read from the cache.
     *
     * @param head the bytes
     * @return true while their lease lasts
     */
    boolean holds(LeaseCache.Head head) {
        LeaseCache c = cache();
        return c != null && c.holds(head);
    }

    /** An inode's attributes from the cache, or null. */
    Attributes cachedAttributes(long inode) {
        LeaseCache c = cache();
        return c == null ? null : c.attributes(inode);
    }

    /** The file locks this client holds. */
    Locks locks() {
        return locks;
    }

    /** The user this file system's calls present (permissions are checked for it). */
    User user() {
        return user;
    }

    String fleet() {
        return fleetName;
    }

    FileSystemFleet server() {
        return fleet;
    }

    <T> T await(Remote.Call<T> call, Path file) throws IOException {
        return await(call, String.valueOf(file), null);
    }

    <T> T await(Remote.Call<T> call, Path file, Path other) throws IOException {
        return await(call, String.valueOf(file), String.valueOf(other));
    }

    private <T> T await(Remote.Call<T> call, String file, String other) throws IOException {
        return Remote.await(callerWaits ? Remote.onCallingThread(call) : call, file, other, timeoutMillis, reachable, notComing);
    }

    /** The root as an entry. */
    static DirEntry rootEntry() {
        return Resolver.root();
    }

    /**
     * Finds the entry a path names, following symbolic links.
     *
     * @throws NoSuchFileException if a name on the way is missing
     * @throws NotDirectoryException if a name on the way is a file
     */
    DirEntry resolve(FosPath path) throws IOException {
        return resolve(path, true).entry();
    }

    /** Finds the entry a path names and the directory it is in; a symbolic link as the last name is followed if asked. */
    Resolver.Found resolve(FosPath path, boolean followLast) throws IOException {
        FosPath abs = (FosPath) path.toAbsolutePath();
        return resolver.resolve(abs.names(), followLast, path.toString());
    }

    /** Finds the entry a path names and its attributes, from the cache or a walk where either can give them. */
    Resolver.Found resolveWithAttributes(FosPath path, boolean followLast) throws IOException {
        FosPath abs = (FosPath) path.toAbsolutePath();
        return resolver.resolve(abs.names(), followLast, path.toString(), true);
    }

    /** The directory that holds a path's last name; the path must not be the root and must not end in . or .. */
    DirEntry parentOf(FosPath path) throws IOException {
        FosPath abs = (FosPath) path.toAbsolutePath();
        List<String> names = abs.names();
        if (names.isEmpty()) {
            throw new FileSystemException(path.toString(), null, "the root has no name in a directory");
        }
        String last = names.get(names.size() - 1);
        if (last.equals(".") || last.equals("..")) {
            throw new FileSystemException(path.toString(), null, "names a directory by '" + last + "', not by its name");
        }
        DirEntry d = resolver.resolve(names.subList(0, names.size() - 1), true, path.toString()).entry();
        if (d.type() != FileType.DIRECTORY) {
            throw new NotDirectoryException(path.toString());
        }
        return d;
    }

    /**
     * The path with every {@code .}, {@code ..} and symbolic link resolved (the last name's link only
     * if asked), checked to exist: what {@code toRealPath} answers.
     */
    Path realPath(FosPath path, boolean followLast) throws IOException {
        java.util.ArrayDeque<String> todo = new java.util.ArrayDeque<>(((FosPath) path.toAbsolutePath()).names());
        List<String> real = new java.util.ArrayList<>();
        List<DirEntry> dirs = new java.util.ArrayList<>();
        DirEntry at = rootEntry();
        int links = 0;
        while (!todo.isEmpty()) {
            String name = todo.poll();
            if (at.type() != FileType.DIRECTORY) {
                throw new NotDirectoryException(path.toString());
            }
            if (name.equals(".")) {
                continue;
            }
            if (name.equals("..")) {
                if (!real.isEmpty()) {
                    real.remove(real.size() - 1);
                    at = dirs.remove(dirs.size() - 1);
                }
                continue;
            }
            long dir = at.inode();
            DirEntry e = await(() -> fleet.lookup(FileSystemFleet.groupOf(dir), dir, name), path);
            if (e.type() == FileType.SYMLINK && (!todo.isEmpty() || followLast)) {
                if (++links > Resolver.MAX_LINKS) {
                    throw new FileSystemException(path.toString(), null, "Too many levels of symbolic links");
                }
                String target = await(() -> fleet.readlink(FileSystemFleet.groupOf(e.inode()), e.inode()), path);
                List<String> parts = Resolver.split(target);
                for (int i = parts.size() - 1; i >= 0; i--) {
                    todo.addFirst(parts.get(i));
                }
                if (target.startsWith("/")) {
                    real.clear();
                    dirs.clear();
                    at = rootEntry();
                }
                continue;
            }
            real.add(name);
            dirs.add(at);
            at = e;
        }
        return FosPath.parse(this, "/" + String.join("/", real));
    }

    /** The last name of a path (see {@link #parentOf}). */
    static String nameOf(FosPath path) throws IOException {
        List<String> names = ((FosPath) path.toAbsolutePath()).names();
        if (names.isEmpty()) {
            throw new FileSystemException(path.toString(), null, "the root has no name in a directory");
        }
        return names.get(names.size() - 1);
    }

    @Override
    public FosFileSystemProvider provider() {
        return provider;
    }

    @Override
    public void close() {
        open = false;
        locks.close();
        if (callbacks != null) {
            LeaseCallbacks last;
            synchronized (this) {
                last = callbacks; // after a reopen that began before the close, none after it
            }
            last.close();
            cache.clear();
        }
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
        return Set.of("basic", "posix", "owner", "unix");
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
            case "glob" -> Globs.compile(pattern);
            default -> throw new UnsupportedOperationException("path matcher syntax '" + syntax + "': use glob or regex");
        };
        return p -> regex.matcher(p.toString()).matches();
    }

    @Override
    public UserPrincipalLookupService getUserPrincipalLookupService() {
        return Principals.LOOKUP;
    }

    @Override
    public WatchService newWatchService() {
        return new FosWatchService(this);
    }

    @Override
    public String toString() {
        return "fos file system " + fleetName;
    }
}
