package org.fos.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the shell of a {@link NodeProcess} printed, and the wait for a command's end: a reader
 * thread keeps each line the process prints (without the shell's {@code g! } prompts) and appends
 * it to the node's {@code data/console.log}; a command is followed by {@code echo <marker>}, and its
 * output is what the shell printed before the marker's line. Thread-safe: the lines are guarded by
 * one lock, which the reader notifies on each line and when the process ends.
 */
final class NodeShell {
    private static final AtomicLong MARKERS = new AtomicLong();

    private final String nodeId;
    private final Object lock = new Object();
    private final List<String> output = new ArrayList<>();

    NodeShell(String nodeId) {
        this.nodeId = nodeId;
    }

    /** Forgets what an earlier run of the node printed. */
    void clear() {
        synchronized (lock) {
            output.clear();
        }
    }

    /** Keeps what a process just started prints, read by a daemon thread, and appends it to a log. */
    void follow(Process p, Path log) {
        Thread reader = new Thread(() -> read(p, log), "fos-node-output-" + nodeId);
        reader.setDaemon(true);
        reader.start();
    }

    private void read(Process p, Path log) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                Writer w = Files.newBufferedWriter(log, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            for (String line; (line = r.readLine()) != null;) {
                w.write(line);
                w.write('\n');
                w.flush();
                String clean = line;
                while (clean.startsWith("g! ")) {
                    clean = clean.substring(3);
                }
                synchronized (lock) {
                    output.add(clean);
                    lock.notifyAll();
                }
            }
        } catch (IOException e) {
            // the process ended
        }
        synchronized (lock) {
            lock.notifyAll();
        }
    }

    /** A marker no other command of this JVM echoes. */
    static String marker() {
        return "fos-marker-" + MARKERS.incrementAndGet();
    }

    /** How many lines the node printed so far: the output of a command written now starts there. */
    int size() {
        synchronized (lock) {
            return output.size();
        }
    }

    /**
     * Waits for the marker's line at or after line {@code from} and returns the lines before it.
     *
     * @throws IllegalStateException if the marker does not come in time, the process ends first or
     *         the thread is interrupted
     */
    String await(Process process, String command, String marker, int from, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (true) {
                for (int i = from; i < output.size(); i++) {
                    if (output.get(i).equals(marker)) {
                        return String.join("\n", output.subList(from, i)).strip();
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || !process.isAlive()) {
                    throw new IllegalStateException("node " + nodeId + " did not finish '" + command + "' within " + timeout
                            + (process.isAlive() ? "" : " (it exited with " + process.exitValue() + ")") + "; it printed: "
                            + String.join("\n", output.subList(from, output.size())));
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            }
        }
    }

    /** Everything the node printed since it last started. */
    List<String> lines() {
        synchronized (lock) {
            return List.copyOf(output);
        }
    }
}
