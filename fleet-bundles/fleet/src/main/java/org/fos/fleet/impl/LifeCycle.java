package org.fos.fleet.impl;

import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;

import org.fos.fleet.api.FleetInfo;

/**
 * The life cycle of one fleet on a node (ADR 0038): its state, and the one method that moves it,
 * which refuses a move the table below does not allow.
 *
 * <p>Two states are transient and belong to the thread that entered them: {@link State#ACTIVATING}
 * (a version's instances are being activated and given state) and {@link State#DEACTIVATING} (the
 * bound version's instances are being paused, asked for their state and released). That thread
 * runs the implementation's code without the controller's lock and then commits under the lock,
 * but only if the state is still the transient one it entered; anything else (the runtime stopped
 * meanwhile) means its work is undone instead. While transient, {@code fos:fleets} shows the state
 * the fleet came from.
 *
 * <p>Not thread-safe: the controller's lock guards it.
 */
final class LifeCycle {

    /** The states of a fleet on a node. */
    enum State {
        /** Created, no version has served yet; calls cannot reach it (it has no names). */
        NEW,
        /** A version's instances are being activated and given state, outside the lock. */
        ACTIVATING,
        /** A version is bound and the members dispatch. */
        SERVING,
        /** The bound version is going: members paused, its state taken, its instances released, outside the lock. */
        DEACTIVATING,
        /** Nothing bound; calls queue until a version comes. */
        PAUSED,
        /** The last version's bundle was updated; calls queue while the new version is awaited. */
        UPGRADING,
        /** A new version failed; the last good one is being put back while calls queue. */
        ROLLING_BACK,
        /** No members and no names here: the bundle was uninstalled or a version was refused. */
        REMOVED,
        /** The runtime is stopping the fleet. */
        STOPPING,
        /** Stopped, or its kept state dropped: the end. */
        STOPPED
    }

    private static final Map<State, EnumSet<State>> ALLOWED = Map.of(
            State.NEW, EnumSet.of(State.ACTIVATING, State.STOPPING),
            State.ACTIVATING, EnumSet.of(State.SERVING, State.PAUSED, State.UPGRADING, State.ROLLING_BACK, State.REMOVED,
                    State.STOPPING),
            State.SERVING, EnumSet.of(State.DEACTIVATING, State.STOPPING),
            State.DEACTIVATING, EnumSet.of(State.PAUSED, State.STOPPING),
            State.PAUSED, EnumSet.of(State.ACTIVATING, State.UPGRADING, State.ROLLING_BACK, State.REMOVED, State.STOPPING),
            State.UPGRADING, EnumSet.of(State.ACTIVATING, State.ROLLING_BACK, State.PAUSED, State.REMOVED, State.STOPPING),
            State.ROLLING_BACK, EnumSet.of(State.ACTIVATING, State.PAUSED, State.REMOVED, State.STOPPING),
            State.REMOVED, EnumSet.of(State.ACTIVATING, State.STOPPED, State.STOPPING),
            State.STOPPING, EnumSet.of(State.STOPPED),
            State.STOPPED, EnumSet.noneOf(State.class));

    private final String fleet;
    private State state = State.NEW;
    /** The state a transient state was entered from: what fos:fleets shows meanwhile. */
    private State from = State.NEW;

    LifeCycle(String fleet) {
        this.fleet = Objects.requireNonNull(fleet, "fleet");
    }

    /** The state now. */
    State now() {
        return state;
    }

    /** Whether the state is one of these. */
    boolean in(State first, State... more) {
        return state == first || EnumSet.of(first, more).contains(state);
    }

    /** The state a transient state was entered from (the state itself otherwise). */
    State from() {
        return isTransient(state) ? from : state;
    }

    /**
     * Moves to {@code next}.
     *
     * @param next the new state
     * @return the state before
     * @throws IllegalStateException if the table does not allow the move; the state stays
     */
    State to(State next) {
        Objects.requireNonNull(next, "next");
        if (!allowed(state, next)) {
            throw new IllegalStateException("fleet " + fleet + " cannot go from " + state + " to " + next + " (from " + state
                    + " it may go to " + ALLOWED.get(state) + ")");
        }
        State before = state;
        if (isTransient(next)) {
            from = before;
        }
        state = next;
        return before;
    }

    /** Whether the table allows the move from {@code a} to {@code b}. */
    static boolean allowed(State a, State b) {
        return ALLOWED.get(a).contains(b);
    }

    /** Whether a state belongs to the thread that entered it, which commits or undoes its work. */
    static boolean isTransient(State s) {
        return s == State.ACTIVATING || s == State.DEACTIVATING;
    }

    /** What {@code fos:fleets} shows for the state now. */
    FleetInfo.Status status() {
        if (state == State.SERVING) {
            return FleetInfo.Status.SERVING;
        }
        return switch (from()) {
            case UPGRADING -> FleetInfo.Status.UPGRADING;
            case ROLLING_BACK -> FleetInfo.Status.ROLLING_BACK;
            case REMOVED -> FleetInfo.Status.REMOVED;
            default -> FleetInfo.Status.PAUSED;
        };
    }

    @Override
    public String toString() {
        return isTransient(state) ? state + " (from " + from + ")" : state.toString();
    }
}
