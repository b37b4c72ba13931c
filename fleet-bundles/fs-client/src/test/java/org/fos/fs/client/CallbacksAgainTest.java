package org.fos.fs.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import org.fos.fs.api.Attributes;
import org.fos.fs.api.DirEntry;
import org.fos.fs.api.FileSystemFleet;
import org.fos.fs.api.FileType;
import org.fos.fs.api.LeaseHolder;
import org.fos.fs.api.WalkLease;
import org.fos.fs.api.Walked;
import org.fos.kernel.api.Capability;
import org.fos.kernel.api.Message;
import org.fos.kernel.embed.EmbeddedKernel;
import org.fos.rpc.api.Dispatcher;
import org.fos.rpc.api.Libfos;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A file system whose members' calls back stop reaching it (a plain-JVM client that connected again
 * after its node restarted closes the kernel they were served in) forgets its cache, opens the calls
 * back anew through its connector, and caches again under leases that name the new mailbox.
 */
class CallbacksAgainTest {
    private final EmbeddedKernel kernel = EmbeddedKernel.start("client-test");
    /** The holder capability every leased walk named, in order. */
    private final List<Capability> named = new CopyOnWriteArrayList<>();
    /** The calls back the connector opened, in order. */
    private final List<LeaseCallbacks> opened = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        kernel.close();
    }

    /** A fleet whose root holds one directory, {@code /a}, that grants leases of 30 s on its walks. */
    private FileSystemFleet fleet() {
        return (FileSystemFleet) Proxy.newProxyInstance(FileSystemFleet.class.getClassLoader(), new Class<?>[] {FileSystemFleet.class},
                (proxy, method, args) -> {
                    if (method.getDeclaringClass() == Object.class) {
                        return method.getName().equals("toString") ? "fleet with /a" : method.invoke(this, args);
                    }
                    if (!method.getName().equals("leasedWalk")) {
                        return CompletableFuture.failedFuture(new AssertionError("a cached file system walks with leases: "
                                + method.getName()));
                    }
                    named.add((Capability) args[3]);
                    DirEntry a = new DirEntry("a", 2, FileType.DIRECTORY);
                    Attributes attributes = new Attributes(2, FileType.DIRECTORY, 0, 1, 0, 0, 0, 0, 0, 1, 0755, 0, 0, 0);
                    return CompletableFuture.completedFuture(new WalkLease(new Walked(1, a, FileSystemFleet.ROOT, attributes), List.of(a),
                            30_000));
                });
    }

    /** Serves nothing: the test's members never call back; what matters is whether the mailbox is served. */
    private static Libfos libfos() {
        Dispatcher idle = new Dispatcher() {
            @Override
            public boolean dispatch(Message request) {
                return true;
            }

            @Override
            public int outstanding() {
                return 0;
            }
        };
        return (Libfos) Proxy.newProxyInstance(Libfos.class.getClassLoader(), new Class<?>[] {Libfos.class},
                (proxy, method, args) -> method.getName().equals("dispatcher") ? idle : null);
    }

    @Test
    void shouldForgetItsCacheAndLeaseUnderNewCallbacksWhenTheOldOnesStop() throws Exception {
        FileSystemFleet fleet = fleet();
        Libfos libfos = libfos();
        FosFileSystemProvider provider = new FosFileSystemProvider(new FleetConnector() {
            @Override
            public FileSystemFleet connect(String name) {
                return fleet;
            }

            @Override
            public LeaseCallbacks callbacks(String name, LeaseHolder holder) {
                LeaseCallbacks callbacks = new LeaseCallbacks(kernel.kernel(1), libfos, holder, "leases " + name);
                opened.add(callbacks);
                return callbacks;
            }
        }, 5_000);
        try (FileSystem fs = provider.fileSystem("/sys/fs")) {
            Path a = fs.getPath("/a");
            assertThat(Files.isDirectory(a)).isTrue();
            assertThat(Files.isDirectory(a)).isTrue();
            assertThat(named).as("the second look is answered by the cache").containsExactly(opened.get(0).capability());

            opened.get(0).close(); // what closing the kernel of a client's old connection does to them
            assertThat(Files.isDirectory(a)).isTrue();
            assertThat(opened).as("the calls back were opened again").hasSize(2);
            assertThat(named).as("the cache forgot /a, and the walk named the new calls back")
                    .containsExactly(opened.get(0).capability(), opened.get(1).capability());
            assertThat(opened.get(1).capability()).isNotEqualTo(opened.get(0).capability());

            assertThat(Files.isDirectory(a)).isTrue();
            assertThat(named).as("cached again, under the new calls back").hasSize(2);
        }
        assertThat(opened.get(1).serving()).as("closing the file system closes its calls back").isFalse();
    }
}
