package org.fos.rpc.api;

import java.util.Objects;

import org.fos.kernel.api.Status;

/**
 * A call to a fleet failed: the name has no member, the member refused or did not answer in time,
 * or the method failed on the member. {@link #status()} names the kind.
 */
public class FleetException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The kind of failure. */
    private final Status status;

    /**
     * Creates the exception.
     *
     * @param status the kind of failure: a kernel status such as {@link Status#NO_SUCH_NAME},
     *        {@link Status#TIMEOUT}, {@link Status#CLOSED}, or {@link Status#OK} for a failure of
     *        the method on the member ({@link RemoteException})
     * @param message what failed
     * @param cause the cause, or null
     */
    public FleetException(Status status, String message, Throwable cause) {
        super(message, cause);
        this.status = Objects.requireNonNull(status, "status");
    }

    /**
     * Returns the kind of failure.
     *
     * @return the status
     */
    public Status status() {
        return status;
    }
}
