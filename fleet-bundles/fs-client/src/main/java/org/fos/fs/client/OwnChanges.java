package org.fos.fs.client;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;

import org.fos.fs.api.DirEntry;
import org.fos.fs.api.FileSystemFleet;
import org.fos.fs.api.LeasedOpen;
import org.fos.fs.api.Opened;

/**
 * The fleet as a client with a {@link LeaseCache} calls it: every call goes to the fleet unchanged,
 * and when a change this client made completes (before its caller sees it), the cache takes it in:
 * the member spares a change's maker the call back, so the maker updates its own cache. Names made or
 * removed are edited under their directory's lease; the inodes a change touched are forgotten. A
 * change whose victim the cache cannot name (a delete or rename of a name it never looked up) forgets
 * the whole cache, since the victim's entries and attributes may be cached under another name.
 */
final class OwnChanges implements InvocationHandler {

    /** What a change did: the directories and inodes it touched, and the names it made or removed by directory. */
    private record Done(List<Long> touched, Map<Long, Map<String, DirEntry>> names) {
    }

    /**
     * What a change may touch (known before it is made: what is forgotten if it fails) and what it did,
     * from its result; or, with {@code all}, a change after which the whole cache is forgotten.
     */
    private record Change(List<Long> touched, Function<Object, Done> done, boolean all) {
        Change(List<Long> touched, Function<Object, Done> done) {
            this(touched, done, false);
        }

        /** A change of inodes only, whose result says nothing more. */
        static Change of(List<Long> touched) {
            return new Change(touched, v -> new Done(touched, Map.of()));
        }
    }

    private static final Change ALL = new Change(List.of(), v -> null, true);

    private final FileSystemFleet fleet;
    private final Supplier<LeaseCache> cache;

    private OwnChanges(FileSystemFleet fleet, Supplier<LeaseCache> cache) {
        this.fleet = fleet;
        this.cache = cache;
    }

    /**
     * Wraps a fleet proxy.
     *
     * @param fleet the proxy
     * @param cache the client's cache, or a supplier of null while it has none
     * @return a proxy that keeps the cache up to date with this client's own changes
     */
    static FileSystemFleet wrap(FileSystemFleet fleet, Supplier<LeaseCache> cache) {
        return (FileSystemFleet) Proxy.newProxyInstance(FileSystemFleet.class.getClassLoader(), new Class<?>[] {FileSystemFleet.class},
                new OwnChanges(fleet, cache));
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        if (method.getDeclaringClass() == Object.class) {
            return switch (method.getName()) {
                case "equals" -> proxy == args[0];
                case "hashCode" -> System.identityHashCode(proxy);
                default -> "cache-keeping " + fleet;
            };
        }
        LeaseCache c = cache.get();
        Change change = c == null ? null : change(method.getName(), args, c);
        if (change == null) {
            return call(method, args);
        }
        long token = c.changing();
        CompletionStage<?> stage;
        try {
            stage = (CompletionStage<?>) call(method, args);
        } catch (Throwable t) {
            done(c, token, change, null);
            throw t;
        }
        return stage.whenComplete((v, e) -> done(c, token, change, e == null ? change.done().apply(v) : null));
    }

    /** Takes a change in: what it did, or (failed: {@code done} null) forgets all it may have touched. */
    private static void done(LeaseCache c, long token, Change change, Done done) {
        if (change.all()) {
            c.clear();
        } else if (done == null) {
            c.changed(token, change.touched(), null);
        } else {
            c.changed(token, done.touched(), done.names());
        }
    }

    private Object call(Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(fleet, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** What a call changes, or null if it changes nothing a cache holds. */
    private static Change change(String method, Object[] a, LeaseCache c) {
        return switch (method) {
            case "open", "openLeased" -> {
                int flags = (int) a[3];
                if ((flags & (FileSystemFleet.OPEN_CREATE | FileSystemFleet.OPEN_TRUNCATE)) == 0) {
                    yield null;
                }
                long dir = (long) a[1];
                String name = (String) a[2];
                DirEntry known = c.known(dir, name);
                List<Long> touched = known == null ? List.of(dir) : List.of(dir, known.inode());
                yield new Change(touched, v -> {
                    Opened o = v instanceof LeasedOpen l ? l.opened() : (Opened) v;
                    List<Long> did = new ArrayList<>(2);
                    if (o.created()) {
                        did.add(dir);
                    }
                    if ((flags & FileSystemFleet.OPEN_TRUNCATE) != 0) {
                        did.add(o.entry().inode());
                    }
                    return new Done(did, o.created() ? Map.of(dir, Map.of(name, o.entry())) : Map.of());
                });
            }
            case "openInode" -> ((int) a[2] & FileSystemFleet.OPEN_TRUNCATE) == 0 ? null : Change.of(List.of((long) a[1]));
            case "mkdir", "symlink" -> made((long) a[1], (String) a[2], List.of((long) a[1]));
            case "link" -> made((long) a[1], (String) a[2], List.of((long) a[1], (long) a[3]));
            case "delete" -> removed(c, (long) a[1], (String) a[2], null, null, false);
            case "rename" -> removed(c, (long) a[1], (String) a[2], (long) a[3], (String) a[4], (boolean) a[5]);
            case "write", "append", "reserve", "truncate", "setTimes", "setAttributes" -> Change.of(List.of((long) a[1]));
            default -> null;
        };
    }

    /** A change that makes an entry {@code name} in {@code dir}: the call answers the entry. */
    private static Change made(long dir, String name, List<Long> touched) {
        return new Change(touched, v -> new Done(touched, Map.of(dir, Map.of(name, (DirEntry) v))));
    }

    /**
     * A delete (no target) or a rename: the source's name goes, the target's comes. Without
     * {@code replace} a rename replaces nothing (it fails if the target exists).
     */
    private static Change removed(LeaseCache c, long dir, String name, Long targetDir, String targetName, boolean replace) {
        DirEntry victim = c.known(dir, name);
        DirEntry replaced = targetDir == null ? null : c.known(targetDir, targetName);
        if (victim == null || replace && replaced == null) {
            return ALL;
        }
        List<Long> touched = new ArrayList<>(List.of(dir, victim.inode()));
        if (targetDir != null) {
            touched.add(targetDir);
            if (replaced != null) {
                touched.add(replaced.inode());
            }
        }
        return new Change(touched, v -> {
            Map<Long, Map<String, DirEntry>> edits = new HashMap<>();
            edits.computeIfAbsent(dir, d -> new HashMap<>()).put(name, null);
            if (targetDir != null) {
                edits.computeIfAbsent(targetDir, d -> new HashMap<>()).put(targetName,
                        new DirEntry(targetName, victim.inode(), victim.type()));
            }
            return new Done(touched, edits);
        });
    }
}
