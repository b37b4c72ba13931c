package org.fos.fs.client;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.attribute.FileStoreAttributeView;

import org.fos.fs.api.FsStats;

/**
 * The space of a fos file system, asked of the fleet each time. The usable space is all the free
 * space: a file whose group is full borrows blocks of the other groups.
 */
final class FosFileStore extends FileStore {
    private final FosFileSystem fs;

    FosFileStore(FosFileSystem fs) {
        this.fs = fs;
    }

    FsStats stats() throws IOException {
        return fs.await(() -> fs.server().statfs(), fs.getPath("/"));
    }

    @Override
    public String name() {
        return fs.fleet();
    }

    @Override
    public String type() {
        return "fosfs";
    }

    @Override
    public boolean isReadOnly() {
        return false;
    }

    @Override
    public long getTotalSpace() throws IOException {
        FsStats s = stats();
        return s.totalBlocks() * s.blockSize();
    }

    @Override
    public long getUsableSpace() throws IOException {
        FsStats s = stats();
        return s.freeBlocks() * s.blockSize();
    }

    @Override
    public long getUnallocatedSpace() throws IOException {
        return getUsableSpace();
    }

    @Override
    public long getBlockSize() throws IOException {
        return stats().blockSize();
    }

    @Override
    public boolean supportsFileAttributeView(Class<? extends FileAttributeView> type) {
        return type == BasicFileAttributeView.class || type == java.nio.file.attribute.PosixFileAttributeView.class
                || type == java.nio.file.attribute.FileOwnerAttributeView.class;
    }

    @Override
    public boolean supportsFileAttributeView(String name) {
        return java.util.Set.of("basic", "posix", "owner", "unix").contains(name);
    }

    @Override
    public <V extends FileStoreAttributeView> V getFileStoreAttributeView(Class<V> type) {
        return null;
    }

    @Override
    public Object getAttribute(String attribute) throws IOException {
        return switch (attribute) {
            case "totalSpace" -> getTotalSpace();
            case "usableSpace" -> getUsableSpace();
            case "unallocatedSpace" -> getUnallocatedSpace();
            default -> throw new UnsupportedOperationException("file store attribute '" + attribute + "'");
        };
    }

    @Override
    public String toString() {
        return fs.fleet() + " (fosfs)";
    }
}
