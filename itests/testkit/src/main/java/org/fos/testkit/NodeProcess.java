package org.fos.testkit;

import java.io.File;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;

/**
 * A fos node in a process of its own, started from the distribution's {@code bin/fos}, for tests
 * that need real processes: several nodes, a kill -9, a restart. Each node has its own folder
 * ({@code etc/}, {@code deploy/}, {@code data/}); its shell reads the commands this object writes
 * and its output is kept (and written to {@code data/console.log}).
 *
 * <pre>
 * try (NodeProcess node = NodeProcess.builder("node-a").config("org.fos.cluster", Map.of("zookeeper", zk)).start()) {
 *     node.awaitReady(Duration.ofMinutes(1));
 *     String out = node.executeOk("fos:nodes");
 *     node.kill();          // SIGKILL
 *     node.start();         // the same folder again
 * }
 * </pre>
 */
public final class NodeProcess implements AutoCloseable {

    /** System property naming the distribution folder (with bin/fos); the fos build sets it for its tests. */
    public static final String DISTRIBUTION_DIR = "fos.distribution.dir";
    /** The node's setting that turns the web console, metrics and health checks on or off (see {@link Builder#console}). */
    public static final String CONSOLE = "fos.console";
    private static final Pattern MAP_ENTRY = Pattern.compile("^(\\w+)\\s+(.*)$");

    private final String nodeId;
    private final Path home;
    private final Path base;
    private final List<String> jvmOptions;
    private final int consolePort;
    private final NodeShell shell;
    private Process process;
    private Writer stdin;
    private boolean paused;

    private NodeProcess(Builder b) {
        this(b.nodeId, b.home, b.base, b.jvmOptions);
    }

    private NodeProcess(String nodeId, Path home, Path base, List<String> jvmOptions) {
        this.nodeId = nodeId;
        this.home = home;
        this.base = base;
        this.shell = new NodeShell(nodeId);
        List<String> opts = new ArrayList<>(jvmOptions);
        this.consolePort = NodeLaunch.consolePort(opts);
        this.jvmOptions = List.copyOf(opts);
    }

    /**
     * Returns the distribution named by {@value #DISTRIBUTION_DIR} (default
     * {@code ../../distribution/target/fos}, the build's own).
     *
     * @return its folder
     */
    public static Path distribution() {
        return Path.of(System.getProperty(DISTRIBUTION_DIR, "../../distribution/target/fos")).toAbsolutePath().normalize();
    }

    /**
     * Starts a node in a folder as it is (a folder that holds a node's data starts that node again;
     * a new one is filled from the distribution by {@code bin/fos}).
     *
     * @param nodeId the node's id
     * @param base the node's folder
     * @param jvmOptions more JVM options, for example {@code -Xmx256m}
     * @return the running node
     * @throws IOException if the process cannot be started
     */
    public static NodeProcess start(String nodeId, Path base, String... jvmOptions) throws IOException {
        Objects.requireNonNull(nodeId, "nodeId");
        NodeProcess node = new NodeProcess(nodeId, distribution(), base.toAbsolutePath().normalize(), List.of(jvmOptions));
        Files.createDirectories(node.base.resolve("data"));
        node.start();
        return node;
    }

    /**
     * Starts describing a node.
     *
     * @param nodeId the node's id (also its folder's name under {@code target/nodes})
     * @return the builder
     */
    public static Builder builder(String nodeId) {
        return new Builder(nodeId);
    }

    /** Describes a node before it starts. */
    public static final class Builder {
        private final String nodeId;
        private Path home;
        private Path base;
        private final List<String> jvmOptions = new ArrayList<>();
        private final Map<String, Map<String, String>> configs = new LinkedHashMap<>();
        private final List<File> deploy = new ArrayList<>();

        private Builder(String nodeId) {
            this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
            this.home = distribution();
            this.base = Path.of("target", "nodes", nodeId).toAbsolutePath();
        }

        /**
         * Sets the node's folder.
         *
         * @param folder the folder; created if missing
         * @return this builder
         */
        public Builder base(Path folder) {
            this.base = folder.toAbsolutePath();
            return this;
        }

        /**
         * Adds a JVM option, for example {@code -Xmx256m} or {@code -Dfos.kernel.encodeAllMessages=true}.
         *
         * @param option the option
         * @return this builder
         */
        public Builder jvmOption(String option) {
            jvmOptions.add(option);
            return this;
        }

        /**
         * Turns the node's web console, Prometheus endpoint and health checks on or off
         * ({@code -Dfos.console=true|false}). A test node runs without them unless this turns them
         * on (the distribution runs them by default). When on, the node listens on a free port of
         * its own ({@link NodeProcess#consolePort()}) unless a {@code -Dfos.console.port} option names one.
         *
         * @param on true to start the node with them
         * @return this builder
         */
        public Builder console(boolean on) {
            jvmOptions.removeIf(o -> o.startsWith("-D" + CONSOLE + "="));
            jvmOptions.add("-D" + CONSOLE + "=" + on);
            return this;
        }

        /**
         * Writes a configuration into the node's {@code etc/} as {@code <pid>.cfg} (File Install gives
         * it to ConfigAdmin); a factory configuration's pid is {@code factoryPid-name}. Calls for
         * the same pid add to its properties, the later value of a key winning.
         *
         * @param pid the PID
         * @param properties the properties
         * @return this builder
         */
        public Builder config(String pid, Map<String, String> properties) {
            configs.computeIfAbsent(pid, p -> new java.util.TreeMap<>()).putAll(properties);
            return this;
        }

        /**
         * Copies a bundle into the node's {@code deploy/} before it starts.
         *
         * @param jar the bundle
         * @return this builder
         */
        public Builder deploy(File jar) {
            deploy.add(jar);
            return this;
        }

        /**
         * Prepares the folder (a fresh one: what is in it is removed) and starts the node.
         *
         * @return the running node
         * @throws IOException if the folder cannot be prepared or the process not started
         */
        public NodeProcess start() throws IOException {
            NodeProcess node = prepare();
            node.start();
            return node;
        }

        /**
         * Prepares the node's folder (configuration and deployed jars, as {@link #start()} does) without
         * starting it: {@link NodeProcess#start()} starts it later, for example to join a running cluster.
         *
         * @return the node, not running
         * @throws IOException if the folder cannot be prepared
         */
        public NodeProcess prepare() throws IOException {
            NodeLaunch.prepare(home, base, configs, deploy);
            return new NodeProcess(this);
        }
    }

    /**
     * Returns the node's id.
     *
     * @return the id
     */
    public String nodeId() {
        return nodeId;
    }

    /**
     * Returns the node's folder.
     *
     * @return the folder
     */
    public Path base() {
        return base;
    }

    /**
     * Returns the port of the node's HTTP server (web console, {@code /metrics}, {@code /system/health}).
     *
     * @return the port on 127.0.0.1, or -1 if the node runs without them
     */
    public int consolePort() {
        return consolePort;
    }

    /**
     * Returns the address of the node's HTTP server.
     *
     * @return for example {@code http://127.0.0.1:34567}
     * @throws IllegalStateException if the node runs without its console
     */
    public String httpUrl() {
        if (consolePort < 0) {
            throw new IllegalStateException("node " + nodeId + " runs without its console: NodeProcess.Builder.console(true) turns it on");
        }
        return "http://127.0.0.1:" + consolePort;
    }

    /**
     * Returns the node's {@code deploy/} folder, which File Install watches.
     *
     * @return the folder
     */
    public Path deployDir() {
        return base.resolve("deploy");
    }

    /**
     * Returns the node's {@code data/} folder.
     *
     * @return the folder
     */
    public Path dataDir() {
        return base.resolve("data");
    }

    /**
     * Returns the node's process id.
     *
     * @return the pid
     * @throws IllegalStateException if it never started
     */
    public synchronized long pid() {
        if (process == null) {
            throw new IllegalStateException("node " + nodeId + " has not started");
        }
        return process.pid();
    }

    /**
     * Copies a bundle into the node's {@code deploy/} folder, atomically, for File Install.
     *
     * @param jar the bundle
     * @return where it went
     * @throws IOException if the copy fails
     */
    public Path deploy(Path jar) throws IOException {
        Path target = deployDir().resolve(jar.getFileName());
        Path tmp = deployDir().resolve("." + jar.getFileName() + ".tmp");
        Files.createDirectories(deployDir());
        Files.copy(jar, tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return target;
    }

    /**
     * Starts the node again in its folder after {@link #kill()} or {@link #stop()}.
     *
     * @return this node
     * @throws IOException if the process cannot be started
     */
    public NodeProcess restart() throws IOException {
        start();
        return this;
    }

    /**
     * Starts (or starts again, after {@link #kill()} or {@link #stop()}) the node in its folder,
     * keeping what the folder holds.
     *
     * @throws IOException if the process cannot be started
     */
    public synchronized void start() throws IOException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("node " + nodeId + " is running");
        }
        ProcessBuilder pb = NodeLaunch.process(home, base, nodeId, jvmOptions);
        shell.clear();
        paused = false;
        process = pb.start();
        stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        shell.follow(process, base.resolve("data/console.log"));
    }

    /**
     * Waits until the node's shell answers.
     *
     * @param timeout how long to wait
     * @return this node
     * @throws IllegalStateException if it does not in time or the process ends
     */
    public NodeProcess awaitReady(Duration timeout) {
        execute("echo ready", timeout);
        return this;
    }

    /**
     * Runs a shell command on the node and returns what it printed.
     *
     * @param command the command line
     * @param timeout how long to wait for it
     * @return the printed lines, joined by newlines
     * @throws IllegalStateException if it does not finish in time or the node is not running
     */
    public String execute(String command, Duration timeout) {
        String marker = NodeShell.marker();
        int from = shell.size();
        Process p;
        try {
            synchronized (this) {
                if (process == null || !process.isAlive()) {
                    throw new IllegalStateException("node " + nodeId + " is not running");
                }
                stdin.write(command + "\necho " + marker + "\n");
                stdin.flush();
                p = process;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to node " + nodeId, e);
        }
        return shell.await(p, command, marker, from, timeout);
    }

    /**
     * Runs a shell command that must not fail.
     *
     * @param command the command line
     * @return what it printed
     * @throws IllegalStateException if the shell reports an error ({@code gogo: ...})
     */
    public String executeOk(String command) {
        return executeOk(command, Duration.ofMinutes(1));
    }

    /**
     * Runs a shell command that must not fail, waiting up to a timeout.
     *
     * @param command the command line
     * @param timeout how long to wait for it
     * @return what it printed
     * @throws IllegalStateException if the shell reports an error ({@code gogo: ...}) or it does not finish
     */
    public String executeOk(String command, Duration timeout) {
        String out = execute(command, timeout);
        if (out.contains("gogo: ")) {
            throw new IllegalStateException("'" + command + "' failed on node " + nodeId + ": " + out);
        }
        return out;
    }

    /**
     * Runs a command whose result is a map (the shell prints one {@code key   value} line an entry,
     * as {@code fos:stat} and {@code fos:transport} do) and reads the map back.
     *
     * @param command the command line
     * @param timeout how long to wait for it
     * @return the entries, values as printed
     * @throws AssertionError if the command fails
     */
    public Map<String, String> executeMap(String command, Duration timeout) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : executeOk(command, timeout).split("\n")) {
            Matcher m = MAP_ENTRY.matcher(line.strip());
            if (m.matches()) {
                out.put(m.group(1), m.group(2).strip());
            }
        }
        return out;
    }

    /**
     * Waits until this node's name cache lists a given number of members of a name, as
     * {@code fos:names} shows them (a fleet starting, or a dead node's members leaving).
     *
     * @param name the name, such as {@code /sys/kv}
     * @param members how many members to wait for
     * @param timeout how long to wait at most
     * @throws org.awaitility.core.ConditionTimeoutException if the count is not reached in time
     */
    public void awaitNameMembers(String name, int members, Duration timeout) {
        String entry = "NameEntry[name=" + name + ",";
        Awaitility.await(nodeId + " to see " + members + " members of " + name).atMost(timeout)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> execute("fos:names " + name, timeout).split(Pattern.quote(entry), -1).length - 1 == members);
    }

    /**
     * Returns everything the node printed since it last started.
     *
     * @return the lines
     */
    public List<String> output() {
        return shell.lines();
    }

    /**
     * Freezes the node with SIGSTOP: it runs no code, answers nothing and keeps every connection
     * and ZooKeeper session until they time out on the other side (a long GC pause, a VM stopped).
     * Its shell answers again after {@link #resume()}.
     *
     * @throws IllegalStateException if it does not run, or is paused already
     * @throws IOException if the signal cannot be sent
     * @throws InterruptedException if interrupted while sending it
     */
    public synchronized void pause() throws IOException, InterruptedException {
        if (process == null || !process.isAlive()) {
            throw new IllegalStateException("node " + nodeId + " is not running");
        }
        if (paused) {
            throw new IllegalStateException("node " + nodeId + " is paused already");
        }
        signal("STOP");
        paused = true;
    }

    /**
     * Lets a node frozen by {@link #pause()} run on (SIGCONT).
     *
     * @throws IllegalStateException if it is not paused
     * @throws IOException if the signal cannot be sent
     * @throws InterruptedException if interrupted while sending it
     */
    public synchronized void resume() throws IOException, InterruptedException {
        if (!paused) {
            throw new IllegalStateException("node " + nodeId + " is not paused");
        }
        signal("CONT");
        paused = false;
    }

    /**
     * Tells whether the node is frozen by {@link #pause()}.
     *
     * @return true between pause and resume
     */
    public synchronized boolean isPaused() {
        return paused && process != null && process.isAlive();
    }

    private void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).redirectErrorStream(true).start();
        String out = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!kill.waitFor(30, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IOException("kill -" + name + " " + process.pid() + " (node " + nodeId + ") failed: " + out);
        }
    }

    /**
     * Kills the node with SIGKILL and waits until it is gone.
     *
     * @return its exit status (137 after SIGKILL), or -1 if it never started
     * @throws InterruptedException if interrupted while waiting
     */
    public synchronized int kill() throws InterruptedException {
        if (process == null) {
            return -1;
        }
        process.destroyForcibly();
        process.waitFor(1, TimeUnit.MINUTES);
        paused = false;
        return process.exitValue();
    }

    /**
     * Stops the node with {@code felix:stop 0} (the scope is named: a deployed bundle may have a
     * {@code stop} command of its own) and waits for it to exit; SIGKILL after the timeout. A paused
     * node is resumed first. The folder stays: {@link #start()} starts the node again from it.
     *
     * @param timeout how long it may take
     * @return its exit status
     * @throws InterruptedException if interrupted while waiting
     */
    public synchronized int stop(Duration timeout) throws InterruptedException {
        if (process == null || !process.isAlive()) {
            return process == null ? 0 : process.exitValue();
        }
        if (paused) {
            try {
                resume();
            } catch (IOException e) {
                process.destroyForcibly(); // cannot be woken: SIGKILL reaches a stopped process too
            }
        }
        try {
            stdin.write("felix:stop 0\n");
            stdin.flush();
        } catch (IOException e) {
            // it is going already
        }
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            process.waitFor(1, TimeUnit.MINUTES);
        }
        return process.exitValue();
    }

    /**
     * Stops the node, waiting up to a minute (see {@link #stop(Duration)}).
     *
     * @return its exit status
     * @throws InterruptedException if interrupted while waiting
     */
    public int stop() throws InterruptedException {
        return stop(Duration.ofMinutes(1));
    }

    /**
     * Tells whether the process runs.
     *
     * @return true while it runs
     */
    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Stops the node (see {@link #stop()}). */
    @Override
    public void close() {
        try {
            stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            synchronized (this) {
                if (process != null) {
                    process.destroyForcibly();
                }
            }
        }
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (var walk = Files.walk(p)) {
            for (Path x : (Iterable<Path>) walk.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.delete(x);
            }
        }
    }
}
