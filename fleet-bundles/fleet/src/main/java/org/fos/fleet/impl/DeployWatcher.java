package org.fos.fleet.impl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import org.fos.fleet.api.FleetRuntime;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the node's {@code deploy/} folder (the folder File Install installs bundles from) and logs,
 * once each, every jar there that does not run and why: not a jar, not a bundle, unresolved (an
 * implementation without its API), not installed. {@code fos:deploy} lists the same. The node goes on
 * serving whatever is dropped there. Thread-safe.
 */
@Component(service = DeployWatcher.class, immediate = true, configurationPid = DeployWatcher.PID)
@Designate(ocd = DeployWatcher.Config.class)
public final class DeployWatcher {
    private static final Logger LOG = LoggerFactory.getLogger(DeployWatcher.class);

    /** The configuration PID. */
    public static final String PID = "org.fos.fleet.deploy";

    /** The watcher's configuration. */
    @ObjectClassDefinition(name = "fos deploy folder report", description = "Reports the jars in deploy/ that do not run, and why.")
    public @interface Config {
        /**
         * Milliseconds between looks.
         *
         * @return milliseconds
         */
        @AttributeDefinition(description = "Milliseconds between two looks at the deploy folder for jars that do not run"
                + " (each problem is logged once, when it appears or changes).")
        long scanPeriodMillis() default 2000;

        /**
         * Milliseconds File Install may take.
         *
         * @return milliseconds
         */
        @AttributeDefinition(description = "Milliseconds a bundle jar may sit in the folder before one that File Install has not"
                + " installed is reported (it polls the folder).")
        long installGraceMillis() default 10_000;
    }

    private final BundleContext context;
    private final FleetRuntime runtime;
    private final List<Path> folders;
    private final long graceMillis;
    private final ScheduledExecutorService timer;
    /** The last problem logged for each jar, by path. */
    private final Map<Path, String> logged = new HashMap<>();

    /**
     * Starts watching.
     *
     * @param context the fleet bundle's context, for the framework's bundles and properties
     * @param runtime the fleet runtime, for the fleets each jar serves
     * @param config the configuration
     */
    @Activate
    public DeployWatcher(BundleContext context, @Reference FleetRuntime runtime, Config config) {
        if (config.scanPeriodMillis() < 100) {
            throw new IllegalArgumentException("scanPeriodMillis must be at least 100, was " + config.scanPeriodMillis());
        }
        if (config.installGraceMillis() < 0) {
            throw new IllegalArgumentException("installGraceMillis must not be negative, was " + config.installGraceMillis());
        }
        this.context = context;
        this.runtime = runtime;
        this.graceMillis = config.installGraceMillis();
        this.folders = folders(context.getProperty("fos.base"), context.getProperty("felix.fileinstall.dir"),
                context.getProperty("felix.fileinstall.filter"));
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "fos-deploy-watch");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::scan, config.scanPeriodMillis(), config.scanPeriodMillis(), TimeUnit.MILLISECONDS);
        LOG.info("fos deploy report watches {}", folders);
    }

    @Deactivate
    void deactivate() {
        timer.shutdownNow();
    }

    /**
     * The folders File Install installs bundles from: {@code <fos.base>/deploy} of a node, and the
     * framework's {@code felix.fileinstall.dir} unless its filter leaves jars out (a node's {@code etc/}).
     */
    static List<Path> folders(String base, String fileInstallDir, String filter) {
        Set<Path> out = new LinkedHashSet<>();
        try {
            if (base != null) {
                out.add(Path.of(base, "deploy").toAbsolutePath().normalize());
            }
            if (fileInstallDir != null && takesJars(filter)) {
                out.add(Path.of(fileInstallDir).toAbsolutePath().normalize());
            }
        } catch (InvalidPathException e) {
            LOG.warn("the deploy folder is not a valid path: {}", e.getMessage());
        }
        return List.copyOf(out);
    }

    private static boolean takesJars(String filter) {
        if (filter == null || filter.isBlank()) {
            return true;
        }
        try {
            return Pattern.compile(filter).matcher("bundle.jar").matches();
        } catch (PatternSyntaxException e) {
            return false;
        }
    }

    /**
     * Lists every jar in the deploy folders with what it is to the node.
     *
     * @return one entry a jar; each file name is relative to its folder, which the first entries name
     *         when there is more than one folder
     */
    public List<DeployFolder.Jar> report() {
        List<DeployFolder.Jar> out = new ArrayList<>();
        for (Path folder : folders) {
            if (!Files.isDirectory(folder)) {
                continue;
            }
            try {
                for (DeployFolder.Jar j : DeployFolder.inspect(folder, context.getBundles(), runtime.fleets())) {
                    out.add(folders.size() == 1 ? j : new DeployFolder.Jar(folder.resolve(j.file()).toString(), j.state(), j.bundle(),
                            j.symbolicName(), j.detail()));
                }
            } catch (IOException e) {
                LOG.warn("cannot list the deploy folder {}: {}", folder, e.toString());
            }
        }
        return out;
    }

    /**
     * Returns the folders watched.
     *
     * @return the folders, none if the node has no deploy folder
     */
    public List<Path> folders() {
        return folders;
    }

    private synchronized void scan() {
        try {
            Map<Path, String> now = new HashMap<>();
            for (Path folder : folders) {
                if (!Files.isDirectory(folder)) {
                    continue;
                }
                for (DeployFolder.Jar j : DeployFolder.inspect(folder, context.getBundles(), runtime.fleets())) {
                    Path file = folder.resolve(j.file());
                    if (!j.problem() || j.state() == DeployFolder.State.NOT_INSTALLED && young(file)) {
                        continue;
                    }
                    String problem = j.state() + ": " + j.detail();
                    now.put(file, problem);
                    if (!problem.equals(logged.get(file))) {
                        LOG.error("{} does not run: {}", file, problem);
                    }
                }
            }
            for (Path fixed : logged.keySet()) {
                if (!now.containsKey(fixed)) {
                    LOG.info("{}: its problem is gone (the jar was removed, replaced or now runs)", fixed);
                }
            }
            logged.clear();
            logged.putAll(now);
        } catch (IOException | RuntimeException e) {
            LOG.warn("looking at the deploy folders failed: {}", e.toString());
        }
    }

    private boolean young(Path file) {
        try {
            return System.currentTimeMillis() - Files.getLastModifiedTime(file).toMillis() < graceMillis;
        } catch (IOException e) {
            return true;
        }
    }
}
