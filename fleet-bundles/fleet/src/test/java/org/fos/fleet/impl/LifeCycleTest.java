package org.fos.fleet.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;

import org.fos.fleet.api.FleetInfo;
import org.fos.fleet.impl.LifeCycle.State;
import org.junit.jupiter.api.Test;

/** Every move of a fleet's life cycle the design allows (ADR 0038), and the refusal of every other. */
class LifeCycleTest {

    /** The table of ADR 0038, written out independently of the class. */
    private static final Set<String> LEGAL = Set.of(
            "NEW>ACTIVATING", "NEW>STOPPING",
            "ACTIVATING>SERVING", "ACTIVATING>PAUSED", "ACTIVATING>UPGRADING", "ACTIVATING>ROLLING_BACK", "ACTIVATING>REMOVED",
            "ACTIVATING>STOPPING",
            "SERVING>DEACTIVATING", "SERVING>STOPPING",
            "DEACTIVATING>PAUSED", "DEACTIVATING>STOPPING",
            "PAUSED>ACTIVATING", "PAUSED>UPGRADING", "PAUSED>ROLLING_BACK", "PAUSED>REMOVED", "PAUSED>STOPPING",
            "UPGRADING>ACTIVATING", "UPGRADING>ROLLING_BACK", "UPGRADING>PAUSED", "UPGRADING>REMOVED", "UPGRADING>STOPPING",
            "ROLLING_BACK>ACTIVATING", "ROLLING_BACK>PAUSED", "ROLLING_BACK>REMOVED", "ROLLING_BACK>STOPPING",
            "REMOVED>ACTIVATING", "REMOVED>STOPPED", "REMOVED>STOPPING",
            "STOPPING>STOPPED");

    /** A life cycle brought to a state along legal moves. */
    private static LifeCycle at(State s) {
        LifeCycle l = new LifeCycle("/test");
        switch (s) {
            case NEW -> { }
            case ACTIVATING -> l.to(State.ACTIVATING);
            case SERVING -> serving(l);
            case DEACTIVATING -> {
                serving(l);
                l.to(State.DEACTIVATING);
            }
            case PAUSED -> paused(l);
            case UPGRADING -> {
                paused(l);
                l.to(State.UPGRADING);
            }
            case ROLLING_BACK -> {
                paused(l);
                l.to(State.ROLLING_BACK);
            }
            case REMOVED -> {
                paused(l);
                l.to(State.REMOVED);
            }
            case STOPPING -> l.to(State.STOPPING);
            case STOPPED -> {
                l.to(State.STOPPING);
                l.to(State.STOPPED);
            }
            default -> throw new AssertionError(s);
        }
        assertThat(l.now()).isEqualTo(s);
        return l;
    }

    private static void serving(LifeCycle l) {
        l.to(State.ACTIVATING);
        l.to(State.SERVING);
    }

    private static void paused(LifeCycle l) {
        serving(l);
        l.to(State.DEACTIVATING);
        l.to(State.PAUSED);
    }

    @Test
    void shouldMakeEveryLegalMove() {
        int moves = 0;
        for (State a : State.values()) {
            for (State b : State.values()) {
                if (LEGAL.contains(a + ">" + b)) {
                    LifeCycle l = at(a);
                    assertThat(l.to(b)).isEqualTo(a);
                    assertThat(l.now()).isEqualTo(b);
                    assertThat(LifeCycle.allowed(a, b)).isTrue();
                    moves++;
                }
            }
        }
        assertThat(moves).isEqualTo(LEGAL.size());
    }

    @Test
    void shouldRefuseEveryOtherMoveSayingFromWhereToWhereAndStayPut() {
        int refused = 0;
        for (State a : State.values()) {
            for (State b : State.values()) {
                if (!LEGAL.contains(a + ">" + b)) {
                    LifeCycle l = at(a);
                    assertThatThrownBy(() -> l.to(b)).isInstanceOf(IllegalStateException.class)
                            .hasMessageContaining("fleet /test cannot go from " + a + " to " + b);
                    assertThat(l.now()).isEqualTo(a);
                    assertThat(LifeCycle.allowed(a, b)).isFalse();
                    refused++;
                }
            }
        }
        assertThat(refused).isEqualTo(State.values().length * State.values().length - LEGAL.size());
    }

    @Test
    void shouldEndInStoppedFromWhichNothingLeads() {
        for (State b : State.values()) {
            assertThat(LifeCycle.allowed(State.STOPPED, b)).as("STOPPED to " + b).isFalse();
        }
    }

    @Test
    void shouldShowTheStateATransientStateCameFrom() {
        LifeCycle upgrading = at(State.UPGRADING);
        upgrading.to(State.ACTIVATING);
        assertThat(upgrading.from()).isEqualTo(State.UPGRADING);
        assertThat(upgrading.status()).isEqualTo(FleetInfo.Status.UPGRADING);

        LifeCycle rollingBack = at(State.ROLLING_BACK);
        rollingBack.to(State.ACTIVATING);
        assertThat(rollingBack.status()).isEqualTo(FleetInfo.Status.ROLLING_BACK);

        LifeCycle removed = at(State.REMOVED);
        removed.to(State.ACTIVATING);
        assertThat(removed.status()).isEqualTo(FleetInfo.Status.REMOVED);

        LifeCycle going = at(State.DEACTIVATING);
        assertThat(going.from()).isEqualTo(State.SERVING);
        assertThat(going.status()).as("nothing dispatches while a version goes").isEqualTo(FleetInfo.Status.PAUSED);
    }

    @Test
    void shouldMapEveryStateToWhatFosFleetsShows() {
        assertThat(at(State.NEW).status()).isEqualTo(FleetInfo.Status.PAUSED);
        assertThat(at(State.SERVING).status()).isEqualTo(FleetInfo.Status.SERVING);
        assertThat(at(State.PAUSED).status()).isEqualTo(FleetInfo.Status.PAUSED);
        assertThat(at(State.UPGRADING).status()).isEqualTo(FleetInfo.Status.UPGRADING);
        assertThat(at(State.ROLLING_BACK).status()).isEqualTo(FleetInfo.Status.ROLLING_BACK);
        assertThat(at(State.REMOVED).status()).isEqualTo(FleetInfo.Status.REMOVED);
        assertThat(at(State.STOPPED).status()).isEqualTo(FleetInfo.Status.PAUSED);
    }

    @Test
    void shouldRefuseANullState() {
        assertThatThrownBy(() -> new LifeCycle("/test").to(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("next");
    }
}
