package org.fos.fs.client;

import java.io.IOException;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;

import org.fos.fs.api.Attributes;
import org.fos.fs.api.FileSystemFleet;
import org.fos.fs.api.FileType;

/** The basic attributes of a fos file: its inode number is the file key. */
record FosAttributes(Attributes a) implements BasicFileAttributes {

    @Override
    public FileTime lastModifiedTime() {
        return FileTime.fromMillis(a.modifiedMillis());
    }

    @Override
    public FileTime lastAccessTime() {
        return FileTime.fromMillis(a.accessedMillis());
    }

    @Override
    public FileTime creationTime() {
        return FileTime.fromMillis(a.createdMillis());
    }

    @Override
    public boolean isRegularFile() {
        return a.type() == FileType.FILE;
    }

    @Override
    public boolean isDirectory() {
        return a.type() == FileType.DIRECTORY;
    }

    @Override
    public boolean isSymbolicLink() {
        return false;
    }

    @Override
    public boolean isOther() {
        return false;
    }

    @Override
    public long size() {
        return a.size();
    }

    @Override
    public Object fileKey() {
        return a.inode();
    }

    /** The view that reads these attributes and sets the times. */
    static final class View implements BasicFileAttributeView {
        private final FosFileSystem fs;
        private final FosPath path;

        View(FosFileSystem fs, FosPath path) {
            this.fs = fs;
            this.path = path;
        }

        @Override
        public String name() {
            return "basic";
        }

        @Override
        public BasicFileAttributes readAttributes() throws IOException {
            return fs.provider().readAttributes(path, BasicFileAttributes.class);
        }

        @Override
        public void setTimes(FileTime lastModifiedTime, FileTime lastAccessTime, FileTime createTime) throws IOException {
            long inode = fs.resolve(path).inode();
            long modified = lastModifiedTime == null ? -1 : lastModifiedTime.toMillis();
            long accessed = lastAccessTime == null ? -1 : lastAccessTime.toMillis();
            fs.await(() -> fs.server().setTimes(FileSystemFleet.groupOf(inode), inode, modified, accessed), path);
        }
    }
}
