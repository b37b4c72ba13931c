package org.fos.kernel.api;

import java.util.Objects;

/**
 * A kernel operation was refused; {@link #status()} names why and the message says what was wrong.
 */
public class KernelException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The named reason. */
    private final Status status;

    /**
     * Creates the exception.
     *
     * @param status the named reason, not {@link Status#OK}
     * @param message what was wrong, with the offending value
     */
    public KernelException(Status status, String message) {
        super(status + ": " + message);
        this.status = Objects.requireNonNull(status, "status");
    }

    /**
     * Returns the named reason.
     *
     * @return the status
     */
    public Status status() {
        return status;
    }
}
