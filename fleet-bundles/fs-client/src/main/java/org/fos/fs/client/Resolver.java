package org.fos.fs.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import org.fos.fs.api.Attributes;
import org.fos.fs.api.DirEntry;
import org.fos.fs.api.FileSystemFleet;
import org.fos.fs.api.FileType;
import org.fos.fs.api.WalkLease;
import org.fos.fs.api.Walked;

/**
 * Resolves paths to entries the POSIX way: name by name from the root, {@code ..} to the parent of
 * the directory reached (not lexically: {@code a/../b} needs {@code a}), symbolic links followed
 * (at most {@value #MAX_LINKS} of them). Each {@code walk} call resolves as many names as the member
 * that owns the directory's group can; a path whose directories all live in groups of one member
 * costs one call. With a {@link LeaseCache}, names and attributes its leases cover are answered
 * without a call, and the walks that remain grant leases. Thread-safe: it keeps no state but the cache.
 */
final class Resolver {
    /** The most symbolic links one resolution follows, as Linux's {@code MAXSYMLINKS}. */
    static final int MAX_LINKS = 40;

    /** Where a resolution ended: the entry, the directory it was found in, and its attributes if the walk brought them. */
    record Found(DirEntry entry, long directory, Attributes attributes) {
    }

    /** Makes fleet calls for a resolution. */
    interface Calls {
        Walked walk(int group, long dir, List<String> names, String path) throws IOException;

        String readlink(int group, long inode, String path) throws IOException;

        /** A walk that grants a lease on what it answers ({@link FileSystemFleet#leasedWalk}); only called with a cache. */
        default WalkLease leasedWalk(int group, long dir, List<String> names, String path) throws IOException {
            throw new UnsupportedOperationException("no leased walks");
        }
    }

    private final Calls calls;
    private final Supplier<LeaseCache> cache;
    private final LongSupplier clock;

    Resolver(Calls calls) {
        this(calls, () -> null, System::nanoTime);
    }

    /**
     * Creates a resolver that answers lookups from a cache while its leases last, and walks with leases.
     *
     * @param calls the fleet calls
     * @param cache the cache, or a supplier of null to ask the members for every name
     * @param clock the cache's clock
     */
    Resolver(Calls calls, Supplier<LeaseCache> cache, LongSupplier clock) {
        this.calls = calls;
        this.cache = cache;
        this.clock = clock;
    }

    /**
     * One step of a resolution: from the cache, or a walk's answer. The last name is walked, not
     * answered from the cache, when its attributes are wanted and not cached: the walk brings them
     * under a lease (a directory's come from a walk of no names at its own member, see {@link #resolve}).
     */
    private Walked step(DirEntry at, Deque<String> todo, String path, LeaseCache c, boolean attributes) throws IOException {
        if (c != null) {
            String name = todo.peek();
            DirEntry hit = name.equals(".") ? at : c.entry(at.inode(), name);
            Attributes a = hit == null ? null : c.attributes(hit.inode());
            if (hit != null && (a != null || !attributes || todo.size() > 1 || hit.type() == FileType.DIRECTORY)) {
                return new Walked(1, hit, at.inode(), a);
            }
        }
        List<String> rest = new ArrayList<>(todo);
        int group = FileSystemFleet.groupOf(at.inode());
        if (c == null) {
            return calls.walk(group, at.inode(), rest, path);
        }
        return leasedWalk(c, at, rest, path);
    }

    /** A leased walk from a directory, whose answer the cache takes in. */
    private Walked leasedWalk(LeaseCache c, DirEntry at, List<String> names, String path) throws IOException {
        long epoch = c.epoch();
        long sent = clock.getAsLong();
        WalkLease w = calls.leasedWalk(FileSystemFleet.groupOf(at.inode()), at.inode(), names, path);
        c.put(epoch, sent, at.inode(), names, w);
        return w.walked();
    }

    static DirEntry root() {
        return new DirEntry("", FileSystemFleet.ROOT, FileType.DIRECTORY);
    }

    /**
     * Resolves an absolute path's names.
     *
     * @param names the names, {@code .} and {@code ..} among them
     * @param followLast whether a symbolic link as the last name is followed
     * @param path the caller's path, for errors
     * @return the entry and its directory
     * @throws NoSuchFileException if a name on the way does not exist
     * @throws NotDirectoryException if a name on the way is a file
     * @throws FileSystemException if a loop of symbolic links is met
     */
    Found resolve(List<String> names, boolean followLast, String path) throws IOException {
        return resolve(names, followLast, path, false);
    }

    /**
     * Resolves an absolute path's names, as {@link #resolve(List, boolean, String)}, and with a cache
     * brings the attributes of the entry reached when the cache does not hold them.
     *
     * @param names the names
     * @param followLast whether a symbolic link as the last name is followed
     * @param path the caller's path, for errors
     * @param wantAttributes whether the entry's attributes are wanted
     * @return the entry, its directory, and its attributes when a walk or the cache had them
     * @throws IOException as {@link #resolve(List, boolean, String)}
     */
    Found resolve(List<String> names, boolean followLast, String path, boolean wantAttributes) throws IOException {
        Deque<String> todo = new ArrayDeque<>(names);
        DirEntry at = root();
        long in = FileSystemFleet.ROOT;
        Attributes attributes = null;
        int links = 0;
        LeaseCache c = cache.get();
        while (!todo.isEmpty()) {
            if (at.type() != FileType.DIRECTORY) {
                throw new NotDirectoryException(path);
            }
            Walked w = step(at, todo, path, c, wantAttributes);
            if (w.consumed() < 1) {
                throw new FileSystemException(path, null, "the file system resolved no name of it");
            }
            for (int i = 0; i < w.consumed(); i++) {
                todo.poll();
            }
            at = w.entry();
            in = w.directory();
            attributes = w.attributes();
            if (at.type() == FileType.SYMLINK && (!todo.isEmpty() || followLast)) {
                if (++links > MAX_LINKS) {
                    throw new FileSystemException(path, null, "Too many levels of symbolic links");
                }
                String target = calls.readlink(FileSystemFleet.groupOf(at.inode()), at.inode(), path);
                List<String> parts = split(target);
                for (int i = parts.size() - 1; i >= 0; i--) {
                    todo.addFirst(parts.get(i));
                }
                at = target.startsWith("/") ? root() : new DirEntry("", in, FileType.DIRECTORY);
                in = at.inode();
                attributes = null;
            }
        }
        if (attributes == null && c != null) {
            attributes = c.attributes(at.inode());
            if (attributes == null && wantAttributes && at.type() == FileType.DIRECTORY) {
                // a directory of another member's group: a walk of no names there brings its attributes under a lease
                attributes = leasedWalk(c, at, List.of(), path).attributes();
            }
        }
        return new Found(at, in, attributes);
    }

    /** The names of a path text, empty ones dropped. */
    static List<String> split(String text) {
        List<String> out = new ArrayList<>();
        for (String p : text.split("/")) {
            if (!p.isEmpty()) {
                out.add(p);
            }
        }
        return out;
    }

    /** Checks a link target's length for errors the caller can name. */
    static void checkTarget(String target, String path) throws FileSystemException {
        if (target.getBytes(StandardCharsets.UTF_8).length > FileSystemFleet.MAX_LINK_BYTES) {
            throw new FileSystemException(path, null, "the link's target is longer than " + FileSystemFleet.MAX_LINK_BYTES + " bytes");
        }
    }
}
