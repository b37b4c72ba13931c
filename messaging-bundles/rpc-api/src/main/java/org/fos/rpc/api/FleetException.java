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
     *        {@link Status#TIMEOUT}, {@link Status#CLOSED}, {@link Status#NO_QUORUM}, or
     *        {@link Status#FAILED} for a failure of the method on the member ({@link RemoteException});
     *        never {@link Status#OK}
     * @param message what failed
     * @param cause the cause, or null
     * @throws IllegalArgumentException if the status is {@link Status#OK}: a failure always says why
     */
    public FleetException(Status status, String message, Throwable cause) {
        super(message, cause);
        this.status = Objects.requireNonNull(status, "status");
        if (status == Status.OK) {
            throw new IllegalArgumentException("a FleetException needs the status that says why the call failed, not OK: " + message);
        }
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
