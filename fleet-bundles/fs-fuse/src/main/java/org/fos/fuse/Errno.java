package org.fos.fuse;

import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;

import ru.serce.jnrfuse.ErrorCodes;

/** The errno a FUSE operation answers for what the fos: provider threw. */
final class Errno {
    private Errno() {
    }

    /**
     * Maps a failure to a negative errno.
     *
     * @param t what the operation threw
     * @return the negative errno FUSE answers with
     */
    static int of(Throwable t) {
        return -positive(t);
    }

    static int positive(Throwable t) {
        if (t instanceof NoSuchFileException) {
            return ErrorCodes.ENOENT();
        }
        if (t instanceof FileAlreadyExistsException) {
            return ErrorCodes.EEXIST();
        }
        if (t instanceof DirectoryNotEmptyException) {
            return ErrorCodes.ENOTEMPTY();
        }
        if (t instanceof NotDirectoryException) {
            return ErrorCodes.ENOTDIR();
        }
        if (t instanceof AccessDeniedException) {
            return ErrorCodes.EACCES();
        }
        if (t instanceof NotLinkException) {
            return ErrorCodes.EINVAL();
        }
        if (t instanceof InvalidPathException) {
            return t.getMessage() != null && t.getMessage().contains("bytes of UTF-8") ? ErrorCodes.ENAMETOOLONG() : ErrorCodes.EINVAL();
        }
        String text = t.getMessage() == null ? "" : t.getMessage();
        if (t instanceof FileSystemException f && f.getReason() != null) {
            text = f.getReason();
        }
        if (text.contains("is a directory") || text.contains("Is a directory")) {
            return ErrorCodes.EISDIR();
        }
        if (text.contains("no space left")) {
            return ErrorCodes.ENOSPC();
        }
        if (text.contains("Too many levels of symbolic links")) {
            return ErrorCodes.ELOOP();
        }
        if (text.contains("cross-device")) {
            return ErrorCodes.EXDEV();
        }
        if (text.contains("cannot grow past")) {
            return ErrorCodes.EFBIG();
        }
        if (text.contains("second link") || text.contains("too many links")) {
            return ErrorCodes.EPERM();
        }
        if (text.contains("into itself") || text.contains("by '.") || text.contains("root has no name")) {
            return ErrorCodes.EINVAL();
        }
        if (t instanceof IllegalArgumentException) {
            return text.contains("more than 255") ? ErrorCodes.ENAMETOOLONG() : ErrorCodes.EINVAL();
        }
        if (t instanceof UnsupportedOperationException) {
            return ErrorCodes.ENOSYS();
        }
        return ErrorCodes.EIO();
    }
}
