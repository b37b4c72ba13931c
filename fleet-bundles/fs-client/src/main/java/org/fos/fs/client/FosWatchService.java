package org.fos.fs.client;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.Watchable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;

import org.fos.fs.api.Attributes;
import org.fos.fs.api.DirEntry;
import org.fos.fs.api.FileSystemFleet;

/**
 * A watch service that polls, as the JDK's own does where the operating system offers no events:
 * every {@value #POLL_MILLIS} ms a daemon thread lists each registered directory and compares names,
 * inodes, sizes and modification times with the last listing, and queues ENTRY_CREATE, ENTRY_DELETE
 * and ENTRY_MODIFY events. A change made and undone between two polls is not seen. Thread-safe.
 */
final class FosWatchService implements WatchService {
    static final long POLL_MILLIS = 200;

    private final FosFileSystem fs;
    private final List<Key> keys = new CopyOnWriteArrayList<>();
    private final LinkedBlockingDeque<WatchKey> signalled = new LinkedBlockingDeque<>();
    private final Thread poller;
    private volatile boolean closed;

    /** What a directory held at the last poll: inode, size and modification time of each name. */
    private record Seen(long inode, long size, long modified) {
    }

    private static final WatchKey CLOSED = new WatchKey() {
        @Override
        public boolean isValid() {
            return false;
        }

        @Override
        public List<WatchEvent<?>> pollEvents() {
            return List.of();
        }

        @Override
        public boolean reset() {
            return false;
        }

        @Override
        public void cancel() {
            // the marker of a closed service
        }

        @Override
        public Watchable watchable() {
            return null;
        }
    };

    FosWatchService(FosFileSystem fs) {
        this.fs = fs;
        this.poller = new Thread(this::pollLoop, "fos-watch " + fs.fleet());
        poller.setDaemon(true);
        poller.start();
    }

    /** A registration of one directory. */
    private final class Key implements WatchKey {
        final FosPath dir;
        final long inode;
        final Set<WatchEvent.Kind<?>> kinds;
        Map<String, Seen> last;
        final List<WatchEvent<?>> events = new ArrayList<>();
        boolean signalledNow;
        volatile boolean valid = true;

        Key(FosPath dir, long inode, Set<WatchEvent.Kind<?>> kinds, Map<String, Seen> first) {
            this.dir = dir;
            this.inode = inode;
            this.kinds = kinds;
            this.last = first;
        }

        @Override
        public boolean isValid() {
            return valid && !closed;
        }

        @Override
        public synchronized List<WatchEvent<?>> pollEvents() {
            List<WatchEvent<?>> out = new ArrayList<>(events);
            events.clear();
            return out;
        }

        @Override
        public synchronized boolean reset() {
            if (!isValid()) {
                return false;
            }
            if (events.isEmpty()) {
                signalledNow = false;
            } else {
                signalled.add(this);
            }
            return true;
        }

        @Override
        public void cancel() {
            valid = false;
            keys.remove(this);
        }

        @Override
        public Watchable watchable() {
            return dir;
        }

        synchronized void add(WatchEvent.Kind<Path> kind, String name) {
            if (!kinds.contains(kind)) {
                return;
            }
            events.add(new Event(kind, dir.getFileSystem().getPath(name)));
            if (!signalledNow) {
                signalledNow = true;
                signalled.add(this);
            }
        }
    }

    /** One event. */
    private record Event(WatchEvent.Kind<Path> kind, Path context) implements WatchEvent<Path> {
        @Override
        public int count() {
            return 1;
        }
    }

    WatchKey register(FosPath dir, WatchEvent.Kind<?>[] events) throws IOException {
        if (closed) {
            throw new ClosedWatchServiceException();
        }
        Set<WatchEvent.Kind<?>> kinds = new java.util.HashSet<>();
        for (WatchEvent.Kind<?> k : events) {
            if (k != StandardWatchEventKinds.ENTRY_CREATE && k != StandardWatchEventKinds.ENTRY_DELETE
                    && k != StandardWatchEventKinds.ENTRY_MODIFY && k != StandardWatchEventKinds.OVERFLOW) {
                throw new UnsupportedOperationException("fos watches ENTRY_CREATE, ENTRY_DELETE and ENTRY_MODIFY, not " + k.name());
            }
            kinds.add(k);
        }
        DirEntry d = fs.resolve(dir);
        if (d.type() != org.fos.fs.api.FileType.DIRECTORY) {
            throw new java.nio.file.NotDirectoryException(dir.toString());
        }
        Key key = new Key(dir, d.inode(), kinds, list(d.inode(), dir));
        keys.add(key);
        return key;
    }

    private Map<String, Seen> list(long dir, FosPath path) throws IOException {
        Map<String, Seen> out = new HashMap<>();
        String after = "";
        while (true) {
            String from = after;
            List<DirEntry> page = fs.await(() -> fs.server().readdir(FileSystemFleet.groupOf(dir), dir, from, 1000), path);
            for (DirEntry e : page) {
                try {
                    Attributes a = fs.await(() -> fs.server().stat(FileSystemFleet.groupOf(e.inode()), e.inode()), path);
                    out.put(e.name(), new Seen(e.inode(), a.size(), a.modifiedMillis()));
                } catch (NoSuchFileException gone) {
                    // removed between the listing and the stat: the next poll sees it gone
                }
                after = e.name();
            }
            if (page.size() < 1000) {
                return out;
            }
        }
    }

    private void pollLoop() {
        while (!closed) {
            for (Key k : keys) {
                if (!k.isValid()) {
                    continue;
                }
                try {
                    Map<String, Seen> now = list(k.inode, k.dir);
                    for (Map.Entry<String, Seen> e : now.entrySet()) {
                        Seen before = k.last.get(e.getKey());
                        if (before == null || before.inode() != e.getValue().inode()) {
                            if (before != null) {
                                k.add(StandardWatchEventKinds.ENTRY_DELETE, e.getKey());
                            }
                            k.add(StandardWatchEventKinds.ENTRY_CREATE, e.getKey());
                        } else if (!before.equals(e.getValue())) {
                            k.add(StandardWatchEventKinds.ENTRY_MODIFY, e.getKey());
                        }
                    }
                    for (String name : k.last.keySet()) {
                        if (!now.containsKey(name)) {
                            k.add(StandardWatchEventKinds.ENTRY_DELETE, name);
                        }
                    }
                    k.last = now;
                } catch (IOException | RuntimeException e) {
                    // the directory is gone or the fleet does not answer: the key is no longer valid
                    k.valid = false;
                    keys.remove(k);
                    synchronized (k) {
                        if (!k.signalledNow) {
                            k.signalledNow = true;
                            signalled.add(k);
                        }
                    }
                }
            }
            try {
                TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        poller.interrupt();
        keys.clear();
        signalled.add(CLOSED);
    }

    private WatchKey checked(WatchKey k) {
        if (k == CLOSED || (k == null && closed)) {
            signalled.add(CLOSED);
            throw new ClosedWatchServiceException();
        }
        return k;
    }

    @Override
    public WatchKey poll() {
        if (closed) {
            throw new ClosedWatchServiceException();
        }
        return checked(signalled.poll());
    }

    @Override
    public WatchKey poll(long timeout, TimeUnit unit) throws InterruptedException {
        if (closed) {
            throw new ClosedWatchServiceException();
        }
        return checked(signalled.poll(timeout, unit));
    }

    @Override
    public WatchKey take() throws InterruptedException {
        if (closed) {
            throw new ClosedWatchServiceException();
        }
        return checked(signalled.take());
    }
}
