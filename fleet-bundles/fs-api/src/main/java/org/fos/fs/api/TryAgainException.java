package org.fos.fs.api;

import java.io.IOException;

/**
 * The member that took a call let it go unanswered because its implementation was being replaced
 * (a live upgrade) or its file system remounted; the call had no effect. Call again: the new version
 * serves it. {@link FosFiles}' file systems do this by themselves.
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
