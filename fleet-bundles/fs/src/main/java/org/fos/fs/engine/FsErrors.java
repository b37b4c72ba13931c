package org.fos.fs.engine;

import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;

/** Checks names and builds the errors members answer with. */
final class FsErrors {
    private FsErrors() {
    }

    static String where(long dir, String name) {
        return "inode " + dir + "/" + name;
    }

    /** What a stage failed with: the cause a {@link java.util.concurrent.CompletionException} wraps, else the error itself. */
    static Throwable cause(Throwable e) {
        return e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
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
        checkUnicode(name, "entry name");
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > org.fos.fs.api.FileSystemFleet.MAX_NAME_BYTES) {
            throw new IllegalArgumentException("entry name is " + bytes + " bytes of UTF-8, more than "
                    + org.fos.fs.api.FileSystemFleet.MAX_NAME_BYTES);
        }
        return name;
    }

    /** Refuses text with a lone surrogate, which has no UTF-8 form. */
    static void checkUnicode(String text, String what) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException(what + " holds a lone UTF-16 surrogate (\\u" + Integer.toHexString(c)
                        + " at " + i + "), which has no UTF-8 form");
            }
        }
    }

    /**
     * Checks the target of a symbolic link.
     *
     * @return its UTF-8 bytes
     * @throws IllegalArgumentException if it is empty, too long, or holds NUL or a lone surrogate
     */
    static byte[] checkLinkTarget(String target) {
        if (target == null || target.isEmpty()) {
            throw new IllegalArgumentException("a symbolic link's target is empty");
        }
        if (target.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("a symbolic link's target holds NUL");
        }
        checkUnicode(target, "a symbolic link's target");
        byte[] bytes = target.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > org.fos.fs.api.FileSystemFleet.MAX_LINK_BYTES) {
            throw new IllegalArgumentException("a symbolic link's target is " + bytes.length + " bytes of UTF-8, more than "
                    + org.fos.fs.api.FileSystemFleet.MAX_LINK_BYTES);
        }
        return bytes;
    }
}
