package org.fos.itests.fs;

import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.awaitility.Awaitility;
import org.fos.testkit.FosOptions;
import org.fos.testkit.NodeProcess;
import org.junit.Test;

/**
 * Crash safety with real processes: a node from the distribution writes and fsyncs files (and
 * scribbles on others without syncing), is killed with SIGKILL in the middle of it, and starts
 * again: the check is clean and every fsynced file is there byte for byte. Several rounds in one
 * run, each verifying the files of all rounds before it.
 */
public class FileSystemCrashIT {
    private static final int ROUNDS = 4;
    private static final Duration START = Duration.ofMinutes(2);
    private static final Duration COMMAND = Duration.ofMinutes(2);

    @Test
    public void everyFsyncedFileSurvivesKillNine() throws Exception {
        Path base = Paths.get("target/crash-node").toAbsolutePath();
        deleteTree(base);
        Path workload = FosOptions.bundleFile("fos-itest-fs-workload").toPath();
        List<Path> logs = new ArrayList<>();
        try (NodeProcess node = NodeProcess.start("crash-1", base, "-Xmx256m")) {
            node.deploy(workload);
            awaitWorkload(node);
            for (int round = 1; round <= ROUNDS; round++) {
                Path log = base.resolve("fsynced-" + round + ".log");
                logs.add(log);
                node.executeOk("workload:start /crash/round-" + round + " " + log, COMMAND);
                int wanted = 10 + 5 * round;
                Awaitility.await("round " + round + ": " + wanted + " fsynced files").atMost(Duration.ofMinutes(2))
                        .pollInterval(Duration.ofMillis(20)).until(() -> lines(log) >= wanted);
                long killedAt = lines(log);
                int exit = node.kill();
                System.out.println("FileSystemCrashIT: round " + round + ": killed (exit " + exit + ") after " + killedAt
                        + " fsynced files");

                long t0 = System.nanoTime();
                node.restart();
                awaitWorkload(node);
                String fsck = node.executeOk("fs:fsck", COMMAND);
                long t1 = System.nanoTime();
                assertTrue("round " + round + ": fsck after the crash: " + fsck, fsck.contains("clean=true"));
                for (Path l : logs) {
                    String verified = node.executeOk("workload:verify " + l, COMMAND);
                    assertTrue(verified, verified.startsWith("verified "));
                    System.out.println("FileSystemCrashIT: round " + round + ": " + l.getFileName() + ": " + verified);
                }
                System.out.printf("FileSystemCrashIT: round %d: restart, recovery and fsck took %.0f ms%n", round, (t1 - t0) / 1e6);
            }
            assertTrue(node.stop(COMMAND) == 0 || !node.isAlive());
        }
    }

    /** Waits for the node and for the workload bundle File Install deploys into it. */
    private static void awaitWorkload(NodeProcess node) {
        node.awaitReady(START);
        Awaitility.await("the workload commands on " + node.nodeId()).atMost(START).pollInterval(Duration.ofMillis(200))
                .until(() -> !node.execute("help workload:verify", COMMAND).contains("CommandNotFoundException"));
    }

    private static long lines(Path log) throws IOException {
        if (!Files.exists(log)) {
            return 0;
        }
        return Files.readString(log).chars().filter(c -> c == '\n').count();
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (var s = Files.walk(p)) {
            for (Path x : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(x);
            }
        }
    }
}
