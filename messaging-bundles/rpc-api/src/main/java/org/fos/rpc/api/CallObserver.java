package org.fos.rpc.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Told of every call that bundles of this node make through libfos, once the call has ended: how
 * metrics learn each fleet's call rate, latency and failures. Register an implementation as an
 * OSGi service; libfos calls every registered observer on the thread that ends the call (the
 * caller's for a synchronous call, the one that completes the reply for an asynchronous one).
 * Observers must be quick, must not block and must not call libfos; one that throws is skipped for
 * that call, and the call's outcome is not changed. Without a registered observer libfos does not
 * even read the clock.
 */
@ConsumerType
public interface CallObserver {

    /**
     * A call ended.
     *
     * @param fleet the fleet's name, or null for a call to one member named only by its capability
     * @param method the protocol method's name
     * @param nanos how long the call took, from the proxy call to the reply (or the failure), in nanoseconds
     * @param failure null if the method returned a value; otherwise what the caller got: a
     *        {@link FleetException} whose {@link FleetException#status() status} says why the call
     *        failed on its way ({@code OK} if the method itself failed on the member), or the
     *        exception the method threw
     */
    void called(String fleet, String method, long nanos, Throwable failure);
}
