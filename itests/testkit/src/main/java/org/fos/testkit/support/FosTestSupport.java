package org.fos.testkit.support;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.awaitility.Awaitility;
import org.fos.fleet.api.FleetInfo;
import org.fos.fleet.api.FleetRuntime;
import org.fos.fleet.api.RollingUpgrade;
import org.fos.fleet.api.UpgradeReport;
import org.fos.kernel.api.Kernel;
import org.fos.rpc.api.Libfos;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The base class of fos integration tests: it runs inside the node and gives the test the bundle
 * context, the kernel, Gogo commands and condition waits. Waits poll a condition until it holds or
 * a timeout passes; they never sleep for a fixed time.
 *
 * <p>A wait does not fail on another thread's uncaught exception, as Awaitility's waits do by
 * default through the JVM's default handler: the failsafe JVM runs one Pax Exam framework after
 * another, and a thread of an earlier class's framework that outlives it (gRPC's shared event loops
 * under Ratis end a few seconds after their last server closes) dies there, its bundle wirings gone,
 * and failed whichever test of a later class was waiting then. A test checks what the node does.
 */
public abstract class FosTestSupport {
    static {
        Awaitility.doNotCatchUncaughtExceptionsByDefault();
    }

    /** How long {@link #waitFor} and {@link #service} wait unless told otherwise. */
    protected static final Duration DEFAULT_WAIT = Duration.ofSeconds(30);

    /** The probe bundle's context, injected by Pax Exam. */
    @Inject
    protected BundleContext bundleContext;

    /** The kernel, as the test's bundle sees it, injected by Pax Exam. */
    @Inject
    protected Kernel kernel;

    /** Creates the support. */
    protected FosTestSupport() {
    }

    /**
     * Waits for a service and gets it for the test's bundle, which keeps it until the test's
     * framework stops (so that bundle-scope services such as the kernel and libfos stay the same
     * instance for the whole test).
     *
     * @param <T> the service type
     * @param type the service type
     * @param timeout how long to wait
     * @return the service
     * @throws AssertionError if none appears in time
     * @throws InterruptedException if interrupted
     */
    protected <T> T service(Class<T> type, Duration timeout) throws InterruptedException {
        ServiceTracker<T, T> tracker = new ServiceTracker<>(bundleContext, type, null);
        tracker.open();
        try {
            if (tracker.waitForService(timeout.toMillis()) == null) {
                throw new AssertionError("no " + type.getName() + " service appeared within " + timeout);
            }
            ServiceReference<T> ref = tracker.getServiceReference();
            T service = bundleContext.getService(ref);
            if (service == null) {
                throw new AssertionError("the " + type.getName() + " service went away while the test got it");
            }
            return service;
        } finally {
            tracker.close();
        }
    }

    /**
     * Waits for a service for {@link #DEFAULT_WAIT}.
     *
     * @param <T> the service type
     * @param type the service type
     * @return the service
     * @throws InterruptedException if interrupted
     */
    protected <T> T service(Class<T> type) throws InterruptedException {
        return service(type, DEFAULT_WAIT);
    }

    /**
     * Finds an installed bundle by symbolic name.
     *
     * @param symbolicName the symbolic name
     * @return the bundle (the one with the highest version if several are installed)
     * @throws AssertionError if none is installed
     */
    protected Bundle bundle(String symbolicName) {
        Bundle found = null;
        for (Bundle b : bundleContext.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName()) && (found == null || b.getVersion().compareTo(found.getVersion()) > 0)) {
                found = b;
            }
        }
        if (found == null) {
            throw new AssertionError("no bundle " + symbolicName + " is installed");
        }
        return found;
    }

    /**
     * Waits until a condition holds (Awaitility, polling).
     *
     * @param what what is awaited, for the failure message
     * @param timeout how long to wait
     * @param condition the condition
     * @throws org.awaitility.core.ConditionTimeoutException if it does not hold in time
     */
    protected static void waitFor(String what, Duration timeout, BooleanSupplier condition) {
        Awaitility.await(what).atMost(timeout).pollInterval(Duration.ofMillis(10)).until(condition::getAsBoolean);
    }

    /**
     * Waits for {@link #DEFAULT_WAIT} until a condition holds.
     *
     * @param what what is awaited
     * @param condition the condition
     */
    protected static void waitFor(String what, BooleanSupplier condition) {
        waitFor(what, DEFAULT_WAIT, condition);
    }

    /**
     * Waits until a fleet runs on this node with an implementation bound and all its members.
     *
     * @param name the fleet's name
     * @param members how many members it must have
     * @return the fleet
     * @throws InterruptedException if interrupted
     */
    protected FleetInfo fleetServing(String name, int members) throws InterruptedException {
        FleetRuntime runtime = service(FleetRuntime.class);
        waitFor("fleet " + name + " to serve with " + members + " members", () -> {
            FleetInfo f = runtime.fleet(name);
            return f != null && f.status() == FleetInfo.Status.SERVING && f.members().size() == members
                    && kernel.names().find(name).size() == members;
        });
        return runtime.fleet(name);
    }

    /**
     * Returns a typed client of a fleet.
     *
     * @param <T> the protocol type
     * @param protocol the fleet's protocol interface
     * @param name the fleet's name
     * @return the proxy
     * @throws InterruptedException if interrupted while waiting for libfos
     */
    protected <T> T client(Class<T> protocol, String name) throws InterruptedException {
        return service(Libfos.class).proxy(protocol, name);
    }

    /**
     * Replaces a bundle with another jar through the Felix shell's {@code update} command.
     *
     * @param bundle the bundle
     * @param jar the new jar
     * @throws InterruptedException if interrupted
     */
    protected void updateWithShell(Bundle bundle, File jar) throws InterruptedException {
        CommandResult r = execute("update $bundle " + jar.toURI(), Map.of("bundle", bundle));
        if (r.failed()) {
            throw new AssertionError("update of " + bundle.getSymbolicName() + " failed: " + r.output(), r.error());
        }
    }

    /**
     * Replaces a jar in a File Install folder the way a user would, atomically (written beside it,
     * then moved over it), so that File Install never reads half a file.
     *
     * @param deployed the jar in the watched folder
     * @param jar the new content
     * @throws IOException if the copy fails
     */
    protected static void overwriteDeployed(File deployed, File jar) throws IOException {
        Path tmp = deployed.toPath().resolveSibling("." + deployed.getName() + ".tmp");
        Files.copy(jar.toPath(), tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.setLastModifiedTime(tmp, FileTime.fromMillis(System.currentTimeMillis() + 2000));
        Files.move(tmp, deployed.toPath(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Replaces a fleet's implementation with {@code fos:upgrade} on every node that runs it and
     * returns what happened.
     *
     * @param name the fleet's name
     * @param jar the new bundle jar
     * @return the rolling upgrade's report
     * @throws InterruptedException if interrupted
     */
    protected RollingUpgrade rollingUpgradeWithCommand(String name, File jar) throws InterruptedException {
        return (RollingUpgrade) executeOk("fos:upgrade " + name + " " + jar.toURI());
    }

    /**
     * Replaces a fleet's implementation with {@code fos:upgrade} on a single node and returns that
     * node's report.
     *
     * @param name the fleet's name
     * @param jar the new bundle jar
     * @return the report of the first (on a single node, the only) step
     * @throws InterruptedException if interrupted
     */
    protected UpgradeReport upgradeWithCommand(String name, File jar) throws InterruptedException {
        return rollingUpgradeWithCommand(name, jar).steps().get(0).report();
    }

    /**
     * Replaces a fleet's implementation with {@code fos:upgrade} on a single node, from a jar path
     * relative to the test's working folder (usually the module), and returns that node's report.
     *
     * @param name the fleet's name
     * @param jarPath for example {@code ../my-fleet-v2/target/my-fleet-v2.jar}
     * @return the report of the first (on a single node, the only) step
     * @throws InterruptedException if interrupted
     * @throws IllegalArgumentException if there is no file at {@code jarPath}
     */
    protected UpgradeReport upgradeWithCommand(String name, String jarPath) throws InterruptedException {
        File jar = new File(jarPath);
        if (!jar.isFile()) {
            throw new IllegalArgumentException("no bundle at " + jar.getAbsolutePath() + ": build it before the test runs");
        }
        return upgradeWithCommand(name, jar);
    }

    /**
     * Waits for the next upgrade report of a fleet after {@code before} reports existed.
     *
     * @param name the fleet's name
     * @param before how many reports of all fleets existed before the upgrade
     * @return the report
     * @throws InterruptedException if interrupted
     */
    protected UpgradeReport awaitUpgrade(String name, int before) throws InterruptedException {
        FleetRuntime runtime = service(FleetRuntime.class);
        waitFor("an upgrade report of " + name, Duration.ofMinutes(2), () -> runtime.upgrades().stream().skip(before)
                .anyMatch(r -> r.fleet().equals(name)));
        return runtime.upgrades().stream().skip(before).filter(r -> r.fleet().equals(name)).findFirst().orElseThrow();
    }

    /**
     * Runs one Gogo command line in a new session, as the shell would.
     *
     * @param commandLine for example {@code fos:send /test/echo ping hello}
     * @return what it returned or threw, and the text the shell would print
     * @throws InterruptedException if interrupted while waiting for the command processor
     */
    protected CommandResult execute(String commandLine) throws InterruptedException {
        return execute(commandLine, Map.of());
    }

    /**
     * Runs one Gogo command line in a new session with session variables set, for arguments that are
     * objects rather than text (the Felix commands take a {@code Bundle}: {@code update $bundle url}).
     *
     * @param commandLine the command line, which may name the variables as {@code $name}
     * @param variables the session variables
     * @return what it returned or threw, and the text the shell would print
     * @throws InterruptedException if interrupted while waiting for the command processor
     */
    protected CommandResult execute(String commandLine, Map<String, Object> variables) throws InterruptedException {
        CommandProcessor processor = service(CommandProcessor.class);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        CommandSession session = processor.createSession(new ByteArrayInputStream(new byte[0]), out, out);
        variables.forEach(session::put);
        try {
            Object value = session.execute(commandLine);
            CharSequence formatted = value == null ? "" : session.format(value, Converter.INSPECT);
            out.flush();
            return new CommandResult(value, bytes.toString(StandardCharsets.UTF_8) + formatted, null);
        } catch (Exception e) {
            out.flush();
            String printed = bytes.toString(StandardCharsets.UTF_8);
            return new CommandResult(null, printed + e.getMessage(), e);
        } finally {
            session.close();
        }
    }

    /**
     * Runs a command that must succeed.
     *
     * @param commandLine the command line
     * @return the value it returned
     * @throws AssertionError if it threw, with its message
     * @throws InterruptedException if interrupted
     */
    protected Object executeOk(String commandLine) throws InterruptedException {
        CommandResult r = execute(commandLine);
        if (r.failed()) {
            AssertionError e = new AssertionError("'" + commandLine + "' failed: " + r.output());
            e.initCause(r.error());
            throw e;
        }
        return r.value();
    }

    /**
     * Runs an action, retrying on exceptions, until it succeeds or the timeout passes.
     *
     * @param <T> the result type
     * @param what what is attempted, for the failure message
     * @param timeout how long to keep trying
     * @param action the action
     * @return its result
     */
    protected static <T> T eventually(String what, Duration timeout, Callable<T> action) {
        AtomicReference<T> result = new AtomicReference<>();
        Awaitility.await(what).atMost(timeout).pollInterval(Duration.ofMillis(10)).ignoreExceptions().until(() -> {
            result.set(action.call());
            return true;
        });
        return result.get();
    }
}
