package org.fos.fs.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.fos.fs.api.FileSystemFleet;
import org.junit.jupiter.api.Test;

/**
 * The provider's file systems, one a fleet: opened on first use and kept, found by URI, forgotten when
 * closed (and only then), and URIs that name no fleet or another scheme refused with the reason.
 */
class FosFileSystemProviderTest {
    private final List<String> connected = new ArrayList<>();
    private final FosFileSystemProvider provider = new FosFileSystemProvider(fleet -> {
        connected.add(fleet);
        return null;
    }, 1000);

    /** A fleet whose every call fails with NoSuchFileException, noting whether its caller waited on its own thread. */
    private static FileSystemFleet noting(List<Boolean> waiting) {
        return (FileSystemFleet) java.lang.reflect.Proxy.newProxyInstance(FileSystemFleet.class.getClassLoader(),
                new Class<?>[] {FileSystemFleet.class}, (proxy, method, args) -> {
                    if (method.getDeclaringClass() == Object.class) {
                        return method.getName().equals("toString") ? "noting fleet" : method.invoke(waiting, args);
                    }
                    waiting.add(org.fos.rpc.api.WaitingCaller.isWaiting());
                    return java.util.concurrent.CompletableFuture.failedFuture(new java.nio.file.NoSuchFileException("/x"));
                });
    }

    @Test
    void shouldWaitForItsRepliesOnTheCallingThreadUnlessTheConnectorSaysNo() {
        List<Boolean> inNode = new ArrayList<>();
        FosFileSystemProvider node = new FosFileSystemProvider(fleet -> noting(inNode), 1000);
        assertThat(java.nio.file.Files.exists(node.fileSystem("/sys/fs").getPath("/x"))).isFalse();
        assertThat(inNode).as("inside a node every call takes its reply itself").isNotEmpty().containsOnly(true);

        List<Boolean> remote = new ArrayList<>();
        FosFileSystemProvider client = new FosFileSystemProvider(new FleetConnector() {
            @Override
            public FileSystemFleet connect(String fleet) {
                return noting(remote);
            }

            @Override
            public boolean callerWaits() {
                return false;
            }
        }, 1000);
        assertThat(java.nio.file.Files.exists(client.fileSystem("/sys/fs").getPath("/x"))).isFalse();
        assertThat(remote).as("a client that must watch its node waits in slices").isNotEmpty().containsOnly(false);
    }

    @Test
    void shouldKeepOneFileSystemAFleetAndConnectItOnce() {
        FileSystem fs = provider.fileSystem("/sys/fs");
        assertThat(provider.fileSystem("/sys/fs")).isSameAs(fs);
        assertThat(provider.getFileSystem(URI.create("fos:/"))).isSameAs(fs);
        assertThat(provider.getFileSystem(URI.create("fos:/a/b?fleet=/sys/fs"))).isSameAs(fs);
        FileSystem other = provider.fileSystem("/sys/fs2");
        assertThat(other).isNotSameAs(fs);
        assertThat(connected).containsExactly("/sys/fs", "/sys/fs2");
    }

    @Test
    void shouldRefuseToOpenAFleetsFileSystemTwiceAndFindOnlyOpenOnes() {
        FileSystem fs = provider.newFileSystem(URI.create("fos:/?fleet=/sys/fs2"), null);
        assertThat(((FosFileSystem) fs).fleet()).isEqualTo("/sys/fs2");
        assertThatThrownBy(() -> provider.newFileSystem(URI.create("fos:/?fleet=/sys/fs2"), Map.of()))
                .isInstanceOf(FileSystemAlreadyExistsException.class).hasMessageContaining("/sys/fs2");
        assertThatThrownBy(() -> provider.newFileSystem(URI.create("fos:/"), Map.of(FosFileSystemProvider.FLEET, "/sys/fs2")))
                .isInstanceOf(FileSystemAlreadyExistsException.class);
        assertThatThrownBy(() -> provider.getFileSystem(URI.create("fos:/"))).isInstanceOf(FileSystemNotFoundException.class)
                .hasMessageContaining(FileSystemFleet.NAME);
    }

    @Test
    void shouldForgetAClosedFileSystemAndOpenANewOneOnNextUse() throws IOException {
        FileSystem first = provider.fileSystem("/sys/fs");
        first.close();
        assertThat(first.isOpen()).isFalse();
        assertThatThrownBy(() -> provider.getFileSystem(URI.create("fos:/"))).isInstanceOf(FileSystemNotFoundException.class);

        FileSystem second = provider.fileSystem("/sys/fs");
        assertThat(second).isNotSameAs(first);
        assertThat(second.isOpen()).isTrue();
        assertThat(connected).containsExactly("/sys/fs", "/sys/fs");

        first.close(); // closing the old one again must not forget the new one
        assertThat(provider.getFileSystem(URI.create("fos:/"))).isSameAs(second);
    }

    @Test
    void shouldTakeTheFleetFromTheEnvironmentBeforeTheUri() {
        FileSystem fs = provider.newFileSystem(URI.create("fos:/?fleet=/sys/fs2"), Map.of(FosFileSystemProvider.FLEET, "/sys/fs3"));
        assertThat(((FosFileSystem) fs).fleet()).isEqualTo("/sys/fs3");
        assertThat(connected).containsExactly("/sys/fs3");
    }

    @Test
    void shouldRefuseUrisAndFleetNamesItCannotUseWithTheReason() {
        assertThatThrownBy(() -> provider.getFileSystem(URI.create("file:/x"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a fos URI");
        assertThatThrownBy(() -> provider.newFileSystem(URI.create("fos:/?mode=ro"), null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("names no fleet");
        assertThatThrownBy(() -> provider.fileSystem("sys fs")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sys fs");
        assertThatThrownBy(() -> provider.getPath(URI.create("fos:/a?fleet=no-slash"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no-slash");
        assertThat(connected).isEmpty();
    }

    @Test
    void shouldMakePathsOfTheFleetAUriNames() {
        Path p = provider.getPath(URI.create("fos:/docs/a.txt?fleet=/sys/fs2"));
        assertThat(p.getFileSystem()).isSameAs(provider.fileSystem("/sys/fs2"));
        assertThat(p.toString()).isEqualTo("/docs/a.txt");
        assertThat(p.toUri()).isEqualTo(URI.create("fos:/docs/a.txt?fleet=/sys/fs2"));
        assertThat(provider.getPath(p.toUri())).isEqualTo(p);
    }
}
