package org.fos.fs.engine;

import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.fos.fs.api.DirEntry;

/**
 * The directories of one group: their entries, read once into a sorted map, and the directory
 * blocks that hold them (packed, first fit). Changes go through the caller's {@link Tx}; a
 * transaction that aborts makes the directories it touched be read again. Not thread-safe.
 */
final class Directories {
    private final Layout layout;
    private final FileMap maps;
    private final Map<Long, DirCache> cache = new HashMap<>();

    /** A directory's entries by name, where each lives, and how full each of its blocks is. */
    static final class DirCache {
        final TreeMap<String, DirEntry> entries = new TreeMap<>();
        final Map<String, Integer> blockOf = new HashMap<>();
        final List<List<DirEntry>> blocks = new ArrayList<>();
    }

    Directories(Layout layout, FileMap maps) {
        this.layout = layout;
        this.maps = maps;
    }

    /**
     * The entries of a directory inode.
     *
     * @throws Checksums.Damaged if one of its blocks is damaged
     * @throws IllegalStateException if a block does not parse
     */
    DirCache of(Tx tx, Inode d) throws FileSystemException {
        DirCache c = cache.get(d.number);
        if (c != null) {
            return c;
        }
        c = new DirCache();
        long n = d.size / layout.blockSize;
        for (long i = 0; i < n; i++) {
            long p = maps.map(tx, d, i, false, new boolean[1]);
            List<DirEntry> entries = p == 0 ? new ArrayList<>() : new ArrayList<>(DirBlock.decode(tx.read(p)));
            for (DirEntry e : entries) {
                c.entries.put(e.name(), e);
                c.blockOf.put(e.name(), (int) i);
            }
            c.blocks.add(entries);
        }
        cache.put(d.number, c);
        return c;
    }

    void forget(long dir) {
        cache.remove(dir);
    }

    private void writeBlock(Tx tx, Inode d, DirCache c, int index) throws FileSystemException {
        long p = maps.map(tx, d, index, false, new boolean[1]);
        DirBlock.encode(c.blocks.get(index), tx.rewrite(p));
    }

    /** Adds an entry; the caller writes the directory's inode (its size and times change). */
    void add(Tx tx, Inode d, DirEntry e) throws FileSystemException {
        DirCache c = of(tx, d);
        tx.touchedDirectories.add(d.number);
        int need = DirBlock.sizeOf(e.name().getBytes(StandardCharsets.UTF_8));
        int at = -1;
        for (int i = 0; i < c.blocks.size(); i++) {
            if (DirBlock.used(c.blocks.get(i)) + need <= DirBlock.capacity(layout.blockSize)) {
                at = i;
                break;
            }
        }
        if (at < 0) {
            at = c.blocks.size();
            long p = maps.map(tx, d, at, true, new boolean[1]);
            tx.fresh(p);
            c.blocks.add(new ArrayList<>());
            d.size = (long) c.blocks.size() * layout.blockSize;
        }
        c.blocks.get(at).add(e);
        c.entries.put(e.name(), e);
        c.blockOf.put(e.name(), at);
        writeBlock(tx, d, c, at);
    }

    /** Removes an entry, if there; the caller writes the directory's inode. */
    DirEntry remove(Tx tx, Inode d, String name) throws FileSystemException {
        DirCache c = of(tx, d);
        DirEntry e = c.entries.remove(name);
        if (e == null) {
            return null;
        }
        tx.touchedDirectories.add(d.number);
        int at = c.blockOf.remove(name);
        c.blocks.get(at).removeIf(x -> x.name().equals(name));
        writeBlock(tx, d, c, at);
        return e;
    }
}
