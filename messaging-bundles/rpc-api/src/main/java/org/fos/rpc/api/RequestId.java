package org.fos.rpc.api;

/**
 * Names one call across the cluster: the calling libfos instance and its call number. libfos gives
 * every call a new one and keeps it when it sends the same call again, so a fleet can tell a
 * repeated delivery from a new call.
 *
 * @param client a random number chosen by the calling libfos instance when it started
 * @param sequence the call's number within that instance, from 1
 */
public record RequestId(long client, long sequence) {

    /**
     * Returns the id in the form the shell and the logs show: {@code client-sequence} in hexadecimal.
     *
     * @return the text
     */
    @Override
    public String toString() {
        return Long.toHexString(client) + "-" + Long.toHexString(sequence);
    }
}
