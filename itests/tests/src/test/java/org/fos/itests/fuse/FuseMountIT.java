package org.fos.itests.fuse;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.awaitility.Awaitility;
import org.fos.fuse.FosMount;
import org.fos.testkit.NodeProcess;
import org.junit.AfterClass;
import org.junit.Assume;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * Host programs on a FUSE mount of a node's file system ({@code bin/fos-mount}): POSIX semantics as
 * pjdfstest checks them (through coreutils and java.nio on the host: the kernel's system calls
 * reach fos through FUSE), an fsx run of 100,000 operations, git on a copy of the project's own
 * sources, eight threads at once, a second mount that a SIGTERM ends, and a mount made and ended from
 * the node's shell ({@code fs:mount}, {@code fs:umount}). Debian packages neither pjdfstest nor fsx; {@link PosixChecks} and {@link Fsx} are their
 * checks written here. Skipped, with the reason, where FUSE is not available.
 */
public class FuseMountIT {
    private static final Duration START = Duration.ofMinutes(2);
    private static final Duration COMMAND = Duration.ofMinutes(2);

    private static NodeProcess node;
    private static FuseMount mount;

    @BeforeClass
    public static void mount() throws Exception {
        String why = FosMount.unavailable();
        Assume.assumeTrue("skipped: " + why, why == null);
        Path base = Paths.get("target/fuse-node").toAbsolutePath();
        FuseMount.unmountStale(base.resolve("mnt"));
        // all of the JIT's tiers, not the C1 only of the suite's other nodes (ADR 0100): fsx's 100,000 operations keep this node
        // busy for over a minute, where C2's code pays for its compiling (fsx took 97 s with C1 only, 78 s without)
        node = NodeProcess.builder("fuse-1").base(base).jvmOption("-Xmx256m").jvmOption("-XX:TieredStopAtLevel=4").start();
        node.awaitReady(START);
        Path ticket = node.dataDir().resolve("client.ticket");
        org.awaitility.Awaitility.await("the node's client ticket").atMost(START).until(() -> Files.exists(ticket));
        mount = FuseMount.start(node, base.resolve("mnt"), START);
    }

    @AfterClass
    public static void unmount() throws Exception {
        try {
            if (mount != null) {
                mount.close();
                assertFalse("unmounted", FuseMount.mounted(mount.root()));
            }
        } finally {
            if (node != null) {
                node.close();
            }
        }
    }

    @Test
    public void posixSemanticsAsPjdfstestChecksThem() throws Exception {
        Path dir = Files.createDirectories(mount.root().resolve("posix"));
        List<String> passed = new PosixChecks(mount, dir).runAll();
        System.out.println("FuseMountIT: " + passed.size() + " POSIX checks passed: " + passed);
        assertTrue(fsck(), fsck().contains("clean=true"));
    }

    @Test
    public void fsxHundredThousandOperations() throws Exception {
        Path file = Files.createDirectories(mount.root().resolve("fsx")).resolve("fsx.data");
        long t0 = System.nanoTime();
        String summary = new Fsx(file, 16, 256 << 10, 16 << 10).run(100_000);
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("FuseMountIT: %s in %.1f s (%.0f a second)%n", summary, seconds, 100_000 / seconds);
        assertTrue(fsck(), fsck().contains("clean=true"));
    }

    @Test
    public void fsMountKeepsItsMountUntilFsUmount() throws Exception {
        Path at = Files.createDirectories(Paths.get("target/fuse-node/mnt-shell").toAbsolutePath());
        FuseMount.unmountStale(at);
        String made = node.executeOk("fs:mount " + at, COMMAND).trim();
        assertTrue(made, made.startsWith("mounted /sys/fs at " + at) && made.contains(", log "));
        Path log = Paths.get(made.substring(made.indexOf(", log ") + ", log ".length(), made.length() - 1));
        try {
            assertTrue("fos-mount's log " + log, Files.exists(log));
            // the mount outlives the command that made it (the shell gives the command's service back after
            // each command, which unmounted it while the component was a delayed one)
            String mounts = node.executeOk("fs:mounts", COMMAND);
            assertTrue(mounts, mounts.contains(at + " (process ") && !mounts.contains("ended"));
            Files.writeString(at.resolve("from-the-host.txt"), "written through fs:mount");
            assertEquals("written through fs:mount", node.executeOk("fs:cat /from-the-host.txt", COMMAND).trim());
            assertTrue("still mounted after two more commands", FuseMount.mounted(at));
            assertEquals("unmounted " + at, node.executeOk("fs:umount " + at, COMMAND).trim());
            assertFalse("fs:umount unmounted it", FuseMount.mounted(at));
            assertFalse("a mount that ended cleanly leaves no log: " + log, Files.exists(log));
        } finally {
            FuseMount.unmountStale(at);
        }
    }

    @Test
    public void gitCommitsTheProjectsSourcesOnTheMount() throws Exception {
        Path repo = Files.createDirectories(mount.root().resolve("git/repo"));
        Path sources = Paths.get("../../fleet-bundles/fs/src").toAbsolutePath().normalize();
        long t0 = System.nanoTime();
        int files = copyTree(sources, repo.resolve("src"));
        mount.run(repo, "git", "init", "-q");
        mount.run(repo, "git", "add", "-A");
        mount.run(repo, "git", "-c", "user.name=fos", "-c", "user.email=fos@localhost", "commit", "-q", "-m", "the file system's sources");
        String fsck = mount.run(repo, "git", "fsck", "--full", "--strict");
        String listed = mount.run(repo, "git", "ls-files");
        String status = mount.run(repo, "git", "status", "--porcelain");
        System.out.printf("FuseMountIT: git init, add and commit of %d files, and git fsck, in %.1f s%n", files,
                (System.nanoTime() - t0) / 1e9);
        assertFalse(fsck, fsck.contains("error") || fsck.contains("missing"));
        assertEquals(files, listed.lines().count());
        assertEquals("", status);
        mount.run(repo, "git", "checkout", "-q", "-b", "second");
        Files.writeString(repo.resolve("src/added.txt"), "a change\n");
        mount.run(repo, "git", "add", "src/added.txt");
        mount.run(repo, "git", "-c", "user.name=fos", "-c", "user.email=fos@localhost", "commit", "-q", "-m", "a change");
        assertEquals("2", mount.run(repo, "git", "rev-list", "--count", "HEAD").strip());
        assertTrue(fsck(), fsck().contains("clean=true"));
    }

    /**
     * Eight threads write and read files of their own at once (the mount serves requests on as many
     * threads as wait for it, ADR 0111); a second mount of the same node sees what they wrote, and a
     * SIGTERM to it unmounts it and ends it.
     */
    @Test
    public void concurrentCallersAreServedAndASigtermEndsASecondMount() throws Exception {
        Path dir = Files.createDirectories(mount.root().resolve("concurrent"));
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Path file = dir.resolve("f" + t);
                String who = "thread " + t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 100; i++) {
                        byte[] bytes = (who + " round " + i).getBytes(StandardCharsets.UTF_8);
                        Files.write(file, bytes);
                        assertArrayEquals(file + " after round " + i, bytes, Files.readAllBytes(file));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(5, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        Path at = Paths.get("target/fuse-node/mnt-second").toAbsolutePath();
        FuseMount.unmountStale(at);
        try (FuseMount second = FuseMount.start(node, at, START)) {
            for (int t = 0; t < threads; t++) {
                assertEquals("thread " + t + " round 99", text(second.root().resolve("concurrent/f" + t)));
            }
            long t0 = System.nanoTime();
            assertTrue("fos-mount ended after SIGTERM", second.terminate(COMMAND));
            System.out.printf("FuseMountIT: SIGTERM ended the second mount in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            assertFalse("the kernel no longer lists " + at, FuseMount.mounted(at));
        }
        assertTrue(fsck(), fsck().contains("clean=true"));
    }

    /**
     * The mount stays through a kill -9 of its node and a start (ADR 0114): the client it runs on reads the
     * node's new ticket and connects to its new run, and the mount serves reads and writes again.
     */
    @Test
    public void theMountServesAgainAfterItsNodeIsKilledAndStarted() throws Exception {
        Path before = mount.root().resolve("restart-before.txt");
        try (FileChannel channel = FileChannel.open(before, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            channel.write(ByteBuffer.wrap("written before the kill".getBytes(StandardCharsets.UTF_8)));
            channel.force(true);
        }
        Path ticket = node.dataDir().resolve("client.ticket");
        node.kill();
        Files.deleteIfExists(ticket); // a killed node leaves its ticket behind; the start writes a new one
        node.start();
        node.awaitReady(START);
        long serving = System.nanoTime();
        Path after = mount.root().resolve("restart-after.txt");
        Awaitility.await("the mount takes a write again").atMost(START).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> {
                    Files.writeString(after, "written after the start");
                    return true;
                });
        System.out.printf("FuseMountIT: the mount took a write %d ms after the node served again%n",
                (System.nanoTime() - serving) / 1_000_000);
        assertEquals("written after the start", node.executeOk("fs:cat /restart-after.txt", COMMAND).trim());
        assertEquals("written before the kill", text(before));
        Files.delete(before);
        Files.delete(after);
        assertTrue(fsck(), fsck().contains("clean=true"));
    }

    private static int copyTree(Path from, Path to) throws IOException {
        int[] files = {0};
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.write(target, Files.readAllBytes(p));
                    files[0]++;
                }
            }
        }
        return files[0];
    }

    private static String fsck() {
        return node.executeOk("fs:fsck", COMMAND);
    }

    static String text(Path p) throws IOException {
        return Files.readString(p, StandardCharsets.UTF_8);
    }
}
