package org.fos.fleet.impl;

import java.io.IOException;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Consumer;

import org.fos.fleet.api.UpgradeReport;
import org.fos.fleet.spi.Replication;
import org.fos.rpc.api.Libfos;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceObjects;
import org.osgi.framework.ServiceReference;

/**
 * What a {@link FleetController} needs from the runtime that runs it: the node's services, its
 * threads, and the bundle updates it asks for. The runtime is the one implementation; the unit
 * tests give a controller one without a framework.
 */
interface FleetHost {

    /** libfos, for the members' dispatchers. */
    Libfos libfos();

    /** The most requests a member dispatches in one batch. */
    int batch();

    /** How long a new version is awaited after an update, ms. */
    long upgradeTimeoutMillis();

    /** The node's replication service, or null if none runs. */
    Replication replication();

    /** The instances of an implementation's service. */
    ServiceObjects<Object> serviceObjects(ServiceReference<Object> ref);

    /** A copy of a bundle's content, to put it back after a failed upgrade. */
    byte[] archive(Bundle bundle) throws IOException;

    /** Runs a task on the upgrade thread after a delay. */
    ScheduledFuture<?> schedule(Runnable task, long delayMillis);

    /** Runs a step of an elastic fleet's change on the scaling thread; nothing once the runtime stops. */
    void scheduleElastic(Runnable task, long delayMillis);

    /** Keeps an upgrade's outcome for {@code fos:upgrades}. */
    void recordUpgrade(UpgradeReport report);

    /** Puts a bundle's last good content back, on the upgrade thread; a failure goes to {@code onError}. */
    void rollBackLater(Bundle bundle, byte[] good, String reason, Consumer<Exception> onError);

    /** After an upgrade that did not come through {@code deploy/}, writes the jar that serves there. */
    void deployedServes(Bundle bundle, byte[] archive);
}
