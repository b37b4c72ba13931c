package org.fos.replication.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;

import org.fos.codec.embed.PayloadCodecs;
import org.fos.kernel.api.Kernel;
import org.fos.replication.commands.ReplicationCommands;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;

/**
 * The replication component as SCR makes it, with a port another process holds: it fails to start with
 * the reason, and the shell's commands say that reason instead of failing on a missing service.
 */
class ReplicationComponentTest {

    @TempDir
    Path dir;

    @Test
    void shouldFailToStartOnATakenPortAndLetTheShellSayWhy() throws IOException {
        try (ServerSocket squatter = new ServerSocket()) {
            squatter.bind(new InetSocketAddress("127.0.0.1", 0));
            int port = squatter.getLocalPort();
            ReplicationComponent.Config config = config(Map.of("port", port, "storage", dir.resolve("raft").toString()));

            assertThatThrownBy(() -> new ReplicationComponent(stub(BundleContext.class, Map.of()), stub(Kernel.class, Map.of("nodeId", "n1")),
                    new SharedMembership().view("n1"), PayloadCodecs.create(), config))
                    .hasMessageContaining("the replication of node n1 cannot start")
                    .hasMessageContaining("the configured port " + port + " is in use by another process");

            ReplicationCommands commands = new ReplicationCommands();
            assertThatThrownBy(commands::replication).isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("this node's replication does not run: the replication of node n1 cannot start")
                    .hasMessageContaining(Integer.toString(port));
            assertThatThrownBy(commands::groups).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("in use by another process");
        }
    }

    /** The configuration with every key at its default but those given. */
    private static ReplicationComponent.Config config(Map<String, Object> values) {
        return (ReplicationComponent.Config) Proxy.newProxyInstance(ReplicationComponent.Config.class.getClassLoader(),
                new Class<?>[] {ReplicationComponent.Config.class}, (proxy, method, args) -> {
                    if (values.containsKey(method.getName())) {
                        return values.get(method.getName());
                    }
                    Object d = method.getDefaultValue();
                    assertThat(d).as("a default for " + method.getName()).isNotNull();
                    return d;
                });
    }

    /** An interface whose named methods answer the given values and whose others answer null. */
    private static <T> T stub(Class<T> type, Map<String, Object> answers) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                (proxy, method, args) -> answers.get(method.getName())));
    }
}
