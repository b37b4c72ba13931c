package org.fos.fleet.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.fos.fleet.api.FleetInfo;
import org.fos.fleet.api.PlacedMembers;
import org.fos.fleet.api.UpgradeReport;
import org.fos.fleet.impl.FleetFixture.Activation;
import org.fos.fleet.impl.FleetFixture.Service;
import org.fos.fleet.impl.LifeCycle.State;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A fleet controller's life cycle without a framework: binding, upgrade with state, rollback, removal
 * and stop, with failures injected into the implementation; and after each test, that no call into
 * the implementation came under the controller's lock.
 */
class FleetControllerTest {
    private final FleetFixture f = new FleetFixture();
    private final FleetController c = f.controller;

    @AfterEach
    void noImplementationCodeUnderTheLock() {
        f.release.countDown();
        f.close();
        assertThat(c.state()).isEqualTo(State.STOPPED);
        assertThat(f.underLock).as("calls into the implementation made under the controller's lock").isEmpty();
    }

    /** Serves version 1 with two members, each counted to {@code count}. */
    private Service serving(int count) {
        Service v1 = f.register(Activation.OK);
        assertThat(f.bind(v1, 2)).isTrue();
        v1.active.forEach(i -> i.count = count);
        return v1;
    }

    /** Version 1 goes and its bundle is updated to version 2: the controller waits for it. */
    private void updatedTo2(Service v1) {
        c.unbind(v1.ref);
        f.update("2.0.0");
        c.bundleUpdated(f.bundle);
        assertThat(c.state()).isEqualTo(State.UPGRADING);
    }

    private UpgradeReport lastReport() {
        assertThat(f.host.reports).isNotEmpty();
        return f.host.reports.get(f.host.reports.size() - 1);
    }

    @Test
    void shouldServeOnceActivatedAndReleaseEveryInstanceWhenStopped() {
        assertThat(c.state()).isEqualTo(State.NEW);
        Service v1 = serving(0);
        assertThat(c.state()).isEqualTo(State.SERVING);
        FleetInfo info = c.info();
        assertThat(info.status()).isEqualTo(FleetInfo.Status.SERVING);
        assertThat(info.members()).hasSize(2);
        assertThat(info.version()).isEqualTo("1.0.0");
        assertThat(v1.active).hasSize(2);
        c.stop();
        assertThat(c.state()).isEqualTo(State.STOPPED);
        assertThat(v1.released).hasValue(2);
        assertThat(v1.active).isEmpty();
    }

    @Test
    void shouldRefuseAFirstVersionWhoseActivationThrows() {
        Service v1 = f.register(Activation.THROWS);
        assertThat(f.bind(v1, 2)).isFalse();
        assertThat(c.state()).isEqualTo(State.REMOVED);
        assertThat(c.info().detail()).contains("activation refused on purpose");
        assertThat(c.membersNow()).isEmpty();
        assertThat(lastReport().outcome()).isEqualTo(UpgradeReport.Outcome.REFUSED);
    }

    @Test
    void shouldRefuseAFirstVersionThatDoesNotActivate() {
        Service v1 = f.register(Activation.NONE);
        assertThat(f.bind(v1, 2)).isFalse();
        assertThat(c.state()).isEqualTo(State.REMOVED);
        assertThat(c.info().detail()).contains("did not activate");
        // a version that activates serves the fleet after all
        Service fixed = f.register(Activation.OK);
        assertThat(f.bind(fixed, 2)).isTrue();
        assertThat(c.state()).isEqualTo(State.SERVING);
    }

    @Test
    void shouldHandTheStateOfTheOldVersionToTheNewOne() {
        Service v1 = serving(41);
        updatedTo2(v1);
        assertThat(v1.released).hasValue(2);
        Service v2 = f.register(Activation.OK);
        assertThat(f.bind(v2, 2)).isTrue();
        assertThat(c.state()).isEqualTo(State.SERVING);
        assertThat(v2.active).extracting(i -> i.count).containsExactly(41, 41);
        UpgradeReport r = lastReport();
        assertThat(r.outcome()).isEqualTo(UpgradeReport.Outcome.UPGRADED);
        assertThat(r.from()).isEqualTo("1.0.0");
        assertThat(r.to()).isEqualTo("2.0.0");
    }

    @Test
    void shouldQuiesceEachOldInstanceBeforeWaitingForItsCallsAndExportingItsState() {
        Service v1 = serving(7);
        updatedTo2(v1);
        assertThat(v1.lifeCalls).containsExactly("quiesce", "quiesce", "exportState", "exportState");
        assertThat(f.bind(f.register(Activation.OK), 2)).isTrue();
        assertThat(lastReport().outcome()).isEqualTo(UpgradeReport.Outcome.UPGRADED);
    }

    @Test
    void shouldUpgradeStillWhenAQuiesceThrows() {
        Service v1 = serving(5);
        v1.quiesceFails = true;
        updatedTo2(v1);
        assertThat(v1.lifeCalls).containsExactly("quiesce", "quiesce", "exportState", "exportState");
        Service v2 = f.register(Activation.OK);
        assertThat(f.bind(v2, 2)).isTrue();
        assertThat(v2.active).extracting(i -> i.count).containsExactly(5, 5);
        assertThat(lastReport().outcome()).isEqualTo(UpgradeReport.Outcome.UPGRADED);
    }

    @Test
    void shouldCompleteTheWaitersWithTheUpgradesReport() throws Exception {
        Service v1 = serving(1);
        CompletableFuture<UpgradeReport> next = c.nextReport();
        updatedTo2(v1);
        assertThat(next).isNotDone();
        assertThat(f.bind(f.register(Activation.OK), 2)).isTrue();
        assertThat(next.get(10, TimeUnit.SECONDS).outcome()).isEqualTo(UpgradeReport.Outcome.UPGRADED);
    }

    @Test
    void shouldStartAMemberEmptyWhenItsStateExportThrows() {
        Service v1 = serving(7);
        v1.exportFails = true;
        updatedTo2(v1);
        assertThat(v1.released).as("released although the export threw").hasValue(2);
        Service v2 = f.register(Activation.OK);
        assertThat(f.bind(v2, 2)).isTrue();
        assertThat(v2.active).extracting(i -> i.count).containsExactly(0, 0);
    }

    @Test
    void shouldReleaseEveryInstanceWhenADeactivationThrows() {
        Service v1 = serving(3);
        v1.releaseFails = true;
        c.unbind(v1.ref);
        assertThat(c.state()).isEqualTo(State.PAUSED);
        assertThat(v1.released).as("each instance released though each release threw").hasValue(2);
        assertThat(c.info().detail()).contains("stopped, so nothing serves /test/counter");
        // the same version coming back gets its state
        Service again = f.register(Activation.OK);
        assertThat(f.bind(again, 2)).isTrue();
        assertThat(again.active).extracting(i -> i.count).containsExactly(3, 3);
    }

    @Test
    void shouldRollBackWhenTheNewVersionCannotImportTheState() {
        Service v1 = serving(5);
        updatedTo2(v1);
        Service v2 = f.register(Activation.OK);
        v2.importFails = true;
        assertThat(f.bind(v2, 2)).isFalse();
        assertThat(c.state()).isEqualTo(State.ROLLING_BACK);
        assertThat(v2.released).hasValue(2);
        assertThat(f.host.rollBacks).singleElement().satisfies(r -> {
            assertThat(r.bundle()).isSameAs(f.bundle);
            assertThat(new String(r.content(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("jar of 1.0.0");
            assertThat(r.reason()).contains("import refused on purpose");
        });
        // the framework puts version 1 back: it serves again with its own state
        f.update("1.0.0");
        Service back = f.register(Activation.OK);
        assertThat(f.bind(back, 2)).isTrue();
        assertThat(c.state()).isEqualTo(State.SERVING);
        assertThat(back.active).extracting(i -> i.count).containsExactly(5, 5);
        UpgradeReport r = lastReport();
        assertThat(r.outcome()).isEqualTo(UpgradeReport.Outcome.ROLLED_BACK);
        assertThat(r.to()).isEqualTo("2.0.0");
    }

    @Test
    void shouldRollBackWhenTheNewVersionActivationThrows() {
        Service v1 = serving(2);
        updatedTo2(v1);
        assertThat(f.bind(f.register(Activation.THROWS), 2)).isFalse();
        assertThat(c.state()).isEqualTo(State.ROLLING_BACK);
        assertThat(c.info().status()).isEqualTo(FleetInfo.Status.ROLLING_BACK);
        assertThat(f.host.rollBacks).hasSize(1);
    }

    @Test
    void shouldRollBackWhenTheNewVersionFailsToStart() {
        Service v1 = serving(2);
        updatedTo2(v1);
        c.bundleFailed(f.bundle, new IllegalStateException("start refused on purpose"));
        assertThat(c.state()).isEqualTo(State.ROLLING_BACK);
        assertThat(f.host.rollBacks).singleElement().satisfies(r -> assertThat(r.reason()).contains("failed to start"));
    }

    @Test
    void shouldRollBackWhenNoNewVersionComesInTime() {
        Service v1 = serving(2);
        updatedTo2(v1);
        f.host.fire(); // the watchdog's time has come
        assertThat(c.state()).isEqualTo(State.ROLLING_BACK);
        assertThat(f.host.rollBacks).singleElement().satisfies(r -> assertThat(r.reason()).contains("registered within"));
    }

    @Test
    void shouldGiveUpAndStayPausedWhenTheRollbackFailsToo() {
        Service v1 = serving(2);
        updatedTo2(v1);
        assertThat(f.bind(f.register(Activation.THROWS), 2)).isFalse();
        f.update("1.0.0");
        assertThat(f.bind(f.register(Activation.NONE), 2)).isFalse();
        assertThat(c.state()).isEqualTo(State.PAUSED);
        assertThat(c.info().detail()).contains("failed too");
        assertThat(lastReport().outcome()).isEqualTo(UpgradeReport.Outcome.FAILED);
        // a version that works still serves the state version 1 left
        Service fixed = f.register(Activation.OK);
        assertThat(f.bind(fixed, 2)).isTrue();
        assertThat(fixed.active).extracting(i -> i.count).containsExactly(2, 2);
    }

    @Test
    void shouldGiveUpAtOnceWithoutACopyOfTheLastVersion() {
        f.host.archiveFails = true;
        Service v1 = serving(2);
        updatedTo2(v1);
        assertThat(f.bind(f.register(Activation.THROWS), 2)).isFalse();
        assertThat(c.state()).isEqualTo(State.PAUSED);
        assertThat(f.host.rollBacks).isEmpty();
        assertThat(lastReport().detail()).contains("cannot be rolled back");
    }

    @Test
    void shouldRemoveAFleetWhoseBundleWasUninstalledAndKeepItsStateUntilDropped() {
        Service v1 = serving(9);
        c.unbind(v1.ref);
        assertThat(c.removed(f.bundle)).isEqualTo(FleetController.Removal.STATE_KEPT);
        assertThat(c.state()).isEqualTo(State.REMOVED);
        assertThat(c.membersNow()).isEmpty();
        assertThat(c.drop()).contains("the state version 1.0.0 exported (2 members)");
        assertThat(c.state()).isEqualTo(State.STOPPED);
        assertThat(f.bind(f.register(Activation.OK), 2)).as("a dropped controller binds nothing").isFalse();
    }

    @Test
    void shouldServeTheKeptStateWhenAVersionIsInstalledAfterRemoval() {
        Service v1 = serving(4);
        c.unbind(v1.ref);
        c.removed(f.bundle);
        f.update("3.0.0");
        Service v3 = f.register(Activation.OK);
        assertThat(f.bind(v3, 2)).isTrue();
        assertThat(v3.active).extracting(i -> i.count).containsExactly(4, 4);
        assertThat(lastReport().detail()).contains("was installed after 1.0.0 was removed");
    }

    @Test
    void shouldNotRemoveAFleetThatServes() {
        serving(1);
        assertThat(c.removed(f.bundle)).isEqualTo(FleetController.Removal.NOT_MINE);
        assertThat(c.state()).isEqualTo(State.SERVING);
    }

    @Test
    void shouldActivateWithoutTheLockAndUndoAnActivationTheStopOvertook() throws Exception {
        Service slow = f.register(Activation.WAITS);
        CompletableFuture<Boolean> bound = CompletableFuture.supplyAsync(() -> f.bind(slow, 1));
        assertThat(f.activating.await(10, TimeUnit.SECONDS)).isTrue();
        // the controller answers while the implementation activates: its lock is free
        assertThat(c.state()).isEqualTo(State.ACTIVATING);
        assertThat(c.info().status()).isEqualTo(FleetInfo.Status.PAUSED);
        CompletableFuture<Void> stopped = CompletableFuture.runAsync(c::stop);
        stopped.get(10, TimeUnit.SECONDS);
        assertThat(c.state()).isEqualTo(State.STOPPED);
        f.release.countDown();
        assertThat(bound.get(10, TimeUnit.SECONDS)).as("the binding is undone, not committed").isFalse();
        assertThat(c.isBound()).isFalse();
        assertThat(slow.released).hasValue(1);
        assertThat(slow.active).isEmpty();
    }

    @Test
    void shouldUnbindAServiceThatWentWhileItActivated() throws Exception {
        Service slow = f.register(Activation.WAITS);
        CompletableFuture<Boolean> bound = CompletableFuture.supplyAsync(() -> f.bind(slow, 1));
        assertThat(f.activating.await(10, TimeUnit.SECONDS)).isTrue();
        c.unbind(slow.ref);
        f.release.countDown();
        assertThat(bound.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(c.state()).isEqualTo(State.PAUSED);
        assertThat(slow.released).hasValue(1);
    }

    @Test
    void shouldRefuseASecondBindingWhileOneActivates() throws Exception {
        Service slow = f.register(Activation.WAITS);
        CompletableFuture<Boolean> bound = CompletableFuture.supplyAsync(() -> f.bind(slow, 1));
        assertThat(f.activating.await(10, TimeUnit.SECONDS)).isTrue();
        Service other = f.register(Activation.OK);
        assertThat(f.bind(other, 1)).isFalse();
        assertThat(other.active).isEmpty();
        f.release.countDown();
        assertThat(bound.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(c.state()).isEqualTo(State.SERVING);
    }

    @Test
    void shouldReleaseTheInstancesOnStopWhileServing() {
        Service v1 = serving(1);
        c.stop();
        c.stop(); // a second stop changes nothing
        assertThat(v1.released).hasValue(2);
        assertThat(f.bind(f.register(Activation.OK), 1)).isFalse();
    }

    @Test
    void shouldAddAMemberAndTakeALeavingOneAwayWithoutTheLock() {
        Service v1 = serving(0);
        c.elastic().grow("more load");
        assertThat(c.membersNow()).extracting(m -> m.index).containsExactly(0, 1, 2);
        assertThat(v1.active).hasSize(3);
        c.elastic().retire("less load");
        Member leaving = c.membersNow().get(2);
        assertThat(leaving.draining).isTrue();
        assertThat(f.host.elasticSteps).hasSize(1);
        long longAgo = System.nanoTime() - TimeUnit.SECONDS.toNanos(10);
        c.elastic().drain(leaving, longAgo); // quiet long enough: its name goes
        assertThat(leaving.registration).isNull();
        assertThat(c.membersNow()).hasSize(3);
        c.elastic().drain(leaving, longAgo); // and then it goes
        assertThat(c.membersNow()).extracting(m -> m.index).containsExactly(0, 1);
        assertThat(v1.released).hasValue(1);
        assertThat(v1.active).hasSize(2);
    }

    @Test
    void shouldUndoAMemberWhoseActivationThrows() {
        Service v1 = serving(0);
        v1.activation = Activation.THROWS;
        c.elastic().grow("more load");
        assertThat(c.membersNow()).hasSize(2);
        v1.activation = Activation.NONE;
        c.elastic().grow("more load");
        assertThat(c.membersNow()).hasSize(2);
        assertThat(v1.active).hasSize(2);
    }

    @Test
    void shouldAddNoMemberToAFleetThatDoesNotServe() {
        Service v1 = serving(0);
        c.unbind(v1.ref);
        c.elastic().grow("more load");
        assertThat(c.membersNow()).hasSize(2);
        assertThat(v1.active).isEmpty();
    }

    @Test
    void shouldStepToThePlacedMembersOneATimeAndGiveTheFleetBackWhenUnplaced() {
        serving(0);
        assertThat(c.placed()).isNull();
        PlacedMembers p = c.place(4, "test placement");
        assertThat(p.target()).isEqualTo(4);
        assertThat(p.serving()).isEqualTo(2);
        assertThat(p.settled()).isFalse();
        c.elastic().tick(false);
        assertThat(c.membersNow()).hasSize(3);
        c.elastic().tick(false);
        assertThat(c.placed().settled()).isTrue();
        c.elastic().tick(false); // settled: nothing changes
        assertThat(c.membersNow()).hasSize(4);
        c.place(1, "fewer");
        c.elastic().tick(false);
        c.elastic().tick(false);
        c.elastic().tick(false);
        // the members above one leave by draining: serving drops at once, they go once they answered everything
        assertThat(c.placed().serving()).isEqualTo(1);
        assertThat(c.placed().draining()).isEqualTo(3);
        assertThat(c.unplace()).isTrue();
        assertThat(c.placed()).isNull();
        assertThat(c.unplace()).isFalse();
        // a fleet the node's configuration keeps fixed is not changed
        c.place(3, "again");
        c.elastic().tick(true);
        assertThat(c.placed().serving()).isEqualTo(1);
    }

    @Test
    void shouldRefuseToPlaceAFleetWhoseMembersAreStatefulPrototypesOrReplicated() {
        f.property(org.osgi.framework.Constants.SERVICE_SCOPE, org.osgi.framework.Constants.SCOPE_PROTOTYPE);
        serving(0);
        assertThatThrownBy(() -> c.place(3, "test")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot be placed").hasMessageContaining("Stateful prototype");
        assertThat(c.placed()).isNull();
        c.elastic().tick(false);
        assertThat(c.membersNow()).hasSize(2);
    }
}
