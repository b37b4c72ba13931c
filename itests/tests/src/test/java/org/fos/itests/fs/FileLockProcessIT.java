package org.fos.itests.fs;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;
import org.fos.client.FosClient;
import org.fos.kernel.api.Capability;
import org.fos.kv.api.KeyValue;
import org.fos.naming.api.NameService;
import org.fos.rpc.api.CallOptions;
import org.fos.rpc.api.FleetException;
import org.fos.testkit.NodeProcess;
import org.fos.testkit.faults.FaultyNetwork;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * File locks and leases across client JVMs (ADRs 0044 and 0045) on a node process whose file system
 * has a 3 s lock lease: two plain-JVM clients (two holders) conflict; a client JVM killed with SIGKILL
 * while it holds a lock loses it within the lease, so that a waiting {@code lock} of another client
 * gets it; a plain-JVM client caches lookups and attributes under the members' leases (20 s here); a
 * node restart forgets leases and locks, and the restarted members wait both out: no cache answers
 * a state a returned change replaced, and no client gets a range before its old holder knows it lost it.
 */
public class FileLockProcessIT {
    private static final Duration START = Duration.ofMinutes(5);
    private static final long LEASE_MILLIS = 3_000;
    /** The lease on what clients cache: longer than a node restart takes, so that a restarted member must wait it out. */
    private static final long CACHE_LEASE_MILLIS = 20_000;

    private static NodeProcess node;
    private static Path ticket;

    @BeforeClass
    public static void startNode() throws IOException {
        // a fixed port: the clients connected before the restart dial the same endpoint again
        Path base = Paths.get("target/file-lock-node").toAbsolutePath();
        node = NodeProcess.builder("locks-1").base(base).jvmOption("-Xmx256m")
                .config("org.fos.transport.tcp", Map.of("host", "127.0.0.1", "port", Integer.toString(FaultyNetwork.freePort()),
                        "clientTicket", base.resolve("data/client.ticket").toString()))
                .config("org.fos.fs-root", Map.of("fos.fleet.name", "/sys/fs", "device", "disk0", "fos.fleet.members", "2", "groups", "4",
                        "format", "true", "lockLeaseMillis", Long.toString(LEASE_MILLIS), "leaseMillis", Long.toString(CACHE_LEASE_MILLIS)))
                .start();
        node.awaitReady(START);
        ticket = node.dataDir().resolve("client.ticket");
        Awaitility.await("the node's client ticket").atMost(START).until(() -> Files.exists(ticket));
        // each test's folder is made now, so that no test changes the root: the client JVM killed by one test holds
        // leases on what it walked until they end, and a change to the root would wait for it (a dead client
        // delays a change by up to one cache lease, 20 s here), a wait that belongs to no test
        try (FosClient setup = FosClient.connect(ticket)) {
            for (String folder : List.of("/locks", "/killed", "/leases", "/restart")) {
                Files.createDirectories(setup.fileSystem().getPath(folder));
            }
        }
    }

    @AfterClass
    public static void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    private static FileChannel open(FosClient client, String path) throws IOException {
        return FileChannel.open(client.fileSystem().getPath(path), StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    @Test
    public void twoClientsConflictAndAWaitingLockGetsTheRangeOnceReleased() throws Exception {
        try (FosClient a = FosClient.connect(ticket); FosClient b = FosClient.connect(ticket)) {
            Files.createDirectories(a.fileSystem().getPath("/locks"));
            Files.writeString(a.fileSystem().getPath("/locks/two.txt"), "x".repeat(100));
            try (FileChannel ca = open(a, "/locks/two.txt"); FileChannel cb = open(b, "/locks/two.txt")) {
                FileLock held = ca.lock(0, 50, false);
                assertNull("b's overlapping tryLock", cb.tryLock(40, 20, true));
                FileLock beside = cb.tryLock(50, 50, false);
                assertNotNull("b's lock beside a's", beside);
                beside.release();
                CompletableFuture<FileLock> waiting = CompletableFuture.supplyAsync(() -> {
                    try {
                        return cb.lock(0, 100, false);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
                for (int i = 0; i < 5; i++) {
                    assertTrue(held.isValid());
                    assertEquals("a still reads the file", 100, ca.size()); // a round trip to the member each time
                    assertFalse("b's lock waits while a holds the range", waiting.isDone());
                }
                held.release();
                FileLock got = waiting.get(1, TimeUnit.MINUTES);
                assertTrue(got.isValid());
                assertNull("now a is kept out", ca.tryLock(0, 1, true));
            }
        }
    }

    @Test
    public void aClientJvmKilledWithSigkillLosesItsLockWithinTheLease() throws Exception {
        try (FosClient a = FosClient.connect(ticket)) {
            Files.writeString(a.fileSystem().getPath("/killed/killed.txt"), "y".repeat(100));
            Path log = Files.createTempFile("lock-holder", ".log");
            Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m", "-cp",
                    System.getProperty("java.class.path"), LockHolder.class.getName(), ticket.toString(), "/killed/killed.txt", "10", "20")
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try (FileChannel ch = open(a, "/killed/killed.txt")) {
                Awaitility.await("the holder JVM takes its lock").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(50))
                        .until(() -> {
                            String said = Files.readString(log);
                            if (!holder.isAlive()) {
                                throw new AssertionError("the holder JVM ended with " + holder.exitValue() + ": " + said);
                            }
                            return said.contains("LOCKED");
                        });
                assertNull("the other JVM's lock keeps this one out", ch.tryLock(0, 15, false));

                // while it lives, it renews: two leases later it still holds the range
                long since = System.nanoTime();
                Awaitility.await("two leases with the holder alive").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(100))
                        .until(() -> {
                            assertNull(ch.tryLock(25, 1, true));
                            return System.nanoTime() - since > TimeUnit.MILLISECONDS.toNanos(2 * LEASE_MILLIS);
                        });

                long pid = holder.pid();
                holder.destroyForcibly(); // SIGKILL: no close, no release
                assertTrue(holder.waitFor(1, TimeUnit.MINUTES));
                assertEquals("killed by SIGKILL", 128 + 9, holder.exitValue());
                long killed = System.nanoTime();
                FileLock got = ch.lock(0, 100, false);
                long freedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
                System.out.println("FileLockProcessIT: the lock of client JVM " + pid + " was freed " + freedMillis
                        + " ms after its kill -9 (lease " + LEASE_MILLIS + " ms)");
                assertTrue("freed after " + freedMillis + " ms", freedMillis <= LEASE_MILLIS + 3_000);
                assertTrue(got.isValid());
            } finally {
                holder.destroyForcibly();
                Files.deleteIfExists(log);
            }
        }
        assertTrue(node.executeOk("fs:fsck", Duration.ofMinutes(1)).contains("clean=true"));
    }

    /** Messages the node's /sys/fs members took out of their mailboxes so far: the calls a client's cache saves. */
    private static long memberCalls() {
        Matcher m = MEMBER_MAILBOX.matcher(node.executeOk("fos:mailboxes"));
        long n = 0;
        int found = 0;
        while (m.find()) {
            n += Long.parseLong(m.group(1));
            found++;
        }
        assertTrue("fos:mailboxes lists the members' mailboxes", found > 0);
        return n;
    }

    private static final Pattern MEMBER_MAILBOX = Pattern.compile("label=/sys/fs#[^,]*,[^\\]]*?received=(\\d+)");

    @Test
    public void aPlainJvmClientCachesUnderLeasesAndSeesAnotherClientsChangeOnceItReturned() throws Exception {
        try (FosClient a = FosClient.connect(ticket); FosClient b = FosClient.connect(ticket)) {
            Path fa = a.fileSystem().getPath("/leases/f.txt");
            Files.createDirectories(fa.getParent());
            Files.writeString(fa, "hello");
            Path fb = b.fileSystem().getPath("/leases/f.txt");
            assertEquals(5, Files.size(fa));
            long before = memberCalls();
            for (int i = 0; i < 50; i++) {
                assertEquals(5, Files.size(fa));
            }
            long calls = memberCalls() - before;
            // without a cache each size is a walk (50); the shell's own command and the node's watchers may add a few
            assertTrue("50 sizes answered from client a's cache, but the members took " + calls + " messages", calls < 10);

            Files.writeString(fb, "hello world");
            assertEquals("b's write has returned: a's next call sees it", 11, Files.size(fa));
            Files.move(fb, fb.resolveSibling("g.txt"));
            assertFalse("b's rename has returned", Files.exists(fa));
            assertEquals("hello world", Files.readString(fa.resolveSibling("g.txt")));
        }
    }

    @Test
    public void aNodeRestartForgetsLeasesAndLocksAndNeitherIsBrokenMeanwhile() throws Exception {
        // a follows the node's restart (ADR 0114), connecting again once the node wrote its new ticket; what a must
        // never do, before or after, is answer from its cache the size b's change replaced
        try (FosClient a = FosClient.builder(ticket).callTimeout(Duration.ofSeconds(5)).connect()) {
            Path fa = a.fileSystem().getPath("/restart/f.txt");
            Files.createDirectories(fa.getParent());
            Files.writeString(fa, "z".repeat(100));
            Capability formerKv = a.fleet(NameService.class, NameService.NAME).find(KeyValue.NAME).get(0).capability();
            try (FileChannel ca = open(a, "/restart/f.txt")) {
                FileLock held = ca.lock(0, 100, false);
                assertEquals(100, Files.size(fa)); // cached under a lease of 20 s
                node.kill(); // kill -9: the members forget their leases and locks
                node.restart();
                node.awaitReady(START);
                try (FosClient b = FosClient.connect(ticket)) {
                    try (FileChannel cb = open(b, "/restart/f.txt")) {
                        long since = System.nanoTime();
                        FileLock got = Awaitility.await("b's lock after the restart").atMost(Duration.ofMinutes(1))
                                .pollInterval(Duration.ofMillis(20)).until(() -> cb.tryLock(0, 100, false), java.util.Objects::nonNull);
                        boolean aBelieves = held.isValid();
                        System.out.println("FileLockProcessIT: after the restart b's lock was refused for "
                                + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since) + " ms (lock lease " + LEASE_MILLIS + " ms)");
                        assertFalse("a still believed it held the range when b was granted it", aBelieves);
                        assertTrue(got.isValid());
                        got.release();
                    }
                    long t0 = System.nanoTime();
                    Files.writeString(b.fileSystem().getPath("/restart/f.txt"), "short");
                    System.out.println("FileLockProcessIT: b's first change after the restart waited "
                            + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) + " ms (cache lease " + CACHE_LEASE_MILLIS + " ms)");
                    long seen;
                    try {
                        seen = Files.size(fa);
                    } catch (IOException notAnswered) {
                        seen = -1;
                    }
                    assertTrue("b's write has returned: a's cache, leased before the restart, answered the size before it", seen != 100);
                    assertTrue("a sees b's write, or its call is not answered", seen == 5 || seen == -1);
                    assertEquals("b sees its own write", 5, Files.size(b.fileSystem().getPath("/restart/f.txt")));
                }
            }
            Awaitility.await("a connected again with the node's new ticket").atMost(START).until(() -> a.reconnects() == 1);
            assertEquals("a, connected again, sees b's write", 5, Files.size(fa));
            assertNull(a.fleet(KeyValue.class, KeyValue.NAME).get("restart:probe"));
            // an address of the node's former incarnation: the node refuses what is sent to it and tells the caller so
            // (ADR 0098), so the call fails at once saying why instead of waiting out its 5 s timeout
            KeyValue former = a.libfos().proxy(KeyValue.class, formerKv, CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(5)));
            FleetException refused = org.junit.Assert.assertThrows(FleetException.class, () -> former.get("restart:probe"));
            assertTrue(refused.getMessage(), refused.getMessage().contains("was not delivered"));
            System.out.println("FileLockProcessIT: a call to the former incarnation's member: " + refused.getMessage());
        }
        assertTrue(node.executeOk("fs:fsck", Duration.ofMinutes(1)).contains("clean=true"));
    }
}
