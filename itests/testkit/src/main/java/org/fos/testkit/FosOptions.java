package org.fos.testkit;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.mavenBundle;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.CoreOptions.systemTimeout;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.options.MavenArtifactProvisionOption;

/**
 * Pax Exam options that boot a fos node inside a test.
 *
 * <p>{@link #fosNode(Option...)} is the whole node: the framework's logging set-up (SPI Fly and
 * SLF4J at start level 1, so that logging binds first), Declarative Services, ConfigAdmin,
 * Metatype, the Gogo runtime, the fos kernel, the payload codec, libfos, the fleet runtime, and this testkit. Add our
 * fleets with {@link #keyValueFleet()}, other fos bundles with {@link #fosBundle(String)} and your
 * own with {@link #userBundle(String)}. Unresolved bundles fail the test.
 *
 * <p>fos bundles are taken from the folder named by the system property {@value #BUNDLES_DIR}
 * (as {@code <artifactId>.jar}) when it is set, which is how the fos build tests its own jars
 * before they are installed, else from the Maven repository.
 */
public final class FosOptions {

    /** System property naming a folder of fos bundle jars, named by artifact id. */
    public static final String BUNDLES_DIR = "fos.bundles.dir";

    private static final String FOS_GROUP = "org.fos";
    private static final Properties VERSIONS = versions();

    private FosOptions() {
    }

    private static Properties versions() {
        Properties p = new Properties();
        try (InputStream in = FosOptions.class.getResourceAsStream("versions.properties")) {
            if (in == null) {
                throw new IllegalStateException("versions.properties is missing from the fos testkit");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    /**
     * Returns the version of a component the testkit provisions.
     *
     * @param key a key of {@code versions.properties}, for example {@code fos} or {@code felix.scr}
     * @return the version
     * @throws IllegalArgumentException if the key is unknown
     */
    public static String version(String key) {
        String v = VERSIONS.getProperty(key);
        if (v == null) {
            throw new IllegalArgumentException("the fos testkit knows no version of '" + key + "'");
        }
        return v;
    }

    /**
     * A fos node: the OSGi services, logging, the kernel, the payload codec and the testkit, plus
     * {@code extra}.
     *
     * @param extra more options, for example {@link #fosBundle(String)} or {@link #userBundle(String)}
     * @return the composite option
     */
    public static Option fosNode(Option... extra) {
        List<Option> options = new ArrayList<>(List.of(
                cleanCaches(true),
                systemTimeout(60_000),
                systemProperty("pax.exam.osgi.unresolved.fail").value("true"),
                systemProperty("org.ops4j.pax.url.mvn.localRepository").value(localRepository()),
                systemProperty("org.slf4j.simpleLogger.defaultLogLevel").value(System.getProperty("fos.test.logLevel", "warn")),
                systemProperty("org.osgi.service.log.admin.loglevel").value("WARN"),
                logging(),
                junitBundles(),
                osgiServices(),
                mavenBundle("org.jctools", "jctools-core", version("jctools")),
                fosBundle("fos-kernel"),
                codec(),
                fosBundle("fos-rpc-api"),
                fosBundle("fos-rpc"),
                fosBundle("fos-fleet-api"),
                fosBundle("fos-fleet"),
                mavenBundle("net.java.dev.jna", "jna", version("jna")),
                mavenBundle("net.openhft", "affinity", version("affinity")),
                fosBundle("fos-cluster-api"),
                mavenBundle("org.hamcrest", "hamcrest", version("hamcrest")),
                mavenBundle("org.awaitility", "awaitility", version("awaitility")),
                fosBundle("fos-testkit")));
        options.addAll(Arrays.asList(extra));
        return composite(options.toArray(new Option[0]));
    }

    /**
     * SPI Fly (with ASM) and SLF4J with its simple provider, at start level 1.
     *
     * @return the composite option
     */
    public static Option logging() {
        return composite(
                boot("org.ow2.asm", "asm", version("asm")),
                boot("org.ow2.asm", "asm-commons", version("asm")),
                boot("org.ow2.asm", "asm-util", version("asm")),
                boot("org.ow2.asm", "asm-tree", version("asm")),
                boot("org.ow2.asm", "asm-analysis", version("asm")),
                boot("org.apache.aries.spifly", "org.apache.aries.spifly.dynamic.bundle", version("spifly")),
                boot("org.slf4j", "slf4j-api", version("slf4j")),
                boot("org.slf4j", "slf4j-simple", version("slf4j")));
    }

    private static MavenArtifactProvisionOption boot(String group, String artifact, String version) {
        return mavenBundle(group, artifact, version).startLevel(1);
    }

    /**
     * Declarative Services, ConfigAdmin, Metatype and the Gogo runtime and commands (no shell).
     *
     * @return the composite option
     */
    public static Option osgiServices() {
        return composite(
                mavenBundle("org.osgi", "org.osgi.util.function", version("osgi.function")),
                mavenBundle("org.osgi", "org.osgi.util.promise", version("osgi.promise")),
                mavenBundle("org.osgi", "org.osgi.service.component", version("osgi.component")),
                mavenBundle("org.apache.felix", "org.apache.felix.scr", version("felix.scr")),
                mavenBundle("org.apache.felix", "org.apache.felix.configadmin", version("felix.configadmin")),
                mavenBundle("org.apache.felix", "org.apache.felix.log", version("felix.log")),
                mavenBundle("org.apache.felix", "org.apache.felix.metatype", version("felix.metatype")),
                mavenBundle("org.apache.felix", "org.apache.felix.gogo.runtime", version("gogo.runtime")),
                mavenBundle("org.apache.felix", "org.apache.felix.gogo.command", version("gogo.command")));
    }

    /**
     * The payload codec and the Jackson bundles it runs on.
     *
     * @return the composite option
     */
    public static Option codec() {
        return composite(
                mavenBundle("com.fasterxml.jackson.core", "jackson-annotations", version("jackson.annotations")),
                mavenBundle("com.fasterxml.jackson.core", "jackson-core", version("jackson")),
                mavenBundle("com.fasterxml.jackson.core", "jackson-databind", version("jackson")),
                mavenBundle("com.fasterxml.jackson.dataformat", "jackson-dataformat-smile", version("jackson")),
                fosBundle("fos-codec"));
    }

    /**
     * File Install, watching a folder, for tests that deploy bundles by dropping jars: every file in
     * it is taken.
     *
     * @param folder the folder to watch; created if missing
     * @return the composite option
     */
    public static Option fileInstall(File folder) {
        return fileInstall(folder, ".*");
    }

    /**
     * File Install, watching a folder, taking only the files whose names match {@code filter}.
     * <p>
     * Every File Install setting is given, the filter too: the native test container runs every test
     * class's framework in one JVM, where a system property one class set stays set for the next.
     * <p>
     * File Install does not write configurations back to their files
     * ({@code felix.fileinstall.enableConfigSave=false}, as in the distribution): it would rewrite a
     * {@code .cfg} in place after every configuration event, and a poll that read the file while it
     * was being rewritten took it for empty, which emptied the configuration and then the file (a
     * file system came up on the default device {@code /dev/block/disk0} with the default members).
     *
     * @param folder the folder to watch; created if missing
     * @param filter a regular expression over file names, {@code felix.fileinstall.filter}
     * @return the composite option
     */
    public static Option fileInstall(File folder, String filter) {
        if (!folder.isDirectory() && !folder.mkdirs()) {
            throw new IllegalArgumentException("cannot create the deploy folder " + folder);
        }
        return composite(
                systemProperty("felix.fileinstall.dir").value(folder.getAbsolutePath()),
                systemProperty("felix.fileinstall.filter").value(filter),
                systemProperty("felix.fileinstall.poll").value("200"),
                systemProperty("felix.fileinstall.noInitialDelay").value("true"),
                systemProperty("felix.fileinstall.bundles.new.start").value("true"),
                systemProperty("felix.fileinstall.enableConfigSave").value("false"),
                mavenBundle("org.apache.felix", "org.apache.felix.fileinstall", version("felix.fileinstall")));
    }

    /**
     * A fos bundle by artifact id, from {@value #BUNDLES_DIR} when set, else from Maven.
     *
     * @param artifactId for example {@code fos-kernel}
     * @return the provisioning option
     */
    public static Option fosBundle(String artifactId) {
        String dir = System.getProperty(BUNDLES_DIR);
        if (dir != null) {
            File jar = new File(dir, artifactId + ".jar");
            if (jar.isFile()) {
                return bundle(jar.toURI().toString());
            }
        }
        return mavenBundle(FOS_GROUP, artifactId, version("fos"));
    }

    /**
     * The key-value fleet {@code /sys/kv}: its API and its implementation (version 1), with the
     * replication it keeps its state in ({@link #replication()}).
     *
     * @return the composite option
     */
    public static Option keyValueFleet() {
        return composite(replication(), fosBundle("fos-kv-api"), fosBundle("fos-kv"));
    }

    /**
     * The node's replication ({@code fos-replication} on Apache Ratis, {@code fos-ratis}) that
     * replicated fleets keep their state in, with the cluster membership it publishes its endpoint
     * through ({@link #cluster()}): a cluster of one, its Raft logs in the replication bundle's data
     * area, unless configured (PID {@code org.fos.replication}).
     *
     * @return the composite option
     */
    public static Option replication() {
        return composite(fosBundle("fos-cluster-api"), cluster(), fosBundle("fos-ratis"), fosBundle("fos-replication"));
    }

    /**
     * The TCP transport (PID {@code org.fos.transport.tcp}) and the Netty 4.1 bundles it runs on. It
     * follows the cluster's nodes through the kernel SPI's {@code NodeDirectory} when the cluster
     * bundle runs ({@link #cluster()}), else it dials its configured peers.
     *
     * @return the composite option
     */
    public static Option tcpTransport() {
        List<Option> options = new ArrayList<>();
        for (String netty : List.of("netty-common", "netty-buffer", "netty-resolver", "netty-transport",
                "netty-transport-native-unix-common", "netty-codec", "netty-handler")) {
            options.add(mavenBundle("io.netty", netty, version("netty")));
        }
        options.add(fosBundle("fos-transport-api"));
        options.add(fosBundle("fos-transport-tcp"));
        return composite(options.toArray(new Option[0]));
    }

    /**
     * The naming fleet {@code /sys/names}: with it, the kernel keeps names in the fleet rather than
     * in its own store.
     *
     * @return the composite option
     */
    public static Option namingFleet() {
        return composite(fosBundle("fos-naming-api"), fosBundle("fos-naming"));
    }

    /**
     * Cluster membership ({@code fos-cluster}) with ZooKeeper's client and Curator
     * ({@code fos-coordination}): a cluster of one
     * unless {@code org.fos.cluster} is configured with a ZooKeeper ensemble.
     *
     * @return the composite option
     */
    public static Option cluster() {
        return composite(
                fosBundle("fos-transport-api"),
                fosBundle("fos-cluster"),
                fosBundle("fos-coordination"));
    }

    /**
     * The file-system bundles: the block-device API and drivers, the file-system fleet and the
     * {@code fos:} provider, without any configuration (no device, no fleet).
     *
     * @return the composite option
     */
    public static Option fileSystemBundles() {
        return composite(fosBundle("fos-block-api"), fosBundle("fos-block-file"), fosBundle("fos-block-ram"), fosBundle("fos-fs-api"),
                fosBundle("fos-fs"), fosBundle("fos-fs-client"));
    }

    /**
     * A file system ready to use: a 64 MiB RAM device {@code /dev/block/ram0} and the file-system
     * fleet {@code /sys/fs} on it with 2 members and 4 groups.
     *
     * @return the composite option
     */
    public static Option fileSystemFleet() {
        return fileSystemFleet(2, 4, 16_384);
    }

    /**
     * A file system on a RAM device {@code /dev/block/ram0} of 4 KiB blocks, served by the fleet
     * {@code /sys/fs}. The configurations are files in a new folder that File Install watches.
     *
     * @param members how many members the fleet has
     * @param groups how many groups the new file system gets
     * @param blocks how many 4 KiB blocks the device has
     * @return the composite option
     */
    public static Option fileSystemFleet(int members, int groups, long blocks) {
        return fileSystemFleet(members, groups, blocks, Map.of());
    }

    /**
     * A file system as {@link #fileSystemFleet(int, int, long)}, with more settings of the file-system
     * fleet's configuration, for example a short {@code lockLeaseMillis}. They are written after the
     * others, so a key given twice takes this value.
     *
     * @param members how many members the fleet has
     * @param groups how many groups the new file system gets
     * @param blocks how many 4 KiB blocks the device has
     * @param settings more settings of {@code /sys/fs}, by key, in the map's order
     * @return the composite option
     * @throws IllegalArgumentException if a key is empty or holds '=', ':', '#' or white space, or a value a line break
     */
    public static Option fileSystemFleet(int members, int groups, long blocks, Map<String, String> settings) {
        StringBuilder more = new StringBuilder();
        settings.forEach((key, value) -> {
            if (key.isEmpty() || key.matches(".*[=:#\\s].*") || value.matches("(?s).*[\\r\\n].*")) {
                throw new IllegalArgumentException("not a setting of one line: '" + key + "' = '" + value + "'");
            }
            more.append(key).append('=').append(value).append('\n');
        });
        File dir;
        try {
            dir = java.nio.file.Files.createTempDirectory("fos-fs-config").toFile();
            dir.deleteOnExit(); // after the files in it, which are registered later and so deleted first
            write(new File(dir, "org.fos.block.ram-ram0.cfg"), "fos.fleet.name=/dev/block/ram0\nblockSize=4096\nblockCount=" + blocks + "\n");
            write(new File(dir, "org.fos.fs-root.cfg"), "fos.fleet.name=/sys/fs\ndevice=ram0\nfos.fleet.members=" + members + "\ngroups="
                    + groups + "\n" + more);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the file-system configurations", e);
        }
        return composite(fileSystemBundles(), fileInstall(dir, ".*\\.cfg"));
    }

    private static void write(File file, String text) throws IOException {
        java.nio.file.Files.writeString(file.toPath(), text);
        file.deleteOnExit();
    }

    /**
     * The jar of a fos bundle in {@value #BUNDLES_DIR}, for tests that install, update or deploy it
     * themselves.
     *
     * @param artifactId for example {@code fos-itest-kv-v2}
     * @return the jar
     * @throws IllegalStateException if {@value #BUNDLES_DIR} is not set or holds no such jar
     */
    public static File bundleFile(String artifactId) {
        String dir = System.getProperty(BUNDLES_DIR);
        if (dir == null) {
            throw new IllegalStateException("the system property " + BUNDLES_DIR + " names no folder of fos bundles");
        }
        File jar = new File(dir, artifactId + ".jar");
        if (!jar.isFile()) {
            throw new IllegalStateException("no bundle " + jar + ": is " + artifactId + " a test dependency copied there?");
        }
        return jar;
    }

    /**
     * A bundle of your own, by path (relative to the test's working folder, usually the module).
     *
     * @param path for example {@code target/my-fleet-1.0.0.jar}
     * @return the provisioning option
     * @throws IllegalArgumentException if the file does not exist
     */
    public static Option userBundle(String path) {
        File jar = new File(path);
        if (!jar.isFile()) {
            throw new IllegalArgumentException("no bundle at " + jar.getAbsolutePath() + ": build it before the test runs");
        }
        return bundle(jar.toURI().toString());
    }

    /**
     * Runs the kernel in the mode that encodes and decodes every message, as if it crossed the wire.
     *
     * @return the option
     */
    public static Option encodeAllMessages() {
        return systemProperty("fos.kernel.encodeAllMessages").value("true");
    }

    private static String localRepository() {
        String local = System.getProperty("maven.repo.local");
        if (local == null || local.isBlank()) {
            local = System.getProperty("user.home") + "/.m2/repository";
        }
        return local;
    }
}
