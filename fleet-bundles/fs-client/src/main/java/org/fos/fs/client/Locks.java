package org.fos.fs.client;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The file locks of one client's file system, as the JDK keeps them within a JVM: a lock that
 * overlaps one this client already holds on the same file is refused with
 * {@link OverlappingFileLockException}; a lock is released by {@link FileLock#release()} or when its
 * channel closes. Locks are the client's: two clients (two JVMs, or a JVM and a FUSE mount) do not
 * see each other's (docs/files.md). Thread-safe.
 */
final class Locks {
    private final Map<Long, List<Held>> byInode = new HashMap<>();

    /** A lock this client holds. */
    private final class Held extends FileLock {
        private final long inode;
        private boolean valid = true;

        Held(FileChannel channel, long inode, long position, long size, boolean shared) {
            super(channel, position, size, shared);
            this.inode = inode;
        }

        @Override
        public boolean isValid() {
            synchronized (Locks.this) {
                return valid && channel().isOpen();
            }
        }

        @Override
        public void release() {
            synchronized (Locks.this) {
                if (!valid) {
                    return;
                }
                valid = false;
                List<Held> all = byInode.get(inode);
                if (all != null) {
                    all.remove(this);
                    if (all.isEmpty()) {
                        byInode.remove(inode);
                    }
                }
            }
        }
    }

    synchronized FileLock lock(FosFileChannel channel, long position, long size, boolean shared, boolean wait) {
        if (position < 0 || size < 0 || position + size < 0) {
            throw new IllegalArgumentException("a lock's position and size must not be negative, were " + position + " and " + size);
        }
        List<Held> all = byInode.computeIfAbsent(channel.inode(), i -> new ArrayList<>());
        for (Held h : all) {
            if (h.overlaps(position, size)) {
                throw new OverlappingFileLockException();
            }
        }
        Held h = new Held(channel, channel.inode(), position, size, shared);
        all.add(h);
        return h;
    }

    synchronized void releaseAll(FosFileChannel channel) {
        List<Held> all = byInode.get(channel.inode());
        if (all == null) {
            return;
        }
        for (Held h : new ArrayList<>(all)) {
            if (h.channel() == channel) {
                h.release();
            }
        }
    }
}
