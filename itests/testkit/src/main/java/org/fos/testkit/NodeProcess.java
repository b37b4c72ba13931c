package org.fos.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A fos node running as its own process, started from the distribution ({@code bin/fos}) on the
 * test's host, for tests that need real processes: crashes (kill -9), restarts, several nodes.
 *
 * <p>Each node has its own folder ({@code FOS_BASE}: {@code etc/}, {@code deploy/}, {@code data/}),
 * kept across {@link #restart()}, so a restarted node finds its data. Commands go to the node's
 * Gogo shell through its standard input; {@link #execute(String, Duration)} returns what the shell
 * printed for one command (it follows the command with an {@code echo} of a marker and reads up to
 * it). Standard output and error are also written to {@code data/stdout.log} and
 * {@code data/stderr.log} of the node's folder, appended across restarts.
 *
 * <pre>
 * try (NodeProcess node = NodeProcess.start("node-1", folder)) {
 *     node.awaitReady(Duration.ofMinutes(1));
 *     String out = node.executeOk("fs:ls /", Duration.ofSeconds(30));
 *     node.kill();                    // SIGKILL
 *     node.restart().awaitReady(Duration.ofMinutes(1));
 * }
 * </pre>
 *
 * Not thread-safe: one test thread drives a node.
 */
public final class NodeProcess implements AutoCloseable {

    /** System property naming the distribution folder (the one holding {@code bin/fos}). */
    public static final String DISTRIBUTION_DIR = "fos.distribution.dir";
    private static final String PROMPT = "g! ";

    private final Path distribution;
    private final String nodeId;
    private final Path base;
    private final List<String> javaOptions;
    private Process process;
    private Thread pump;
    private Thread errors;
    private OutputStream stdin;
    private final List<String> lines = new ArrayList<>();
    private int consumed;

    private NodeProcess(Path distribution, String nodeId, Path base, List<String> javaOptions) {
        this.distribution = distribution;
        this.nodeId = nodeId;
        this.base = base;
        this.javaOptions = List.copyOf(javaOptions);
    }

    /**
     * Returns the distribution named by {@value #DISTRIBUTION_DIR}.
     *
     * @return its folder
     * @throws IllegalStateException if the property is not set or the folder holds no {@code bin/fos}
     */
    public static Path distribution() {
        String dir = System.getProperty(DISTRIBUTION_DIR);
        if (dir == null) {
            throw new IllegalStateException("the system property " + DISTRIBUTION_DIR + " names no fos distribution");
        }
        Path p = Paths.get(dir).toAbsolutePath().normalize();
        if (!Files.isRegularFile(p.resolve("bin/fos"))) {
            throw new IllegalStateException("no bin/fos in " + p + ": build the distribution first");
        }
        return p;
    }

    /**
     * Starts a node from the distribution named by {@value #DISTRIBUTION_DIR}.
     *
     * @param nodeId the node's id ({@code -Dfos.node.id})
     * @param base the node's own folder; created if missing, kept as it is otherwise
     * @param javaOptions more JVM options, for example {@code -Xmx512m}
     * @return the running node
     * @throws IOException if the process cannot be started
     */
    public static NodeProcess start(String nodeId, Path base, String... javaOptions) throws IOException {
        return start(distribution(), nodeId, base, javaOptions);
    }

    /**
     * Starts a node from a given distribution.
     *
     * @param distribution the distribution's folder
     * @param nodeId the node's id
     * @param base the node's own folder
     * @param javaOptions more JVM options
     * @return the running node
     * @throws IOException if the process cannot be started
     */
    public static NodeProcess start(Path distribution, String nodeId, Path base, String... javaOptions) throws IOException {
        Objects.requireNonNull(nodeId, "nodeId");
        NodeProcess node = new NodeProcess(distribution, nodeId, base.toAbsolutePath().normalize(), List.of(javaOptions));
        node.launch();
        return node;
    }

    private void launch() throws IOException {
        Files.createDirectories(base.resolve("data"));
        List<String> opts = new ArrayList<>();
        opts.add("-Dfos.node.id=" + nodeId);
        opts.addAll(javaOptions);
        ProcessBuilder pb = new ProcessBuilder("sh", distribution.resolve("bin/fos").toString());
        pb.environment().put("FOS_BASE", base.toString());
        pb.environment().put("FOS_JAVA_OPTS", String.join(" ", opts));
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        process = pb.start();
        stdin = process.getOutputStream();
        synchronized (lines) {
            lines.clear();
            consumed = 0;
        }
        pump = reader(process.getInputStream(), base.resolve("data/stdout.log"), true);
        errors = reader(process.getErrorStream(), base.resolve("data/stderr.log"), false);
    }

    private Thread reader(InputStream in, Path log, boolean collect) {
        Thread t = new Thread(() -> {
            try (OutputStream copy = Files.newOutputStream(log, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
                StringBuilder line = new StringBuilder();
                byte[] buf = new byte[8192];
                int n;
                while ((n = in.read(buf)) >= 0) {
                    copy.write(buf, 0, n);
                    copy.flush();
                    if (!collect) {
                        continue;
                    }
                    String text = new String(buf, 0, n, StandardCharsets.UTF_8);
                    for (int i = 0; i < text.length(); i++) {
                        char c = text.charAt(i);
                        if (c == '\n') {
                            add(line.toString());
                            line.setLength(0);
                        } else if (c != '\r') {
                            line.append(c);
                        }
                    }
                }
                if (collect && line.length() > 0) {
                    add(line.toString());
                }
            } catch (IOException e) {
                // the process ended
            } finally {
                synchronized (lines) {
                    lines.notifyAll();
                }
            }
        }, "fos-node " + nodeId + (collect ? " stdout" : " stderr"));
        t.setDaemon(true);
        t.start();
        return t;
    }

    private void add(String line) {
        synchronized (lines) {
            lines.add(line);
            lines.notifyAll();
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
     * @return {@code FOS_BASE}
     */
    public Path base() {
        return base;
    }

    /**
     * Returns the folder File Install watches for bundles.
     *
     * @return {@code deploy/} of the node's folder
     */
    public Path deployDir() {
        return base.resolve("deploy");
    }

    /**
     * Returns the node's data folder.
     *
     * @return {@code data/} of the node's folder
     */
    public Path dataDir() {
        return base.resolve("data");
    }

    /**
     * Tells whether the process runs.
     *
     * @return true while it runs
     */
    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /**
     * Returns the process id.
     *
     * @return the pid
     */
    public long pid() {
        return process.pid();
    }

    /**
     * Waits until the node's shell answers, which it does once every bundle of the node started.
     *
     * @param timeout how long to wait
     * @return this node
     * @throws IllegalStateException if the node ended or did not answer in time
     */
    public NodeProcess awaitReady(Duration timeout) {
        execute("echo ready", timeout);
        return this;
    }

    /**
     * Runs one shell command and returns what the shell printed for it.
     *
     * @param command the command line, for example {@code fs:ls /}
     * @param timeout how long to wait for it
     * @return the printed lines, without the shell's prompts, joined by new lines
     * @throws IllegalStateException if the node ended or the command did not finish in time
     */
    public String execute(String command, Duration timeout) {
        if (command.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("one command a call, without new lines: " + command);
        }
        String marker = "fos-done-" + UUID.randomUUID();
        try {
            stdin.write((command + "\necho " + marker + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        } catch (IOException e) {
            throw new IllegalStateException("node " + nodeId + " does not take commands (it ended?): " + e.getMessage(), e);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        StringBuilder out = new StringBuilder();
        synchronized (lines) {
            while (true) {
                while (consumed < lines.size()) {
                    String line = lines.get(consumed++);
                    while (line.startsWith(PROMPT)) {
                        line = line.substring(PROMPT.length());
                    }
                    if (line.equals(marker)) {
                        return out.toString().strip();
                    }
                    out.append(line).append('\n');
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IllegalStateException("node " + nodeId + " did not finish '" + command + "' within " + timeout + "; printed: " + out);
                }
                if (!process.isAlive() && !pump.isAlive()) {
                    throw new IllegalStateException("node " + nodeId + " ended (exit " + process.exitValue() + ") during '" + command
                            + "'; printed: " + out);
                }
                try {
                    lines.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for '" + command + "'", e);
                }
            }
        }
    }

    /**
     * Runs a command that must succeed: Gogo prints a failure as {@code gogo: Exception: message}.
     *
     * @param command the command line
     * @param timeout how long to wait
     * @return what it printed
     * @throws AssertionError if it failed
     */
    public String executeOk(String command, Duration timeout) {
        String out = execute(command, timeout);
        if (out.startsWith("gogo: ") || out.contains("\ngogo: ")) {
            throw new AssertionError("'" + command + "' failed on node " + nodeId + ": " + out);
        }
        return out;
    }

    /**
     * Copies a bundle into the node's {@code deploy/} folder the way a user would, atomically.
     *
     * @param jar the bundle
     * @return the deployed file
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
     * Kills the process at once (SIGKILL): nothing in it gets to run, as in a crash.
     *
     * @return the exit status
     */
    public int kill() {
        process.destroyForcibly();
        return waitFor(Duration.ofMinutes(1));
    }

    /**
     * Stops the node through its shell ({@code felix:stop 0}, scoped so that no other {@code stop} command shadows it), killing it if it has not ended in time.
     *
     * @param timeout how long to wait
     * @return the exit status
     */
    public int stop(Duration timeout) {
        if (!isAlive()) {
            return process.exitValue();
        }
        try {
            stdin.write("felix:stop 0\n".getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        } catch (IOException e) {
            // it is ending already
        }
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return kill();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return kill();
        }
        return waitFor(Duration.ofSeconds(10));
    }

    private int waitFor(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("node " + nodeId + " (pid " + process.pid() + ") did not end within " + timeout);
            }
            pump.join(timeout.toMillis());
            errors.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return process.exitValue();
    }

    /**
     * Starts the node again with the same id, folder and options; it must have ended.
     *
     * @return this node, running again
     * @throws IOException if the process cannot be started
     */
    public NodeProcess restart() throws IOException {
        if (isAlive()) {
            throw new IllegalStateException("node " + nodeId + " still runs: stop or kill it first");
        }
        launch();
        return this;
    }

    /**
     * Returns everything the node printed on standard output since it last started.
     *
     * @return the lines
     */
    public String output() {
        synchronized (lines) {
            return String.join("\n", lines);
        }
    }

    /** Kills the node if it still runs. */
    @Override
    public void close() {
        if (isAlive()) {
            try {
                kill();
            } catch (RuntimeException e) {
                throw new UncheckedIOException(new IOException("node " + nodeId + " did not end", e));
            }
        }
    }
}
