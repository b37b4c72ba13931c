package org.fos.fs.client;

import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

import org.fos.fs.api.DirEntry;
import org.fos.fs.api.FileSystemFleet;

/** A directory's entries, fetched a page at a time in name order while they are iterated. */
final class FosDirectoryStream implements DirectoryStream<Path> {
    static final int PAGE = 1000;

    private final FosFileSystem fs;
    private final FosPath dir;
    private final long inode;
    private final Filter<? super Path> filter;
    private boolean iterated;
    private boolean closed;

    FosDirectoryStream(FosFileSystem fs, FosPath dir, long inode, Filter<? super Path> filter) {
        this.fs = fs;
        this.dir = dir;
        this.inode = inode;
        this.filter = filter;
    }

    @Override
    public Iterator<Path> iterator() {
        if (closed) {
            throw new IllegalStateException("the directory stream of " + dir + " is closed");
        }
        if (iterated) {
            throw new IllegalStateException("a directory stream iterates once");
        }
        iterated = true;
        return new Iterator<>() {
            private final ArrayDeque<Path> ready = new ArrayDeque<>();
            private String after = "";
            private boolean last;

            @Override
            public boolean hasNext() {
                while (ready.isEmpty() && !last && !closed) {
                    fetch();
                }
                return !ready.isEmpty() && !closed;
            }

            private void fetch() {
                String from = after;
                List<DirEntry> page;
                try {
                    page = fs.await(() -> fs.server().readdir(FileSystemFleet.groupOf(inode), inode, from, PAGE), dir);
                } catch (IOException e) {
                    throw new DirectoryIteratorException(e);
                }
                last = page.size() < PAGE;
                for (DirEntry e : page) {
                    after = e.name();
                    Path p = dir.resolve(e.name());
                    try {
                        if (filter == null || filter.accept(p)) {
                            ready.add(p);
                        }
                    } catch (IOException ex) {
                        throw new DirectoryIteratorException(ex);
                    }
                }
            }

            @Override
            public Path next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return ready.poll();
            }
        };
    }

    @Override
    public void close() {
        closed = true;
    }

}
