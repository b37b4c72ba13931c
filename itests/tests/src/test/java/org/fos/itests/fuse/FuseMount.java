package org.fos.itests.fuse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.fos.testkit.NodeProcess;

/** A {@code bin/fos-mount} process of the distribution, mounting a node's file system at a folder. */
final class FuseMount implements AutoCloseable {
    private final Path at;
    private final Process process;
    private final Path log;

    private FuseMount(Path at, Process process, Path log) {
        this.at = at;
        this.process = process;
        this.log = log;
    }

    /** Mounts and waits until the kernel lists the mount. */
    static FuseMount start(NodeProcess node, Path at, Duration within) throws IOException {
        Files.createDirectories(at);
        Path log = Files.createTempFile("fos-mount", ".log");
        Path script = NodeProcess.distribution().resolve("bin/fos-mount");
        Process p = new ProcessBuilder(script.toString(), node.dataDir().resolve("client.ticket").toString(), at.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        FuseMount m = new FuseMount(at, p, log);
        Awaitility.await("the kernel lists " + at + " as mounted").atMost(within).pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    if (!p.isAlive()) {
                        throw new IllegalStateException("fos-mount ended with " + p.exitValue() + ": " + m.output());
                    }
                    return mounted(at);
                });
        return m;
    }

    /** Unmounts (lazily) what a run that died left mounted at a folder, so that the folder can be used again. */
    static void unmountStale(Path at) throws IOException, InterruptedException {
        for (String line : Files.readAllLines(Path.of("/proc/self/mounts"), StandardCharsets.UTF_8)) {
            String[] f = line.split(" ");
            if (f.length > 2 && f[1].equals(at.toString())) {
                new ProcessBuilder("fusermount", "-u", "-z", at.toString()).redirectErrorStream(true).start().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    static boolean mounted(Path at) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/mounts"), StandardCharsets.UTF_8)) {
            String[] f = line.split(" ");
            if (f.length > 2 && f[1].equals(at.toString())) {
                return f[2].equals("fuse.fos");
            }
        }
        return false;
    }

    Path root() {
        return at;
    }

    String output() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    /** Runs a command in the mount (or a folder of it) and answers its output; fails if it exits non-zero. */
    String run(Path dir, String... command) throws IOException, InterruptedException {
        return run(dir, 0, command);
    }

    String run(Path dir, int expectedExit, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not end within 10 minutes: " + out);
        }
        if (expectedExit >= 0 && p.exitValue() != expectedExit) {
            throw new AssertionError(String.join(" ", command) + " exited " + p.exitValue() + " (expected " + expectedExit + "): " + out);
        }
        return out;
    }

    /** Runs {@code fusermount -u}: null if it unmounted, else what it said. */
    private String unmount() throws IOException, InterruptedException {
        Process u = new ProcessBuilder("fusermount", "-u", at.toString()).redirectErrorStream(true).start();
        String said = new String(u.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        return u.waitFor(30, TimeUnit.SECONDS) && u.exitValue() == 0 ? null : said;
    }

    /** Sends SIGTERM to fos-mount (as {@code fs:umount} does when fusermount fails) and answers whether it ended in time. */
    boolean terminate(Duration within) throws InterruptedException {
        process.destroy();
        return process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() throws IOException {
        if (!process.isAlive() && !mounted(at)) {
            Files.deleteIfExists(log);
            return;
        }
        try {
            String said = unmount();
            if (said != null) {
                // a mapping of a file on the mount (fsx maps regions of its file) keeps the mount busy, and its FUSE
                // connection open after a lazy unmount, until its buffer is collected: collect, and try again
                long t0 = System.nanoTime();
                try {
                    Awaitility.await("fusermount -u " + at + " once the mappings are collected").atMost(Duration.ofSeconds(30))
                            .pollInterval(Duration.ofMillis(200)).until(() -> {
                                System.gc();
                                return unmount() == null;
                            });
                    System.out.println("FuseMount: fusermount -u " + at + " said: " + said + "; it unmounted "
                            + (System.nanoTime() - t0) / 1_000_000 + " ms later, the mappings collected");
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    System.out.println("FuseMount: fusermount -u " + at + " said: " + said + "; unmounting lazily");
                    new ProcessBuilder("fusermount", "-u", "-z", at.toString()).redirectErrorStream(true).start().waitFor(30, TimeUnit.SECONDS);
                }
            }
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        Files.deleteIfExists(log);
    }
}
