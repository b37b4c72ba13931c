package org.fos.fs.api;

/** What an inode holds. */
public enum FileType {
    /** A regular file: bytes. */
    FILE,
    /** A directory: named entries. */
    DIRECTORY,
    /** A symbolic link: its content is the path it points to. */
    SYMLINK
}
