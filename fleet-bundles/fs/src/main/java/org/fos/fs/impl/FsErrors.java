package org.fos.fs.impl;

import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;

/** Checks names and builds the errors members answer with. */
final class FsErrors {
    private FsErrors() {
    }

    static String where(long dir, String name) {
        return "inode " + dir + "/" + name;
    }

    static String where(long inode) {
        return "inode " + inode;
    }

    static FileSystemException isDirectory(String file) {
        return new FileSystemException(file, null, "is a directory");
    }

    /**
     * Checks an entry name.
     *
     * @param name the name
     * @return the name
     * @throws IllegalArgumentException if it is empty, too long, {@code .} or {@code ..}, or holds {@code /} or NUL
     */
    static String checkName(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("an entry name is empty");
        }
        if (name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("'" + name + "' cannot be an entry name");
        }
        if (name.indexOf('/') >= 0 || name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("entry name '" + name.replace("\0", "\\0") + "' holds '/' or NUL");
        }
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > org.fos.fs.api.FileSystemFleet.MAX_NAME_BYTES) {
            throw new IllegalArgumentException("entry name is " + bytes + " bytes of UTF-8, more than "
                    + org.fos.fs.api.FileSystemFleet.MAX_NAME_BYTES);
        }
        return name;
    }
}
