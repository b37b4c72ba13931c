package org.fos.fs.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.fos.fs.api.TryAgainException;
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
}
