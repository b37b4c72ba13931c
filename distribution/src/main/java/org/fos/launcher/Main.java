package org.fos.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.startlevel.FrameworkStartLevel;
import org.osgi.framework.wiring.BundleRevision;

/**
 * Starts a fos node: the OSGi framework and the bundles of the distribution, in a fixed order.
 *
 * <p>Start level 1 holds {@code bundle/boot} (SPI Fly and SLF4J, so that logging binds before any
 * bundle logs); the bundles of {@code bundle} start at level 2 (the OSGi services and libraries) or
 * at the level their {@value #START_LEVEL_HEADER} header asks for (the fos bundles: kernel, then
 * runtime and libraries, then fleets); {@code bundle/shell} (the Gogo shell) starts one level above
 * all of them, only once every other bundle is active, so that commands piped into the node find
 * their services. {@code bundle/console} (the web console, the Prometheus endpoint, the health checks
 * and the HTTP server they share) is installed like {@code bundle} unless {@value #CONSOLE} is
 * {@code false}, as a system property or in {@code config.properties}: a node without them does not
 * even load their classes. Stopping goes the reverse way. A bundle of the distribution that does not start stops the node with
 * exit status 1 and a message that names it; {@code stop 0} ends the node with status 0.
 */
public final class Main {

    /** Exit status when the node could not start. */
    static final int FAILED = 1;
    /** The start level of the bundles in {@code bundle/} that do not ask for another one: the OSGi services and libraries. */
    static final int INFRASTRUCTURE = 2;
    /**
     * The manifest header in which a fos bundle asks for its start level: the kernel 3, libfos, the
     * fleet runtime, the codec, transports and the API bundles 4, fleets 5. A node stops in the
     * reverse order, so fleets stop while the runtime, the kernel and Declarative Services still run.
     */
    static final String START_LEVEL_HEADER = "Fos-StartLevel";
    /** The setting that installs {@code bundle/console} (true unless it says {@code false}). */
    static final String CONSOLE = "fos.console";
    /** The most connections the console's HTTP server holds at once (fos-console's HttpListener reads and checks it too). */
    static final String CONSOLE_CONNECTIONS = "fos.console.connections";

    private final Path home;
    private final Path base;
    private final PrintStream err;

    Main(Path home, Path base, PrintStream err) {
        this.home = home;
        this.base = base;
        this.err = err;
    }

    /**
     * Starts the node and waits until it stops.
     *
     * @param args none are taken
     */
    public static void main(String[] args) {
        if (args.length > 0) {
            System.err.println("usage: bin/fos   (set FOS_BASE for the node's folder, FOS_JAVA_OPTS for JVM options)");
            System.exit(2);
        }
        Path home = Paths.get(System.getProperty("fos.home", ".")).toAbsolutePath().normalize();
        Path base = Paths.get(System.getProperty("fos.base", home.toString())).toAbsolutePath().normalize();
        System.exit(new Main(home, base, System.err).run());
    }

    int run() {
        Map<String, String> config;
        try {
            config = Config.load(base.resolve("etc/config.properties"), Map.of("fos.home", home.toString(), "fos.base", base.toString()));
        } catch (IOException | IllegalArgumentException e) {
            err.println("fos: cannot read " + base.resolve("etc/config.properties") + ": " + e.getMessage());
            return FAILED;
        }
        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class).findFirst()
                .orElseThrow(() -> new IllegalStateException("no OSGi framework on the class path"));
        Framework framework = factory.newFramework(config);
        Thread hook = new Thread(() -> stopQuietly(framework), "fos-shutdown");
        try {
            framework.init();
            Runtime.getRuntime().addShutdownHook(hook);
            List<Bundle> node = new ArrayList<>();
            node.addAll(install(framework, home.resolve("bundle/boot"), 1));
            node.addAll(install(framework, home.resolve("bundle"), INFRASTRUCTURE));
            if (console(config)) {
                node.addAll(install(framework, home.resolve("bundle/console"), INFRASTRUCTURE));
            }
            int top = INFRASTRUCTURE;
            for (Bundle b : node) {
                top = Math.max(top, b.adapt(BundleStartLevel.class).getStartLevel());
            }
            int shellLevel = top + 1;
            boolean shell = !"false".equals(config.get("fos.shell"));
            List<Bundle> shellBundles = shell ? install(framework, home.resolve("bundle/shell"), shellLevel) : List.of();
            for (Bundle b : node) {
                startLater(b);
            }
            for (Bundle b : shellBundles) {
                startLater(b);
            }
            framework.start();
            setStartLevel(framework, top);
            List<String> failures = failures(node);
            if (!failures.isEmpty()) {
                err.println("fos: the node did not start:");
                failures.forEach(f -> err.println("  " + f));
                stopQuietly(framework);
                return FAILED;
            }
            setStartLevel(framework, shellLevel);
            FrameworkEvent event = framework.waitForStop(0);
            return event.getType() == FrameworkEvent.ERROR ? FAILED : 0;
        } catch (BundleException | IOException | RuntimeException e) {
            err.println("fos: the node did not start: " + e);
            stopQuietly(framework);
            return FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopQuietly(framework);
            return FAILED;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running already
            }
        }
    }

    /**
     * Whether the node runs the web console, metrics and health checks: the system property wins over
     * config.properties. With the console on, {@value #CONSOLE_CONNECTIONS} must be a number from 1 to 10000.
     */
    static boolean console(Map<String, String> config) {
        String value = System.getProperty(CONSOLE, config.getOrDefault(CONSOLE, "true")).strip();
        if (!value.equals("true") && !value.equals("false")) {
            throw new IllegalArgumentException(CONSOLE + " must be true or false, was '" + value + "'");
        }
        if (value.equals("true")) {
            String limit = System.getProperty(CONSOLE_CONNECTIONS, config.getOrDefault(CONSOLE_CONNECTIONS, "64")).strip();
            if (!limit.matches("[0-9]{1,5}") || Integer.parseInt(limit) < 1 || Integer.parseInt(limit) > 10_000) {
                throw new IllegalArgumentException(CONSOLE_CONNECTIONS + " must be a number from 1 to 10000, was '" + limit + "'");
            }
        }
        return value.equals("true");
    }

    private static List<Bundle> install(Framework framework, Path dir, int level) throws IOException, BundleException {
        List<Path> jars = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "*.jar")) {
                s.forEach(jars::add);
            }
        }
        jars.sort(null);
        List<Bundle> bundles = new ArrayList<>();
        for (Path jar : jars) {
            Bundle b;
            try (InputStream in = Files.newInputStream(jar)) {
                b = framework.getBundleContext().installBundle(jar.toUri().toString(), in);
            } catch (BundleException e) {
                throw new BundleException("cannot install " + jar + ": " + e.getMessage(), e);
            }
            b.adapt(BundleStartLevel.class).setStartLevel(level == INFRASTRUCTURE ? declaredLevel(b) : level);
            bundles.add(b);
        }
        return bundles;
    }

    /** The start level a bundle of {@code bundle/} asks for in its {@value #START_LEVEL_HEADER} header, else the infrastructure's. */
    private static int declaredLevel(Bundle b) {
        String declared = b.getHeaders("").get(START_LEVEL_HEADER);
        if (declared == null) {
            return INFRASTRUCTURE;
        }
        try {
            int level = Integer.parseInt(declared.trim());
            if (level > INFRASTRUCTURE && level < 100) {
                return level;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("bundle " + b.getSymbolicName() + " has an invalid " + START_LEVEL_HEADER + " header '"
                + declared + "': use a number from " + (INFRASTRUCTURE + 1) + " to 99");
    }

    private static boolean isFragment(Bundle b) {
        BundleRevision r = b.adapt(BundleRevision.class);
        return r != null && (r.getTypes() & BundleRevision.TYPE_FRAGMENT) != 0;
    }

    /**
     * Whether a bundle asks to be activated lazily (JNA does): started with its activation policy, it
     * stays STARTING, resolved and usable, until a class is loaded from it.
     */
    static boolean isLazy(Bundle b) {
        String policy = b.getHeaders("").get(Constants.BUNDLE_ACTIVATIONPOLICY);
        return policy != null && policy.strip().startsWith(Constants.ACTIVATION_LAZY);
    }

    private static void startLater(Bundle b) throws BundleException {
        if (!isFragment(b)) {
            b.start(Bundle.START_ACTIVATION_POLICY);
        }
    }

    /** Raises the start level and waits until the framework has got there. */
    private static void setStartLevel(Framework framework, int level) throws InterruptedException {
        FrameworkStartLevel fsl = framework.adapt(FrameworkStartLevel.class);
        if (fsl.getStartLevel() >= level) {
            return;
        }
        CountDownLatch done = new CountDownLatch(1);
        fsl.setStartLevel(level, e -> done.countDown());
        if (!done.await(5, TimeUnit.MINUTES)) {
            throw new IllegalStateException("start level " + level + " not reached after 5 minutes");
        }
    }

    /** Describes every bundle of the node that is not active (fragments: not resolved). */
    static List<String> failures(List<Bundle> bundles) {
        List<String> out = new ArrayList<>();
        for (Bundle b : bundles) {
            if (started(b)) {
                continue;
            }
            String reason = "";
            if (!isFragment(b) && (b.getState() == Bundle.INSTALLED || b.getState() == Bundle.RESOLVED)) {
                // Once more: a start can lose a race for Felix's global lock to another thread's resolve
                // (File Install's, or a deploy's), which Felix ends by interrupting the loser ("Unable to
                // acquire global lock for resolve"). A bundle that cannot start says why again.
                try {
                    b.start(Bundle.START_ACTIVATION_POLICY);
                } catch (BundleException | IllegalStateException e) {
                    reason = ": " + e.getMessage();
                }
                if (started(b)) {
                    continue;
                }
            }
            out.add(b.getSymbolicName() + " " + b.getVersion() + " (" + b.getLocation() + ") is " + stateName(b.getState()) + reason);
        }
        return out;
    }

    /** Whether a bundle of the node is where it should be: active (or lazily starting); a fragment resolved. */
    private static boolean started(Bundle b) {
        return isFragment(b) ? b.getState() == Bundle.RESOLVED
                : b.getState() == Bundle.ACTIVE || b.getState() == Bundle.STARTING && isLazy(b);
    }

    private static String stateName(int state) {
        return switch (state) {
            case Bundle.INSTALLED -> "INSTALLED (not resolved)";
            case Bundle.RESOLVED -> "RESOLVED (not started)";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            case Bundle.ACTIVE -> "ACTIVE";
            default -> "UNINSTALLED";
        };
    }

    private static void stopQuietly(Framework framework) {
        try {
            if ((framework.getState() & (Bundle.ACTIVE | Bundle.STARTING)) != 0) {
                framework.stop();
                framework.waitForStop(60_000);
            }
        } catch (BundleException | InterruptedException | RuntimeException e) {
            System.err.println("fos: stopping the framework failed: " + e);
        }
    }

    /** Reads {@code config.properties} with {@code ${name}} taken from earlier keys, the given values and system properties. */
    static final class Config {
        private Config() {
        }

        static Map<String, String> load(Path file, Map<String, String> given) throws IOException {
            Properties p = new Properties();
            try (InputStream in = Files.newInputStream(file)) {
                p.load(in);
            }
            Map<String, String> out = new HashMap<>();
            for (String key : p.stringPropertyNames()) {
                out.put(key, substitute(p.getProperty(key), key, p, given, 0));
            }
            out.putIfAbsent(Constants.FRAMEWORK_STORAGE, given.get("fos.base") + "/data/cache");
            out.putAll(given);
            return out;
        }

        static String substitute(String value, String key, Properties p, Map<String, String> given, int depth) {
            if (depth > 10) {
                throw new IllegalArgumentException("property '" + key + "' refers to itself through ${...}");
            }
            StringBuilder b = new StringBuilder();
            int i = 0;
            while (i < value.length()) {
                int start = value.indexOf("${", i);
                if (start < 0) {
                    b.append(value, i, value.length());
                    break;
                }
                int end = value.indexOf('}', start);
                if (end < 0) {
                    throw new IllegalArgumentException("property '" + key + "' has an unclosed ${ in '" + value + "'");
                }
                b.append(value, i, start);
                String name = value.substring(start + 2, end);
                String v = given.get(name);
                if (v == null) {
                    v = System.getProperty(name);
                }
                if (v == null && p.getProperty(name) != null) {
                    v = substitute(p.getProperty(name), name, p, given, depth + 1);
                }
                if (v == null) {
                    throw new IllegalArgumentException("property '" + key + "' refers to ${" + name + "}, which is not set");
                }
                b.append(v);
                i = end + 1;
            }
            return b.toString();
        }
    }
}
