package org.fos.fleet.spi;

import java.util.Map;

import org.fos.fleet.api.FleetState;
import org.fos.fleet.api.Replicas;
import org.fos.fleet.api.ReplicatedFleet;
import org.osgi.annotation.versioning.ProviderType;

/**
 * One replicated fleet on this node, for the fleet runtime. Thread-safe.
 */
@ProviderType
public interface ReplicatedFleetHandle extends AutoCloseable {

    /**
     * Returns the handle the fleet's instances write and read through.
     *
     * @return the replicas
     */
    Replicas replicas();

    /**
     * Stops applying committed commands to this node's replicas (a live upgrade: the log keeps
     * growing and the other nodes keep serving) and returns each replica's state.
     *
     * @return the state of each group this node keeps, by group number
     */
    Map<Integer, FleetState> suspend();

    /**
     * Resumes applying, with state machines of {@code implementation} restored from {@code states}
     * (what {@link #suspend()} returned, or a rollback's copy of it). Commands committed meanwhile
     * are applied next, in order.
     *
     * @param implementation the implementation to run now
     * @param states the states to restore
     * @throws RuntimeException if a state machine of the implementation cannot restore its state; the
     *         fleet stays suspended then, and can be resumed with another implementation
     */
    void resume(ReplicatedFleet implementation, Map<Integer, FleetState> states);

    /**
     * Stops keeping the fleet's replicas on this node for now (the runtime stops); they stay on disk
     * and in their groups, and come back with the next {@link Replication#open}.
     */
    @Override
    void close();
}
