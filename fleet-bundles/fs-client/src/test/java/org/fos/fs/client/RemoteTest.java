package org.fos.fs.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.fos.fleet.api.FleetInfo;
import org.fos.fs.api.TryAgainException;
import org.fos.kernel.api.Status;
import org.fos.rpc.api.FleetException;
import org.junit.jupiter.api.Test;

class RemoteTest {

    @Test
    void shouldFailACallSoonAfterItsNodeCannotBeReached() {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            CompletableFuture<String> never = new CompletableFuture<>();
            assertThatThrownBy(() -> Remote.await(() -> never, "/x", null, 600_000, () -> false))
                    .isInstanceOf(FileSystemException.class).hasMessageContaining("cannot be reached");
            assertThat(never).isCancelled();
        });
    }

    @Test
    void shouldCallAgainWhatTheFleetLetGoAndTranslateTheRest() throws Exception {
        AtomicInteger tries = new AtomicInteger();
        String v = Remote.await(() -> tries.incrementAndGet() < 3 ? CompletableFuture.failedFuture(new TryAgainException("upgrading"))
                : CompletableFuture.completedFuture("done"), "/x", null, 10_000, () -> true);
        assertThat(v).isEqualTo("done");
        assertThat(tries).hasValue(3);
        assertThatThrownBy(() -> Remote.await(() -> CompletableFuture.failedFuture(new NoSuchFileException("inode 5/y")), "/docs/y",
                null, 10_000)).isInstanceOf(NoSuchFileException.class).hasMessage("/docs/y");
    }

    private static <T> CompletableFuture<T> noMember() {
        return CompletableFuture.failedFuture(new FleetException(Status.NO_SUCH_NAME, "no member is registered under '/sys/fs'", null));
    }

    @Test
    void shouldFailAtOnceWithNoSuchNameWhenTheFleetIsNotComing() {
        AtomicInteger calls = new AtomicInteger();
        AtomicInteger asked = new AtomicInteger();
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            assertThatThrownBy(() -> Remote.await(() -> {
                calls.incrementAndGet();
                return noMember();
            }, "/x", null, 600_000, () -> true, () -> {
                asked.incrementAndGet();
                return "/sys/fs was removed on node n1";
            }))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("/sys/fs was removed on node n1")
                    .cause().isInstanceOf(FleetException.class)
                    .satisfies(c -> assertThat(((FleetException) c).status()).isEqualTo(Status.NO_SUCH_NAME));
        });
        assertThat(calls).as("the call is not made again").hasValue(1);
        assertThat(asked).hasValue(1);
    }

    @Test
    void shouldWaitForAFleetThatMayBeStartingUntilItRegisters() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        AtomicInteger asked = new AtomicInteger();
        String v = Remote.await(() -> calls.incrementAndGet() < 4 ? noMember() : CompletableFuture.completedFuture("served"), "/x", null,
                600_000, () -> true, () -> {
                    asked.incrementAndGet();
                    return null;
                });
        assertThat(v).isEqualTo("served");
        assertThat(calls).hasValue(4);
        assertThat(asked).as("asked whether the fleet is coming").hasPositiveValue();
    }

    @Test
    void shouldStopWaitingOnceTheFleetIsKnownNotToCome() {
        AtomicInteger asked = new AtomicInteger();
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertThatThrownBy(() -> Remote.await(RemoteTest::noMember, "/x", null,
                600_000, () -> true, () -> asked.incrementAndGet() < 3 ? null : "its version was refused"))
                .isInstanceOf(IOException.class).hasMessageContaining("its version was refused")
                .cause().satisfies(c -> assertThat(((FleetException) c).status()).isEqualTo(Status.NO_SUCH_NAME)));
        assertThat(asked).hasValue(3);
    }

    private static FleetInfo fleet(FleetInfo.Status status, String detail) {
        return new FleetInfo("n1", "/sys/fs", "org.fos.fs.api.FileSystemFleet", null, null, status, List.of(), detail);
    }

    @Test
    void shouldSayAFleetTheNodeRemovedIsNotComingAndWhy() {
        assertThat(Remote.removed(fleet(FleetInfo.Status.REMOVED, "bundle org.fos.fs was uninstalled")))
                .isEqualTo("/sys/fs was removed on node n1 (bundle org.fos.fs was uninstalled)");
    }

    @Test
    void shouldTakeAFleetTheNodeDoesNotRunOrHasNotRemovedForOneThatMayBeStarting() {
        assertThat(Remote.removed(null)).isNull();
        for (FleetInfo.Status s : FleetInfo.Status.values()) {
            if (s != FleetInfo.Status.REMOVED) {
                assertThat(Remote.removed(fleet(s, "why"))).as(s.name()).isNull();
            }
        }
    }
}
