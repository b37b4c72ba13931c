package org.fos.fleet.impl;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.fos.cluster.api.Membership;
import org.fos.cluster.api.NodeInfo;
import org.fos.fleet.api.Fleet;
import org.fos.fleet.api.FleetInfo;
import org.fos.fleet.api.FleetRuntime;
import org.fos.fleet.api.NodeAdmin;
import org.fos.fleet.api.UpgradeReport;
import org.fos.kernel.api.Kernel;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * This node's member of {@code /sys/nodes}: the node's fleets and their replacement, and a shell,
 * for the rest of the cluster.
 * <p>
 * Remote commands run on threads of their own ({@link #executeAsync}), at most {@value #MAX_COMMANDS}
 * at once: the member has one loop, and a command run on it that calls this member again (as
 * {@code fos:fleets} does, asking every node and this one) would wait for itself until the caller's
 * timeout.
 */
@Component(service = NodeAdmin.class)
@Fleet(name = NodeAdmin.NAME, members = 1)
public final class NodeAdminMember implements NodeAdmin {
    /** How many remote commands run on a node at once; more are refused. */
    static final int MAX_COMMANDS = 4;
    /** How long a thread that ran a remote command waits for the next before it ends. */
    private static final long IDLE_THREAD_SECONDS = 30;

    private final FleetRuntime runtime;
    private final String node;
    private final ThreadPoolExecutor commands;
    private volatile CommandProcessor shell;
    private volatile Membership membership;

    /**
     * Creates the member.
     *
     * @param runtime this node's fleet runtime
     * @param kernel the kernel, for the node id
     */
    @Activate
    public NodeAdminMember(@Reference FleetRuntime runtime, @Reference Kernel kernel) {
        this.runtime = runtime;
        this.node = kernel.nodeId();
        AtomicInteger threads = new AtomicInteger();
        this.commands = new ThreadPoolExecutor(0, MAX_COMMANDS, IDLE_THREAD_SECONDS, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "fos-remote-command-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Stops taking remote commands and interrupts those still running. */
    @Deactivate
    void deactivate() {
        commands.shutdownNow();
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void setShell(CommandProcessor processor) {
        this.shell = processor;
    }

    void unsetShell(CommandProcessor processor) {
        if (shell == processor) {
            shell = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void setMembership(Membership m) {
        this.membership = m;
    }

    void unsetMembership(Membership m) {
        if (membership == m) {
            membership = null;
        }
    }

    @Override
    public Map<String, Map<String, String>> nodes() {
        Membership m = membership;
        if (m == null) {
            return Map.of(node, Map.of());
        }
        Map<String, Map<String, String>> nodes = new TreeMap<>();
        for (NodeInfo n : m.nodes()) {
            nodes.put(n.id(), n.attributes());
        }
        return nodes;
    }

    @Override
    public List<FleetInfo> fleets() {
        return runtime.fleets();
    }

    @Override
    public List<UpgradeReport> upgrades() {
        return runtime.upgrades();
    }

    @Override
    public UpgradeReport upgrade(String fleet, byte[] bundle, long timeoutMillis) {
        if (timeoutMillis <= 0) {
            throw new IllegalArgumentException("upgrade timeout must be positive, was " + timeoutMillis);
        }
        return runtime.upgrade(fleet, bundle, Duration.ofMillis(timeoutMillis));
    }

    @Override
    public byte[] implementation(String fleet) {
        return runtime.implementation(fleet);
    }

    @Override
    public CompletionStage<CommandOutput> executeAsync(String commandLine) {
        requireCommand(commandLine);
        try {
            return CompletableFuture.supplyAsync(() -> execute(commandLine), commands);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedFuture(new CommandOutput(node, true, commands.isShutdown()
                    ? "node " + node + " is stopping its remote shell"
                    : "node " + node + " runs " + MAX_COMMANDS + " remote commands already; run it again when one has finished"));
        }
    }

    @Override
    public CommandOutput execute(String commandLine) {
        requireCommand(commandLine);
        CommandProcessor processor = shell;
        if (processor == null) {
            return new CommandOutput(node, true, "node " + node + " has no Gogo runtime");
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        CommandSession session = processor.createSession(new ByteArrayInputStream(new byte[0]), out, out);
        try {
            Object value = session.execute(commandLine);
            CharSequence text = value == null ? "" : session.format(value, Converter.INSPECT);
            out.flush();
            return new CommandOutput(node, false, (bytes.toString(StandardCharsets.UTF_8) + text).strip());
        } catch (Exception e) {
            // what it printed before it failed (the command's forms, when its arguments fit none), then the error
            out.flush();
            String printed = bytes.toString(StandardCharsets.UTF_8).strip();
            String error = e.getClass().getSimpleName() + ": " + e.getMessage();
            return new CommandOutput(node, true, printed.isEmpty() ? error : printed + "\n" + error);
        } finally {
            session.close();
        }
    }

    private static void requireCommand(String commandLine) {
        if (commandLine == null || commandLine.isBlank()) {
            throw new IllegalArgumentException("the command line is empty");
        }
    }
}
