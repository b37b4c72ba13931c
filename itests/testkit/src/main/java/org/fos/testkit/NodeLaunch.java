package org.fos.testkit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What starting a {@link NodeProcess} from the distribution takes, apart from watching the process:
 * the node's folder filled (the distribution's {@code etc/}, then the configurations and bundles a
 * test gives), its JVM options completed (the web console off unless they turn it on, else on a
 * port of its own) and the {@code bin/fos} process described with the node's folder, options and
 * Java. Static functions only.
 */
final class NodeLaunch {
    private static final String CONSOLE_OPTION = "-D" + NodeProcess.CONSOLE + "=";
    private static final String PORT_OPTION = "-D" + NodeProcess.CONSOLE + ".port=";

    private NodeLaunch() {
    }

    /**
     * The port of the node's web console: the one its options name, else a free one it is given
     * (so that nodes on one machine never compete for the distribution's default), or -1 if the
     * console is off. Unlike the distribution, a test node runs without its console unless its
     * options turn it on ({@code -Dfos.console=true}, {@link NodeProcess.Builder#console}): the many
     * nodes a suite starts then start sooner and take less memory.
     *
     * @param opts the node's JVM options, completed here with the console's setting and port
     */
    static int consolePort(List<String> opts) {
        if (opts.stream().noneMatch(o -> o.startsWith(CONSOLE_OPTION))) {
            opts.add(CONSOLE_OPTION + "false"); // a test node runs without them unless it asks
        }
        for (String o : opts) {
            if (o.equals(CONSOLE_OPTION + "false")) {
                return -1;
            }
        }
        for (String o : opts) {
            if (o.startsWith(PORT_OPTION)) {
                return Integer.parseInt(o.substring(PORT_OPTION.length()).strip());
            }
        }
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            opts.add(PORT_OPTION + s.getLocalPort());
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port for the web console", e);
        }
    }

    /**
     * Makes a fresh node folder (what is in it is removed): {@code etc/} as the distribution's,
     * with a {@code <pid>.cfg} for each configuration, and the bundles in {@code deploy/}.
     *
     * @throws IllegalStateException if there is no distribution at home
     * @throws IOException if the folder cannot be made
     */
    static void prepare(Path home, Path base, Map<String, Map<String, String>> configs, List<File> deploy) throws IOException {
        if (!Files.isExecutable(home.resolve("bin/fos"))) {
            throw new IllegalStateException("no distribution at " + home + " (set -D" + NodeProcess.DISTRIBUTION_DIR + ")");
        }
        NodeProcess.deleteTree(base);
        Files.createDirectories(base.resolve("etc"));
        Files.createDirectories(base.resolve("deploy"));
        Files.createDirectories(base.resolve("data"));
        try (var files = Files.list(home.resolve("etc"))) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Files.copy(p, base.resolve("etc").resolve(p.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        for (Map.Entry<String, Map<String, String>> c : configs.entrySet()) {
            StringBuilder text = new StringBuilder();
            c.getValue().forEach((k, v) -> text.append(k).append('=').append(v.replace("\\", "\\\\")).append('\n'));
            Files.writeString(base.resolve("etc").resolve(c.getKey() + ".cfg"), text, StandardCharsets.UTF_8);
        }
        for (File jar : deploy) {
            Files.copy(jar.toPath(), base.resolve("deploy").resolve(jar.getName()), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * The system property whose value, JVM options separated by spaces, every node process of a test
     * gets before its own (the integration tests' pom sets it).
     */
    static final String NODE_JVM_OPTIONS = "fos.test.nodeJvmOptions";

    /** The {@code bin/fos} process of a node, its output and errors in one stream. */
    static ProcessBuilder process(Path home, Path base, String nodeId, List<String> jvmOptions) {
        List<String> opts = new ArrayList<>();
        String common = System.getProperty(NODE_JVM_OPTIONS, "").strip();
        if (!common.isEmpty()) {
            opts.addAll(List.of(common.split("\\s+")));
        }
        opts.addAll(jvmOptions);
        opts.add("-Dfos.node.id=" + nodeId);
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/fos").toString()).redirectErrorStream(true);
        pb.environment().put("FOS_BASE", base.toString());
        pb.environment().put("FOS_JAVA_OPTS", String.join(" ", opts));
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        return pb;
    }
}
