package org.fos.rpc.api;

import org.fos.kernel.api.Status;

/**
 * The method failed on the member with an exception that the client cannot recreate as its own type
 * (it is neither declared by the protocol method nor a standard {@code java.lang} exception). Its
 * status is {@link Status#FAILED}.
 */
public class RemoteException extends FleetException {

    private static final long serialVersionUID = 1L;

    /** The class name of the exception thrown on the member. */
    private final String remoteType;

    /**
     * Creates the exception.
     *
     * @param remoteType the class name of the exception thrown on the member
     * @param message its message
     */
    public RemoteException(String remoteType, String message) {
        super(Status.FAILED, remoteType + ": " + message, null);
        this.remoteType = remoteType;
    }

    /**
     * Returns the class name of the exception thrown on the member.
     *
     * @return the class name
     */
    public String remoteType() {
        return remoteType;
    }
}
