package org.fos.fs.api;

import java.io.IOException;

/**
 * The member that took a call let it go unanswered because its implementation was being replaced
 * (a live upgrade). Call again: the new version serves it. {@link FosFiles}' file systems do this by
 * themselves. The call had no effect, with one exception: a cross-group rename, delete or mkdir that
 * had passed its commit point is finished by the new version, so calling it again may then fail
 * (the source is gone, the directory exists) although it happened.
 */
public class TryAgainException extends IOException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message why the call was let go
     */
    public TryAgainException(String message) {
        super(message);
    }
}
