package org.fos.benchmarks;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;

import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

/**
 * A second JVM for the cross-process benchmark ({@link ShmPeer} in it), and what both sides share:
 * node ids, the Aeron stream, the media driver set-up and the idle strategy of the raw ping-pong,
 * which is the shared-memory transport's own (spin, yield, then park up to 1 ms).
 */
final class CrossProcess implements AutoCloseable {

    /** The benchmark's node, the caller. */
    static final String A = "node-a";
    /** The other process's node, the member. */
    static final String B = "node-b";
    /** The Aeron stream of the raw ping-pong. */
    static final int STREAM = 1001;

    private final Process process;
    private final BufferedReader out;
    private final Writer in;

    /**
     * Starts {@link ShmPeer} in a JVM of its own, on this JVM's class path, and waits for its READY line.
     *
     * @param args the peer's arguments
     */
    CrossProcess(String... args) {
        this(ShmPeer.class, args);
    }

    /**
     * Starts a main class of the benchmarks in a JVM of its own, on this JVM's class path and with
     * its heap settings (so that a fork's peer runs on a heap as fixed and pre-touched as the fork's,
     * ADR 0108); its standard error goes to this JVM's, its output is read by {@link #ready()}. The
     * environment variable {@code FOS_PEER_JVM_ARGS}, if set, adds JVM options to the peer's, split at
     * white space: a profiler's agent, for example (ADR 0119).
     *
     * @param main the class whose {@code main} runs
     * @param args its arguments
     */
    CrossProcess(Class<?> main, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"));
        command.addAll(heapOptions(ManagementFactory.getRuntimeMXBean().getInputArguments()));
        String extra = System.getenv("FOS_PEER_JVM_ARGS");
        if (extra != null && !extra.isBlank()) {
            command.addAll(List.of(extra.trim().split("\\s+")));
        }
        command.add(main.getName());
        command.addAll(List.of(args));
        try {
            process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the peer process", e);
        }
        out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    }

    /**
     * Picks the heap settings out of a JVM's options: its initial and maximum size and whether its
     * pages are touched at start.
     *
     * @param jvmOptions the options, as {@code RuntimeMXBean.getInputArguments} gives them
     * @return those of them that set the heap, in their order
     */
    static List<String> heapOptions(List<String> jvmOptions) {
        return jvmOptions.stream()
                .filter(o -> o.startsWith("-Xms") || o.startsWith("-Xmx") || o.equals("-XX:+AlwaysPreTouch"))
                .toList();
    }

    /**
     * Reads the peer's READY line.
     *
     * @return its words after READY
     */
    String[] ready() {
        try {
            for (String line; (line = out.readLine()) != null;) {
                if (line.startsWith("READY ")) {
                    return line.substring(6).split(" ");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("the peer process did not say READY", e);
        }
        throw new IllegalStateException("the peer process ended before it was ready");
    }

    /**
     * Tells the peer a line.
     *
     * @param line the line
     */
    void tell(String line) {
        try {
            in.write(line + "\n");
            in.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot talk to the peer process", e);
        }
    }

    /** Ends the peer: closes its input and waits for it, then kills it. */
    @Override
    public void close() {
        try {
            in.close();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /**
     * Launches a media driver as the shared-memory transport does (one shared thread, backing off).
     *
     * @param dir its directory
     * @return the driver
     */
    static MediaDriver launchDriver(Path dir) {
        return MediaDriver.launch(new MediaDriver.Context().aeronDirectoryName(dir.toString()).dirDeleteOnStart(true)
                .dirDeleteOnShutdown(true).threadingMode(ThreadingMode.SHARED)
                .sharedIdleStrategy(new BackoffIdleStrategy(1, 1, TimeUnit.MICROSECONDS.toNanos(10), TimeUnit.MILLISECONDS.toNanos(1))));
    }

    /**
     * The waiting of the raw ping-pong's two sides: the shared-memory transport's reading thread's defaults.
     *
     * @return a new idle strategy
     */
    static IdleStrategy idle() {
        return new BackoffIdleStrategy(2_000, 100, 1_000, 1_000_000);
    }

    /**
     * A fresh folder for media drivers and the secret, under /dev/shm where there is one.
     *
     * @return the folder
     */
    static Path folder() {
        File shm = new File("/dev/shm");
        Path root = shm.isDirectory() ? shm.toPath() : Path.of(System.getProperty("java.io.tmpdir"));
        return root.resolve("fos-bench-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
    }
}
