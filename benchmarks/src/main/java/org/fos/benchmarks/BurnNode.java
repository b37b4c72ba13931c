package org.fos.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;

/**
 * A node of the shipped distribution ({@link EmbeddedNode}) running the benchmarks' workload fleets
 * ({@code org.fos.benchmarks.burn}, the bundle {@code benchmarks/target/fos-benchmarks-*-burn.jar}):
 * the configurations are given to ConfigAdmin first (the fleet runtime's PID {@code org.fos.fleet},
 * the fixed fleet's component PID), then the bundle is installed, so that its fleets start with them.
 * The distribution's folder is the system property {@value #DISTRIBUTION} (else
 * {@code distribution/target/fos}), the bundle {@value #BUNDLE} (else the one in
 * {@code benchmarks/target}), both from the working folder. The node's folder is a fresh temporary
 * one, deleted on {@link #close}.
 */
final class BurnNode implements AutoCloseable {
    /** The system property naming the distribution folder. */
    static final String DISTRIBUTION = "fos.bench.distribution";
    /** The system property naming the workload bundle's jar. */
    static final String BUNDLE = "fos.bench.burnBundle";
    /** The fleet runtime's configuration PID. */
    static final String FLEET_RUNTIME_PID = "org.fos.fleet";
    private static final String PROTOCOL_PACKAGE = "org.fos.benchmarks.burn";
    private static final long TIMEOUT_NANOS = 60_000_000_000L;

    private final Path base;
    private final EmbeddedNode node;
    private final Object runtime;
    private final Class<?> protocol;

    /**
     * Starts the node and the workload fleets.
     *
     * @param fleetRuntime the fleet runtime's configuration ({@code pinnedFleets}, {@code clientCores}, ...)
     * @param fixedFleet the fixed fleet's component configuration ({@code fos.fleet.members}), or empty
     * @throws IOException if the distribution or the bundle cannot be read, or the folder not written
     * @throws BundleException if the node or the bundle does not start
     * @throws ClassNotFoundException if the bundle lacks the protocol
     */
    BurnNode(Map<String, Object> fleetRuntime, Map<String, Object> fixedFleet) throws IOException, BundleException,
            ClassNotFoundException {
        base = Files.createTempDirectory("fos-bench-burn");
        EmbeddedNode started = null;
        boolean ok = false;
        try {
            started = new EmbeddedNode(distribution(), base);
            Object admin = started.service("org.osgi.service.cm.ConfigurationAdmin");
            configure(admin, FLEET_RUNTIME_PID, fleetRuntime);
            if (!fixedFleet.isEmpty()) {
                configure(admin, org.fos.benchmarks.burn.Burn.FIXED_PID, fixedFleet);
            }
            Path jar = bundle();
            try (InputStream in = Files.newInputStream(jar)) {
                Bundle b = started.context().installBundle(jar.toUri().toString(), in);
                b.start();
            }
            ok = true;
        } finally {
            if (!ok) {
                if (started != null) {
                    started.close();
                }
                delete(base);
            }
        }
        node = started;
        runtime = node.service("org.fos.fleet.api.FleetRuntime");
        protocol = node.loadClass(PROTOCOL_PACKAGE, PROTOCOL_PACKAGE + ".Burn");
    }

    private static Path distribution() {
        Path dir = Path.of(System.getProperty(DISTRIBUTION, Path.of("distribution", "target", "fos").toString())).toAbsolutePath();
        if (!Files.isDirectory(dir.resolve("bundle"))) {
            throw new IllegalStateException("no fos distribution at " + dir + ": build it (mvn package -pl distribution -am)"
                    + " or name it with -D" + DISTRIBUTION);
        }
        return dir;
    }

    private static Path bundle() throws IOException {
        String named = System.getProperty(BUNDLE);
        if (named != null) {
            return Path.of(named).toAbsolutePath();
        }
        Path target = Path.of("benchmarks", "target").toAbsolutePath();
        List<Path> jars = new ArrayList<>();
        if (Files.isDirectory(target)) {
            try (DirectoryStream<Path> s = Files.newDirectoryStream(target, "fos-benchmarks-*-burn.jar")) {
                s.forEach(jars::add);
            }
        }
        if (jars.size() != 1) {
            throw new IllegalStateException("expected one workload bundle fos-benchmarks-*-burn.jar in " + target + ", found "
                    + jars + ": build it (mvn package -pl benchmarks) or name it with -D" + BUNDLE);
        }
        return jars.get(0);
    }

    /** Replaces a PID's configuration through ConfigAdmin (the node's own classes: by reflection). */
    private static void configure(Object admin, String pid, Map<String, Object> properties) {
        Object configuration = EmbeddedNode.call(admin, "getConfiguration", pid, "?");
        Dictionary<String, Object> dictionary = new Hashtable<>(properties);
        EmbeddedNode.call(configuration, "update", dictionary);
    }

    /**
     * Returns a typed libfos proxy of a workload fleet (its class is the bundle's, so it is called by
     * reflection: {@link #method}).
     *
     * @param fleet the fleet's name
     * @return the proxy, thread-safe
     */
    Object proxy(String fleet) {
        return EmbeddedNode.call(node.service("org.fos.rpc.api.Libfos"), "proxy", protocol, fleet);
    }

    /**
     * Returns a method of the bundle's protocol, taking a seed and a number of rounds.
     *
     * @param name {@code burn} or {@code burnBy}
     * @return the method
     * @throws NoSuchMethodException if the protocol has no such method
     */
    Method method(String name) throws NoSuchMethodException {
        return protocol.getMethod(name, long.class, int.class);
    }

    /**
     * Waits until a fleet serves with this many members.
     *
     * @param fleet the fleet's name
     * @param members how many
     * @throws IllegalStateException if it does not within a minute, saying what it serves
     */
    void awaitServing(String fleet, int members) {
        await(() -> {
            Object info = EmbeddedNode.call(runtime, "fleet", fleet);
            return info != null && "SERVING".equals(String.valueOf(EmbeddedNode.call(info, "status")))
                    && ((List<?>) EmbeddedNode.call(info, "members")).size() == members;
        }, () -> fleet + " does not serve with " + members + " members: " + EmbeddedNode.call(runtime, "fleet", fleet));
    }

    /**
     * Waits until every member of a fleet is bound to its core by the OS.
     *
     * @param fleet the fleet's name
     * @param members how many members it has
     * @throws IllegalStateException if they are not within a minute, with the runtime's core map (it
     *         says why a member is not bound: no affinity library, the OS refused)
     */
    void awaitPinned(String fleet, int members) {
        await(() -> {
            List<?> pinned = pinned(fleet);
            return pinned.size() == members && pinned.stream().allMatch(p -> (Boolean) EmbeddedNode.call(p, "bound"));
        }, () -> "the members of " + fleet + " are not bound to cores: " + EmbeddedNode.call(runtime, "cores"));
    }

    private List<?> pinned(String fleet) {
        Object cores = EmbeddedNode.call(runtime, "cores");
        return ((List<?>) EmbeddedNode.call(cores, "members")).stream()
                .filter(p -> fleet.equals(EmbeddedNode.call(p, "fleet"))).toList();
    }

    /**
     * Returns the cores a fleet's members are placed on, as the runtime's core map says.
     *
     * @param fleet the fleet's name
     * @return one core a pinned member, by member index; empty if the fleet is not pinned
     */
    List<Integer> cores(String fleet) {
        return pinned(fleet).stream().map(p -> (Integer) EmbeddedNode.call(p, "core")).toList();
    }

    /**
     * Returns the members of an elastic fleet that serve and those that are leaving.
     *
     * @param fleet the fleet's name
     * @return {serving indexes, draining indexes}
     * @throws IllegalStateException if the runtime does not scale such a fleet
     */
    List<List<Integer>> elastic(String fleet) {
        for (Object e : (List<?>) EmbeddedNode.call(runtime, "elasticity")) {
            if (fleet.equals(EmbeddedNode.call(e, "fleet"))) {
                Object off = EmbeddedNode.call(e, "off");
                if (off != null) {
                    throw new IllegalStateException(fleet + " is not scaled: " + off);
                }
                @SuppressWarnings("unchecked")
                List<Integer> serving = (List<Integer>) EmbeddedNode.call(e, "serving");
                @SuppressWarnings("unchecked")
                List<Integer> draining = (List<Integer>) EmbeddedNode.call(e, "draining");
                return List.of(serving, draining);
            }
        }
        throw new IllegalStateException("the fleet runtime has no elastic fleet " + fleet);
    }

    /**
     * Returns the changes the runtime made to an elastic fleet since a moment, for the benchmark's output.
     *
     * @param fleet the fleet's name
     * @param sinceMillis the moment, epoch milliseconds
     * @return one line a change: milliseconds after the moment, members before and after, the runtime's reason
     */
    List<String> changesSince(String fleet, long sinceMillis) {
        List<String> changes = new ArrayList<>();
        for (Object e : (List<?>) EmbeddedNode.call(runtime, "elasticity")) {
            if (fleet.equals(EmbeddedNode.call(e, "fleet"))) {
                for (Object event : (List<?>) EmbeddedNode.call(e, "events")) {
                    long at = (Long) EmbeddedNode.call(event, "atMillis");
                    if (at >= sinceMillis) {
                        changes.add("+" + (at - sinceMillis) + " ms: " + EmbeddedNode.call(event, "from") + " -> "
                                + EmbeddedNode.call(event, "to") + " (" + EmbeddedNode.call(event, "reason") + ")");
                    }
                }
            }
        }
        return changes;
    }

    /**
     * Waits until an elastic fleet serves with one member and none is leaving.
     *
     * @param fleet the fleet's name
     * @return the serving member's index
     * @throws IllegalStateException if it does not within a minute
     */
    int awaitOneMember(String fleet) {
        await(() -> {
            List<List<Integer>> e = elastic(fleet);
            return e.get(0).size() == 1 && e.get(1).isEmpty();
        }, () -> fleet + " did not shrink to one member: " + elastic(fleet));
        return elastic(fleet).get(0).get(0);
    }

    private static void await(BooleanSupplier condition, Supplier<String> failure) {
        long deadline = System.nanoTime() + TIMEOUT_NANOS;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(failure.get());
            }
            EmbeddedNode.pause();
        }
    }

    /** Stops the node and deletes its folder. */
    @Override
    public void close() {
        try {
            node.close();
        } finally {
            delete(base);
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            throw new IllegalStateException("cannot delete " + dir, e);
        }
    }
}
